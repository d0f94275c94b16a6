import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import type { TextEdit } from '../../src/core/model/finding';
import { range } from '../../src/core/model/source';
import { combineFixes, preferredFix, suppressionEdit, validateReason } from '../../src/extension/adapters/edits';
import { repoPath } from '../support/shared';

const config: ReadinessConfig = { ...DEFAULT_CONFIG, minLevel: 'best' };
const path = 'hospital-egress.rules';
const text = readFileSync(repoPath('examples/hospital-egress.rules'), 'utf8');

function apply(t: string, edits: readonly TextEdit[]): string {
  const lines = t.split('\n');
  const offset = (l: number, c: number) => lines.slice(0, l - 1).reduce((n, x) => n + x.length + 1, 0) + c - 1;
  let out = t;
  for (const e of [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.column) - offset(a.range.start.line, a.range.start.column))) {
    out = out.slice(0, offset(e.range.start.line, e.range.start.column)) + e.newText + out.slice(offset(e.range.end.line, e.range.end.column));
  }
  return out;
}

const open = (t: string) => lintText({ path, text: t }, config).findings.filter((f) => f.verdict && f.verdict !== 'met' && !f.suppressed);

test('fix-all applies every preferred fix at once and the fixed requirements are met', () => {
  const before = open(text);
  const fixable = before.filter((f) => f.fixes?.length);
  assert.deepEqual(fixable.map((f) => f.ruleId).sort(), ['udp-3478', 'udp-media-range']);
  const edits = combineFixes(fixable.map((f) => preferredFix(f.fixes!)!));
  // Both fixes insert at the top of OUTPUT: one edit, both rules in order.
  assert.equal(edits.length, 1);
  const after = open(apply(text, edits));
  assert.deepEqual(after.map((f) => f.ruleId), ['dns-resolution']);
});

test('combineFixes keeps identical edits once and leaves out an edit that overlaps one taken', () => {
  const e = (l: number, c: number, el: number, ec: number, newText: string): TextEdit => ({ file: 'f', range: range(l, c, el, ec), newText });
  const out = combineFixes([
    { title: 'a', edits: [e(2, 1, 2, 5, 'x'), e(1, 1, 1, 1, 'top\n')] },
    { title: 'b', edits: [e(1, 1, 1, 1, 'top\n'), e(2, 3, 2, 8, 'y')] },
  ]);
  assert.deepEqual(out, [e(1, 1, 1, 1, 'top\n'), e(2, 1, 2, 5, 'x')]);
});

test('preferredFix takes the fix marked preferred, else the first', () => {
  const a = { title: 'a', edits: [] };
  const b = { title: 'b', edits: [], preferred: true };
  assert.equal(preferredFix([a, b]), b);
  assert.equal(preferredFix([a]), a);
  assert.equal(preferredFix([]), undefined);
});

test('the suppression comment written above a finding suppresses it, with the reason', () => {
  const f = open(text).find((x) => x.ruleId === 'udp-3478')!;
  const line = f.range.start.line;
  const edit = suppressionEdit(path, text.split('\n')[line - 1]!, line, 'udp-3478', '  media relays over TCP 443 by policy ');
  assert.equal(edit.newText, '# opentok-readiness-disable-next-line udp-3478 -- media relays over TCP 443 by policy\n');
  const result = lintText({ path, text: apply(text, [edit]) }, config);
  const s = result.findings.find((x) => x.ruleId === 'udp-3478')!;
  assert.deepEqual(s.suppressed?.reason, 'media relays over TCP 443 by policy');
  assert.equal(result.findings.filter((x) => x.ruleId === 'suppression-error').length, 0);
});

test('the suppression comment keeps the indentation of the line (YAML)', () => {
  const edit = suppressionEdit('p.yaml', '    - Egress', 7, 'udp-3478', 'why');
  assert.equal(edit.newText, '    # opentok-readiness-disable-next-line udp-3478 -- why\n');
  assert.deepEqual(edit.range, range(7, 1, 7, 1));
});

test('a reason is required and fits on one line', () => {
  assert.match(validateReason('   ')!, /needs a reason/);
  assert.match(validateReason('a\nb')!, /one line/);
  assert.equal(validateReason('relayed over TCP 443'), undefined);
});
