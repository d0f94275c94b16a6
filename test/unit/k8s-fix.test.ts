// Quick fixes for NetworkPolicy files: an egress rule in the file's own YAML
// style. Each case applies the edit, lints again, and checks that the
// requirement is met, that the file has no parse error, and that no other
// verdict got worse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText, type FileResult } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import { renderJson } from '../../src/core/report/json';
import type { Finding, TextEdit } from '../../src/core/model/finding';

const CONFIG: ReadinessConfig = { ...DEFAULT_CONFIG, profiles: ['opentok'] };
const RANK = { met: 0, unknown: 1, 'partially-met': 2, unmet: 3 } as const;

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; column: number }) => lineStarts[p.line - 1]! + p.column - 1;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const lint = (text: string): FileResult => lintText({ path: 'p.yaml', text }, CONFIG);

function only(res: FileResult, policy: string, id: string): Finding {
  const f = res.findings.filter((x) => x.policy?.name === policy && x.ruleId === id);
  assert.equal(f.length, 1, `${policy} ${id}`);
  return f[0]!;
}

/** Applies the fix of `id`, checks it is met afterwards, and returns the fixed text. */
function fixAndCheck(text: string, policy: string, id: string): string {
  const before = lint(text);
  const f = only(before, policy, id);
  assert.ok(f.verdict === 'unmet' || f.verdict === 'partially-met', f.message);
  const fix = f.fixes?.[0];
  assert.ok(fix, 'a fix is offered');
  assert.match(fix.title, new RegExp(`add an egress rule to ${policy}`));
  const fixed = applyEdits(text, fix.edits);
  const after = lint(fixed);
  assert.deepEqual(after.findings.filter((x) => x.ruleId === 'parse-error').map((x) => x.message), [], fixed);
  assert.equal(only(after, policy, id).verdict, 'met', fixed);
  for (const b of before.findings.filter((x) => x.verdict)) {
    const a = after.findings.find((x) => x.ruleId === b.ruleId && x.policy?.name === b.policy?.name);
    assert.ok(a && RANK[a.verdict!] <= RANK[b.verdict!], `${b.ruleId} does not get worse (${b.verdict} → ${a?.verdict})\n${fixed}`);
  }
  return fixed;
}

const HEAD = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: clinic
spec:
`;

test('appends to a block egress list whose items are level with the key, in that style', () => {
  const text = `${HEAD}  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Egress
  egress:
  - to:
    - ipBlock:
        cidr: 0.0.0.0/0
    ports:
    - protocol: TCP
      port: 443 # signalling
`;
  const fixed = fixAndCheck(text, 'NetworkPolicy clinic/web', 'udp-media-range');
  // IPv4-only ipBlocks: the policy is checked over IPv4, and the fix follows it.
  assert.equal(
    fixed,
    `${text}  - to:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n    ports:\n    - protocol: UDP\n      port: 1025\n      endPort: 65535\n`,
  );
});

test('adds an egress section after the spec when there is none', () => {
  const text = `${HEAD}  podSelector: {}
  policyTypes:
    - Egress
---
apiVersion: v1
kind: Service
metadata:
  name: web
`;
  const fixed = fixAndCheck(text, 'NetworkPolicy clinic/web', 'udp-3478');
  assert.ok(
    fixed.startsWith(
      `${HEAD}  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - ipBlock:\n            cidr: 0.0.0.0/0\n        - ipBlock:\n            cidr: "::/0"\n      ports:\n        - protocol: UDP\n          port: 3478\n---\n`,
    ),
    fixed,
  );
});

test('fills `egress:` with nothing after it', () => {
  const text = `${HEAD}  podSelector: {}
  policyTypes: [Egress]
  egress:
`;
  fixAndCheck(text, 'NetworkPolicy clinic/web', 'tcp-443-platform');
});

test('adds to a flow list: egress: []', () => {
  const text = `${HEAD}  podSelector: {}
  policyTypes: [Egress]
  egress: []
`;
  const fixed = fixAndCheck(text, 'NetworkPolicy clinic/web', 'tcp-443-platform');
  assert.match(fixed, /egress: \[\{to: \[\{ipBlock: \{cidr: "0.0.0.0\/0"\}\}, \{ipBlock: \{cidr: "::\/0"\}\}\], ports: \[\{protocol: TCP, port: 443\}\]\}\]/);
});

test('adds a key to a compact flow spec', () => {
  const text = `${HEAD.replace('spec:\n', '')}spec: {podSelector: {}, policyTypes: [Egress]}\n`;
  fixAndCheck(text, 'NetworkPolicy clinic/web', 'udp-media-range');
});

test('adds a line to a JSON-like spec with one key per line', () => {
  const text = `---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: {
    name: "default-deny-egress",
  },
  spec: {
    podSelector: {},
    policyTypes: [
      "Egress",
    ],
  },
}
`;
  const fixed = fixAndCheck(text, 'NetworkPolicy default-deny-egress', 'dns-resolution');
  assert.match(fixed, /\n {6}"Egress",\n {4}\],\n {4}egress: \[\{to: .*\}\],\n {2}\},\n/);
});

test('the fix goes into the first policy with the pod selector, also when it is not the first document', () => {
  const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: other
  namespace: lab
spec:
  podSelector: {}
  policyTypes: [Egress]
---
${HEAD}  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-2
  namespace: clinic
spec:
  podSelector: {}
  egress:
    - ports:
        - port: 443
`;
  const f = only(lint(text), 'NetworkPolicy clinic/web', 'udp-3478');
  assert.deepEqual(f.fixes?.[0]?.edits.map((e) => e.range.start.line), [17]);
  fixAndCheck(text, 'NetworkPolicy clinic/web', 'udp-3478');
});

test('CRLF files get CRLF line breaks', () => {
  const text = `${HEAD}  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - ports:\n        - port: 443\n`.replace(/\n/g, '\r\n');
  const fixed = fixAndCheck(text, 'NetworkPolicy clinic/web', 'udp-3478');
  assert.ok(!/[^\r]\n/.test(fixed), 'no bare line feed');
});

test('fixes are made when first read, the same on every read, and kept by JSON output and suppressed copies', () => {
  const text = `${HEAD}  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - ports:\n        - port: 443\n`;
  const f = only(lint(text), 'NetworkPolicy clinic/web', 'udp-3478');
  const first = f.fixes;
  assert.equal(first?.length, 1);
  assert.equal(f.fixes, first, 'a second read gives the fixes made at the first');
  // A finding with nothing blocked has none to make.
  assert.deepEqual(only(lint(text), 'NetworkPolicy clinic/web', 'tcp-443-platform').fixes, []);

  const json = JSON.parse(renderJson({ files: [lint(text)], threshold: 'required', cwd: '/' })) as { files: { findings: Finding[] }[] };
  const written = json.files[0]!.findings.find((x) => x.ruleId === 'udp-3478');
  assert.deepEqual(written?.fixes, JSON.parse(JSON.stringify(first)));
  assert.deepEqual(JSON.parse(JSON.stringify(f)).fixes, JSON.parse(JSON.stringify(first)), 'a finding written as JSON on its own has its fixes');

  const suppressed = `${HEAD}  podSelector: {}\n  policyTypes:\n    # opentok-readiness-disable-next-line udp-3478 -- media relayed over TCP here\n    - Egress\n  egress:\n    - ports:\n        - port: 443\n`;
  const s = only(lint(suppressed), 'NetworkPolicy clinic/web', 'udp-3478');
  assert.ok(s.suppressed, 'the finding is suppressed');
  assert.equal(s.fixes?.length, 1, 'a suppressed copy keeps its fix');
  assert.equal(s.fixes![0]!.title, first![0]!.title);
});
