// "Scan workspace for OpenTok readiness": every file a format detects, with
// progress and cancellation. The editor's file search applies files.exclude; the
// configuration's ignore globs and dependency folders are left out here.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { MAX_FILE_BYTES } from '../core/analysis/input';
import { planScan, runScan } from './adapters/scanRun';
import { ignoredBy, inSkippedDir } from './adapters/scanFilter';
import type { ReadinessDiagnostics } from './diagnostics';
import type { DocumentLinter } from './documents';
import type { Log } from './log';
import { isConfigFile, type WorkspaceConfigs } from './workspaceConfig';

export interface ScanSummary {
  readonly candidates: number;
  readonly linted: number;
  readonly problems: number;
  readonly cancelled: boolean;
  readonly truncated: boolean;
}

export async function scanWorkspace(
  deps: { diagnostics: ReadinessDiagnostics; documents: DocumentLinter; configs: WorkspaceConfigs; log: Log },
  maxFiles: number,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<ScanSummary> {
  const started = performance.now();
  // undefined: the default excludes (files.exclude) apply.
  const found = await vscode.workspace.findFiles('**/*', undefined, maxFiles + 1, token);
  const plan = planScan(found, maxFiles, (u) => {
    if (inSkippedDir(u.path) || isConfigFile(u.fsPath)) return false;
    const c = deps.configs.forUri(u);
    return !(c.path && ignoredBy(c.config.ignore, dirname(c.path))(u.fsPath));
  });
  deps.log.info(`scan: ${plan.candidates.length} candidate files (${plan.leftOut} left out by ignore globs or dependency folders)${plan.truncated ? `, stopped at ${maxFiles}` : ''}`);
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const counts = await runScan(plan.candidates, {
    isCancelled: () => token.isCancellationRequested,
    report: (message, increment) => progress.report({ message, increment }),
    label: (u) => vscode.workspace.asRelativePath(u),
    yieldNow: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
    lint: async (uri) => {
      // An open file is linted as the editor holds it, saved or not.
      const doc = open.get(uri.toString());
      let result;
      if (doc) result = deps.diagnostics.lintDocument(doc);
      else {
        try {
          const stat = await vscode.workspace.fs.stat(uri);
          if (stat.size > MAX_FILE_BYTES) return undefined;
          result = deps.diagnostics.lintBytes(uri, await vscode.workspace.fs.readFile(uri));
        } catch (e) {
          deps.log.warn(`scan: cannot read ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      }
      if (!result) return undefined;
      deps.documents.scanned.add(uri.toString());
      return result.problems;
    },
  });
  deps.diagnostics.publishConfigs();
  deps.log.info(`scan ${counts.cancelled ? 'cancelled' : 'done'} in ${(performance.now() - started).toFixed(0)} ms: ${counts.linted.length} files with a known format, ${counts.problems} problems`);
  return { candidates: plan.candidates.length, linted: counts.linted.length, problems: counts.problems, cancelled: counts.cancelled, truncated: plan.truncated };
}
