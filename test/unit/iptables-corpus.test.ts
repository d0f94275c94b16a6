// Real iptables-save output from the shared corpus. The expected verdicts
// come from reading the file: host1.iptables has
//   line 12  :INPUT DROP [157:11076]
//   line 14  :OUTPUT ACCEPT [114:18840]
//   line 15  -A INPUT -p udp --dport 53 -j ACCEPT
//   line 16  -A INPUT -p tcp --dport 22 -j ACCEPT
// and no rule for replies: answers from the platform's port 443 to the
// host's ephemeral ports meet the INPUT policy DROP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import type { TextEdit } from '../../src/core/model/finding';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';
import { sharedOrSkip } from '../support/shared';

const range = (line: number, column: number, endColumn: number) => ({ start: { line, column }, end: { line, column: endColumn } });
const OUTPUT_POLICY = range(14, 1, 27); // ":OUTPUT ACCEPT [114:18840]" is 26 characters
const INPUT_POLICY = range(12, 1, 24); // ":INPUT DROP [157:11076]" is 23 characters

function insert(text: string, e: TextEdit): string {
  const lines = text.split('\n');
  const before = lines.slice(0, e.range.start.line - 1).join('\n');
  const line = lines[e.range.start.line - 1] ?? '';
  const at = (before.length > 0 ? before.length + 1 : 0) + e.range.start.column - 1;
  assert.deepEqual(e.range.start, e.range.end, 'an insertion');
  assert.ok(e.range.start.column <= line.length + 1);
  return text.slice(0, at) + e.newText + text.slice(at);
}

test('corpus host1.iptables: egress is open (OUTPUT ACCEPT), replies are dropped (INPUT DROP, no ESTABLISHED rule)', (t) => {
  const path = sharedOrSkip(t, 'corpus', 'iptables', 'host1.iptables');
  if (!path) return;
  const text = readFileSync(path, 'utf8');
  assert.equal(text.split('\n')[11], ':INPUT DROP [157:11076]');
  assert.equal(text.split('\n')[13], ':OUTPUT ACCEPT [114:18840]');

  for (const profile of ['opentok', 'opentok-2013', 'flexperto', 'custom-turn'] as const) {
    for (const role of ['client-network', 'app-server'] as const) {
      const config: ReadinessConfig = { ...DEFAULT_CONFIG, profiles: [profile], role, turnServers: [{ host: '198.51.100.7', port: 443, transport: 'tls' }] };
      const res = lintText({ path, text }, config);
      assert.equal(res.format, 'iptables-save', 'detected by content');
      // No parse errors; the mangle and nat tables have no rules, so there is nothing to note.
      assert.deepEqual(res.findings.filter((f) => !f.verdict), []);
      // FORWARD ACCEPT with no rules is no gateway.
      assert.deepEqual(res.policies.map((p) => p.name).sort(), ['iptables INPUT', 'iptables OUTPUT']);

      const selected = REQUIREMENTS.filter((r) => r.kind === 'flow' && r.profiles.includes(profile) && r.roles.includes(role));
      for (const r of selected) {
        const reply = r.direction === 'reply';
        const f = res.findings.filter((x) => x.ruleId === r.id);
        assert.equal(f.length, 1, `${profile}/${role}: ${r.id}`);
        const finding = f[0]!;
        assert.equal(finding.policy?.name, reply ? 'iptables INPUT' : 'iptables OUTPUT');
        if (reply) {
          assert.equal(finding.verdict, 'unmet', `${r.id}: ${finding.message}`);
          assert.deepEqual(finding.range, INPUT_POLICY);
          assert.deepEqual(
            finding.blocked?.map((g) => g.text),
            r.id === 'tcp-replies' ? ['TCP 443'] : ['UDP 1025-65535'],
          );
        } else {
          assert.equal(finding.verdict, 'met', `${r.id}: ${finding.message}`);
          assert.deepEqual(finding.range, OUTPUT_POLICY);
        }
      }
    }
  }
});

test('corpus host1.iptables: the offered fix admits replies and keeps the file clean', (t) => {
  const path = sharedOrSkip(t, 'corpus', 'iptables', 'host1.iptables');
  if (!path) return;
  const text = readFileSync(path, 'utf8');
  const res = lintText({ path, text }, DEFAULT_CONFIG);
  const f = res.findings.find((x) => x.ruleId === 'tcp-replies')!;
  const edit = f.fixes?.[0]?.edits[0];
  assert.ok(edit);
  // Before the first -A INPUT rule, line 15.
  assert.deepEqual(edit.range.start, { line: 15, column: 1 });
  const fixed = insert(text, edit);
  const after = lintText({ path, text: fixed }, DEFAULT_CONFIG);
  assert.deepEqual(after.findings.filter((x) => !x.verdict), []);
  for (const id of ['tcp-replies', 'udp-replies']) assert.equal(after.findings.find((x) => x.ruleId === id)?.verdict, 'met', id);
});
