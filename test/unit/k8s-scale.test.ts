// The NetworkPolicy reader's work grows linearly with the file: the
// benchmark's 2,000-document file (bench/lib/generate.ts) against a quarter
// of it. Quadratic work (re-reading the file per policy or per fix) would
// show as a ratio near 16; linear work is near 4.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubernetesNetworkPolicy } from '../../src/core/formats/k8s';
import { generateNetworkPolicies } from '../../bench/lib/generate';

function fastest(fn: () => void, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

test('parsing 2,000 NetworkPolicy documents costs about four times 500', () => {
  const small = { path: 'small.yaml', text: generateNetworkPolicies(500).text };
  const large = { path: 'large.yaml', text: generateNetworkPolicies(2000).text };
  const parsed = kubernetesNetworkPolicy.parse(large);
  assert.deepEqual(parsed.diagnostics.filter((d) => d.ruleId === 'parse-error').map((d) => d.message), []);
  // 200 namespaces: one egress pod set for all pods, and one per distinct app selector.
  assert.ok(parsed.policies.length >= 400, `${parsed.policies.length} policies`);
  kubernetesNetworkPolicy.parse(small);
  const ratio = fastest(() => kubernetesNetworkPolicy.parse(large)) / fastest(() => kubernetesNetworkPolicy.parse(small));
  assert.ok(ratio < 8, `2,000 documents took ${ratio.toFixed(1)} times as long as 500`);
});

test('1,000 policies whose selectors all may overlap stay within a bound', () => {
  const docs = Array.from(
    { length: 1000 },
    (_, i) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p${i}
  namespace: big
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: NotIn, values: [x${i}]}
  policyTypes: [Egress]
  egress:
    - ports:
        - port: ${1000 + i}
`,
  );
  const parsed = kubernetesNetworkPolicy.parse({ path: 'big.yaml', text: docs.join('---\n') });
  assert.equal(parsed.policies.length, 1000);
  for (const p of parsed.policies) {
    const rules = p.chains.get(p.entry)!.rules.length;
    assert.ok(rules <= 40, `${p.name} has ${rules} rules: overlapping policies beyond a bound are summed up`);
  }
});
