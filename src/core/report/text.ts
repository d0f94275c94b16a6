// Human output: one finding per line as `path:line:column`, which terminals and
// editors turn into links, then the gaps and the fix titles indented below it.
import { isReportable, relativePath, type LintRun } from './results';

export interface TextOptions {
  readonly color: boolean;
  /** Also list met requirements. */
  readonly verbose?: boolean;
}

export function renderText(run: LintRun, opts: TextOptions): string {
  const paint = (code: string, s: string): string => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const out: string[] = [];
  const counts = { error: 0, warning: 0, note: 0 };
  let met = 0;
  let suppressed = 0;
  for (const file of run.files) {
    const shown = file.findings.filter((f) => isReportable(f, run.threshold) || (opts.verbose && f.verdict === 'met'));
    met += file.findings.filter((f) => f.verdict === 'met').length;
    suppressed += file.findings.filter((f) => f.suppressed).length;
    if (shown.length === 0) continue;
    const path = relativePath(run.cwd, file.file);
    out.push(paint('4', `${path}`) + (file.format ? paint('2', ` (${file.format})`) : ''));
    for (const f of shown) {
      if (f.verdict !== 'met') counts[f.severity]++;
      const sev = f.verdict === 'met' ? paint('32', 'met') : f.severity === 'error' ? paint('31', 'error') : f.severity === 'warning' ? paint('33', 'warning') : paint('36', 'note');
      const verdict = f.verdict && f.verdict !== 'met' ? ` [${f.verdict}]` : '';
      out.push(`  ${path}:${f.range.start.line}:${f.range.start.column}  ${sev}  ${f.message}${verdict}  ${paint('2', f.ruleId)}`);
      for (const g of f.blocked ?? []) out.push(`      blocked: ${g.text}${g.addresses ? ` to ${g.addresses}` : ''}${g.by.length ? ` (${g.by.map((b) => `line ${b.range.start.line}`).join(', ')})` : ''}`);
      for (const g of f.unknown ?? []) out.push(`      unknown: ${g.text}${g.reasons?.length ? `: ${g.reasons.join('; ')}` : ''}`);
      for (const x of f.fixes ?? []) out.push(`      fix: ${x.title}`);
    }
    out.push('');
  }
  const total = counts.error + counts.warning + counts.note;
  const summary = `${run.files.length} file${run.files.length === 1 ? '' : 's'} checked: ${total} finding${total === 1 ? '' : 's'} (${counts.error} error, ${counts.warning} warning, ${counts.note} note), ${met} requirement check${met === 1 ? '' : 's'} met, ${suppressed} suppressed; threshold ${run.threshold}.`;
  out.push(total > 0 ? paint('1', summary) : paint('32', summary));
  return `${out.join('\n')}\n`;
}
