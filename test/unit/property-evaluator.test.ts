// The evaluator against a naive interpreter of iptables semantics
// (iptables(8), iptables-extensions(8)): random small iptables-save files
// are built from a rule generator, parsed and evaluated over a port range;
// the interpreter below walks the chains for each port and address one by
// one and must reach the same verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { classify, evaluateFlow, type FlowContext } from '../../src/core/analysis/evaluate';
import { iptablesSave } from '../../src/core/formats/iptables';
import { ALL_V4 } from '../../src/core/model/addresses';
import { IntervalSet } from '../../src/core/model/intervals';
import type { Region } from '../../src/core/model/region';
import { Region as RegionClass } from '../../src/core/model/region';

type Proto = 'tcp' | 'udp';
type State = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';

interface GenRule {
  readonly proto?: { readonly name: Proto | 'all'; readonly neg: boolean };
  readonly dport?: { readonly multi: boolean; readonly ranges: readonly (readonly [number, number])[]; readonly neg: boolean };
  readonly dst?: { readonly cidr: number; readonly neg: boolean };
  readonly state?: { readonly states: readonly State[]; readonly neg: boolean; readonly conntrack: boolean };
  readonly out?: { readonly name: 'lo' | 'eth0' | '+'; readonly neg: boolean };
  readonly target:
    | { readonly kind: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN' | 'LOG' }
    | { readonly kind: 'jump' | 'goto'; readonly to: number };
}

interface GenPolicy {
  readonly policy: 'ACCEPT' | 'DROP';
  /** chains[0] is OUTPUT; chains[i > 0] are user chains, which only jump to later chains (iptables refuses loops). */
  readonly chains: readonly (readonly GenRule[])[];
}

/** Address blocks the rules and flows use, as [network, prefix] over 32-bit IPv4. */
const CIDRS: readonly (readonly [number, number])[] = [
  [ip(10, 0, 0, 0), 8],
  [ip(10, 1, 0, 0), 16],
  [ip(192, 0, 2, 0), 24],
  [ip(192, 0, 2, 128), 25],
  [ip(198, 51, 100, 7), 32],
  [0, 0],
];

function ip(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

function cidrText([net, prefix]: readonly [number, number]): string {
  return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${prefix}`;
}

function inCidr(addr: number, [net, prefix]: readonly [number, number]): boolean {
  const size = 2 ** (32 - prefix);
  return addr >= net && addr < net + size;
}

// ---- generator ----------------------------------------------------------------

const portArb = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 65530, max: 65535 }));
const rangeArb = fc.oneof(portArb.map((p) => [p, p] as const), fc.tuple(portArb, portArb));

/**
 * `topLevelReturn`: whether OUTPUT itself may RETURN or -g (goto) a user
 * chain, the two ways a packet can return from a built-in chain.
 */
function ruleArb(chainIndex: number, chainCount: number, topLevelReturn: boolean): fc.Arbitrary<GenRule> {
  const later = chainCount - chainIndex - 1;
  const canReturn = chainIndex > 0 || topLevelReturn;
  const targets: fc.Arbitrary<GenRule['target']>[] = [
    (canReturn ? fc.constantFrom('ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG') : fc.constantFrom('ACCEPT', 'DROP', 'REJECT', 'LOG')).map((kind) => ({ kind })),
  ];
  if (later > 0) {
    const kinds = canReturn ? fc.constantFrom('jump' as const, 'goto' as const) : fc.constant('jump' as const);
    targets.push(fc.record({ kind: kinds, to: fc.integer({ min: chainIndex + 1, max: chainCount - 1 }) }));
  }
  return fc
    .record(
      {
        proto: fc.record({ name: fc.constantFrom<Proto | 'all'>('tcp', 'udp', 'tcp', 'udp', 'all'), neg: fc.boolean() }),
        dport: fc.record({ multi: fc.boolean(), ranges: fc.array(rangeArb, { minLength: 1, maxLength: 3 }), neg: fc.boolean() }),
        dst: fc.record({ cidr: fc.integer({ min: 0, max: CIDRS.length - 1 }), neg: fc.boolean() }),
        state: fc.record({
          states: fc.uniqueArray(fc.constantFrom<State>('NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'), { minLength: 1, maxLength: 3 }),
          neg: fc.boolean(),
          conntrack: fc.boolean(),
        }),
        out: fc.record({ name: fc.constantFrom<'lo' | 'eth0' | '+'>('lo', 'eth0', '+'), neg: fc.boolean() }),
        target: fc.oneof(...targets),
      },
      { requiredKeys: ['target'] },
    )
    .map((r) => {
      // Port matches need a positive -p tcp or -p udp (iptables-extensions(8), tcp and udp matches).
      const portsOk = r.proto && r.proto.name !== 'all' && !r.proto.neg;
      // A single --dport takes one port or one range.
      const dport = r.dport && portsOk ? (r.dport.multi ? r.dport : { ...r.dport, ranges: r.dport.ranges.slice(0, 1) }) : undefined;
      const { dport: _drop, ...rest } = r;
      return (dport ? { ...rest, dport } : rest) as GenRule;
    });
}

function policyArb(topLevelReturn: boolean): fc.Arbitrary<GenPolicy> {
  return fc
    .record({ policy: fc.constantFrom<'ACCEPT' | 'DROP'>('ACCEPT', 'DROP'), userChains: fc.integer({ min: 0, max: 3 }) })
    .chain(({ policy, userChains }) => {
      const n = userChains + 1;
      return fc
        .tuple(...Array.from({ length: n }, (_, i) => fc.array(ruleArb(i, n, topLevelReturn), { maxLength: i === 0 ? 7 : 4 })))
        .map((chains) => ({ policy, chains }));
    });
}

function chainName(i: number): string {
  return i === 0 ? 'OUTPUT' : `USER${i}`;
}

function render(p: GenPolicy): { text: string; ruleLines: number[][] } {
  const lines = ['# Generated by iptables-save v1.8.9', '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', `:OUTPUT ${p.policy} [0:0]`];
  for (let i = 1; i < p.chains.length; i++) lines.push(`:${chainName(i)} - [0:0]`);
  const ruleLines: number[][] = p.chains.map(() => []);
  p.chains.forEach((rules, ci) => {
    for (const r of rules) {
      const w: string[] = [`-A ${chainName(ci)}`];
      if (r.out) w.push(`${r.out.neg ? '! ' : ''}-o ${r.out.name}`);
      if (r.dst) w.push(`${r.dst.neg ? '! ' : ''}-d ${cidrText(CIDRS[r.dst.cidr]!)}`);
      if (r.proto) w.push(`${r.proto.neg ? '! ' : ''}-p ${r.proto.name}`);
      if (r.dport) {
        const list = r.dport.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',');
        w.push(r.dport.multi ? `-m multiport ${r.dport.neg ? '! ' : ''}--dports ${list}` : `-m ${r.proto!.name} ${r.dport.neg ? '! ' : ''}--dport ${list}`);
      }
      if (r.state) {
        w.push(r.state.conntrack ? `-m conntrack ${r.state.neg ? '! ' : ''}--ctstate ${r.state.states.join(',')}` : `-m state ${r.state.neg ? '! ' : ''}--state ${r.state.states.join(',')}`);
      }
      const t = r.target;
      if (t.kind === 'jump') w.push(`-j ${chainName(t.to)}`);
      else if (t.kind === 'goto') w.push(`-g ${chainName(t.to)}`);
      else if (t.kind === 'REJECT') w.push('-j REJECT --reject-with icmp-port-unreachable');
      else if (t.kind === 'LOG') w.push('-j LOG --log-prefix "out: "');
      else w.push(`-j ${t.kind}`);
      lines.push(w.join(' '));
      ruleLines[ci]!.push(lines.length);
    }
  });
  lines.push('COMMIT', '');
  return { text: lines.join('\n'), ruleLines };
}

// ---- the naive interpreter ------------------------------------------------------

interface Packet {
  readonly proto: Proto;
  readonly port: number;
  readonly addr: number;
}

type Tri = 'yes' | 'no' | 'maybe';

function flip(v: boolean, neg: boolean): Tri {
  return v !== neg ? 'yes' : 'no';
}

/**
 * Whether a rule matches the first packet of a new outgoing connection.
 * The packet leaves through the internet-facing interface, which is not the
 * loopback; whether it is called eth0 is not known from the file.
 */
function matches(r: GenRule, pkt: Packet): Tri {
  const parts: Tri[] = [];
  if (r.proto) parts.push(r.proto.name === 'all' ? flip(true, r.proto.neg) : flip(pkt.proto === r.proto.name, r.proto.neg));
  if (r.dport) {
    const inSet = r.dport.ranges.some(([a, b]) => pkt.port >= Math.min(a, b) && pkt.port <= Math.max(a, b));
    parts.push(flip(inSet, r.dport.neg));
  }
  if (r.dst) parts.push(flip(inCidr(pkt.addr, CIDRS[r.dst.cidr]!), r.dst.neg));
  if (r.state) parts.push(flip(r.state.states.includes('NEW'), r.state.neg));
  if (r.out) parts.push(r.out.name === 'lo' ? flip(false, r.out.neg) : r.out.name === '+' ? flip(true, r.out.neg) : 'maybe');
  if (parts.includes('no')) return 'no';
  return parts.includes('maybe') ? 'maybe' : 'yes';
}

/** `return`: RETURN, or the end of a chain. */
type End = 'allow' | 'deny' | 'return';

/** Every way the packet can leave chain `ci` from rule `from` on, over both branches of each undecided match. */
function runChain(p: GenPolicy, ci: number, from: number, pkt: Packet, out: Set<End>): void {
  const rules = p.chains[ci]!;
  for (let i = from; i < rules.length; i++) {
    const r = rules[i]!;
    const m = matches(r, pkt);
    if (m === 'no') continue;
    if (m === 'maybe') runChain(p, ci, i + 1, pkt, out); // the branch where it does not match
    const t = r.target;
    switch (t.kind) {
      case 'ACCEPT':
        out.add('allow');
        return;
      case 'DROP':
      case 'REJECT':
        out.add('deny');
        return;
      case 'LOG':
        continue;
      case 'RETURN':
        out.add('return');
        return;
      case 'goto':
        // Returns from a goto go back to this chain's caller.
        runChain(p, t.to, 0, pkt, out);
        return;
      case 'jump': {
        const sub = new Set<End>();
        runChain(p, t.to, 0, pkt, sub);
        for (const e of sub) if (e !== 'return') out.add(e);
        if (sub.has('return')) runChain(p, ci, i + 1, pkt, out);
        return;
      }
    }
  }
  out.add('return');
}

function reference(p: GenPolicy, pkt: Packet): 'allowed' | 'blocked' | 'unknown' {
  const ends = new Set<End>();
  runChain(p, 0, 0, pkt, ends);
  // Falling off OUTPUT, or RETURN from it, applies the chain policy (iptables(8), TARGETS).
  const outcomes = new Set([...ends].map((e) => (e === 'return' ? (p.policy === 'ACCEPT' ? 'allow' : 'deny') : e)));
  if (outcomes.size > 1) return 'unknown';
  return outcomes.has('allow') ? 'allowed' : 'blocked';
}

// ---- comparison -------------------------------------------------------------------

/** IPv4 addresses live at ::ffff:0:0/96 in the model (RFC 4291 section 2.5.5.2). */
const V4_BASE = ALL_V4.intervals[0]![0];

function regionHas(r: Region, port: number, addr: number): boolean {
  const a = V4_BASE + BigInt(addr);
  return r.segments.some((s) => s.lo <= port && port <= s.hi && s.addrs.has(a));
}

function sampleAddresses(universe: readonly [number, number]): number[] {
  const s = new Set<number>([0, 2 ** 32 - 1]);
  for (const [net, prefix] of CIDRS) {
    const last = net + 2 ** (32 - prefix) - 1;
    for (const v of [net - 1, net, last, last + 1]) if (v >= 0 && v < 2 ** 32) s.add(v);
  }
  return [...s].filter((a) => inCidr(a, universe)).sort((x, y) => x - y);
}

const flowArb = fc.record({
  proto: fc.constantFrom<Proto>('tcp', 'udp'),
  ports: fc.oneof(
    { weight: 30, arbitrary: fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const) },
    { weight: 6, arbitrary: fc.constant([65500, 65535] as const) },
    { weight: 1, arbitrary: fc.constant([0, 65535] as const) },
  ),
  universe: fc.integer({ min: 0, max: CIDRS.length - 1 }),
});

function agreesWithInterpreter(topLevelReturn: boolean, numRuns: number): void {
  fc.assert(
    fc.property(policyArb(topLevelReturn), flowArb, (gen, flow) => {
      const { text } = render(gen);
      const parsed = iptablesSave.parse({ path: 'gen.rules', text });
      assert.deepEqual(parsed.diagnostics.map((d) => d.message), [], `the generated file is valid:\n${text}`);
      const policy = parsed.policies.find((p) => p.entry === 'OUTPUT');
      assert.ok(policy, 'an OUTPUT policy');
      const [net, prefix] = CIDRS[flow.universe]!;
      const universe = IntervalSet.of(V4_BASE + BigInt(net), V4_BASE + BigInt(net + 2 ** (32 - prefix) - 1));
      const ctx: FlowContext = {
        protocol: flow.proto,
        direction: 'egress',
        remotePorts: IntervalSet.of(BigInt(flow.ports[0]), BigInt(flow.ports[1])),
        universe,
        universeKind: 'cidrs',
      };
      const pieces = evaluateFlow(policy, ctx);
      const box = RegionClass.box(ctx.remotePorts, universe);
      // The pieces come from evaluating this very box, so classify may take its shortcut for runs without
      // a maybe-match; a copy of the list takes the general path, and both must agree.
      const cls = classify(pieces, box, true);
      const general = classify([...pieces], box);
      for (const k of ['allowed', 'blocked', 'unknown'] as const) {
        assert.ok(cls[k].subtract(general[k]).isEmpty() && general[k].subtract(cls[k]).isEmpty(), `classify shortcut and general path differ on ${k}\n${text}`);
      }
      // The whole-port answers read from the unions agree with the regions, on both paths and cut to part of the flow.
      const part = IntervalSet.of(BigInt(flow.ports[0]), BigInt(Math.min(flow.ports[1], flow.ports[0] + 7)));
      for (const c of [cls, general, cls.restrict(part), general.restrict(part, universe)]) {
        for (const k of ['allowed', 'blocked'] as const) {
          const want = c[k].portsWhere((a) => a.covers(universe));
          assert.ok(c.portsEntirely(k, universe).equals(want), `portsEntirely(${k}) differs from the ${k} region\n${text}`);
        }
        assert.equal(c.allowsAll(), c.blocked.isEmpty() && c.unknown.isEmpty(), `allowsAll\n${text}`);
      }
      const whole = flow.ports[1] - flow.ports[0] > 1000;
      const addrs = sampleAddresses(CIDRS[flow.universe]!);
      // Over all 65,536 ports, two addresses keep the walk short: the universe's first and last.
      const checked = whole ? [addrs[0]!, addrs[addrs.length - 1]!] : addrs;
      for (let port = flow.ports[0]; port <= flow.ports[1]; port++) {
        for (const addr of checked) {
          const want = reference(gen, { proto: flow.proto, port, addr });
          const got = regionHas(cls.allowed, port, addr) ? 'allowed' : regionHas(cls.blocked, port, addr) ? 'blocked' : regionHas(cls.unknown, port, addr) ? 'unknown' : 'outside';
          if (got !== want) {
            assert.fail(`${flow.proto.toUpperCase()} port ${port} to ${cidrText([addr, 32])}: evaluator says ${got}, interpreter says ${want}\n${text}`);
          }
        }
      }
    }),
    { numRuns },
  );
}

test('evaluator: classify over a port range agrees with a port-by-port iptables interpreter', () => {
  agreesWithInterpreter(false, 200);
});

// iptables(8): "If the end of a built-in chain is reached or a rule in a built-in chain with
// target RETURN is matched, the target specified by the chain policy determines the fate of
// the packet"; a -g chain that returns goes back to the caller's caller, here past OUTPUT.
test(
  'evaluator: RETURN in OUTPUT, or a return from a chain OUTPUT reached by -g, applies the policy of OUTPUT',
  {},
  () => {
    agreesWithInterpreter(true, 100);
  },
);
