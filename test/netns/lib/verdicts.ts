// The evaluator's answer for one exact flow: one protocol, one remote address,
// one remote port, through the OUTPUT chain (the first packet, state NEW) and
// the INPUT chain (the reply, state ESTABLISHED), and OUTPUT again for the
// client's later packets (state ESTABLISHED), as the linter asks it.
import { classify, evaluateFlow, type FlowContext, type Piece } from '../../../src/core/analysis/evaluate';
import { iptablesSave } from '../../../src/core/formats/iptables';
import { parseCidr } from '../../../src/core/model/addresses';
import type { Policy, Rule } from '../../../src/core/model/policy';
import { portRange } from '../../../src/core/model/ports';
import { Region } from '../../../src/core/model/region';
import type { Proto } from './agents';

export type Verdict = 'allow' | 'deny' | 'unknown';

export interface Answer {
  readonly verdict: Verdict;
  /** The deciding rules or chain defaults, "line N: text". */
  readonly by: readonly string[];
  /** Whether a REJECT rule decides the denial. */
  readonly rejects: boolean;
  /** Why the flow is undecided, when it is. */
  readonly reasons: readonly string[];
}

export interface ParsedFixture {
  readonly output: Policy;
  readonly input: Policy;
  readonly problems: readonly string[];
}

export function parseFixture(path: string, text: string): ParsedFixture {
  const res = iptablesSave.parse({ path, text });
  const find = (entry: string): Policy => {
    const p = res.policies.find((x) => x.entry === entry);
    if (!p) throw new Error(`${path}: the parser returned no ${entry} policy (got ${res.policies.map((x) => x.name).join(', ')})`);
    return p;
  };
  const problems = res.diagnostics.filter((d) => d.ruleId === 'parse-error').map((d) => `line ${d.range.start.line}: ${d.message}`);
  return { output: find('OUTPUT'), input: find('INPUT'), problems };
}

function ruleAt(policy: Policy, piece: Piece): Rule | undefined {
  const r = piece.decider.range;
  for (const chain of policy.chains.values()) {
    for (const rule of chain.rules) {
      if (rule.range.start.line === r.start.line && rule.range.start.column === r.start.column) return rule;
    }
  }
  return undefined;
}

export function answer(policy: Policy, proto: Proto, addr: string, port: number, direction: FlowContext['direction'], state?: FlowContext['state']): Answer {
  const cidr = parseCidr(addr);
  if (!cidr.ok) throw new Error(`bad address ${addr}`);
  const ctx: FlowContext = { protocol: proto, direction, remotePorts: portRange(port), universe: cidr.set, universeKind: 'cidrs', ...(state && { state }) };
  const point = Region.box(ctx.remotePorts, ctx.universe);
  const pieces = evaluateFlow(policy, ctx).filter((p) => !p.region.intersect(point).isEmpty());
  const cls = classify(pieces, point);
  const verdict: Verdict = !cls.allowed.isEmpty() ? 'allow' : !cls.blocked.isEmpty() ? 'deny' : 'unknown';
  const want = verdict === 'allow' ? 'allow' : verdict === 'deny' ? 'deny' : undefined;
  const deciding = pieces.filter((p) => want === undefined || p.outcome === want);
  const by = deciding.map((p) => `line ${p.decider.range.start.line}: ${p.decider.text}`);
  const rejects = verdict === 'deny' && deciding.some((p) => ruleAt(policy, p)?.target.kind === 'reject');
  const reasons = verdict === 'unknown' ? pieces.flatMap((p) => p.conditions.map((c) => c.reason)) : [];
  return { verdict, by, rejects, reasons };
}

/** A connection works when its first packet and the packets after it go out, and its replies come in. */
export function roundTrip(...legs: Answer[]): Verdict {
  if (legs.some((a) => a.verdict === 'deny')) return 'deny';
  if (legs.every((a) => a.verdict === 'allow')) return 'allow';
  return 'unknown';
}

export function describe(a: Answer): string {
  const how = a.verdict === 'unknown' ? `unknown (${a.reasons.join('; ') || 'no reason given'})` : a.verdict;
  return a.by.length > 0 ? `${how} by ${a.by.join(' and ')}` : how;
}
