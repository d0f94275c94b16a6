import assert from 'node:assert/strict';
import { test } from 'node:test';
import { range } from '../../src/core/model/source';
import { linesOf, rangeContains, toEditorRange } from '../../src/extension/adapters/positions';

const text = 'first\nsecond line\r\n\nlast';

test('core ranges become 0-based editor ranges with the end column exclusive', () => {
  assert.deepEqual(toEditorRange(range(2, 1, 2, 7), linesOf(text)), { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 6 });
});

test('columns past the end of a line clamp to its length, without the CR of CRLF', () => {
  assert.deepEqual(toEditorRange(range(2, 3, 2, 99), linesOf(text)), { startLine: 1, startCharacter: 2, endLine: 1, endCharacter: 11 });
});

test('lines past the end clamp to the last line, and line 0 or column 0 to the start', () => {
  assert.deepEqual(toEditorRange(range(9, 1, 12, 5), linesOf(text)), { startLine: 3, startCharacter: 0, endLine: 3, endCharacter: 4 });
  assert.deepEqual(toEditorRange(range(0, 0, 1, 3), linesOf(text)), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 2 });
});

test('an end before the start collapses to the start', () => {
  assert.deepEqual(toEditorRange(range(2, 5, 1, 1), linesOf(text)), { startLine: 1, startCharacter: 4, endLine: 1, endCharacter: 4 });
});

test('an empty text gives an empty range at the origin', () => {
  assert.deepEqual(toEditorRange(range(3, 3, 4, 4), linesOf('')), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 });
});

test('rangeContains takes 0-based positions and includes both ends', () => {
  const r = range(2, 3, 4, 5);
  assert.equal(rangeContains(r, 1, 2), true);
  assert.equal(rangeContains(r, 1, 1), false);
  assert.equal(rangeContains(r, 2, 0), true);
  assert.equal(rangeContains(r, 3, 4), true);
  assert.equal(rangeContains(r, 3, 5), false);
  assert.equal(rangeContains(r, 4, 0), false);
});
