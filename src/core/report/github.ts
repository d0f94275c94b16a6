// GitHub Actions workflow commands: annotations appear on the pull request's diff.
// Escaping follows @actions/core (toCommandValue / escapeProperty).
import { reportable, relativePath, type LintRun } from './results';

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function renderGithub(run: LintRun): string {
  const lines: string[] = [];
  for (const f of reportable(run)) {
    const kind = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    const r = f.range;
    const props = [
      `file=${escapeProperty(relativePath(run.cwd, f.file))}`,
      `line=${r.start.line}`,
      `endLine=${r.end.line}`,
      ...(r.start.line === r.end.line ? [`col=${r.start.column}`, `endColumn=${r.end.column}`] : []),
      `title=${escapeProperty(`opentok-readiness ${f.ruleId}${f.verdict ? ` (${f.verdict})` : ''}`)}`,
    ];
    const gaps = (f.blocked ?? []).map((g) => `blocked: ${g.text}`).concat((f.unknown ?? []).map((g) => `unknown: ${g.text}`));
    lines.push(`::${kind} ${props.join(',')}::${escapeData([f.message, ...gaps].join('\n'))}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
