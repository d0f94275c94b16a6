// Every egress flow requirement of the catalog, checked against Kubernetes
// NetworkPolicy files: the verdict, the unmet sub-ranges and the exact range
// of the deciding rule. Expected values are written here from the seeds
// (000_8a5580ce9dd0cbe9.txt, 001_366555b85f8bab97.txt,
// 002_33784494b4b82ab1.txt, 003_fc97a99dd742da75.txt) and the Kubernetes
// documentation, not computed by the code under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import type { ReadinessConfig } from '../../src/core/config/types';
import type { Finding, TextEdit } from '../../src/core/model/finding';
import type { SourceRange } from '../../src/core/model/source';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';
import { cfg, RANGES_2013, TURN_IP, TURN_NAME, tcp, udp, type Flow } from '../support/requirementCases';


interface Case {
  readonly id: string;
  readonly name: string;
  readonly config: ReadinessConfig;
  readonly flows: readonly Flow[];
  /** Address blocks the requirement names; allow rules then use them as ipBlocks. */
  readonly cidrs?: readonly string[];
  /** An allow rule for part of the requirement, and the gaps it leaves. */
  readonly partial?: { readonly allow: readonly Flow[]; readonly blocked: readonly string[] };
}


const CASES: readonly Case[] = [
  { id: 'tcp-443-platform', name: 'tcp-443-platform', config: cfg('opentok'), flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'tcp-443-platform', name: 'tcp-443-platform (custom-turn)', config: cfg('custom-turn'), flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'udp-3478', name: 'udp-3478', config: cfg('opentok'), flows: [udp([[3478, 3478]], 'UDP 3478')] },
  {
    id: 'udp-media-range',
    name: 'udp-media-range',
    config: cfg('opentok'),
    flows: [udp([[1025, 65535]], 'UDP 1025-65535')],
    partial: { allow: [udp([[3000, 3000]], '')], blocked: ['UDP 1025-2999, 3001-65535'] },
  },
  { id: 'dns-resolution', name: 'dns-resolution (client network)', config: cfg('opentok'), flows: [udp([[53, 53]], 'UDP 53')] },
  { id: 'dns-resolution', name: 'dns-resolution (application server, flexperto)', config: cfg('flexperto', 'app-server'), flows: [udp([[53, 53]], 'UDP 53')] },
  { id: 'vonage-domains', name: 'vonage-domains', config: cfg('opentok'), flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'certificate-status', name: 'certificate-status', config: cfg('opentok'), flows: [tcp([[80, 80]], 'TCP 80')] },
  { id: 'app-server-api', name: 'app-server-api', config: cfg('opentok', 'app-server'), flows: [tcp([[443, 443]], 'TCP 443')] },
  {
    id: 'legacy-2013-udp-media',
    name: 'legacy-2013-udp-media',
    config: cfg('opentok-2013'),
    flows: [udp([[1025, 65535]], 'UDP 1025-65535')],
    cidrs: RANGES_2013,
    partial: { allow: [udp([[1025, 9999], [20000, 65535]], '')], blocked: ['UDP 10000-19999'] },
  },
  {
    id: 'legacy-2013-tcp',
    name: 'legacy-2013-tcp',
    config: cfg('opentok-2013'),
    flows: [tcp([[80, 80], [443, 443], [3478, 3478]], 'TCP 80, 443, 3478')],
    cidrs: RANGES_2013,
    partial: { allow: [tcp([[80, 80], [443, 443]], '')], blocked: ['TCP 3478'] },
  },
  { id: 'legacy-2013-ios-control', name: 'legacy-2013-ios-control', config: cfg('opentok-2013'), flows: [tcp([[5560, 5560]], 'TCP 5560')], cidrs: RANGES_2013 },
  {
    id: 'legacy-2013-api',
    name: 'legacy-2013-api',
    config: cfg('opentok-2013'),
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    cidrs: ['216.151.209.20/32', '216.151.209.15/32'],
    partial: { allow: [tcp([[443, 443]], '')], blocked: ['TCP 80'] },
  },
  {
    id: 'legacy-2013-api',
    name: 'legacy-2013-api (application server)',
    config: cfg('opentok-2013', 'app-server'),
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    cidrs: ['216.151.209.20/32', '216.151.209.15/32'],
  },
  {
    id: 'flexperto-web',
    name: 'flexperto-web',
    config: cfg('flexperto'),
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    cidrs: ['37.61.222.224/27', '146.0.229.160/27'],
    partial: { allow: [tcp([[80, 80]], '')], blocked: ['TCP 443'] },
  },
  {
    id: 'flexperto-streaming',
    name: 'flexperto-streaming',
    config: cfg('flexperto'),
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    cidrs: ['95.172.85.0/25', '64.95.96.0/25', '35.158.127.224/28'],
    partial: { allow: [tcp([[443, 443]], '')], blocked: ['TCP 80'] },
  },
  {
    id: 'flexperto-platform',
    name: 'flexperto-platform',
    config: cfg('flexperto'),
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    partial: { allow: [tcp([[443, 443]], '')], blocked: ['TCP 80'] },
  },
  {
    id: 'flexperto-3478',
    name: 'flexperto-3478',
    config: cfg('flexperto'),
    flows: [udp([[3478, 3478]], 'UDP 3478'), tcp([[3478, 3478]], 'TCP 3478')],
    partial: { allow: [udp([[3478, 3478]], '')], blocked: ['TCP 3478'] },
  },
  {
    id: 'flexperto-5349',
    name: 'flexperto-5349',
    config: cfg('flexperto'),
    flows: [tcp([[5349, 5349]], 'TCP 5349'), udp([[5349, 5349]], 'UDP 5349')],
    partial: { allow: [tcp([[5349, 5349]], '')], blocked: ['UDP 5349'] },
  },
  { id: 'flexperto-cdn', name: 'flexperto-cdn', config: cfg('flexperto'), flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'flexperto-services', name: 'flexperto-services', config: cfg('flexperto'), flows: [tcp([[443, 443]], 'TCP 443')] },
  {
    id: 'custom-turn-reachable',
    name: 'custom-turn-reachable (TURN server by address, TLS 443)',
    config: cfg('custom-turn', 'client-network', { turnServers: [TURN_IP] }),
    flows: [tcp([[443, 443]], 'TLS 443 to 198.51.100.7: TCP 443')],
    cidrs: ['198.51.100.7/32'],
  },
  {
    id: 'custom-turn-reachable',
    name: 'custom-turn-reachable (TURN server by name, UDP 3478)',
    config: cfg('custom-turn', 'client-network', { turnServers: [TURN_NAME] }),
    flows: [udp([[3478, 3478]], 'UDP 3478 to turn.example.net: UDP 3478')],
  },
];

// ---- files -------------------------------------------------------------------------------------

const HEADER = [
  'apiVersion: networking.k8s.io/v1', // 1
  'kind: NetworkPolicy', // 2
  'metadata:', // 3
  '  name: clients', // 4
  '  namespace: clinic', // 5
  'spec:', // 6
  '  podSelector: {}', // 7
  '  policyTypes:', // 8
  '    - Egress', // 9
];
/** "    - Egress": the entry starts at column 7 and ends before column 13. */
const EGRESS_ENTRY: SourceRange = { start: { line: 9, column: 7 }, end: { line: 9, column: 13 } };

/** One egress rule item: ipBlocks for the addresses, one ports entry per range (endPort for ranges). */
function ruleItem(flows: readonly Flow[], cidrs: readonly string[]): string[] {
  const out = ['    - to:'];
  for (const c of cidrs) out.push('        - ipBlock:', `            cidr: ${c.includes(':') ? `"${c}"` : c}`);
  out.push('      ports:');
  for (const f of flows) {
    for (const [lo, hi] of f.ports) {
      out.push(`        - protocol: ${f.proto.toUpperCase()}`, `          port: ${lo}`);
      if (hi !== lo) out.push(`          endPort: ${hi}`);
    }
  }
  return out;
}

interface Built {
  readonly text: string;
  /** The rule item's range, when there is one. */
  readonly item?: SourceRange;
}

function build(rules?: string[]): Built {
  if (!rules) return { text: [...HEADER, ''].join('\n') };
  const lines = [...HEADER, '  egress:', ...rules, ''];
  const first = HEADER.length + 2;
  const last = first + rules.length - 1;
  return { text: lines.join('\n'), item: { start: { line: first, column: 7 }, end: { line: last, column: rules[rules.length - 1]!.length + 1 } } };
}

const destinations = (c: Case): readonly string[] => c.cidrs ?? ['0.0.0.0/0', '::/0'];

function findingFor(c: Case, text: string): Finding {
  const res = lintText({ path: 'policy.yaml', text }, c.config);
  assert.equal(res.format, 'k8s-networkpolicy', 'detected by content');
  assert.deepEqual(res.findings.filter((f) => !f.verdict).map((f) => f.message), [], 'no parse errors');
  const found = res.findings.filter((f) => f.ruleId === c.id);
  assert.equal(found.length, 1, `one finding for ${c.id}; got ${found.length}`);
  assert.equal(found[0]!.policy?.name, 'NetworkPolicy clinic/clients');
  return found[0]!;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; column: number }) => lineStarts[p.line - 1]! + p.column - 1;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

// ---- the catalog is covered --------------------------------------------------------------------

test('every egress flow requirement of the catalog has a case here; reply requirements do not apply (NetworkPolicy is stateful)', () => {
  const egress = REQUIREMENTS.filter((r) => r.kind === 'flow' && (r.direction ?? 'egress') === 'egress').map((r) => r.id);
  assert.deepEqual([...new Set(CASES.map((c) => c.id))].sort(), [...new Set(egress)].sort());
  for (const profile of ['opentok', 'opentok-2013', 'flexperto', 'custom-turn'] as const) {
    for (const role of ['client-network', 'app-server'] as const) {
      const res = lintText({ path: 'p.yaml', text: build().text }, cfg(profile, role, { turnServers: [TURN_IP] }));
      assert.ok(res.findings.every((f) => f.ruleId !== 'tcp-replies' && f.ruleId !== 'udp-replies'), `${profile}/${role}: replies are allowed statefully`);
      const expected = REQUIREMENTS.filter((r) => r.kind === 'flow' && (r.direction ?? 'egress') === 'egress' && r.profiles.includes(profile) && r.roles.includes(role)).map((r) => r.id);
      assert.deepEqual(res.findings.map((f) => f.ruleId).sort(), [...expected].sort(), `${profile}/${role}: every egress requirement is checked`);
    }
  }
});

// ---- per requirement ---------------------------------------------------------------------------

for (const c of CASES) {
  test(`${c.name}: default deny → unmet at the policyTypes Egress entry, with every flow blocked`, () => {
    const f = findingFor(c, build().text);
    assert.equal(f.verdict, 'unmet');
    assert.deepEqual(f.blocked?.map((g) => g.text), c.flows.map((x) => x.text));
    assert.deepEqual(f.blocked?.map((g) => g.ports), c.flows.map((x) => x.ports));
    assert.deepEqual(f.range, EGRESS_ENTRY);
    for (const g of f.blocked ?? []) assert.deepEqual(g.by.map((b) => b.range), [EGRESS_ENTRY]);
    assert.deepEqual(f.unknown, []);
  });

  test(`${c.name}: an egress rule with the ports (and ipBlocks) → met, decided by that rule item`, () => {
    const b = build(ruleItem(c.flows, destinations(c)));
    const f = findingFor(c, b.text);
    assert.equal(f.verdict, 'met', f.message);
    assert.deepEqual(f.range, b.item);
    assert.deepEqual(f.allowedBy?.map((a) => a.range), [b.item]);
    assert.deepEqual(f.blocked, []);
  });

  test(`${c.name}: the quick fix adds an egress rule that meets the requirement`, () => {
    const text = build().text;
    const f = findingFor(c, text);
    const fix = f.fixes?.[0];
    assert.ok(fix, 'a fix is offered');
    assert.equal(fix.preferred, true);
    const fixed = applyEdits(text, fix.edits);
    const after = findingFor(c, fixed);
    assert.equal(after.verdict, 'met', `${after.message}\n--- fixed file ---\n${fixed}`);
    if (c.cidrs) for (const cidr of c.cidrs) assert.ok(fixed.includes(`cidr: ${cidr}`), `the fix names ${cidr}`);
  });

  if (c.partial) {
    const partial = c.partial;
    test(`${c.name}: a rule for part of it → partially met, with the exact blocked sub-ranges`, () => {
      const b = build(ruleItem(partial.allow, destinations(c)));
      const f = findingFor(c, b.text);
      assert.equal(f.verdict, 'partially-met', f.message);
      assert.deepEqual(f.blocked?.map((g) => g.text), partial.blocked);
      assert.deepEqual(f.range, EGRESS_ENTRY);
      assert.deepEqual(f.allowedBy?.map((a) => a.range), [b.item]);
      // The fix for the rest makes it met.
      const fixed = applyEdits(b.text, f.fixes?.[0]?.edits ?? []);
      assert.equal(findingFor(c, fixed).verdict, 'met', fixed);
    });
  }
}

test('ipBlock except: the excepted block of the 2013 ranges stays blocked, exactly', () => {
  const c = CASES.find((x) => x.id === 'legacy-2013-udp-media')!;
  const rules = [
    '    - to:',
    '        - ipBlock:',
    '            cidr: 0.0.0.0/0',
    '            except:',
    '              - 212.118.226.0/24',
    '      ports:',
    '        - protocol: UDP',
    '          port: 1025',
    '          endPort: 65535',
  ];
  const b = build(rules);
  const f = findingFor(c, b.text);
  assert.equal(f.verdict, 'partially-met', f.message);
  assert.deepEqual(f.blocked?.map((g) => g.text), ['UDP 1025-65535 to 212.118.226.32/27']);
  assert.deepEqual(f.blocked?.map((g) => g.addresses), ['212.118.226.32/27']);
  assert.deepEqual(f.range, EGRESS_ENTRY);
  assert.deepEqual(f.allowedBy?.map((a) => a.range), [b.item]);
});

test('endPort: a range that stops short leaves the exact remainder blocked', () => {
  const c = CASES.find((x) => x.id === 'udp-media-range')!;
  const b = build(ruleItem([udp([[1025, 49999]], '')], ['0.0.0.0/0', '::/0']));
  const f = findingFor(c, b.text);
  assert.equal(f.verdict, 'partially-met');
  assert.deepEqual(f.blocked?.map((g) => g.text), ['UDP 50000-65535']);
  assert.deepEqual(f.blocked?.map((g) => g.ports), [[[50000, 65535]]]);
});
