import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ignoredBy, inSkippedDir } from '../../src/extension/adapters/scanFilter';

test('ignore globs are relative to the folder of the configuration', () => {
  const ignored = ignoredBy(['ignored/**', '*.bak', 'vendor'], '/ws/project');
  assert.equal(ignored('/ws/project/ignored/legacy.rules'), true);
  assert.equal(ignored('/ws/project/ignored/deep/x.rules'), true);
  assert.equal(ignored('/ws/project/firewall/egress.rules'), false);
  assert.equal(ignored('/ws/project/old.bak'), true);
  assert.equal(ignored('/ws/project/vendor/a/b.rules'), true, 'a glob naming a folder ignores its content');
  assert.equal(ignored('/ws/other/ignored/legacy.rules'), false, 'outside the configuration folder');
  assert.equal(ignoredBy([], '/ws')('/ws/a'), false);
});

test('dependency and VCS folders are never scanned', () => {
  assert.equal(inSkippedDir('/ws/node_modules/pkg/rules'), true);
  assert.equal(inSkippedDir('/ws/.git/config'), true);
  assert.equal(inSkippedDir('/ws/firewall/node_modules.rules'), false);
});
