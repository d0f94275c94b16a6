// Real NetworkPolicy files from the Kubernetes documentation, in the shared
// corpus (see corpus/SOURCES.md). The expected verdicts come from reading
// each file:
// - network-policy-default-deny-egress.yaml: JSON-like flow YAML, all pods,
//   policyTypes ["Egress"] (line 11) and no egress rule: everything is denied.
// - network-policy-allow-all-egress.yaml: egress: [{}] (line 10, columns 14-16):
//   one empty rule, which allows all egress.
// - network-policy-allow-all-egress-deny-all-ingress.yaml: egress "- {}" on
//   line 12 (columns 7-9), ingress [] with Ingress listed: no ingress allowed.
// - networkpolicy.yaml and networkpolicy-multiport-egress.yaml: pods with
//   role=db in namespace default may reach 10.0.0.0/24 only (TCP 5978, and
//   TCP 32000-32768): private space, never the platform; policyTypes lists
//   Egress on line 12 and line 11.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import type { Finding } from '../../src/core/model/finding';
import type { SourceRange } from '../../src/core/model/source';
import { sharedOrSkip } from '../support/shared';

const r = (line: number, column: number, endColumn: number): SourceRange => ({ start: { line, column }, end: { line, column: endColumn } });
const PROFILES = ['opentok', 'opentok-2013', 'flexperto', 'custom-turn'] as const;
const config = (profile: (typeof PROFILES)[number]): ReadinessConfig => ({
  ...DEFAULT_CONFIG,
  profiles: [profile],
  turnServers: [{ host: '198.51.100.7', port: 443, transport: 'tls' }],
});

interface Expected {
  readonly file: string;
  readonly policies: readonly string[];
  /** Every egress requirement's verdict, and the range that decides it. */
  readonly verdict: 'met' | 'unmet';
  readonly range: SourceRange;
}

const EXPECTED: readonly Expected[] = [
  { file: 'network-policy-default-deny-egress.yaml', policies: ['NetworkPolicy default-deny-egress egress'], verdict: 'unmet', range: r(11, 7, 15) },
  { file: 'network-policy-allow-all-egress.yaml', policies: ['NetworkPolicy allow-all-egress egress'], verdict: 'met', range: r(10, 14, 16) },
  {
    file: 'network-policy-allow-all-egress-deny-all-ingress.yaml',
    policies: ['NetworkPolicy allow-egress-deny-ingress egress', 'NetworkPolicy allow-egress-deny-ingress ingress'],
    verdict: 'met',
    range: r(12, 7, 9),
  },
  { file: 'networkpolicy.yaml', policies: ['NetworkPolicy default/test-network-policy egress', 'NetworkPolicy default/test-network-policy ingress'], verdict: 'unmet', range: r(12, 5, 11) },
  { file: 'networkpolicy-multiport-egress.yaml', policies: ['NetworkPolicy default/multi-port-egress egress'], verdict: 'unmet', range: r(11, 5, 11) },
];

for (const e of EXPECTED) {
  test(`corpus ${e.file}: parses cleanly; every egress requirement is ${e.verdict}, decided at ${e.range.start.line}:${e.range.start.column}`, (t) => {
    const path = sharedOrSkip(t, 'corpus', 'k8s', e.file);
    if (!path) return;
    const text = readFileSync(path, 'utf8');
    for (const profile of PROFILES) {
      const res = lintText({ path, text }, config(profile));
      assert.equal(res.format, 'k8s-networkpolicy', 'detected by content');
      assert.deepEqual(res.findings.filter((f) => !f.verdict).map((f) => f.message), [], 'no parse error or notice');
      assert.deepEqual(res.policies.map((p) => `${p.name} ${p.direction}`), e.policies);
      const verdicts = res.findings.filter((f): f is Finding & { verdict: NonNullable<Finding['verdict']> } => !!f.verdict);
      assert.ok(verdicts.length > 0, `${profile}: requirements are checked`);
      for (const f of verdicts) {
        assert.equal(f.verdict, e.verdict, `${profile} ${f.ruleId}: ${f.message}`);
        assert.deepEqual(f.range, e.range, `${profile} ${f.ruleId}`);
        if (e.verdict === 'unmet') assert.ok((f.fixes ?? []).length > 0, `${profile} ${f.ruleId}: a fix is offered`);
      }
    }
  });
}

test('corpus: the role=db policies allow only private space, which the platform and the 2013 ranges are never in', (t) => {
  const dir = sharedOrSkip(t, 'corpus', 'k8s');
  if (!dir) return;
  const res = lintText({ path: 'networkpolicy.yaml', text: readFileSync(join(dir, 'networkpolicy.yaml'), 'utf8') }, config('opentok-2013'));
  const f = res.findings.find((x) => x.ruleId === 'legacy-2013-tcp');
  assert.equal(f?.verdict, 'unmet');
  assert.deepEqual(f?.blocked?.map((g) => g.text), ['TCP 80, 443, 3478']);
  const egress = res.policies.find((p) => p.direction === 'egress');
  assert.equal(egress?.scope, 'pods matching role=db in namespace default');
  assert.equal(egress?.stateful, true);
  assert.equal(egress?.mode, 'allow-union');
});
