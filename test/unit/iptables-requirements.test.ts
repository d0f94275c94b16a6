// Every flow requirement of the catalog, checked against iptables-save files
// and shell scripts of iptables commands: the verdict, the unmet sub-ranges
// and the exact range of the deciding rule. Expected values are written here
// from the seeds (000_8a5580ce9dd0cbe9.txt, 001_366555b85f8bab97.txt,
// 002_33784494b4b82ab1.txt, 003_fc97a99dd742da75.txt), not computed by the
// code under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import type { ReadinessConfig } from '../../src/core/config/types';
import { parseCidr } from '../../src/core/model/addresses';
import { IntervalSet } from '../../src/core/model/intervals';
import type { Finding } from '../../src/core/model/finding';
import type { SourceRange } from '../../src/core/model/source';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';
import { cfg, RANGES_2013, TURN_IP, TURN_NAME, tcp, udp, type Flow, type Ports, type Proto } from '../support/requirementCases';


interface PartialCase {
  /** Rules allowing part of the requirement: protocol and an iptables port list. */
  readonly allow: readonly { readonly proto: Proto; readonly ports: string }[];
  readonly blocked: readonly { readonly text: string; readonly ports: Ports }[];
}

interface Case {
  readonly id: string;
  readonly name: string;
  readonly config: ReadinessConfig;
  readonly reply: boolean;
  readonly flows: readonly Flow[];
  /** Remote address blocks the requirement names; rules then match them with -d (or -s for replies). */
  readonly cidrs?: readonly string[];
  /** Only for flows that have a part to leave out. */
  readonly partial?: PartialCase;
}



const CASES: readonly Case[] = [
  { id: 'tcp-443-platform', name: 'tcp-443-platform', config: cfg('opentok'), reply: false, flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'udp-3478', name: 'udp-3478', config: cfg('opentok'), reply: false, flows: [udp([[3478, 3478]], 'UDP 3478')] },
  {
    id: 'udp-media-range',
    name: 'udp-media-range',
    config: cfg('opentok'),
    reply: false,
    flows: [udp([[1025, 65535]], 'UDP 1025-65535')],
    partial: { allow: [{ proto: 'udp', ports: '1025:9999' }, { proto: 'udp', ports: '20000:65535' }], blocked: [{ text: 'UDP 10000-19999', ports: [[10000, 19999]] }] },
  },
  { id: 'dns-resolution', name: 'dns-resolution (client network)', config: cfg('opentok'), reply: false, flows: [udp([[53, 53]], 'UDP 53')] },
  { id: 'dns-resolution', name: 'dns-resolution (application server)', config: cfg('flexperto', 'app-server'), reply: false, flows: [udp([[53, 53]], 'UDP 53')] },
  { id: 'tcp-replies', name: 'tcp-replies', config: cfg('opentok'), reply: true, flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'tcp-replies', name: 'tcp-replies (application server, 2013)', config: cfg('opentok-2013', 'app-server'), reply: true, flows: [tcp([[443, 443]], 'TCP 443')] },
  {
    id: 'udp-replies',
    name: 'udp-replies',
    config: cfg('opentok'),
    reply: true,
    // 3478 lies inside 1025-65535, so the whole requirement is one range.
    flows: [udp([[1025, 65535]], 'UDP 1025-65535')],
    partial: { allow: [{ proto: 'udp', ports: '1025:9999' }, { proto: 'udp', ports: '20000:65535' }], blocked: [{ text: 'UDP 10000-19999', ports: [[10000, 19999]] }] },
  },
  { id: 'vonage-domains', name: 'vonage-domains', config: cfg('opentok'), reply: false, flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'certificate-status', name: 'certificate-status', config: cfg('opentok'), reply: false, flows: [tcp([[80, 80]], 'TCP 80')] },
  { id: 'app-server-api', name: 'app-server-api', config: cfg('opentok', 'app-server'), reply: false, flows: [tcp([[443, 443]], 'TCP 443')] },
  {
    id: 'legacy-2013-udp-media',
    name: 'legacy-2013-udp-media',
    config: cfg('opentok-2013'),
    reply: false,
    flows: [udp([[1025, 65535]], 'UDP 1025-65535')],
    cidrs: RANGES_2013,
    partial: { allow: [{ proto: 'udp', ports: '1025:9999' }, { proto: 'udp', ports: '20000:65535' }], blocked: [{ text: 'UDP 10000-19999', ports: [[10000, 19999]] }] },
  },
  {
    id: 'legacy-2013-tcp',
    name: 'legacy-2013-tcp',
    config: cfg('opentok-2013'),
    reply: false,
    flows: [tcp([[80, 80], [443, 443], [3478, 3478]], 'TCP 80, 443, 3478')],
    cidrs: RANGES_2013,
    partial: { allow: [{ proto: 'tcp', ports: '80,443' }], blocked: [{ text: 'TCP 3478', ports: [[3478, 3478]] }] },
  },
  { id: 'legacy-2013-ios-control', name: 'legacy-2013-ios-control', config: cfg('opentok-2013'), reply: false, flows: [tcp([[5560, 5560]], 'TCP 5560')], cidrs: RANGES_2013 },
  {
    id: 'legacy-2013-api',
    name: 'legacy-2013-api',
    config: cfg('opentok-2013'),
    reply: false,
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    cidrs: ['216.151.209.20/32', '216.151.209.15/32'],
    partial: { allow: [{ proto: 'tcp', ports: '443' }], blocked: [{ text: 'TCP 80', ports: [[80, 80]] }] },
  },
  {
    id: 'flexperto-web',
    name: 'flexperto-web',
    config: cfg('flexperto'),
    reply: false,
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    cidrs: ['37.61.222.224/27', '146.0.229.160/27'],
    partial: { allow: [{ proto: 'tcp', ports: '80' }], blocked: [{ text: 'TCP 443', ports: [[443, 443]] }] },
  },
  {
    id: 'flexperto-streaming',
    name: 'flexperto-streaming',
    config: cfg('flexperto'),
    reply: false,
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    cidrs: ['95.172.85.0/25', '64.95.96.0/25', '35.158.127.224/28'],
    partial: { allow: [{ proto: 'tcp', ports: '443' }], blocked: [{ text: 'TCP 80', ports: [[80, 80]] }] },
  },
  {
    id: 'flexperto-platform',
    name: 'flexperto-platform',
    config: cfg('flexperto'),
    reply: false,
    flows: [tcp([[80, 80], [443, 443]], 'TCP 80, 443')],
    partial: { allow: [{ proto: 'tcp', ports: '443' }], blocked: [{ text: 'TCP 80', ports: [[80, 80]] }] },
  },
  {
    id: 'flexperto-3478',
    name: 'flexperto-3478',
    config: cfg('flexperto'),
    reply: false,
    flows: [udp([[3478, 3478]], 'UDP 3478'), tcp([[3478, 3478]], 'TCP 3478')],
    partial: { allow: [{ proto: 'udp', ports: '3478' }], blocked: [{ text: 'TCP 3478', ports: [[3478, 3478]] }] },
  },
  {
    id: 'flexperto-5349',
    name: 'flexperto-5349',
    config: cfg('flexperto'),
    reply: false,
    flows: [tcp([[5349, 5349]], 'TCP 5349'), udp([[5349, 5349]], 'UDP 5349')],
    partial: { allow: [{ proto: 'tcp', ports: '5349' }], blocked: [{ text: 'UDP 5349', ports: [[5349, 5349]] }] },
  },
  { id: 'flexperto-cdn', name: 'flexperto-cdn', config: cfg('flexperto'), reply: false, flows: [tcp([[443, 443]], 'TCP 443')] },
  { id: 'flexperto-services', name: 'flexperto-services', config: cfg('flexperto'), reply: false, flows: [tcp([[443, 443]], 'TCP 443')] },
  {
    id: 'custom-turn-reachable',
    name: 'custom-turn-reachable (TURN server by address, TLS 443)',
    config: cfg('custom-turn', 'client-network', { turnServers: [TURN_IP] }),
    reply: false,
    flows: [tcp([[443, 443]], 'TLS 443 to 198.51.100.7: TCP 443')],
    cidrs: ['198.51.100.7/32'],
  },
  {
    id: 'custom-turn-reachable',
    name: 'custom-turn-reachable (TURN server by name, UDP 3478)',
    config: cfg('custom-turn', 'client-network', { turnServers: [TURN_NAME] }),
    reply: false,
    flows: [udp([[3478, 3478]], 'UDP 3478 to turn.example.net: UDP 3478')],
  },
];

// ---- files -------------------------------------------------------------------------------------

type Kind = 'save' | 'script';
const FORMAT: Record<Kind, string> = { save: 'iptables-save', script: 'iptables-script' };

function portSpec(ports: Ports): string {
  return ports.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',');
}

/** A rule specification (after "-A CHAIN") matching the requirement's remote ports and addresses. */
function spec(c: Case, proto: Proto, ports: string, target: string): string {
  const side = c.reply ? 's' : 'd';
  const addr = c.cidrs ? ` -${side} ${c.cidrs.join(',')}` : '';
  const match = ports.includes(',') ? `-m multiport --${side}ports ${ports}` : `-m ${proto} --${side}port ${ports}`;
  return `-p ${proto}${addr} ${match} -j ${target}`;
}

const chainOf = (c: Case): 'INPUT' | 'OUTPUT' => (c.reply ? 'INPUT' : 'OUTPUT');

interface Built {
  readonly text: string;
  readonly kind: Kind;
  /** Line of the deciding chain's policy. */
  readonly policyLine: number;
  /** Line of each rule, in order. */
  readonly ruleLines: number[];
}

/** The checked chain has policy DROP, the other ACCEPT. */
function build(kind: Kind, c: Case, rules: readonly string[], preamble: readonly string[] = []): Built {
  const input = c.reply ? 'DROP' : 'ACCEPT';
  const output = c.reply ? 'ACCEPT' : 'DROP';
  const lines: string[] = [];
  let policyLine: number;
  const ruleLines: number[] = [];
  if (kind === 'save') {
    lines.push('# Generated by iptables-save v1.8.7 on Mon Jun  2 10:00:00 2025', '*filter', `:INPUT ${input} [0:0]`, ':FORWARD DROP [0:0]', `:OUTPUT ${output} [12:960]`);
    policyLine = c.reply ? 3 : 5;
    for (const r of rules) {
      lines.push(r);
      ruleLines.push(lines.length);
    }
    lines.push('COMMIT', '# Completed on Mon Jun  2 10:00:00 2025');
  } else {
    lines.push('#!/bin/sh', '# egress filter', ...preamble, 'iptables -F', 'iptables -X', `iptables -P INPUT ${input}`, 'iptables -P FORWARD DROP', `iptables -P OUTPUT ${output}`);
    policyLine = lines.length - (c.reply ? 2 : 0);
    for (const r of rules) {
      lines.push(`iptables ${r}`);
      ruleLines.push(lines.length);
    }
  }
  return { text: lines.join('\n') + '\n', kind, policyLine, ruleLines };
}

/** The whole text of a line: where the evaluator must point for a rule or a policy. */
function lineRange(text: string, line: number): SourceRange {
  const t = text.split('\n')[line - 1];
  assert.ok(t !== undefined, `line ${line}`);
  return { start: { line, column: 1 }, end: { line, column: t.length + 1 } };
}

function lint(b: Built, c: Case) {
  return lintText({ path: `/tmp/fw.${b.kind === 'save' ? 'rules' : 'sh'}`, text: b.text }, c.config, FORMAT[b.kind]);
}

function findingFor(b: Built, c: Case): Finding {
  const res = lint(b, c);
  const errors = res.findings.filter((f) => f.ruleId === 'parse-error' || f.ruleId === 'not-evaluated');
  assert.deepEqual(errors, [], `no parse errors or notices in\n${b.text}`);
  const policy = `iptables ${chainOf(c)}`;
  const found = res.findings.filter((f) => f.ruleId === c.id && f.policy?.name === policy);
  assert.equal(found.length, 1, `one ${c.id} finding on ${policy} in\n${b.text}\n${JSON.stringify(res.findings.map((f) => [f.ruleId, f.policy?.name]))}`);
  return found[0]!;
}

const gapsOf = (f: Finding, which: 'blocked' | 'unknown') => (f[which] ?? []).map((g) => ({ text: g.text, ports: g.ports.map(([a, b]) => [a, b]) }));

// ---- the catalog is covered --------------------------------------------------------------------

test('every flow requirement of the catalog has cases here, with the flows the seeds give', () => {
  const flowReqs = REQUIREMENTS.filter((r) => r.kind === 'flow' && (r.direction === 'egress' || r.direction === 'reply'));
  assert.deepEqual([...new Set(CASES.map((c) => c.id))].sort(), flowReqs.map((r) => r.id).sort());
  for (const c of CASES) {
    const r = REQUIREMENTS.find((x) => x.id === c.id)!;
    assert.equal(r.direction === 'reply', c.reply, `${c.id} direction`);
    assert.ok(r.profiles.some((p) => c.config.profiles.includes(p)) && r.roles.includes(c.config.role), `${c.name}: the config selects it`);
    if (c.id === 'custom-turn-reachable') continue;
    // The catalog's flows cover exactly the ports written here (udp-replies lists 3478 inside 1025-65535).
    for (const proto of ['tcp', 'udp'] as const) {
      const mine = c.flows.filter((f) => f.proto === proto).flatMap((f) => f.ports);
      const theirs = (r.flows ?? []).filter((f) => f.protocol === proto).flatMap((f) => f.ports);
      const cover = (ps: readonly (readonly [number, number])[]) => {
        const s = new Set<number>();
        for (const [a, b] of ps) for (let p = a; p <= b; p++) s.add(p);
        return s;
      };
      assert.deepEqual(cover(mine), cover(theirs), `${c.id} ${proto} ports`);
    }
    assert.deepEqual(r.destinations?.cidrs ? [...r.destinations.cidrs].sort() : undefined, c.cidrs ? [...c.cidrs].sort() : undefined, `${c.id} cidrs`);
  }
});

// ---- per requirement, per format ---------------------------------------------------------------

for (const kind of ['save', 'script'] as const) {
  for (const c of CASES) {
    const chain = chainOf(c);

    test(`${FORMAT[kind]}: ${c.name}: nothing allows it, so the ${chain} policy DROP decides (unmet)`, () => {
      const b = build(kind, c, []);
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'unmet');
      assert.deepEqual(gapsOf(f, 'blocked'), c.flows.map((x) => ({ text: x.text, ports: x.ports })));
      assert.deepEqual(f.unknown, []);
      const policy = lineRange(b.text, b.policyLine);
      assert.deepEqual(f.range, policy);
      for (const g of f.blocked ?? []) assert.deepEqual(g.by.map((x) => x.range), [policy]);
      assert.ok(f.message.includes(`line ${b.policyLine}`), f.message);
    });

    test(`${FORMAT[kind]}: ${c.name}: a DROP or REJECT rule before an accept decides (unmet)`, () => {
      const denies = c.flows.map((x, i) => `-A ${chain} ${spec(c, x.proto, portSpec(x.ports), i % 2 === 0 ? 'DROP' : 'REJECT')}`);
      const b = build(kind, c, [...denies, `-A ${chain} -j ACCEPT`]);
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'unmet');
      assert.deepEqual(gapsOf(f, 'blocked'), c.flows.map((x) => ({ text: x.text, ports: x.ports })));
      c.flows.forEach((_, i) => assert.deepEqual(f.blocked?.[i]?.by.map((x) => x.range), [lineRange(b.text, b.ruleLines[i]!)], `${c.flows[i]!.text}`));
      assert.deepEqual(f.range, lineRange(b.text, b.ruleLines[0]!));
    });

    if (c.partial) {
      const p = c.partial;
      test(`${FORMAT[kind]}: ${c.name}: allowed except a part (partially met, exact sub-range)`, () => {
        const b = build(kind, c, p.allow.map((a) => `-A ${chain} ${spec(c, a.proto, a.ports, 'ACCEPT')}`));
        const f = findingFor(b, c);
        assert.equal(f.verdict, 'partially-met');
        assert.deepEqual(gapsOf(f, 'blocked'), p.blocked.map((x) => ({ text: x.text, ports: x.ports })));
        assert.deepEqual(f.unknown, []);
        const policy = lineRange(b.text, b.policyLine);
        assert.deepEqual(f.range, policy);
        assert.deepEqual(
          f.allowedBy?.map((x) => x.range),
          b.ruleLines.map((l) => lineRange(b.text, l)),
        );
        for (const g of p.blocked) assert.ok(f.message.includes(`${g.text} is blocked`), f.message);
      });
    }

    test(`${FORMAT[kind]}: ${c.name}: fully allowed (met, the first allowing rule is the range)`, () => {
      const allows = c.flows.map((x) => `-A ${chain} ${spec(c, x.proto, portSpec(x.ports), 'ACCEPT')}`);
      const b = build(kind, c, [`-A ${chain} -p icmp -j ACCEPT`, ...allows]);
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'met');
      assert.deepEqual(f.blocked, []);
      assert.deepEqual(f.unknown, []);
      assert.deepEqual(f.range, lineRange(b.text, b.ruleLines[1]!));
      assert.deepEqual(f.fixes, []);
    });

    test(`${FORMAT[kind]}: ${c.name}: an ipset match decides it, so it is unknown`, () => {
      const dir = c.reply ? 'src' : 'dst';
      const b = build(kind, c, [`-A ${chain} -m set --match-set platform ${dir} -j ACCEPT`]);
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'unknown');
      assert.deepEqual(f.blocked, []);
      assert.deepEqual(gapsOf(f, 'unknown'), c.flows.map((x) => ({ text: x.text, ports: x.ports })));
      for (const g of f.unknown ?? []) assert.ok(g.reasons?.some((r) => r.includes(`--match-set platform ${dir}`)), JSON.stringify(g.reasons));
      assert.deepEqual(f.range, lineRange(b.text, b.ruleLines[0]!));
    });

    test(`${FORMAT[kind]}: ${c.name}: a jump to a chain the file does not define is unknown`, () => {
      const b = build(kind, c, [`-A ${chain} -j PLATFORM_RULES`]);
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'unknown');
      assert.deepEqual(gapsOf(f, 'unknown'), c.flows.map((x) => ({ text: x.text, ports: x.ports })));
      for (const g of f.unknown ?? []) assert.ok(g.reasons?.some((r) => r.includes('PLATFORM_RULES')), JSON.stringify(g.reasons));
      assert.deepEqual(f.range, lineRange(b.text, b.ruleLines[0]!));
    });

    test(`${FORMAT[kind]}: ${c.name}: a target only user space decides (NFQUEUE) is unknown`, () => {
      const b = build(kind, c, [`-A ${chain} -j NFQUEUE --queue-num 3`]);
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'unknown');
      for (const g of f.unknown ?? []) assert.ok(g.reasons?.some((r) => r.includes('NFQUEUE')), JSON.stringify(g.reasons));
      assert.deepEqual(f.range, lineRange(b.text, b.ruleLines[0]!));
    });

    if (kind === 'script') {
      test(`${FORMAT[kind]}: ${c.name}: an address in a variable set elsewhere is unknown; one set in the script is followed`, () => {
        const side = c.reply ? '-s' : '-d';
        const unresolved = build(kind, c, [`-A ${chain} ${side} $PLATFORM_NET -j ACCEPT`]);
        const f = findingFor(unresolved, c);
        assert.equal(f.verdict, 'unknown');
        assert.deepEqual(gapsOf(f, 'unknown'), c.flows.map((x) => ({ text: x.text, ports: x.ports })));
        for (const g of f.unknown ?? []) assert.ok(g.reasons?.some((r) => r.includes('$PLATFORM_NET')), JSON.stringify(g.reasons));
        assert.deepEqual(f.range, lineRange(unresolved.text, unresolved.ruleLines[0]!));

        // Set in the script: the same rule now allows everything it names.
        const resolved = build(kind, c, [`-A ${chain} ${side} $PLATFORM_NET -j ACCEPT`], ['PLATFORM_NET=0.0.0.0/0']);
        const g = findingFor(resolved, c);
        assert.equal(g.verdict, 'met');
        assert.deepEqual(g.range, lineRange(resolved.text, resolved.ruleLines[0]!));
      });
    }
  }
}

// ---- requirements whose destinations are address blocks ----------------------------------------

const CIDR_CASES = CASES.filter((c) => c.cidrs && c.id !== 'custom-turn-reachable');

for (const kind of ['save', 'script'] as const) {
  for (const c of CIDR_CASES) {
    const chain = chainOf(c);
    const flowRules = (dest: string) => c.flows.map((x) => `-A ${chain} -p ${x.proto} -d ${dest} -m multiport --dports ${portSpec(x.ports)} -j ACCEPT`);

    test(`${FORMAT[kind]}: ${c.name}: one rule per published block, exactly those blocks, is met`, () => {
      const rules = c.cidrs!.flatMap((cidr) => flowRules(cidr));
      const b = build(kind, c, rules);
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'met');
      assert.deepEqual(f.blocked, []);
      assert.deepEqual(f.range, lineRange(b.text, b.ruleLines[0]!));
    });

    test(`${FORMAT[kind]}: ${c.name}: a rule for a different block is unmet for every published block`, () => {
      // 192.0.2.0/24 (RFC 5737) overlaps none of the published blocks.
      const b = build(kind, c, flowRules('192.0.2.0/24'));
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'unmet');
      assert.deepEqual(gapsOf(f, 'blocked'), c.flows.map((x) => ({ text: x.text, ports: x.ports })));
      assert.deepEqual(f.range, lineRange(b.text, b.policyLine));
    });

    test(`${FORMAT[kind]}: ${c.name}: allowing all blocks but the last leaves exactly the last one blocked`, () => {
      const last = c.cidrs![c.cidrs!.length - 1]!;
      const b = build(kind, c, c.cidrs!.slice(0, -1).flatMap((cidr) => flowRules(cidr)));
      const f = findingFor(b, c);
      assert.equal(f.verdict, 'partially-met');
      assert.deepEqual(
        f.blocked?.map((g) => ({ text: g.text, addresses: g.addresses })),
        c.flows.map((x) => ({ text: `${x.text} to ${last}`, addresses: last })),
      );
      assert.deepEqual(f.range, lineRange(b.text, b.policyLine));
    });
  }
}

test('iptables-save: a block wider than a published one counts; half of a published block leaves the other half', () => {
  const c = CASES.find((x) => x.id === 'legacy-2013-udp-media')!;
  const wide = build('save', c, ['-A OUTPUT -p udp -d 70.42.0.0/16 -j ACCEPT', '-A OUTPUT -p udp -d 72.5.167.0/24 -j ACCEPT', '-A OUTPUT -p udp -d 212.118.226.32/27 -j ACCEPT']);
  assert.equal(findingFor(wide, c).verdict, 'met');

  // 70.42.47.64/26 = 70.42.47.64/27 + 70.42.47.96/27.
  const half = build('save', c, ['-A OUTPUT -p udp -d 70.42.47.64/27,72.5.167.128/26,212.118.226.32/27 -j ACCEPT']);
  const f = findingFor(half, c);
  assert.equal(f.verdict, 'partially-met');
  assert.deepEqual(f.blocked?.map((g) => g.text), ['UDP 1025-65535 to 70.42.47.96/27']);

  // A port hole and an address hole at once.
  const both = build('save', c, [
    '-A OUTPUT -p udp -d 70.42.47.64/26 -j ACCEPT',
    '-A OUTPUT -p udp -d 72.5.167.128/26,212.118.226.32/27 -m udp --dport 1025:9999 -j ACCEPT',
    '-A OUTPUT -p udp -d 72.5.167.128/26,212.118.226.32/27 -m udp --dport 20000:65535 -j ACCEPT',
  ]);
  const g = findingFor(both, c);
  assert.equal(g.verdict, 'partially-met');
  assert.deepEqual(g.blocked?.map((x) => ({ text: x.text, ports: x.ports.map(([a, b]) => [a, b]) })), [
    { text: 'UDP 10000-19999 to 72.5.167.128/26, 212.118.226.32/27', ports: [[10000, 19999]] },
  ]);
});

test('iptables-save: with an allowed-IP list, platform requirements are decided per address', () => {
  const set = ['23.235.32.0/20', '104.156.80.0/20'].map((x) => {
    const p = parseCidr(x);
    assert.ok(p.ok);
    return p.set;
  }).reduce((a, b) => a.union(b), IntervalSet.EMPTY);
  const config = cfg('opentok', 'client-network', {
    allowedIps: { set, count: 2, file: '/work/allowed.txt', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 15 } } },
  });
  const c: Case = { id: 'tcp-443-platform', name: 'allowed ips', config, reply: false, flows: [tcp([[443, 443]], 'TCP 443')] };
  const b = build('save', c, ['-A OUTPUT -p tcp -d 23.235.32.0/20 -m tcp --dport 443 -j ACCEPT']);
  const f = findingFor(b, c);
  assert.equal(f.verdict, 'partially-met');
  assert.deepEqual(f.blocked?.map((g) => g.text), ['TCP 443 to 104.156.80.0/20']);
  assert.ok(f.related?.some((r) => r.file === '/work/allowed.txt'), 'points at the allowed-IP list');

  const all = build('save', c, ['-A OUTPUT -p tcp -d 23.235.32.0/20,104.156.80.0/20 -m tcp --dport 443 -j ACCEPT']);
  assert.equal(findingFor(all, c).verdict, 'met');

  // Without the list the same rule covers only some of the platform's possible addresses: unknown, not met.
  const without: Case = { ...c, config: cfg('opentok') };
  const u = findingFor(b, without);
  assert.equal(u.verdict, 'unknown');
  assert.ok(u.unknown?.[0]?.reasons?.some((r) => r.includes('allowedIps')), JSON.stringify(u.unknown));
});

test('both formats: two custom TURN servers, one allowed, one not: partially met naming the blocked server', () => {
  const config = cfg('custom-turn', 'client-network', { turnServers: [TURN_IP, TURN_NAME] });
  const c: Case = { id: 'custom-turn-reachable', name: 'two servers', config, reply: false, flows: [] };
  for (const kind of ['save', 'script'] as const) {
    const b = build(kind, c, ['-A OUTPUT -p tcp -d 198.51.100.7 -m tcp --dport 443 -j ACCEPT']);
    const f = findingFor(b, c);
    assert.equal(f.verdict, 'partially-met');
    assert.deepEqual(gapsOf(f, 'blocked'), [{ text: 'UDP 3478 to turn.example.net: UDP 3478', ports: [[3478, 3478]] }]);
    assert.deepEqual(f.range, lineRange(b.text, b.policyLine));
    // The other way round: the server by name allowed, the address not.
    const other = build(kind, c, ['-A OUTPUT -p udp -m udp --dport 3478 -j ACCEPT', '-A OUTPUT -p tcp -d 198.51.100.8 -m tcp --dport 443 -j ACCEPT']);
    const g = findingFor(other, c);
    assert.equal(g.verdict, 'partially-met');
    assert.deepEqual(gapsOf(g, 'blocked'), [{ text: 'TLS 443 to 198.51.100.7: TCP 443', ports: [[443, 443]] }]);
  }
});
