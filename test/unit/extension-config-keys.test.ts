import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelKeysOf } from '../../src/extension/adapters/configKeys';

test('the keys under levels are found at their 0-based line and character', () => {
  const text = ['# comment', 'profiles: [opentok]', 'levels:', '  udp-media-range: recommended', '  "vonage-domains": off', 'minLevel: best', ''].join('\n');
  assert.deepEqual([...levelKeysOf(text)], [
    ['udp-media-range', { line: 3, character: 2 }],
    ['vonage-domains', { line: 4, character: 2 }],
  ]);
});

test('no levels, levels that are not a map, or text that is not YAML give no keys', () => {
  assert.equal(levelKeysOf('profiles: [opentok]\n').size, 0);
  assert.equal(levelKeysOf('levels: [a, b]\n').size, 0);
  assert.equal(levelKeysOf('levels: {\n').size, 0);
  assert.equal(levelKeysOf('').size, 0);
});
