import { getOrMake } from '../memo';
import { IntervalSet } from '../model/intervals';
import { LOOPBACK, familySpace, inFamily } from '../model/addresses';
import { ALL_PORTS, CLIENT_EPHEMERAL_PORTS, formatPorts, type Protocol } from '../model/ports';
import { formatAddresses } from '../model/addresses';
import { Region } from '../model/region';
import type { Chain, ChainDefault, ConnState, InterfaceMatch, Policy, Rule, Uncertainty } from '../model/policy';
import type { SourceRange } from '../model/source';

/**
 * First-match evaluation over a region of (remote port, remote address)
 * pairs. Conditions on other fields (interfaces, local addresses, named
 * ports, unknown match modules) are three-valued: a rule that may match
 * decides its part only "maybe", and a point whose possible outcomes
 * disagree is reported as unknown, with the reason.
 */

/** How the remote side of a flow is known. */
export type UniverseKind =
  /** Published blocks: the verdict is exact per address. */
  | 'cidrs'
  /** Host names with no published addresses: only all-or-nothing address coverage decides. */
  | 'platform'
  /** The client's DNS resolver, wherever it is. */
  | 'resolver';

export interface FlowContext {
  readonly protocol: Protocol;
  readonly direction: 'egress' | 'reply';
  readonly remotePorts: IntervalSet;
  readonly universe: IntervalSet;
  readonly universeKind: UniverseKind;
  /** Names the flow in messages when the requirement has several destinations (custom TURN servers). */
  readonly label?: string;
  /**
   * The connection-tracking state of the packets in question. The first packet a
   * client sends is NEW, its later packets and every reply ESTABLISHED; unset, an
   * egress flow is its first packet and a reply flow ESTABLISHED.
   */
  readonly state?: ConnState;
}

export interface Decider {
  readonly range: SourceRange;
  readonly text: string;
  /** A rule, or the chain's default when no rule matched. */
  readonly kind: 'rule' | 'default';
}

export type Outcome = 'allow' | 'deny' | 'unknown';

export interface Piece {
  readonly region: Region;
  readonly outcome: Outcome;
  readonly decider: Decider;
  /** Empty when the rule certainly matches this part. */
  readonly conditions: readonly Uncertainty[];
}

const MAX_DEPTH = 64;

/**
 * Piece lists from a run in which some rule that decides, returns or jumps matched only
 * maybe: a point may then have taken several paths, and its pieces overlap. Lists of runs
 * without such a rule are DISJOINT, which lets classify skip the work of telling overlaps
 * apart.
 */
const MAY_OVERLAP = new WeakSet<readonly Piece[]>();
const DISJOINT = new WeakSet<readonly Piece[]>();

export function evaluateFlow(policy: Policy, ctx: FlowContext): Piece[] {
  const pieces: Piece[] = [];
  const start = Region.box(ctx.remotePorts, inFamily(ctx.universe, policy.family));
  if (start.isEmpty()) return pieces;
  const entry = policy.chains.get(policy.entry);
  if (!entry) {
    pieces.push({
      region: start,
      outcome: 'unknown',
      decider: { range: policy.range, text: `chain ${policy.entry} is not defined`, kind: 'default' },
      conditions: [{ reason: `chain ${policy.entry} is not defined` }],
    });
    return pieces;
  }
  const returned = runChain(policy, ctx, entry, start, [], [entry.name], pieces, matchesUnder(policy, matchKey(ctx, policy)));
  if (!returned.isEmpty() && entry.default) {
    // RETURN in a built-in chain, or from a chain it went to with -g, ends in the
    // built-in chain's policy (iptables(8), TARGETS).
    pieces.push(defaultPiece(entry.default, returned, []));
  } else if (!returned.isEmpty()) {
    // Only a user chain used as an entry can return; treat as undecided.
    pieces.push({
      region: returned,
      outcome: 'unknown',
      decider: { range: entry.range ?? policy.range, text: `chain ${entry.name} returns without a verdict`, kind: 'default' },
      conditions: [{ reason: `chain ${entry.name} has no default policy` }],
    });
  }
  if (!MAY_OVERLAP.has(pieces)) DISJOINT.add(pieces);
  return pieces;
}

function runChain(
  policy: Policy,
  ctx: FlowContext,
  chain: Chain,
  incoming: Region,
  inherited: readonly Uncertainty[],
  stack: string[],
  out: Piece[],
  matches: Matches,
): Region {
  const undecided = new Undecided(incoming);
  let returned = Region.EMPTY;
  const hits = chainMatches(matches, chain);
  for (let r = 0; r < chain.rules.length; r++) {
    if (undecided.isEmpty()) break;
    const rule = chain.rules[r]!;
    for (const m of (hits[r] ??= matchRule(rule, ctx, policy, matches.facts))) {
      if (undecided.isEmpty()) break;
      const hit = undecided.hit(m);
      if (hit.isEmpty()) continue;
      const conditions = m.uncertain.length === 0 ? inherited : inherited.length === 0 ? m.uncertain : [...inherited, ...m.uncertain];
      const certain = m.uncertain.length === 0;
      // A point a rule may or may not match takes two paths, unless the rule only logs or marks
      // (the packet goes on either way).
      if (!certain && rule.target.kind !== 'continue') MAY_OVERLAP.add(out);
      const decider = deciderOf(rule, matches.facts);
      const t = rule.target;
      switch (t.kind) {
        case 'accept':
        case 'drop':
        case 'reject':
        case 'unknown': {
          out.push({ region: hit, outcome: t.kind === 'accept' ? 'allow' : t.kind === 'unknown' ? 'unknown' : 'deny', decider, conditions: t.kind === 'unknown' ? [...conditions, { reason: t.reason, range: rule.range }] : conditions });
          if (certain) undecided.decide(m);
          break;
        }
        case 'continue':
          break;
        case 'return':
          returned = returned.union(hit);
          if (certain) undecided.decide(m);
          break;
        case 'jump':
        case 'goto': {
          const target = policy.chains.get(t.chain);
          if (!target || stack.includes(t.chain) || stack.length >= MAX_DEPTH) {
            const reason = !target ? `chain ${t.chain} is not defined in this file` : `jump to ${t.chain} loops or nests too deep`;
            out.push({ region: hit, outcome: 'unknown', decider, conditions: [...conditions, { reason, range: rule.range }] });
            if (certain) undecided.decide(m);
            break;
          }
          stack.push(t.chain);
          const back = runChain(policy, ctx, target, hit, conditions, stack, out, matches);
          stack.pop();
          if (t.kind === 'goto') {
            // A goto's returns go back to this chain's caller.
            returned = returned.union(back);
            if (certain) undecided.decide(m);
          } else if (certain) {
            undecided.decide(m);
            undecided.add(back);
          }
          break;
        }
      }
    }
  }
  const remaining = undecided.region();
  if (remaining.isEmpty()) return returned;
  if (chain.default) {
    out.push(defaultPiece(chain.default, remaining, inherited));
    return returned;
  }
  return returned.union(remaining);
}

/**
 * What is still undecided in a chain: a region less the boxes that certain rules decided
 * since the region was last brought up to date. A run of rules for single hosts (a block
 * list of /32 DROPs) would otherwise copy the whole, ever more fragmented region once per
 * rule; the boxes are taken out together, every so many rules or when a rule needs the
 * whole region. A rule for one host then costs about the square root of the list's length,
 * not its length.
 */
class Undecided {
  private pending: RuleHit[] = [];
  private decided = 0;

  constructor(private base: Region) {}

  /** Whether surely nothing is undecided; boxes not yet taken out may have emptied it unnoticed, which costs only empty matches. */
  isEmpty(): boolean {
    return this.base.isEmpty();
  }

  /** The undecided part of what a rule matches. */
  hit(m: RuleHit): Region {
    if (!m.addrs) {
      // No address condition: the region already lies in the flow's own addresses.
      this.settle();
      return this.base.intersectPorts(m.ports);
    }
    let hit = this.base.intersectBox(m.ports, m.addrs);
    for (const p of this.pending) {
      if (hit.isEmpty()) break;
      if (!p.addrs!.overlaps(m.addrs) || !p.ports.overlaps(m.ports)) continue;
      hit = without(hit, p);
    }
    return hit;
  }

  /** A certain rule decided everything it matches. */
  decide(m: RuleHit): void {
    if (!m.addrs) {
      this.settle();
      this.base = this.base.subtractPorts(m.ports);
      return;
    }
    this.pending.push(m);
    // A few times the square root of the boxes decided so far: a rule looks at that many at most, and
    // the region, which has about as many holes as boxes were decided, is copied that much less often.
    if (this.pending.length >= Math.max(4, 4 * Math.sqrt(++this.decided))) this.settle();
  }

  /** A region comes back undecided (returned from a chain jumped to). */
  add(r: Region): void {
    this.settle();
    this.base = this.base.union(r);
  }

  /** Everything undecided, brought up to date. */
  region(): Region {
    this.settle();
    return this.base;
  }

  private settle(): void {
    const n = this.pending.length;
    if (n === 0) return;
    this.base = n === 1 ? without(this.base, this.pending[0]!) : this.base.subtract(Region.unionAll(this.pending.map((p) => Region.box(p.ports, p.addrs!))));
    this.pending = [];
  }
}

/** A rule as the decider of pieces: one object per rule, however many pieces it decides. */
function deciderOf(rule: Rule, cache: FactsCache): Decider {
  return (factsOf(rule, cache).decider ??= { range: rule.range, text: rule.text, kind: 'rule' });
}

function defaultPiece(d: ChainDefault, region: Region, inherited: readonly Uncertainty[]): Piece {
  return {
    region,
    outcome: d.action === 'accept' ? 'allow' : d.action === 'drop' ? 'deny' : 'unknown',
    decider: { range: d.range, text: d.text, kind: 'default' },
    conditions: d.action === 'unknown' ? [...inherited, { reason: d.text, range: d.range }] : inherited,
  };
}

/**
 * What a rule may match of a flow: ports, and addresses unless the rule has no address
 * condition (then the flow's own). With --ports a rule has two parts, one certain and
 * one uncertain.
 */
interface RuleHit {
  readonly ports: IntervalSet;
  readonly addrs: IntervalSet | undefined;
  readonly uncertain: readonly Uncertainty[];
}

function without(region: Region, m: RuleHit): Region {
  return m.addrs ? region.subtractBox(m.ports, m.addrs) : region.subtractPorts(m.ports);
}

/**
 * What a rule matches depends on the flow's protocol, direction and state, not on the
 * requirement: computed once per chain and key, a list per rule filled in as the rules
 * are reached, and reused by every requirement's flows. The caches of a policy hang off
 * one weak entry for the policy; inside it, plain maps, which cost the collector far
 * less than a weak entry per rule.
 */
type FactsCache = Map<Rule, RuleFacts>;
/** What is worked out once per rule: each side's facts (null: it never matches that side), and the rule as a decider. */
interface RuleFacts {
  egress: SideFacts | null | undefined;
  reply: SideFacts | null | undefined;
  decider: Decider | undefined;
}
const noFacts = (): RuleFacts => ({ egress: undefined, reply: undefined, decider: undefined });
function factsOf(rule: Rule, cache: FactsCache): RuleFacts {
  return getOrMake(cache, rule, noFacts);
}
interface Matches {
  readonly byChain: Map<Chain, (readonly RuleHit[] | undefined)[]>;
  readonly facts: FactsCache;
}
interface PolicyCache {
  readonly byKey: Map<string, Matches>;
  readonly facts: FactsCache;
}
const CACHES = new WeakMap<Policy, PolicyCache>();

/** Lets go of a policy's match caches once its checks are done, so that they die young. */
export function forgetMatches(policy: Policy): void {
  CACHES.delete(policy);
}

/** What a rule's match depends on, besides the rule. */
function matchKey(ctx: FlowContext, policy: Policy): string {
  return `${ctx.protocol}|${ctx.direction}|${ctx.state ?? ''}|${policy.family}|${policy.direction}|${ctx.universeKind === 'resolver' ? 'r' : ''}`;
}

const NO_HITS: readonly RuleHit[] = [];

function matchesUnder(policy: Policy, key: string): Matches {
  const cache = getOrMake(CACHES, policy, newPolicyCache);
  return getOrMake(cache.byKey, key, newMatches, cache.facts);
}

function newPolicyCache(): PolicyCache {
  return { byKey: new Map(), facts: new Map() };
}

function newMatches(_key: string, facts: FactsCache): Matches {
  return { byChain: new Map(), facts };
}

/** The chain's rules' matches under one key. */
function chainMatches(matches: Matches, chain: Chain): (readonly RuleHit[] | undefined)[] {
  return getOrMake(matches.byChain, chain, newChainMatches);
}

function newChainMatches(chain: Chain): (readonly RuleHit[] | undefined)[] {
  return new Array<readonly RuleHit[] | undefined>(chain.rules.length);
}

/** The parts of the flow a rule may match: none, one box, or (with --ports) a certain and an uncertain part. */
function matchRule(rule: Rule, ctx: FlowContext, policy: Policy, facts: FactsCache): readonly RuleHit[] {
  const hit = matchBox(rule, ctx, policy, facts);
  if (!hit) return NO_HITS;
  const either = rule.match.eitherPorts;
  if (!either) return [hit];
  // --ports: a remote port in the list certainly matches; any other matches only when
  // the client's own port happens to be in the list.
  const out: RuleHit[] = [{ ...hit, ports: hit.ports.intersect(either) }];
  if (either.overlaps(CLIENT_EPHEMERAL_PORTS)) {
    out.push({
      ...hit,
      ports: hit.ports.subtract(either),
      uncertain: [...hit.uncertain, { reason: `--ports ${formatPorts(either)} matches other ports only when the client's port is among them`, range: rule.range }],
    });
  }
  return out.filter((h) => !h.ports.isEmpty());
}

function matchBox(rule: Rule, ctx: FlowContext, policy: Policy, cache: FactsCache): RuleHit | undefined {
  const m = rule.match;
  if (m.protocols && !m.protocols.has(ctx.protocol)) return undefined;
  const egress = ctx.direction === 'egress';
  const facts = sideFacts(rule, egress, policy, cache);
  if (!facts) return undefined;
  let partial: Uncertainty | undefined;
  if (m.states) {
    const state: ConnState = ctx.state ?? (egress ? 'new' : 'established');
    if (!m.states.has(state)) return undefined;
    if (m.partialStates?.states.has(state)) partial = { reason: m.partialStates.reason, range: rule.range };
  }
  if (m.clusterPeers && ctx.universeKind !== 'resolver') return undefined;
  if (!partial && !m.clusterPeers) return facts.hit;
  // In the order the conditions are read: local side, state, interfaces, cluster peers, the rule's own.
  const u = facts.hit.uncertain;
  const own = m.uncertain?.length ?? 0;
  const uncertain = u.slice(0, facts.local);
  if (partial) uncertain.push(partial);
  uncertain.push(...u.slice(facts.local, u.length - own));
  if (m.clusterPeers) uncertain.push(m.clusterPeers);
  uncertain.push(...u.slice(u.length - own));
  return { ports: facts.hit.ports, addrs: facts.hit.addrs, uncertain };
}

interface SideFacts {
  readonly hit: RuleHit;
  /** How many of its conditions are about the local side (they come first). */
  readonly local: number;
}

/**
 * What a rule matches on one side of a flow (egress or reply) apart from protocol, state
 * and cluster peers: the same for every key, so computed once per rule and side, with
 * the texts of its conditions. undefined: the rule never matches that side.
 */
function sideFacts(rule: Rule, egress: boolean, policy: Policy, cache: FactsCache): SideFacts | undefined {
  const f = factsOf(rule, cache);
  const side = egress ? 'egress' : 'reply';
  if (f[side] === undefined) f[side] = computeSideFacts(rule, egress, policy) ?? null;
  return f[side] ?? undefined;
}

function computeSideFacts(rule: Rule, egress: boolean, policy: Policy): SideFacts | undefined {
  const m = rule.match;
  const uncertain: Uncertainty[] = [];
  const remotePorts = egress ? m.dstPorts : m.srcPorts;
  const localPorts = egress ? m.srcPorts : m.dstPorts;
  const remoteAddrs = egress ? m.dstAddrs : m.srcAddrs;
  const localAddrs = egress ? m.srcAddrs : m.dstAddrs;

  if (localPorts) {
    if (!localPorts.overlaps(CLIENT_EPHEMERAL_PORTS)) return undefined;
    if (!localPorts.covers(CLIENT_EPHEMERAL_PORTS)) {
      uncertain.push({ reason: `matches only when the client's port is in ${formatPorts(localPorts)}`, range: rule.range });
    }
  }
  if (localAddrs) {
    const space = localSpace(policy.family);
    if (!localAddrs.overlaps(space)) return undefined;
    if (!localAddrs.covers(space)) {
      uncertain.push({ reason: `matches only when the local address is in ${formatAddresses(localAddrs)}`, range: rule.range });
    }
  }
  const local = uncertain.length;
  // On the way out the packet leaves through the internet-facing interface;
  // a reply comes in through it. Forwarding chains see the inside interface too.
  const outward = egress ? m.outInterface : m.inInterface;
  const inward = egress ? m.inInterface : m.outInterface;
  if (outward) {
    const r = interfaceCondition(outward, 'internet-facing', rule.range);
    if (r === false) return undefined;
    if (r) uncertain.push(r);
  }
  if (inward && policy.direction === 'forward') {
    const r = interfaceCondition(inward, 'inside', rule.range);
    if (r === false) return undefined;
    if (r) uncertain.push(r);
  }
  if (m.uncertain) uncertain.push(...m.uncertain);
  return { hit: { ports: remotePorts ?? ALL_PORTS, addrs: remoteAddrs, uncertain }, local };
}

/** The addresses a host's own side can have: its family less loopback. */
const LOCAL_SPACES = new Map<Policy['family'], IntervalSet>();
function localSpace(family: Policy['family']): IntervalSet {
  return getOrMake(LOCAL_SPACES, family, () => familySpace(family).subtract(LOOPBACK));
}

function isLoopback(name: string): boolean {
  return name === 'lo' || name === 'lo+';
}

/** false: never matches; undefined: always matches; otherwise the condition. */
function interfaceCondition(i: InterfaceMatch, side: string, range: SourceRange): Uncertainty | false | undefined {
  if (i.name === '+') return i.negated ? false : undefined;
  if (isLoopback(i.name)) return i.negated ? undefined : false;
  return {
    reason: i.negated
      ? `applies only if the ${side} interface is not ${i.name}`
      : `applies only if ${i.name} is the ${side} interface`,
    range,
  };
}

/**
 * The union of the regions of some pieces, worked out only when its address detail is
 * needed. Its ports come from the pieces alone, and a part of it cut by ports only keeps
 * to that until asked for more. A chain of hundreds of rules for single hosts gives a union
 * of hundreds of address sets, and most questions about it (at which ports does every path
 * deny?) need none of them.
 */
class PieceUnion {
  private value?: Region;
  private portSet?: IntervalSet;

  private constructor(
    private readonly make: () => Region,
    private readonly portsOf: (() => IntervalSet) | undefined,
  ) {}

  static of(parts: readonly Region[]): PieceUnion {
    const live = parts.filter((r) => !r.isEmpty());
    if (live.length <= 1) return PieceUnion.known(live[0] ?? Region.EMPTY);
    return new PieceUnion(
      () => Region.unionAll(live),
      () => Region.portsOfAll(live),
    );
  }

  static known(region: Region): PieceUnion {
    const u = new PieceUnion(() => region, undefined);
    u.value = region;
    return u;
  }

  get region(): Region {
    return (this.value ??= this.make());
  }

  ports(): IntervalSet {
    if (this.value || !this.portsOf) return this.region.ports();
    return (this.portSet ??= this.portsOf());
  }

  isEmpty(): boolean {
    return this.value ? this.value.isEmpty() : this.ports().isEmpty();
  }

  /** The part on these ports, and these addresses when given; a part on ports alone is worked out when needed. */
  restrict(ports: IntervalSet, addrs?: IntervalSet): PieceUnion {
    if (this.value) return PieceUnion.known(addrs ? this.value.intersectBox(ports, addrs) : this.value.intersectPorts(ports));
    if (addrs) return PieceUnion.known(this.region.intersectBox(ports, addrs));
    return new PieceUnion(
      () => this.region.intersectPorts(ports),
      () => this.ports().intersect(ports),
    );
  }
}

/**
 * Where every path through the policy agrees: a point is allowed or blocked only when all
 * the pieces over it say so, and unknown otherwise. Kept as the unions of the pieces of each
 * outcome; the three regions are worked out when first asked for, since a flow to host
 * names needs only the ports at which every address is decided alike (portsEntirely),
 * which the unions tell without the regions' address detail.
 */
export class Classification {
  private a?: Region;
  private b?: Region;
  private u?: Region;

  private constructor(
    private readonly allow: PieceUnion,
    private readonly deny: PieceUnion,
    private readonly unk: PieceUnion,
    /** The space classified, a box; every union lies inside it. */
    private readonly universe: Region,
    /** No point is in two unions (every rule matched for certain or not at all). */
    private readonly disjoint: boolean,
  ) {}

  /** The regions given outright, as when two states' answers are combined. */
  static fixed(allowed: Region, blocked: Region, unknown: Region, universe: Region): Classification {
    const c = new Classification(PieceUnion.known(allowed), PieceUnion.known(blocked), PieceUnion.known(unknown), universe, true);
    c.a = allowed;
    c.b = blocked;
    c.u = unknown;
    return c;
  }

  /** `piecesWithin`: the pieces come from evaluating `universe`, so they lie inside it. */
  static of(pieces: readonly Piece[], universe: Region, piecesWithin: boolean): Classification {
    const of = (o: Outcome) => PieceUnion.of(pieces.filter((p) => p.outcome === o).map((p) => (piecesWithin ? p.region : p.region.intersect(universe))));
    // Every rule matched for certain or not at all: each point took one path, so the pieces do not overlap.
    const disjoint = DISJOINT.has(pieces) && pieces.every((p) => p.outcome !== 'unknown' && p.conditions.length === 0);
    return new Classification(of('allow'), of('deny'), disjoint ? PieceUnion.known(Region.EMPTY) : of('unknown'), universe, disjoint);
  }

  get allowed(): Region {
    if (this.a) return this.a;
    if (this.disjoint) return (this.a = this.allow.region);
    // Nothing is allowed where some path denies or cannot tell, which is often everywhere.
    const open = this.universe.subtract(this.deny.region).subtract(this.unk.region);
    return (this.a = open.isEmpty() ? Region.EMPTY : this.allow.region.intersect(open));
  }

  get blocked(): Region {
    if (this.b) return this.b;
    if (this.disjoint) return (this.b = this.deny.region);
    return (this.b = this.deny.region.subtract(this.allow.region).subtract(this.unk.region));
  }

  get unknown(): Region {
    return (this.u ??= this.universe.subtract(this.allowed).subtract(this.blocked));
  }

  /**
   * Ports at which every one of `addrs`, the universe's addresses, is allowed (or blocked).
   * From the unions: all addresses of the port in one union and the port in no other.
   */
  portsEntirely(outcome: 'allowed' | 'blocked', addrs: IntervalSet): IntervalSet {
    const [mine, others] = outcome === 'allowed' ? [this.allow, [this.deny, this.unk]] : [this.deny, [this.allow, this.unk]];
    let candidates = mine.ports();
    for (const o of others) if (!candidates.isEmpty() && !o.isEmpty()) candidates = candidates.subtract(o.ports());
    if (candidates.isEmpty()) return candidates;
    return mine.region.intersectPorts(candidates).portsWhere((a) => a.covers(addrs));
  }

  /** Whether every point is allowed. */
  allowsAll(): boolean {
    return this.deny.isEmpty() && this.unk.isEmpty() && this.universe.subtract(this.allow.region).isEmpty();
  }

  /** The same classification over part of the universe: these ports, and these addresses when given. */
  restrict(ports: IntervalSet, addrs?: IntervalSet): Classification {
    const cut = (r: Region) => (addrs ? r.intersectBox(ports, addrs) : r.intersectPorts(ports));
    const c = new Classification(this.allow.restrict(ports, addrs), this.deny.restrict(ports, addrs), this.unk.restrict(ports, addrs), cut(this.universe), this.disjoint);
    // What is known already is cut too, rather than worked out again.
    if (this.a) c.a = cut(this.a);
    if (this.b) c.b = cut(this.b);
    if (this.u) c.u = cut(this.u);
    return c;
  }
}

/** Classifies the pieces of an evaluation of `universe` (see Classification). */
export function classify(pieces: readonly Piece[], universe: Region, piecesWithin = false): Classification {
  return Classification.of(pieces, universe, piecesWithin);
}
