import { formatAddresses, inFamily } from '../model/addresses';
import { getOrMake, newList, newMap } from '../memo';
import type { Finding, Fix, Gap, RelatedLocation, Verdict } from '../model/finding';
import { plainFinding, severityOf } from '../model/finding';
import type { IntervalSet } from '../model/intervals';
import type { Policy } from '../model/policy';
import { formatFlow } from '../model/ports';
import { Region } from '../model/region';
import type { SourceFile, SourceRange } from '../model/source';
import type { ReadinessConfig } from '../config/types';
import type { Format, FlowToAllow } from '../formats/types';
import type { Requirement } from '../requirements/types';
import type { Decider, FlowContext, Piece } from './evaluate';
import { contextsOf, evaluateStates, forgetEvaluations, type EvaluationSpace } from './space';

export { appliesTo, evaluationSpace, type EvaluationSpace } from './space';

type Ref = { readonly range: SourceRange; readonly text: string };

interface FlowOutcome {
  readonly ctx: FlowContext;
  readonly blocked: Gap[];
  readonly unknown: Gap[];
  readonly allowedBy: readonly Ref[];
  readonly anyAllowed: boolean;
}

/**
 * Where a range starts, as one number: rules are told apart by their places. Exact for any
 * file within the size bound (MAX_FILE_BYTES): a column is below 2^26 and a line below 2^27.
 */
function placeKey(range: SourceRange): number {
  return range.start.line * 2 ** 26 + range.start.column;
}

function refsOf(refs: Refs, pieces: readonly Piece[], region: Region, pick: (p: Piece) => boolean): readonly Ref[] {
  return refsAmong(refs, pieces, (p) => pick(p) && p.region.meets(region));
}

/**
 * The rules of a policy as its findings name them: one Ref per decider, kept as the list of it
 * alone (most gaps have one decider, the policy's default deny), shared by every gap and
 * finding that names it, for as long as the lint result lives.
 */
type Refs = Map<Decider, readonly [Ref]>;

function aloneOf(refs: Refs, d: Decider): readonly [Ref] {
  let list = refs.get(d);
  if (!list) refs.set(d, (list = [{ range: d.range, text: d.text }]));
  return list;
}

/** The deciders of the picked pieces, each once, in file order. */
function refsAmong(refs: Refs, pieces: readonly Piece[], pick: (p: Piece) => boolean): readonly Ref[] {
  const out = new Map<number, Decider>();
  for (const p of pieces) {
    if (!pick(p)) continue;
    const key = placeKey(p.decider.range);
    if (!out.has(key)) out.set(key, p.decider);
  }
  if (out.size === 0) return NONE;
  if (out.size === 1) return aloneOf(refs, out.values().next().value!);
  const list: Ref[] = [];
  for (const d of out.values()) list.push(aloneOf(refs, d)[0]);
  return list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}

function gapsOf(ctx: FlowContext, region: Region, exactAddresses: boolean, universe: IntervalSet): { ports: IntervalSet; addrs: IntervalSet; text: string; addresses?: string }[] {
  return region.boxes().map((b) => {
    const addresses = exactAddresses && !b.addrs.equals(universe) ? formatAddresses(b.addrs) : undefined;
    const text = addresses ? flat(formatFlow(ctx.protocol, b.ports), ' to ', addresses) : formatFlow(ctx.protocol, b.ports);
    return { ports: b.ports, addrs: b.addrs, text, ...(addresses && { addresses }) };
  });
}

/**
 * Why a flow to host names that is allowed to some addresses stays undecided. Many policies
 * allow the same blocks (any public address, say): each note is made once and shared.
 */
const PARTLY_ALLOWED_NOTES = new Map<string, string>();
function partlyAllowedNote(kind: FlowContext['universeKind'], addresses: string): string {
  if (PARTLY_ALLOWED_NOTES.size > 1000) PARTLY_ALLOWED_NOTES.clear();
  return getOrMake(PARTLY_ALLOWED_NOTES, `${kind}|${addresses}`, () => {
    const who = kind === 'resolver' ? 'the resolver is' : "the platform's hosts are";
    return (
      `allowed only to ${addresses}: whether ${who} among these addresses is not known from this file` +
      (kind === 'platform' ? ' (list the published ranges as allowedIps in .opentok-readiness.yaml to decide)' : ' (name the resolvers under resolvers in .opentok-readiness.yaml to decide)')
    );
  });
}

/**
 * A gap's port ranges. The same few (TCP 80, UDP 3478, UDP 1025-65535...) are the gaps of
 * thousands of flows: each list is made once and shared, which the findings keep read-only.
 * The table is bounded.
 */
const PORT_PAIRS = new Map<string, readonly (readonly [number, number])[]>();
const MAX_PORT_PAIRS = 10_000;
function portPairs(set: IntervalSet): readonly (readonly [number, number])[] {
  const ends = set.numberEndpoints();
  const key = ends.join(',');
  const known = PORT_PAIRS.get(key);
  if (known) return known;
  if (PORT_PAIRS.size >= MAX_PORT_PAIRS) PORT_PAIRS.clear();
  const made: (readonly [number, number])[] = [];
  for (let i = 0; i < ends.length; i += 2) made.push([ends[i]!, ends[i + 1]!]);
  PORT_PAIRS.set(key, made);
  return made;
}

function evaluateContext(policy: Policy, ctx: FlowContext, space: EvaluationSpace | undefined): FlowOutcome | undefined {
  const universe = inFamily(ctx.universe, policy.family);
  const U = Region.box(ctx.remotePorts, universe);
  if (U.isEmpty()) return undefined;
  const evaluated = evaluateStates(policy, ctx, universe, space);
  const { cls, laterOnly } = evaluated;
  // The pieces come from an evaluation of every flow alike: the ones about this flow, once
  // (all of them when the flow asks about the whole space evaluated).
  const kept = evaluated.whole ? evaluated.pieces : evaluated.pieces.filter((p) => p.region.meets(U));
  // All kept: the shared list itself, so that what is worked out from it is shared too (undecidedBy).
  const pieces = kept.length === evaluated.pieces.length ? evaluated.pieces : kept;
  const exact = ctx.universeKind === 'cidrs';
  const refs = checksOf(policy).refs;
  let allowed: Region;
  let blocked: Region;
  let unknown: Region;
  let partialNote: Map<string, string> | undefined;
  if (exact) {
    ({ allowed, blocked, unknown } = cls);
  } else {
    // Host names: a port counts only when every address the hosts could have is decided alike,
    // which the classification tells without working out its regions' address detail.
    const metPorts = cls.portsEntirely('allowed', universe);
    const blockedPorts = cls.portsEntirely('blocked', universe);
    allowed = U.intersectBox(metPorts, universe);
    blocked = U.intersectBox(blockedPorts, universe);
    unknown = U.subtract(allowed).subtract(blocked);
    for (const b of cls.allowed.intersect(unknown).boxes()) {
      partialNote ??= new Map();
      partialNote.set(formatFlow(ctx.protocol, b.ports), partlyAllowedNote(ctx.universeKind, formatAddresses(b.addrs)));
    }
  }
  // The pieces about one gap: all of them when the gap is the whole flow, as it often is.
  const about = (g: { ports: IntervalSet; addrs: IntervalSet }, gapRegion: Region): readonly Piece[] =>
    g.ports.covers(ctx.remotePorts) && g.addrs.covers(universe) ? pieces : pieces.filter((p) => p.region.meets(gapRegion));
  const blockedGaps: Gap[] = gapsOf(ctx, blocked, exact, universe).map((g) => {
    const gapRegion = Region.box(g.ports, g.addrs);
    return {
      protocol: ctx.protocol,
      ports: portPairs(g.ports),
      text: g.text,
      ...(g.addresses && { addresses: g.addresses }),
      by: refsAmong(refs, about(g, gapRegion), (p) => p.outcome === 'deny'),
      ...(laterOnly().meets(gapRegion) && { note: 'only the first packet (state NEW) may leave; the packets after it (state ESTABLISHED) are dropped' }),
    };
  });
  const unknownGaps: Gap[] = gapsOf(ctx, unknown, exact, universe).map((g) => {
    const gapRegion = Region.box(g.ports, g.addrs);
    const mine = about(g, gapRegion);
    const why = undecidedBy(policy, mine, mine === pieces);
    // The reasons and rules of the pieces are shared with the other gaps that read them.
    let reasons: readonly string[] = why.reasons;
    if (partialNote) {
      const own = [...reasons];
      const flow = formatFlow(ctx.protocol, g.ports);
      for (const [of, note] of partialNote) if (of === flow || own.length === 0) own.push(note);
      reasons = own;
    }
    return {
      protocol: ctx.protocol,
      ports: portPairs(g.ports),
      text: g.text,
      ...(g.addresses && { addresses: g.addresses }),
      reasons,
      by: why.by,
    };
  });
  return {
    ctx,
    blocked: blockedGaps,
    unknown: unknownGaps,
    allowedBy: refsOf(refs, pieces, allowed, (p) => p.outcome === 'allow'),
    anyAllowed: !allowed.isEmpty(),
  };
}

/**
 * What the checks of one policy share, in one record per policy: the outcome of each flow,
 * why the pieces of an evaluation are undecided, and what its findings have in common.
 */
interface PolicyChecks {
  readonly outcomes: Map<string, { readonly space: EvaluationSpace | undefined; readonly outcome: FlowOutcome | undefined }>;
  readonly undecided: Map<readonly Piece[], Undecided>;
  readonly refs: Refs;
  parts?: SharedParts;
}
const CHECKS = new WeakMap<Policy, PolicyChecks>();

function checksOf(policy: Policy): PolicyChecks {
  return getOrMake(CHECKS, policy, newPolicyChecks);
}

function newPolicyChecks(): PolicyChecks {
  return { outcomes: new Map(), undecided: new Map(), refs: new Map() };
}

/**
 * Requirements of several profiles ask about the same flow (TCP 443 to the platform, say):
 * its outcome in a policy is worked out once per evaluation space and reused, with the
 * asking requirement's own context (its label) put back.
 */
function sharedOutcome(policy: Policy, ctx: FlowContext, space: EvaluationSpace | undefined): FlowOutcome | undefined {
  const byFlow = checksOf(policy).outcomes;
  const key = flowKey(ctx);
  const known = byFlow.get(key);
  if (known && known.space === space) return known.outcome && (known.outcome.ctx === ctx ? known.outcome : { ...known.outcome, ctx });
  const outcome = evaluateContext(policy, ctx, space);
  byFlow.set(key, { space, outcome });
  return outcome;
}

/**
 * Lets go of everything the checks of a policy share, once they are done. The caches would
 * otherwise live as long as the policy, which a lint result keeps: in a file of a thousand
 * policies, tens of megabytes the collector copies and keeps for nothing. Checking the
 * policy again works them out again.
 */
export function forgetChecks(policy: Policy): void {
  CHECKS.delete(policy);
  forgetEvaluations(policy);
}

/**
 * What the findings of one policy have in common, made once and shared by them: the policy's
 * summary, its place among the related locations, and the "also decides" places (the same
 * default deny decides many requirements). Findings are read-only, so sharing is safe; a file
 * of a thousand policies keeps one copy of each, not one per requirement.
 */
interface SharedParts {
  readonly policy: NonNullable<Finding['policy']>;
  readonly policyPlace: RelatedLocation;
  /** [policyPlace], the related places of most findings. */
  readonly policyOnly: readonly RelatedLocation[];
  readonly alsoDecides: Map<SourceRange, Map<string, RelatedLocation>>;
  /** Rules as messages name them. */
  readonly refTexts: Map<Ref, string>;
}
function sharedParts(file: SourceFile, policy: Policy): SharedParts {
  const checks = checksOf(policy);
  return (checks.parts ??= makeSharedParts(policy, file));
}

function makeSharedParts(policy: Policy, file: SourceFile): SharedParts {
  const policyPlace = { file: file.path, range: policy.range, message: flat(policy.name, ': ', policy.scope) };
  return {
    policy: { name: policy.name, scope: policy.scope, range: policy.range },
    policyPlace,
    policyOnly: [policyPlace],
    alsoDecides: new Map(),
    refTexts: new Map(),
  };
}

function alsoDecides(file: SourceFile, parts: SharedParts, range: SourceRange, what: string): RelatedLocation {
  const byText = getOrMake(parts.alsoDecides, range, newMap<string, RelatedLocation>);
  let place = byText.get(what);
  if (!place) byText.set(what, (place = { file: file.path, range, message: flat('also decides ', what) }));
  return place;
}

/** Everything about a flow that its outcome depends on; not its label, which only names it. */
const FLOW_KEYS = new WeakMap<FlowContext, string>();
function flowKey(ctx: FlowContext): string {
  return getOrMake(FLOW_KEYS, ctx, makeFlowKey);
}

function makeFlowKey(ctx: FlowContext): string {
  return [ctx.protocol, ctx.direction, ctx.state ?? '', ctx.universeKind, ctx.remotePorts.numberEndpoints().join(','), ctx.universe.intervals.join(',')].join('|');
}

/**
 * Why the points of some pieces are undecided: each reason once, with the lines it stands on
 * (a file of many alike rules gives a few reasons, not thousands), and the rules that leave
 * them undecided, failing those the rules that allow only some of their addresses. Flows
 * that read all the pieces of one evaluation (several block lists) share the answer, kept
 * with the policy's other checks; a gap's own selection of pieces is read once, so kept nowhere.
 */
type Undecided = { readonly reasons: readonly string[]; readonly by: readonly Ref[] };
function undecidedBy(policy: Policy, pieces: readonly Piece[], shared: boolean): Undecided {
  const checks = checksOf(policy);
  if (!shared) return makeUndecided(pieces, checks.refs);
  return getOrMake(checks.undecided, pieces, makeUndecided, checks.refs);
}

function makeUndecided(pieces: readonly Piece[], refs: Refs): Undecided {
  const byReason = new Map<string, number[]>();
  for (const p of pieces) {
    for (const c of p.conditions) getOrMake(byReason, c.reason, newList<number>).push((c.range ?? p.decider.range).start.line);
  }
  return {
    reasons: summarizeReasons(byReason),
    by: firstNonEmpty(
      refsAmong(refs, pieces, (p) => p.conditions.length > 0 || p.outcome === 'unknown'),
      () => refsAmong(refs, pieces, (p) => p.outcome === 'allow'),
    ),
  };
}

/** At most this many reasons, rules and related places are spelled out; the rest are counted. */
const MAX_LISTED = 10;

/** "line 4", "lines 4, 9 and 12", "lines 4, 9, 12, 15, 20 and 31 more". */
function linesText(lines: Iterable<number>): string {
  // One line, as most conditions stand on: nothing to sort.
  if (Array.isArray(lines) && lines.length === 1) return `line ${lines[0] as number}`;
  // Line numbers are small integers: a typed array sorts them without a comparator.
  const all = Float64Array.from(lines).sort();
  const sorted: number[] = [];
  for (const n of all) if (sorted[sorted.length - 1] !== n) sorted.push(n);
  if (sorted.length === 1) return `line ${sorted[0]}`;
  if (sorted.length <= 5) return `lines ${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
  return `lines ${sorted.slice(0, 5).join(', ')} and ${sorted.length - 5} more`;
}

function summarizeReasons(byReason: ReadonlyMap<string, readonly number[]>): string[] {
  const all = [...byReason];
  const out = all.slice(0, MAX_LISTED).map(([reason, lines]) => flat(reason, ' (', linesText(lines), ')'));
  if (all.length > MAX_LISTED) {
    const rest: number[] = [];
    for (let i = MAX_LISTED; i < all.length; i++) for (const n of all[i]![1]) rest.push(n);
    out.push(`${all.length - MAX_LISTED} more conditions like these (${linesText(rest)})`);
  }
  return out;
}

/** The deciding rules of a gap, the first few by name and the rest counted. */
function describeRefs(refs: readonly Ref[], names: Map<Ref, string>): string {
  if (refs.length === 1) return describeRef(refs[0]!, names);
  const named = refs
    .slice(0, 3)
    .map((r) => describeRef(r, names))
    .join(' and ');
  return refs.length > 3 ? `${named} and ${refs.length - 3} more rules (${linesText(refs.slice(3).map((r) => r.range.start.line))})` : named;
}

/** A rule named in messages; the same rule (a policy's default deny, say) is named by many of its findings. */
function describeRef(r: Ref, names: Map<Ref, string>): string {
  return getOrMake(names, r, refText);
}

function refText(r: Ref): string {
  return r.text.startsWith('policy') || r.text.startsWith('the ') ? flat(r.text, ' (line ', String(r.range.start.line), ')') : flat('"', r.text, '" (line ', String(r.range.start.line), ')');
}

/** Checks one flow requirement against one policy. */
export function checkRequirement(
  file: SourceFile,
  format: Format,
  policy: Policy,
  req: Requirement,
  config: ReadinessConfig,
  space?: EvaluationSpace,
): Finding | undefined {
  const outcomes: FlowOutcome[] = [];
  for (const ctx of contextsOf(req, config)) {
    const o = sharedOutcome(policy, ctx, space);
    if (o) outcomes.push(o);
  }
  if (outcomes.length === 0) return undefined;
  const blocked = gapsOfAll(outcomes, (o) => o.blocked);
  const unknown = gapsOfAll(outcomes, (o) => o.unknown);
  let anyAllowed = false;
  for (const o of outcomes) anyAllowed ||= o.anyAllowed;
  // One flow, as most requirements have: its rules are listed once each, in file order, already.
  const allowedBy = outcomes.length === 1 ? outcomes[0]!.allowedBy : dedupe(outcomes.flatMap((o) => o.allowedBy));
  const verdict = blocked.length > 0 ? (anyAllowed ? 'partially-met' : 'unmet') : unknown.length > 0 ? 'unknown' : 'met';

  const shared = sharedParts(file, policy);
  const where = `${policy.name}`;
  let message: string;
  let range: SourceRange = policy.range;
  if (verdict === 'met') {
    message = allowedBy[0] ? flat(req.title, ': met in ', where, ', allowed by ', describeRef(allowedBy[0], shared.refTexts), '.') : flat(req.title, ': met in ', where, '.');
    range = allowedBy[0]?.range ?? policy.range;
  } else if (blocked.length > 0) {
    const parts = blocked.map((g) => `${g.text} is blocked by ${describeRefs(g.by, shared.refTexts)}${g.note ? `: ${g.note}` : ''}`);
    const allowedText = verdict === 'partially-met' ? ' The rest is allowed.' : '';
    const unknownText = unknown.length > 0 ? ` Undecided: ${unknown.map((g) => g.text).join('; ')}.` : '';
    message = flat(req.title, verdict === 'unmet' ? ': not met' : ': partially met', ' in ', where, '. ', parts.join('; '), '.', allowedText, unknownText);
    range = blocked[0]!.by[0]?.range ?? policy.range;
  } else {
    const parts = unknown.map((g) => `${g.text}: ${(g.reasons ?? []).join('; ') || 'undecided'}`);
    message = flat(req.title, ': cannot be decided from ', where, '. ', parts.join('. '), '.');
    range = unknown[0]!.by[0]?.range ?? policy.range;
  }

  const related: RelatedLocation[] = [];
  // Places named already: the finding's own, and the deciders listed. Most gaps are decided where
  // the finding stands (the policy's default deny), so the set is made only for another place.
  const here = placeKey(range);
  let seen: Set<number> | undefined;
  let deciders = 0;
  for (const gaps of [blocked, unknown]) {
    for (const g of gaps) {
      for (const r of g.by) {
        const key = placeKey(r.range);
        if (key === here || seen?.has(key)) continue;
        (seen ??= new Set()).add(key);
        // The first rules that also decide; a file of hundreds of alike rules lists a readable few.
        if (deciders++ < MAX_LISTED * 2) related.push(alsoDecides(file, shared, r.range, g.text));
      }
    }
  }
  const policyKey = placeKey(policy.range);
  const policyNamed = policyKey === here || !!seen?.has(policyKey);
  if (!policyNamed) related.push(shared.policyPlace);
  if (config.allowedIps && outcomes.some((o) => o.ctx.universeKind === 'cidrs' && !req.destinations?.cidrs && req.id !== 'custom-turn-reachable')) {
    related.push({ file: config.allowedIps.file, range: config.allowedIps.range, message: `the platform's addresses come from this allowed-IP list (${config.allowedIps.count} entries)` });
  }

  // Only a blocked flow has something to allow.
  const fixes = blocked.length > 0 && format.fix ? { format, file, policy, requirement: req, outcomes } : undefined;
  // Only the policy, as most findings relate: the policy's one list of it.
  const relatedList = related.length === 1 && related[0] === shared.policyPlace ? shared.policyOnly : exact(related);
  return new FlowFinding(req, message, file.path, range, verdict, shared.policy, blocked, unknown, allowedBy, relatedList, fixes);
}

/** What a finding's fixes are made from when first read. */
interface FixSource {
  readonly format: Format;
  readonly file: SourceFile;
  readonly policy: Policy;
  readonly requirement: Requirement;
  readonly outcomes: readonly FlowOutcome[];
}

/**
 * A requirement's finding. Its fixes are made the first time they are read: an editor shows
 * every finding as the file is typed but asks for the fixes at the cursor, and a file of a
 * thousand policies has thousands of fixes, each a block of text in the file's own syntax.
 * They are made from the file and policy as linted, which do not change, so they are the same
 * whenever read. Written out as JSON, or copied with plainFinding, a finding has its fixes.
 */
class FlowFinding implements Finding {
  readonly ruleId: string;
  readonly level: Finding['level'];
  readonly severity: Finding['severity'];
  readonly message: string;
  readonly file: string;
  readonly range: SourceRange;
  readonly verdict: Verdict;
  readonly policy: NonNullable<Finding['policy']>;
  readonly blocked: readonly Gap[];
  readonly unknown: readonly Gap[];
  readonly allowedBy: readonly Ref[];
  readonly related: readonly RelatedLocation[];
  readonly citations: Finding['citations'];
  #fixes: FixSource | readonly Fix[] | undefined;

  constructor(
    req: Requirement,
    message: string,
    file: string,
    range: SourceRange,
    verdict: Verdict,
    policy: NonNullable<Finding['policy']>,
    blocked: readonly Gap[],
    unknown: readonly Gap[],
    allowedBy: readonly Ref[],
    related: readonly RelatedLocation[],
    fixes: FixSource | undefined,
  ) {
    this.ruleId = req.id;
    this.level = req.level;
    this.severity = severityOf(req.level);
    this.message = message;
    this.file = file;
    this.range = range;
    this.verdict = verdict;
    this.policy = policy;
    this.blocked = blocked;
    this.unknown = unknown;
    this.allowedBy = allowedBy;
    this.related = related;
    this.citations = req.citations;
    this.#fixes = fixes;
  }

  get fixes(): readonly Fix[] {
    const f = this.#fixes;
    if (f === undefined) return NONE;
    if (isFixList(f)) return f;
    const made = exact(f.format.fix?.({ file: f.file, policy: f.policy, requirement: f.requirement, blockedAt: this.range, flows: flowsToAllow(f.outcomes, f.policy) }) ?? []);
    this.#fixes = made;
    return made;
  }

  toJSON(): Finding {
    return plainFinding(this);
  }
}

function isFixList(f: FixSource | readonly Fix[]): f is readonly Fix[] {
  return Array.isArray(f);
}

/** The blocked flows a fix is to allow, to the blocks of each flow's universe when it has published ones. */
function flowsToAllow(outcomes: readonly FlowOutcome[], policy: Policy): FlowToAllow[] {
  const flows: FlowToAllow[] = [];
  for (const o of outcomes) {
    for (const g of o.blocked) {
      const flow: FlowToAllow = { protocol: g.protocol, ports: g.ports, direction: o.ctx.direction };
      flows.push(o.ctx.universeKind === 'cidrs' ? { ...flow, cidrs: g.addresses?.split(', ') ?? cidrsOf(inFamily(o.ctx.universe, policy.family)) } : flow);
    }
  }
  return flows;
}

/** A flow's destination blocks as CIDR texts, for fixes; the same few lists are asked for again and again. */
const CIDR_TEXTS = new WeakMap<IntervalSet, readonly string[]>();
function cidrsOf(set: IntervalSet): readonly string[] {
  return getOrMake(CIDR_TEXTS, set, cidrTexts);
}

function cidrTexts(set: IntervalSet): readonly string[] {
  return formatAddresses(set, 64).split(', ');
}

function firstNonEmpty(refs: readonly Ref[], otherwise: () => readonly Ref[]): readonly Ref[] {
  return refs.length > 0 ? refs : otherwise();
}

/**
 * A text a finding keeps (its message, a gap's name, a reason), as one flat string. Joined
 * with + (or in a template), a string is a tree of its pieces, which the collector visits
 * piece by piece for as long as the finding lives: a file of a thousand policies has tens
 * of thousands of them.
 */
function flat(...parts: string[]): string {
  return parts.join('');
}

function dedupe(refs: Ref[]): readonly Ref[] {
  if (refs.length === 0) return NONE;
  const m = new Map<number, Ref>();
  for (const r of refs) m.set(placeKey(r.range), r);
  return [...m.values()].sort((a, b) => a.range.start.line - b.range.start.line);
}

/**
 * A finding keeps its arrays for as long as its result lives. An array built by pushes keeps
 * spare room, so a finding keeps an exact copy of it, or the one shared empty array.
 */
const NONE: readonly never[] = Object.freeze([]);
function exact<T>(items: T[]): readonly T[] {
  return items.length === 0 ? NONE : items.slice();
}

/** The gaps of all of a requirement's flows, each named by its flow's label when it has one. */
function gapsOfAll(outcomes: readonly FlowOutcome[], of: (o: FlowOutcome) => readonly Gap[]): readonly Gap[] {
  if (outcomes.length === 1 && !outcomes[0]!.ctx.label) {
    const gaps = of(outcomes[0]!);
    return gaps.length === 0 ? NONE : gaps;
  }
  const all: Gap[] = [];
  for (const o of outcomes) {
    const label = o.ctx.label;
    for (const g of of(o)) all.push(label ? { ...g, text: flat(label, ': ', g.text) } : g);
  }
  return exact(all);
}
