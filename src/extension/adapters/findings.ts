// Which findings become diagnostics, with which severity and documentation link.
// The editor agrees with the CLI: met and suppressed findings are not problems, and
// the workspace configuration's minLevel is the threshold.
import type { Finding } from '../../core/model/finding';
import { atLeast, requirementById } from '../../core/requirements/select';
import type { Level } from '../../core/requirements/types';
import type { EditorSeverity, SeverityMap } from './severity';

export { DEFAULT_SEVERITIES, severityMapFrom, type EditorSeverity, type SeverityMap } from './severity';

export const DOCS_BASE = 'https://github.com/opentok-readiness/opentok-readiness/blob/main/docs/requirements.md';
export { DIAGNOSTIC_SOURCE } from './source';

export function documentationUrl(ruleId: string): string {
  return `${DOCS_BASE}#${ruleId}`;
}

export interface ShownFinding {
  readonly finding: Finding;
  readonly severity: Exclude<EditorSeverity, 'off'>;
}

export function shownFindings(findings: readonly Finding[], threshold: Level, severities: SeverityMap): ShownFinding[] {
  const out: ShownFinding[] = [];
  for (const f of findings) {
    if (f.verdict === 'met' || f.suppressed || !atLeast(f.level, threshold)) continue;
    const severity = severities[f.level];
    if (severity === 'off') continue;
    out.push({ finding: f, severity });
  }
  return out;
}

export function requirementTitle(ruleId: string): string | undefined {
  return requirementById(ruleId)?.title;
}

export const VERDICT_WORDS: Readonly<Record<NonNullable<Finding['verdict']>, string>> = {
  met: 'met',
  'partially-met': 'partially met',
  unmet: 'not met',
  unknown: 'undecided',
};
