// What a hover on a rule says: which requirements the rule decides and how.
import type { Finding } from '../../core/model/finding';
import type { SourceRange } from '../../core/model/source';
import { documentationUrl, requirementTitle, VERDICT_WORDS } from './findings';
import { rangeContains } from './positions';

export interface RuleDecision {
  readonly ruleId: string;
  readonly title: string;
  readonly verdict: NonNullable<Finding['verdict']>;
  /** How this rule takes part: "allows it", "blocks UDP 3478", ... */
  readonly how: string;
  readonly suppressed?: string;
  /** The rule's range, for the hover's extent. */
  readonly range: SourceRange;
}

/** The decisions a rule at a 0-based position takes part in, one per requirement. */
export function decisionsAt(findings: readonly Finding[], line0: number, character0: number): RuleDecision[] {
  const out: RuleDecision[] = [];
  for (const f of findings) {
    if (!f.verdict) continue;
    const parts: string[] = [];
    let at: SourceRange | undefined;
    const hit = (r: SourceRange): boolean => {
      if (!rangeContains(r, line0, character0)) return false;
      at ??= r;
      return true;
    };
    for (const g of f.blocked ?? []) if (g.by.some((b) => hit(b.range))) parts.push(`blocks ${g.text}`);
    for (const g of f.unknown ?? []) {
      if (g.by.some((b) => hit(b.range))) parts.push(`leaves ${g.text} undecided${g.reasons?.length ? ` (${g.reasons.join('; ')})` : ''}`);
    }
    if ((f.allowedBy ?? []).some((a) => hit(a.range))) parts.push(f.verdict === 'met' ? 'allows it' : 'allows part of it');
    if (parts.length === 0) continue;
    out.push({
      ruleId: f.ruleId,
      title: requirementTitle(f.ruleId) ?? f.ruleId,
      verdict: f.verdict,
      how: parts.join('; '),
      ...(f.suppressed ? { suppressed: f.suppressed.reason } : {}),
      range: at!,
    });
  }
  return out;
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

/** Markdown for a hover; undefined when the rule decides nothing. */
export function hoverMarkdown(decisions: readonly RuleDecision[]): string | undefined {
  if (decisions.length === 0) return undefined;
  const lines = [`**OpenTok readiness**: this rule decides ${decisions.length === 1 ? 'one requirement' : `${decisions.length} requirements`}`, ''];
  for (const d of decisions) {
    const suppressed = d.suppressed ? ` (suppressed: ${escapeMarkdown(d.suppressed)})` : '';
    lines.push(`- [\`${d.ruleId}\`](${documentationUrl(d.ruleId)}) ${escapeMarkdown(d.title)}: **${VERDICT_WORDS[d.verdict]}**; this rule ${escapeMarkdown(d.how)}${suppressed}`);
  }
  return lines.join('\n');
}
