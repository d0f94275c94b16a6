import type { FileResult } from '../analysis/lint';
import type { Finding } from '../model/finding';
import { atLeast } from '../requirements/select';
import type { Level } from '../requirements/types';

/** One lint run, as every renderer receives it. */
export interface LintRun {
  readonly files: readonly FileResult[];
  /** Findings below this level are not shown and do not fail the run. */
  readonly threshold: Level;
  /** Paths in reports are relative to this folder. */
  readonly cwd: string;
}

/** A finding to report: not met, not suppressed, at or above the threshold. */
export function isReportable(f: Finding, threshold: Level): boolean {
  return f.verdict !== 'met' && !f.suppressed && atLeast(f.level, threshold);
}

export function reportable(run: LintRun): Finding[] {
  return run.files.flatMap((r) => r.findings.filter((f) => isReportable(f, run.threshold)));
}

export function relativePath(cwd: string, file: string): string {
  const c = cwd.replace(/\\/g, '/').replace(/\/$/, '');
  const f = file.replace(/\\/g, '/');
  return f.startsWith(`${c}/`) ? f.slice(c.length + 1) : f;
}
