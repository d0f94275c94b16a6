import type { ReadinessConfig } from '../config/types';
import { DIAGNOSTIC_RULES } from '../formats/diagnostics';
import { detectFormat, formatById } from '../formats/registry';
import type { Format } from '../formats/types';
import type { Finding } from '../model/finding';
import type { Policy } from '../model/policy';
import type { SourceFile } from '../model/source';
import { REQUIREMENTS } from '../requirements/catalog';
import { selectRequirements } from '../requirements/select';
import { appliesTo, checkRequirement, evaluationSpace, forgetChecks } from './check';
import { applySuppressions, findSuppressions } from './suppress';

export interface FileResult {
  readonly file: string;
  readonly format?: string;
  readonly policies: readonly Policy[];
  /** Every finding, including met requirements and suppressed ones; faces filter. */
  readonly findings: readonly Finding[];
}

export const KNOWN_IDS: ReadonlySet<string> = new Set([...REQUIREMENTS.map((r) => r.id), ...Object.keys(DIAGNOSTIC_RULES)]);

/** Lints one file's text. Never throws on user input. */
export function lintText(file: SourceFile, config: ReadinessConfig, formatId?: string): FileResult {
  const format: Format | undefined = formatId ? formatById(formatId) : detectFormat(file);
  if (!format) return { file: file.path, policies: [], findings: [] };
  const parsed = format.parse(file);
  const findings: Finding[] = [...parsed.diagnostics];
  const reqs = selectRequirements(config);
  for (const policy of parsed.policies) {
    const space = evaluationSpace(policy, reqs, config);
    for (const req of reqs) {
      if (!appliesTo(req, policy)) continue;
      const f = checkRequirement(file, format, policy, req, config, space);
      if (f) findings.push(f);
    }
    forgetChecks(policy);
  }
  const { suppressions, problems } = findSuppressions(file.path, file.text, KNOWN_IDS);
  findings.push(...problems);
  // Ids are ASCII kebab-case: an ordinal comparison orders them, without the cost of a collator.
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return { file: file.path, format: format.id, policies: parsed.policies, findings: applySuppressions(findings, suppressions) };
}
