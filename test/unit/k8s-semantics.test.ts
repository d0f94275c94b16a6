// Kubernetes NetworkPolicy semantics, as the Kubernetes documentation states
// them (concepts/services-networking/network-policies): policyTypes and
// their defaults, default deny once a pod is selected for egress, union of
// the policies selecting a pod, peers, ports with endPort, named ports,
// empty rules; and how wrong input is reported at its position.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText, type FileResult } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import { detectFormat } from '../../src/core/formats/registry';
import { kubernetesNetworkPolicy } from '../../src/core/formats/k8s';
import type { Finding } from '../../src/core/model/finding';
import type { SourceRange } from '../../src/core/model/source';

const CONFIG: ReadinessConfig = { ...DEFAULT_CONFIG, profiles: ['opentok'] };
const r = (line: number, column: number, endLine: number, endColumn: number): SourceRange => ({ start: { line, column }, end: { line: endLine, column: endColumn } });

function lint(text: string, config: ReadinessConfig = CONFIG): FileResult {
  return lintText({ path: 'policies.yaml', text }, config);
}

function finding(res: FileResult, policy: string, id: string): Finding {
  const f = res.findings.filter((x) => x.policy?.name === policy && x.ruleId === id);
  assert.equal(f.length, 1, `one ${id} finding for ${policy}; policies: ${res.policies.map((p) => p.name).join(', ')}`);
  return f[0]!;
}

const parseErrors = (res: FileResult) => res.findings.filter((f) => f.ruleId === 'parse-error');

const DEFAULT_DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: clinic
spec:
  podSelector: {}
  policyTypes:
    - Egress
`;

// ---- detection ---------------------------------------------------------------------------------

test('detect: by content, in any document; other kinds and other NetworkPolicy APIs are not this format', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n';
  assert.ok(kubernetesNetworkPolicy.detect({ path: 'all.yaml', text: `${deployment}---\n${DEFAULT_DENY}` }) > 0);
  assert.ok(kubernetesNetworkPolicy.detect({ path: 'no-extension', text: DEFAULT_DENY }) > 0, 'the file name is not needed');
  assert.ok(
    kubernetesNetworkPolicy.detect({ path: 'a.yaml', text: DEFAULT_DENY }) > kubernetesNetworkPolicy.detect({ path: 'a.txt', text: DEFAULT_DENY }),
    'the file name breaks ties',
  );
  assert.equal(kubernetesNetworkPolicy.detect({ path: 'd.yaml', text: deployment }), 0, 'a YAML file without NetworkPolicy');
  const calico = 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  selector: all()\n';
  assert.equal(kubernetesNetworkPolicy.detect({ path: 'c.yaml', text: calico }), 0, 'Calico NetworkPolicy is another schema');
  // kind and apiVersion in different documents do not make a NetworkPolicy.
  const apart = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\n---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n';
  assert.equal(kubernetesNetworkPolicy.detect({ path: 'x.yaml', text: apart }), 0);
  assert.equal(detectFormat({ path: 'p.yaml', text: DEFAULT_DENY })?.id, 'k8s-networkpolicy');
});

test('other kinds in the same file are ignored silently', () => {
  const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n---\n${DEFAULT_DENY}`;
  const res = lint(text);
  assert.deepEqual(res.findings.filter((f) => !f.verdict), []);
  assert.deepEqual(res.policies.map((p) => `${p.name} ${p.direction}`), ['NetworkPolicy clinic/default-deny egress']);
  // The deny entry is on line 7 + 9 = 16.
  assert.deepEqual(finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform').range, r(16, 7, 16, 13));
});

// ---- policyTypes -------------------------------------------------------------------------------

test('policyTypes Ingress only: egress is unrestricted, so there is no egress policy; egress rules there are flagged', () => {
  const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ingress-only
  namespace: clinic
spec:
  podSelector: {}
  policyTypes: [Ingress]
  egress:
    - ports:
        - port: 443
`;
  const res = lint(text);
  assert.deepEqual(res.policies.map((p) => p.direction), ['ingress']);
  assert.deepEqual(res.findings.filter((f) => f.verdict), [], 'no egress requirement is checked: egress is not restricted');
  const errs = parseErrors(res);
  assert.equal(errs.length, 1);
  assert.deepEqual(errs[0]!.range, r(9, 3, 9, 9));
  assert.match(errs[0]!.message, /policyTypes does not list Egress/);
});

test('without policyTypes: Ingress always, Egress only when the policy has egress rules', () => {
  const ingressOnly = DEFAULT_DENY.replace('  policyTypes:\n    - Egress\n', '');
  assert.deepEqual(lint(ingressOnly).policies.map((p) => p.direction), ['ingress']);
  const emptyList = `${ingressOnly}  egress: []\n`;
  assert.deepEqual(lint(emptyList).policies.map((p) => p.direction), ['ingress'], 'an empty egress list has no rules');
  const withRule = `${ingressOnly}  egress:\n    - ports:\n        - port: 443\n`;
  const res = lint(withRule);
  assert.deepEqual(res.policies.map((p) => p.direction).sort(), ['egress', 'ingress']);
  // Without a policyTypes entry, the deny is decided at the egress: key (line 8).
  const f = finding(res, 'NetworkPolicy clinic/default-deny', 'udp-3478');
  assert.equal(f.verdict, 'unmet');
  assert.deepEqual(f.range, r(8, 3, 8, 9));
  assert.equal(finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform').verdict, 'met', 'no `to`: every destination');
});

// ---- rules -------------------------------------------------------------------------------------

test('an empty egress rule {} allows all egress', () => {
  const res = lint(`${DEFAULT_DENY}  egress:\n    - {}\n`);
  for (const f of res.findings.filter((x) => x.verdict)) {
    assert.equal(f.verdict, 'met', f.message);
    assert.deepEqual(f.range, r(11, 7, 11, 9));
  }
  assert.ok(res.findings.some((f) => f.ruleId === 'udp-media-range' && f.verdict === 'met'));
});

test('a named port is unknown with the reason; its protocol still decides', () => {
  const text = `${DEFAULT_DENY}  egress:
    - ports:
        - protocol: TCP
          port: https
`;
  const res = lint(text);
  const f = finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform');
  assert.equal(f.verdict, 'unknown');
  assert.deepEqual(f.unknown?.map((g) => g.text), ['TCP 443']);
  assert.ok(f.unknown?.[0]?.reasons?.some((x) => x.startsWith('named port https resolves per pod (line 12)')), JSON.stringify(f.unknown));
  assert.deepEqual(f.range, r(11, 7, 13, 22), 'the rule item that may allow it');
  assert.equal(finding(res, 'NetworkPolicy clinic/default-deny', 'udp-3478').verdict, 'unmet', 'a TCP port name allows no UDP');
});

test('podSelector and namespaceSelector peers are cluster pods: never the platform, maybe the DNS resolver', () => {
  const text = `${DEFAULT_DENY}  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
`;
  const res = lint(text);
  const dns = finding(res, 'NetworkPolicy clinic/default-deny', 'dns-resolution');
  assert.equal(dns.verdict, 'unknown');
  assert.match(dns.unknown?.[0]?.reasons?.[0] ?? '', /pods matching k8s-app=kube-dns in namespaces matching kubernetes.io\/metadata.name=kube-system/);
  assert.deepEqual(dns.range, r(11, 7, 17, 32));
  const web = finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform');
  assert.equal(web.verdict, 'unmet');
  assert.deepEqual(web.range, r(9, 7, 9, 13));
});

test('ports: protocol defaults to TCP; a protocol without port is every port; SCTP carries nothing checked', () => {
  const text = `${DEFAULT_DENY}  egress:
    - ports:
        - port: 443
        - protocol: UDP
        - protocol: SCTP
          port: 3478
`;
  const res = lint(text);
  const p = 'NetworkPolicy clinic/default-deny';
  assert.equal(finding(res, p, 'tcp-443-platform').verdict, 'met');
  assert.equal(finding(res, p, 'udp-media-range').verdict, 'met');
  assert.equal(finding(res, p, 'certificate-status').verdict, 'unmet', 'TCP 80 is not listed');
});

test('IPv4-only ipBlocks: the policy is checked over IPv4, and 0.0.0.0/0 except private space meets TCP 443', () => {
  const text = `${DEFAULT_DENY}  egress:
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
      ports:
        - port: 443
`;
  const res = lint(text);
  assert.equal(res.policies[0]!.family, 'ipv4');
  assert.equal(finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform').verdict, 'met');
});

test('ipBlock to a few hosts only: the platform is reached by name, so that is unknown, not met', () => {
  const text = `${DEFAULT_DENY}  egress:
    - to:
        - ipBlock:
            cidr: 8.8.8.0/24
      ports:
        - port: 443
`;
  const f = finding(lint(text), 'NetworkPolicy clinic/default-deny', 'tcp-443-platform');
  assert.equal(f.verdict, 'unknown');
  assert.match(f.unknown?.[0]?.reasons?.join(' ') ?? '', /allowedIps/);
});

// ---- combining policies ------------------------------------------------------------------------

test('several policies with the same pod selector combine by union into one policy', () => {
  const text = `${DEFAULT_DENY}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-https
  namespace: clinic
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - ports:
        - port: 443
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-stun
  namespace: clinic
spec:
  podSelector: {}
  egress:
    - ports:
        - protocol: UDP
          port: 3478
`;
  const res = lint(text);
  assert.deepEqual(res.policies.filter((p) => p.direction === 'egress').map((p) => p.name), ['NetworkPolicy clinic/default-deny']);
  const p = 'NetworkPolicy clinic/default-deny';
  const https = finding(res, p, 'tcp-443-platform');
  assert.equal(https.verdict, 'met');
  assert.deepEqual(https.range, r(20, 7, 21, 20));
  const stun = finding(res, p, 'udp-3478');
  assert.equal(stun.verdict, 'met');
  assert.deepEqual(stun.range, r(31, 7, 33, 21));
  const media = finding(res, p, 'udp-media-range');
  assert.equal(media.verdict, 'partially-met');
  assert.deepEqual(media.blocked?.map((g) => g.text), ['UDP 1025-3477, 3479-65535']);
  assert.deepEqual(media.range, r(9, 7, 9, 13), 'the deny of the first policy with this pod selector');
  assert.match(res.policies[0]!.scope, /all pods in namespace clinic; egress rules also from clinic\/allow-https, clinic\/allow-stun/);
});

test('a wider selector certainly applies; a disjoint one never; one that may overlap gives unknown with the reason', () => {
  const text = `${DEFAULT_DENY}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: clinic
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Egress]
  egress:
    - ports:
        - port: 443
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: clinic
spec:
  podSelector:
    matchLabels:
      app: api
  policyTypes: [Egress]
  egress:
    - ports:
        - protocol: UDP
          port: 3478
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend
  namespace: clinic
spec:
  podSelector:
    matchExpressions:
      - key: tier
        operator: In
        values: [frontend]
  policyTypes: [Egress]
  egress:
    - ports:
        - port: 80
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: elsewhere
  namespace: other
spec:
  podSelector: {}
  egress:
    - {}
`;
  const res = lint(text);
  assert.deepEqual(
    res.policies.map((p) => p.name),
    ['NetworkPolicy clinic/default-deny', 'NetworkPolicy clinic/web', 'NetworkPolicy clinic/api', 'NetworkPolicy clinic/frontend', 'NetworkPolicy other/elsewhere', 'NetworkPolicy other/elsewhere'],
  );
  // Pods with app=web: their own rule (met); api's selector cannot match them; frontend's may.
  const web443 = finding(res, 'NetworkPolicy clinic/web', 'tcp-443-platform');
  assert.equal(web443.verdict, 'met');
  assert.deepEqual(web443.range, r(22, 7, 23, 20));
  assert.equal(finding(res, 'NetworkPolicy clinic/web', 'udp-3478').verdict, 'unmet', 'app=api never matches app=web pods');
  const web80 = finding(res, 'NetworkPolicy clinic/web', 'certificate-status');
  assert.equal(web80.verdict, 'unknown');
  assert.ok(web80.unknown?.[0]?.reasons?.some((x) => x.startsWith('NetworkPolicy clinic/frontend applies only to the pods that also match tier=frontend (line 46)')), JSON.stringify(web80.unknown));
  assert.deepEqual(web80.range, r(53, 7, 54, 19));
  // All pods of the namespace: every other policy may apply to some of them.
  const all443 = finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform');
  assert.equal(all443.verdict, 'unknown');
  assert.ok(all443.unknown?.[0]?.reasons?.some((x) => x.includes('applies only to the pods that also match app=web')));
  // Another namespace is separate: its policy allows everything there, and nothing in clinic.
  assert.equal(finding(res, 'NetworkPolicy other/elsewhere', 'udp-media-range').verdict, 'met');
  assert.equal(finding(res, 'NetworkPolicy clinic/api', 'certificate-status').verdict, 'unknown', 'tier=frontend may also select app=api pods');
  assert.equal(finding(res, 'NetworkPolicy clinic/api', 'tcp-443-platform').verdict, 'unmet', 'app=web never selects app=api pods');
  assert.equal(finding(res, 'NetworkPolicy clinic/api', 'udp-3478').verdict, 'met');
});

test('a List of NetworkPolicies (kubectl get -o yaml) is read item by item', () => {
  const text = `apiVersion: v1
kind: List
items:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: deny
      namespace: clinic
    spec:
      podSelector: {}
      policyTypes: [Egress]
`;
  const res = lint(text);
  const f = finding(res, 'NetworkPolicy clinic/deny', 'tcp-443-platform');
  assert.equal(f.verdict, 'unmet');
  assert.deepEqual(f.range, r(11, 21, 11, 27));
});

test('a policy without namespace goes to the namespace the file is applied to', () => {
  const res = lint(DEFAULT_DENY.replace('  namespace: clinic\n', ''));
  assert.equal(res.policies[0]!.name, 'NetworkPolicy default-deny');
  assert.match(res.policies[0]!.scope, /all pods in the namespace the file is applied to/);
});

// ---- bad input ---------------------------------------------------------------------------------

test('a YAML syntax error in one document is reported there and the other documents are still checked', () => {
  const broken = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: broken
  namespace: lab
spec: [unclosed
`;
  const text = `${broken}---\n${DEFAULT_DENY}---\nkey: "unterminated\n---\n${DEFAULT_DENY.replace('default-deny', 'second').replace('clinic', 'ward')}`;
  const res = lint(text);
  const errs = parseErrors(res);
  assert.ok(errs.some((e) => e.range.start.line >= 1 && e.range.start.line <= 6), errs.map((e) => `${e.range.start.line}: ${e.message}`).join('; '));
  assert.ok(errs.some((e) => e.range.start.line === 18), 'the unterminated quote is reported in its document, which does not swallow the next');
  assert.equal(finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform').verdict, 'unmet');
  assert.deepEqual(finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform').range, r(16, 7, 16, 13));
  assert.equal(finding(res, 'NetworkPolicy ward/second', 'tcp-443-platform').verdict, 'unmet');
});

test('an unreadable NetworkPolicy in the same namespace may allow anything: blocked becomes unknown', () => {
  const broken = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: broken\n  namespace: clinic\nspec: {podSelector: {}\n';
  const res = lint(`${DEFAULT_DENY}---\n${broken}`);
  const f = finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform');
  assert.equal(f.verdict, 'unknown');
  assert.match(f.unknown?.[0]?.reasons?.join(' ') ?? '', /could not be read/);
});

test('wrong shapes are findings at the node, and what they might allow is unknown, never blocked', () => {
  const cases: { body: string; at: SourceRange; message: RegExp }[] = [
    { body: '    - ports: 443\n', at: r(11, 14, 11, 17), message: /ports is a list/ },
    { body: '    - ports:\n        - protocol: UDP\n          endPort: 4000\n', at: r(13, 20, 13, 24), message: /endPort needs a numeric port/ },
    { body: '    - ports:\n        - protocol: UDP\n          port: 4000\n          endPort: 3000\n', at: r(14, 20, 14, 24), message: /endPort 3000 is below port 4000/ },
    { body: '    - ports:\n        - protocol: ICMP\n', at: r(12, 21, 12, 25), message: /the protocol is TCP, UDP or SCTP/ },
    { body: '    - ports:\n        - protocol: TCP\n          port: 70000\n', at: r(13, 17, 13, 22), message: /a port is a number from 1 to 65535/ },
    { body: '    - ports:\n        - port: "443"\n', at: r(12, 17, 12, 22), message: /written without quotes/ },
    { body: '    - to:\n        - ipBlock:\n            cidr: 10.0.0.300/8\n', at: r(13, 19, 13, 31), message: /not an IP address/ },
    { body: '    - to:\n        - ipBlock:\n            cidr: 10.0.0.0/8\n            except: [192.168.0.0/16]\n', at: r(14, 22, 14, 36), message: /not inside 10.0.0.0\/8/ },
  ];
  for (const c of cases) {
    const text = `${DEFAULT_DENY}  egress:\n${c.body}`;
    const res = lint(text);
    const errs = parseErrors(res);
    assert.equal(errs.length, 1, `${c.body}: ${errs.map((e) => e.message).join('; ')}`);
    assert.deepEqual(errs[0]!.range, c.at, `${c.body}: ${errs[0]!.message}`);
    assert.match(errs[0]!.message, c.message);
    for (const f of res.findings.filter((x) => x.verdict)) assert.notEqual(f.verdict, 'unmet', `${c.body}: ${f.message}`);
  }
});

test('CRLF files: positions count the same', () => {
  const text = `${DEFAULT_DENY}  egress:\n    - ports:\n        - port: 443\n`.replace(/\n/g, '\r\n');
  const res = lint(text);
  assert.deepEqual(finding(res, 'NetworkPolicy clinic/default-deny', 'tcp-443-platform').range, r(11, 7, 12, 20));
  assert.deepEqual(finding(res, 'NetworkPolicy clinic/default-deny', 'udp-3478').range, r(9, 7, 9, 13));
});
