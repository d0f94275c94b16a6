// Per-policy counts for CodeLens, and the workspace totals for the status bar.
import type { FileResult } from '../../core/analysis/lint';
import type { Finding, Verdict } from '../../core/model/finding';
import type { SourceRange } from '../../core/model/source';
import { requirementTitle, VERDICT_WORDS } from './findings';

export interface VerdictCounts {
  met: number;
  'partially-met': number;
  unmet: number;
  unknown: number;
  suppressed: number;
}

export interface PolicyItem {
  readonly ruleId: string;
  readonly title: string;
  readonly verdict: Verdict;
  readonly message: string;
  readonly range: SourceRange;
  readonly suppressed?: string;
}

export interface PolicySummary {
  readonly name: string;
  readonly scope: string;
  readonly range: SourceRange;
  readonly counts: VerdictCounts;
  readonly items: readonly PolicyItem[];
}

export function emptyCounts(): VerdictCounts {
  return { met: 0, 'partially-met': 0, unmet: 0, unknown: 0, suppressed: 0 };
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
}

/** One summary per policy in the file, in file order; policies no requirement applies to are left out. */
export function summarizePolicies(result: FileResult): PolicySummary[] {
  const out: PolicySummary[] = [];
  for (const p of result.policies) {
    const mine = result.findings.filter((f): f is Finding & { verdict: Verdict } => f.verdict !== undefined && f.policy !== undefined && f.policy.name === p.name && sameRange(f.policy.range, p.range));
    if (mine.length === 0) continue;
    const counts = emptyCounts();
    for (const f of mine) {
      if (f.suppressed) counts.suppressed++;
      else counts[f.verdict]++;
    }
    out.push({
      name: p.name,
      scope: p.scope,
      range: p.range,
      counts,
      items: mine.map((f) => ({
        ruleId: f.ruleId,
        title: requirementTitle(f.ruleId) ?? f.ruleId,
        verdict: f.verdict,
        message: f.message,
        range: f.range,
        ...(f.suppressed ? { suppressed: f.suppressed.reason } : {}),
      })),
    });
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}

export function lensTitle(c: VerdictCounts): string {
  const parts = [`${c.met} met`, `${c['partially-met']} partially met`, `${c.unmet} unmet`, `${c.unknown} unknown`];
  if (c.suppressed > 0) parts.push(`${c.suppressed} suppressed`);
  return `OpenTok: ${parts.join(' · ')}`;
}

export function itemLabel(item: PolicyItem): string {
  return `${item.ruleId}: ${VERDICT_WORDS[item.verdict]}${item.suppressed ? ' (suppressed)' : ''}`;
}

export function addCounts(into: VerdictCounts, c: VerdictCounts): VerdictCounts {
  into.met += c.met;
  into['partially-met'] += c['partially-met'];
  into.unmet += c.unmet;
  into.unknown += c.unknown;
  into.suppressed += c.suppressed;
  return into;
}

/** The status bar's text: problems first, since that is what the reader acts on. */
export function statusText(problems: number, files: number): string {
  if (files === 0) return 'OpenTok';
  return problems === 0 ? '$(pass) OpenTok ready' : `$(warning) OpenTok: ${problems} problem${problems === 1 ? '' : 's'}`;
}

export function statusTooltip(counts: VerdictCounts, problems: number, files: number): string {
  return `OpenTok readiness in ${files} file${files === 1 ? '' : 's'}: ${problems} problem${problems === 1 ? '' : 's'}; requirements ${counts.met} met, ${counts['partially-met']} partially met, ${counts.unmet} unmet, ${counts.unknown} unknown${counts.suppressed ? `, ${counts.suppressed} suppressed` : ''}. Click to show them in the Problems view.`;
}
