// Inline suppressions in iptables files:
//   # opentok-readiness-disable-next-line <id>[,<id>...] -- <reason>
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText, type FileResult } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG } from '../../src/core/config/types';
import type { Finding } from '../../src/core/model/finding';
import type { SourceRange } from '../../src/core/model/source';

const MARKER = 'opentok-readiness-disable-next-line';

function lint(text: string, format: 'iptables-save' | 'iptables-script'): FileResult {
  return lintText({ path: format === 'iptables-save' ? 'rules.v4' : 'fw.sh', text }, DEFAULT_CONFIG, format);
}

function byId(res: FileResult, id: string): Finding[] {
  return res.findings.filter((f) => f.ruleId === id);
}

function lineRange(text: string, line: number, from = 1): SourceRange {
  const t = text.split('\n')[line - 1]!;
  return { start: { line, column: from }, end: { line, column: t.length + 1 } };
}

function saveWith(comment: string): string {
  return ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', comment, ':OUTPUT DROP [0:0]', '-A OUTPUT -p tcp -m tcp --dport 443 -j ACCEPT', 'COMMIT', ''].join('\n');
}

test('iptables-save: a suppression silences the named finding on the next line, with its reason', () => {
  const text = saveWith(`# ${MARKER} udp-3478 -- kiosks use TURN over TLS only`);
  const res = lint(text, 'iptables-save');
  const stun = byId(res, 'udp-3478');
  assert.equal(stun.length, 1);
  assert.equal(stun[0]!.verdict, 'unmet');
  assert.deepEqual(stun[0]!.range.start.line, 5);
  assert.deepEqual(stun[0]!.suppressed, { reason: 'kiosks use TURN over TLS only', range: lineRange(text, 4, 3) });
  // Only the named requirement: the media range is decided by the same line and stays reported.
  const media = byId(res, 'udp-media-range');
  assert.equal(media[0]!.range.start.line, 5);
  assert.equal(media[0]!.suppressed, undefined);
  assert.deepEqual(byId(res, 'suppression-error'), []);
});

test('iptables-save: several ids, and blank and comment lines between the suppression and its line', () => {
  const text = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    `# ${MARKER} udp-3478, udp-media-range -- media is relayed by the customer's TURN servers`,
    '',
    '# the egress policy',
    ':OUTPUT DROP [0:0]',
    'COMMIT',
    '',
  ].join('\n');
  const res = lint(text, 'iptables-save');
  for (const id of ['udp-3478', 'udp-media-range']) {
    const f = byId(res, id)[0]!;
    assert.equal(f.range.start.line, 7);
    assert.equal(f.suppressed?.reason, "media is relayed by the customer's TURN servers", id);
  }
  assert.equal(byId(res, 'tcp-443-platform')[0]!.suppressed, undefined);
});

test('iptables-script: a suppression before a rule silences the finding that rule decides', () => {
  const text = [
    '#!/bin/sh',
    'iptables -F',
    'iptables -P OUTPUT ACCEPT',
    `    # ${MARKER} udp-media-range -- the conference room codec needs only 3478`,
    '    iptables -A OUTPUT -p udp -m udp --dport 10000:19999 -j DROP',
    '',
  ].join('\n');
  const res = lint(text, 'iptables-script');
  const media = byId(res, 'udp-media-range')[0]!;
  assert.equal(media.verdict, 'partially-met');
  assert.equal(media.range.start.line, 5);
  assert.deepEqual(media.suppressed, { reason: 'the conference room codec needs only 3478', range: lineRange(text, 4, 7) });
});

test('a diagnostic id can be suppressed like a requirement', () => {
  const text = saveWith(`# ${MARKER} parse-error -- written for a newer iptables`).replace(':OUTPUT DROP [0:0]', ':OUTPUT DROP [0:0]\n-A OUTPUT -p tcp -Q -j ACCEPT');
  // The comment is on line 4, the chain line on 5: the suppression aims at line 5, which has no parse error.
  const res = lint(text, 'iptables-save');
  assert.equal(byId(res, 'parse-error').length, 1);
  assert.equal(byId(res, 'parse-error')[0]!.suppressed, undefined);
  const moved = ['*filter', ':OUTPUT DROP [0:0]', `# ${MARKER} parse-error -- written for a newer iptables`, '-A OUTPUT -p tcp -Q -j ACCEPT', 'COMMIT', ''].join('\n');
  const r2 = lint(moved, 'iptables-save');
  assert.equal(byId(r2, 'parse-error')[0]!.suppressed?.reason, 'written for a newer iptables');
});

test('a suppression without a reason is an error at the comment, and suppresses nothing', () => {
  for (const comment of [`# ${MARKER} udp-3478`, `# ${MARKER} udp-3478 --`, `# ${MARKER} udp-3478 --   `, `# ${MARKER}`]) {
    const text = saveWith(comment);
    const res = lint(text, 'iptables-save');
    const errors = byId(res, 'suppression-error');
    assert.equal(errors.length, 1, comment);
    assert.deepEqual(errors[0]!.range, lineRange(text, 4, 3), comment);
    assert.equal(byId(res, 'udp-3478')[0]!.suppressed, undefined, comment);
  }
});

test('a suppression naming an unknown id is an error at the comment, naming the id', () => {
  const text = saveWith(`# ${MARKER} udp-3479 -- typo`);
  const res = lint(text, 'iptables-save');
  const errors = byId(res, 'suppression-error');
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0]!.range, lineRange(text, 4, 3));
  assert.match(errors[0]!.message, /udp-3479/);
  assert.equal(byId(res, 'udp-3478')[0]!.suppressed, undefined);

  // One unknown id among known ones: the whole comment is refused.
  const mixed = saveWith(`# ${MARKER} udp-3478,bogus-id -- partly wrong`);
  const r2 = lint(mixed, 'iptables-save');
  assert.match(byId(r2, 'suppression-error')[0]!.message, /bogus-id/);
  assert.equal(byId(r2, 'udp-3478')[0]!.suppressed, undefined);
});

test('a malformed suppression in a script is reported where the marker is', () => {
  const text = ['#!/bin/sh', 'iptables -F', `  # ${MARKER} -- no id given`, 'iptables -P OUTPUT DROP', ''].join('\n');
  const res = lint(text, 'iptables-script');
  const errors = byId(res, 'suppression-error');
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0]!.range, lineRange(text, 3, 5));
});
