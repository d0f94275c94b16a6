import { plainFinding } from '../model/finding';
import { CATALOG_VERSION } from '../requirements/catalog';
import { TOOL_VERSION } from './docs';
import { isReportable, relativePath, type LintRun } from './results';

/** Machine output: every finding (met ones included, marked), so tools can filter. */
export function renderJson(run: LintRun): string {
  return JSON.stringify(
    {
      tool: { name: 'opentok-readiness', version: TOOL_VERSION, catalog: CATALOG_VERSION },
      threshold: run.threshold,
      files: run.files.map((f) => ({
        path: relativePath(run.cwd, f.file),
        format: f.format ?? null,
        policies: f.policies.map((p) => ({ name: p.name, scope: p.scope, direction: p.direction, mode: p.mode, range: p.range })),
        findings: f.findings.map((x) => ({ ...plainFinding(x), file: relativePath(run.cwd, x.file), reportable: isReportable(x, run.threshold) })),
      })),
    },
    null,
    2,
  );
}
