import type { IntervalSet } from './intervals';
import type { Family } from './addresses';
import type { Protocol } from './ports';
import type { SourceRange } from './source';

/**
 * The policy model every format parses into. A policy filters one
 * direction of traffic; first-match formats keep their chains, and
 * allow-union formats become one chain of allow rules over a deny default,
 * which has the same meaning.
 */
export type EvaluationMode = 'first-match' | 'allow-union';
export type Direction = 'egress' | 'ingress' | 'forward';
export type ConnState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';

/** A condition the evaluator cannot decide from the file alone. */
export interface Uncertainty {
  readonly reason: string;
  readonly range?: SourceRange;
}

export interface InterfaceMatch {
  readonly name: string;
  readonly negated: boolean;
}

/**
 * What a rule matches. An absent field matches everything. Address and
 * port sets are already negation-resolved by the parser.
 */
export interface RuleMatch {
  /** Protocols the rule can match; undefined = all protocols. */
  readonly protocols?: ReadonlySet<Protocol>;
  readonly dstPorts?: IntervalSet;
  readonly srcPorts?: IntervalSet;
  /** `-m multiport --ports`: the source or the destination port is in the set. */
  readonly eitherPorts?: IntervalSet;
  readonly dstAddrs?: IntervalSet;
  readonly srcAddrs?: IntervalSet;
  /** States whose packets the rule can match. */
  readonly states?: ReadonlySet<ConnState>;
  /** Of those, states where it matches only some packets (a TCP flag test). */
  readonly partialStates?: { readonly states: ReadonlySet<ConnState>; readonly reason: string };
  readonly outInterface?: InterfaceMatch;
  readonly inInterface?: InterfaceMatch;
  /** Kubernetes peers chosen by pod or namespace selectors: cluster pods, never external hosts. */
  readonly clusterPeers?: Uncertainty;
  /** Conditions that may or may not hold for the flow in question. */
  readonly uncertain?: readonly Uncertainty[];
}

/**
 * A match with every field present, in one order: the evaluator reads these fields for
 * every rule of every flow, and objects of one shape are read fastest.
 */
export function ruleMatch(m: RuleMatch): RuleMatch {
  return {
    protocols: m.protocols && sharedSet(m.protocols),
    dstPorts: m.dstPorts && sharedIntervals(m.dstPorts),
    srcPorts: m.srcPorts && sharedIntervals(m.srcPorts),
    eitherPorts: m.eitherPorts && sharedIntervals(m.eitherPorts),
    dstAddrs: m.dstAddrs && sharedIntervals(m.dstAddrs),
    srcAddrs: m.srcAddrs && sharedIntervals(m.srcAddrs),
    states: m.states && sharedSet(m.states),
    partialStates: m.partialStates,
    outInterface: m.outInterface,
    inInterface: m.inInterface,
    clusterPeers: m.clusterPeers,
    uncertain: m.uncertain,
  };
}

/**
 * Thousands of rules match the same few protocol and state sets, ports and blocks: they share
 * one object of each, which a parse result keeps for as long as it lives (and the collector
 * copies while it is young). The sets are never changed once parsed. The tables are bounded.
 */
const SHARED_SETS = new Map<string, ReadonlySet<string>>();
const SHARED_INTERVALS = new Map<string, IntervalSet>();
const MAX_SHARED = 20_000;

function sharedSet<T extends string>(set: ReadonlySet<T>): ReadonlySet<T> {
  let key = '';
  for (const v of set) key += `${v},`;
  const known = SHARED_SETS.get(key);
  if (known) return known as ReadonlySet<T>;
  if (SHARED_SETS.size >= MAX_SHARED) SHARED_SETS.clear();
  SHARED_SETS.set(key, set);
  return set;
}

function sharedIntervals(set: IntervalSet): IntervalSet {
  // Bigint sets (IPv6 blocks) are rarer and dearer to key: they stay as they are.
  const ends = set.smallEndpoints();
  if (!ends || ends.length > 16) return set;
  const key = ends.join(',');
  const known = SHARED_INTERVALS.get(key);
  if (known) return known;
  if (SHARED_INTERVALS.size >= MAX_SHARED) SHARED_INTERVALS.clear();
  SHARED_INTERVALS.set(key, set);
  return set;
}

export type Target =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }
  | { readonly kind: 'return' }
  /** Non-terminating targets such as LOG: the packet goes on to the next rule. */
  | { readonly kind: 'continue'; readonly name: string }
  /** A verdict the file cannot tell (NFQUEUE, an unknown target). */
  | { readonly kind: 'unknown'; readonly name: string; readonly reason: string };

export interface Rule {
  readonly range: SourceRange;
  readonly match: RuleMatch;
  readonly target: Target;
  /** The rule as written, for messages and hovers. */
  readonly text: string;
}

export interface ChainDefault {
  readonly action: 'accept' | 'drop' | 'unknown';
  readonly range: SourceRange;
  /** Why this default applies, for messages. */
  readonly text: string;
}

export interface Chain {
  readonly name: string;
  readonly rules: readonly Rule[];
  /** Built-in chains end in their policy; user chains return to the caller. */
  readonly default?: ChainDefault;
  readonly range?: SourceRange;
}

export interface Policy {
  readonly format: string;
  readonly name: string;
  readonly file: string;
  readonly range: SourceRange;
  readonly mode: EvaluationMode;
  readonly direction: Direction;
  readonly family: Family | 'any';
  /** Whether replies to allowed connections pass without a rule of their own. */
  readonly stateful: boolean;
  readonly entry: string;
  readonly chains: ReadonlyMap<string, Chain>;
  /** Who the policy applies to, in words ("the OUTPUT chain", "pods with role=db in namespace x"). */
  readonly scope: string;
  /** Format-specific data a fixer needs (chain names, indentation, command names). */
  readonly fixContext?: Readonly<Record<string, string | number | boolean>>;
}
