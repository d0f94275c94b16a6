// The evaluations a lint shares: each policy is evaluated once per protocol, direction,
// connection state and destination kind, over the union of what the requirements ask,
// and each requirement's check cuts its own flows out of that.
import { getOrMake, newMap, newWeakMap } from '../memo';
import { inFamily } from '../model/addresses';
import type { IntervalSet } from '../model/intervals';
import type { Policy } from '../model/policy';
import { Region } from '../model/region';
import type { ReadinessConfig } from '../config/types';
import type { Requirement } from '../requirements/types';
import { Classification, classify, evaluateFlow, forgetMatches, type FlowContext, type Piece } from './evaluate';
import { flowContexts } from './flows';

/** Whether a requirement is about this policy's direction of traffic. */
export function appliesTo(req: Requirement, policy: Policy): boolean {
  if (req.kind !== 'flow') return false;
  if ((req.direction ?? 'egress') === 'egress') return policy.direction === 'egress' || policy.direction === 'forward';
  return (policy.direction === 'ingress' || policy.direction === 'forward') && !policy.stateful;
}

/** Whether any rule of the policy tests the connection state (or TCP flags). */
function testsState(policy: Policy): boolean {
  return getOrMake(STATEFUL_RULES, policy, rulesTestState);
}

function rulesTestState(policy: Policy): boolean {
  return [...policy.chains.values()].some((c) => c.rules.some((r) => r.match.states !== undefined));
}
const STATEFUL_RULES = new WeakMap<Policy, boolean>();

/**
 * First-match evaluation is pointwise: what a policy does to one (port, address) pair
 * does not depend on the other pairs evaluated with it. So a policy is evaluated once
 * per protocol, direction and state over every flow the requirements ask about, and each
 * requirement reads its own part of that answer.
 */
interface Evaluated {
  readonly pieces: Piece[];
  readonly cls: Classification;
  /** The space evaluated. */
  readonly ports: IntervalSet;
  readonly addrs: IntervalSet;
  /** This (NEW) evaluation's pieces joined with a later-state evaluation's. */
  joined?: { readonly later: Evaluated; readonly pieces: readonly Piece[] };
}

/** Per evaluation key, every port and address some requirement asks about. */
export type EvaluationSpace = ReadonlyMap<string, SpaceEntry>;
interface SpaceEntry {
  readonly ports: IntervalSet;
  readonly addrs: IntervalSet;
  /** The key of the evaluation it shares, when flows of another key were folded into it. */
  readonly key?: string;
}

const EVALUATED = new WeakMap<Policy, Map<string, Evaluated>>();

/** Lets go of what the evaluations of a policy keep for its next checks (see forgetChecks). */
export function forgetEvaluations(policy: Policy): void {
  EVALUATED.delete(policy);
  forgetMatches(policy);
}

/**
 * Flows that match rules alike share an evaluation; the resolver's also match cluster peers
 * (see matchBox). Flows to published blocks share one of their own, over every block some
 * requirement names, cheaper together than one by one; when every block is a public address,
 * they read the evaluation of the host names instead (evaluationSpace).
 */
function evaluationKey(ctx: FlowContext, state: FlowContext['state']): string {
  const where = ctx.universeKind === 'resolver' ? 'r' : ctx.universeKind === 'cidrs' ? 'c' : '';
  return `${ctx.protocol}|${ctx.direction}|${state ?? ''}|${where}`;
}

/** The states an egress flow is evaluated in (see evaluateStates). */
function statesOf(policy: Policy, ctx: FlowContext): FlowContext['state'][] {
  return ctx.direction !== 'egress' || ctx.state || !testsState(policy) ? [ctx.state] : ['new', 'established'];
}

/** A requirement's flows under one configuration, computed once per configuration. */
const CONTEXTS = new WeakMap<ReadinessConfig, WeakMap<Requirement, FlowContext[]>>();
export function contextsOf(req: Requirement, config: ReadinessConfig): FlowContext[] {
  return getOrMake(getOrMake(CONTEXTS, config, newWeakMap<Requirement, FlowContext[]>), req, flowContexts, config);
}

/**
 * The space depends on the policy only through what selects requirements and states
 * (direction, statefulness, family, whether rules test the state): policies alike in
 * those share it, as the many small policies of a cluster do.
 */
const SPACES = new WeakMap<ReadinessConfig, WeakMap<readonly Requirement[], Map<string, EvaluationSpace>>>();

/** What the requirements ask of a policy, so that each key is evaluated once over all of it. */
export function evaluationSpace(policy: Policy, reqs: readonly Requirement[], config: ReadinessConfig): EvaluationSpace {
  const shape = `${policy.direction}|${policy.stateful}|${policy.family}|${testsState(policy)}`;
  const byReqs = getOrMake(SPACES, config, () => new WeakMap<readonly Requirement[], Map<string, EvaluationSpace>>());
  const byShape = getOrMake(byReqs, reqs, () => new Map<string, EvaluationSpace>());
  return getOrMake(byShape, shape, () => buildSpace(policy, reqs, config));
}

function buildSpace(policy: Policy, reqs: readonly Requirement[], config: ReadinessConfig): EvaluationSpace {
  const space = new Map<string, SpaceEntry>();
  for (const req of reqs) {
    if (!appliesTo(req, policy)) continue;
    for (const ctx of contextsOf(req, config)) {
      for (const state of statesOf(policy, ctx)) {
        const key = evaluationKey(ctx, state);
        const cur = space.get(key);
        const addrs = inFamily(ctx.universe, policy.family);
        space.set(key, cur ? { ports: cur.ports.union(ctx.remotePorts), addrs: cur.addrs.union(addrs) } : { ports: ctx.remotePorts, addrs });
      }
    }
  }
  // Published blocks that lie in the addresses host names are evaluated over (every public
  // address) need no evaluation of their own: their flows read that one, cut to their blocks.
  for (const [key, blocks] of [...space]) {
    if (!key.endsWith('|c')) continue;
    const hostsKey = key.slice(0, -1);
    const hosts = space.get(hostsKey);
    if (!hosts || !hosts.addrs.covers(blocks.addrs)) continue;
    const shared = { ports: hosts.ports.union(blocks.ports), addrs: hosts.addrs, key: hostsKey };
    space.set(hostsKey, shared);
    space.set(key, shared);
  }
  return space;
}

function evaluateWhole(policy: Policy, ctx: FlowContext, state: FlowContext['state'], space: EvaluationSpace | undefined): Evaluated {
  const key = evaluationKey(ctx, state);
  const wide = space?.get(key);
  const addrs = inFamily(ctx.universe, policy.family);
  // Asked outside a prepared space: this flow alone.
  if (!wide || !wide.ports.covers(ctx.remotePorts) || !wide.addrs.covers(addrs)) return evaluateOver(policy, ctx, state, ctx.remotePorts, addrs);
  const byKey = getOrMake(EVALUATED, policy, newMap<string, Evaluated>);
  const shared = wide.key ?? key;
  let e = byKey.get(shared);
  // A policy linted again with another configuration asks about another space.
  if (!e || e.ports !== wide.ports || e.addrs !== wide.addrs) {
    e = evaluateOver(policy, ctx, state, wide.ports, wide.addrs);
    byKey.set(shared, e);
  }
  return e;
}

/** The flow's protocol, direction and state, evaluated over these ports and addresses. */
function evaluateOver(policy: Policy, ctx: FlowContext, state: FlowContext['state'], ports: IntervalSet, addrs: IntervalSet): Evaluated {
  const pieces = evaluateFlow(policy, { ...ctx, remotePorts: ports, universe: addrs, ...(state && { state }) });
  return { pieces, cls: classify(pieces, Region.box(ports, addrs), true), ports, addrs };
}

/** An evaluation's classification, cut down to one flow's ports and addresses. */
function restrict(e: Evaluated, ports: IntervalSet, addrs: IntervalSet): Classification {
  // Every piece lies in the evaluated addresses: when the flow asks about all of them, only the ports need cutting.
  if (addrs === e.addrs) return ports.covers(e.ports) ? e.cls : e.cls.restrict(ports);
  return e.cls.restrict(ports, addrs);
}

/** The pieces of both states' evaluations, joined once for every flow that reads them (kept on the first). */
function bothStates(first: Evaluated, later: Evaluated): readonly Piece[] {
  if (first.joined?.later !== later) first.joined = { later, pieces: [...first.pieces, ...later.pieces] };
  return first.joined.pieces;
}

/**
 * An egress flow works only when its first packet (NEW) and the packets after it
 * (ESTABLISHED) both leave: a chain that lets only NEW out passes the TCP handshake or
 * the first datagram and drops the data. Each state is classified alone, then a point
 * is allowed when both states allow it and blocked when either blocks it. `laterOnly`
 * tells the points blocked in the later packets only.
 */
export function evaluateStates(
  policy: Policy,
  ctx: FlowContext,
  universe: IntervalSet,
  space: EvaluationSpace | undefined,
): { pieces: readonly Piece[]; whole: boolean; cls: Classification; laterOnly: () => Region } {
  const states = statesOf(policy, ctx);
  // Whether the flow asks about everything evaluated: then every piece is about it.
  const all = (e: Evaluated) => universe === e.addrs && ctx.remotePorts.covers(e.ports);
  if (states.length === 1) {
    const e = evaluateWhole(policy, ctx, states[0], space);
    return { pieces: e.pieces, whole: all(e), cls: restrict(e, ctx.remotePorts, universe), laterOnly: () => Region.EMPTY };
  }
  const first = evaluateWhole(policy, ctx, 'new', space);
  const later = evaluateWhole(policy, ctx, 'established', space);
  const a = restrict(first, ctx.remotePorts, universe);
  const b = restrict(later, ctx.remotePorts, universe);
  const pieces = bothStates(first, later);
  const whole = all(first) && all(later);
  // Commonly one state passes everything (an ESTABLISHED rule first): the other decides alone.
  if (b.allowsAll()) return { pieces, whole, cls: a, laterOnly: () => Region.EMPTY };
  if (a.allowsAll()) return { pieces, whole, cls: b, laterOnly: () => b.blocked };
  const allowed = a.allowed.intersect(b.allowed);
  const blocked = a.blocked.union(b.blocked);
  const U = Region.box(ctx.remotePorts, universe);
  const laterOnly = b.blocked.subtract(a.blocked);
  return { pieces, whole, cls: Classification.fixed(allowed, blocked, U.subtract(allowed).subtract(blocked), U), laterOnly: () => laterOnly };
}
