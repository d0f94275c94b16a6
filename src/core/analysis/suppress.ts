import { plainFinding, type Finding } from '../model/finding';
import { lineIndexOf, type SourceRange } from '../model/source';
import { diagnostic } from '../formats/diagnostics';

/**
 * Inline suppressions: a comment
 *   # opentok-readiness-disable-next-line <id>[,<id>...] -- <reason>
 * silences those findings on the next line that is not blank or a comment.
 * The reason is required so a reviewer sees why.
 */
const MARKER = 'opentok-readiness-disable-next-line';

export interface Suppression {
  readonly ids: readonly string[];
  readonly reason: string;
  readonly line: number;
  readonly range: SourceRange;
}

export function findSuppressions(path: string, text: string, knownIds: ReadonlySet<string>): { suppressions: Suppression[]; problems: Finding[] } {
  const suppressions: Suppression[] = [];
  const problems: Finding[] = [];
  if (!text.includes(MARKER)) return { suppressions, problems };
  const lines = lineIndexOf(text);
  for (let n = 1; n <= lines.lineCount; n++) {
    const t = lines.lineText(n);
    const at = t.indexOf(MARKER);
    if (at < 0) continue;
    const range = { start: { line: n, column: at + 1 }, end: { line: n, column: t.length + 1 } };
    const body = t.slice(at + MARKER.length);
    const m = /^\s+([A-Za-z0-9_,\s-]*?)\s+--\s+(\S.*?)\s*$/.exec(body);
    if (!m) {
      problems.push(diagnostic('suppression-error', path, range, `write "${MARKER} <requirement-id> -- <reason>": a suppression needs an id and a reason`));
      continue;
    }
    const ids = m[1]!.split(/[\s,]+/).filter(Boolean);
    const unknown = ids.filter((id) => !knownIds.has(id));
    if (ids.length === 0 || unknown.length > 0) {
      problems.push(diagnostic('suppression-error', path, range, ids.length === 0 ? 'the suppression names no requirement id' : `unknown id ${unknown.join(', ')}`));
      continue;
    }
    let target = n + 1;
    while (target <= lines.lineCount && /^\s*(#|\/\/|$)/.test(lines.lineText(target))) target++;
    suppressions.push({ ids, reason: m[2]!.replace(/\s*(\*\/|-->)\s*$/, ''), line: target, range });
  }
  return { suppressions, problems };
}

export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[]): Finding[] {
  if (suppressions.length === 0) return [...findings];
  return findings.map((f) => {
    const s = suppressions.find((x) => x.line === f.range.start.line && x.ids.includes(f.ruleId));
    return s ? { ...plainFinding(f), suppressed: { reason: s.reason, range: s.range } } : f;
  });
}
