// "Scan workspace for OpenTok readiness": every file a format detects, with
// progress and cancellation. The editor's file search applies files.exclude; the
// configuration's ignore globs and dependency folders are left out here.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { MAX_FILE_BYTES } from '../core/analysis/input';
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
  const truncated = found.length > maxFiles;
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const candidates = found.slice(0, maxFiles).filter((u) => {
    if (inSkippedDir(u.path) || isConfigFile(u.fsPath)) return false;
    const c = deps.configs.forUri(u);
    return !(c.path && ignoredBy(c.config.ignore, dirname(c.path))(u.fsPath));
  });
  deps.log.info(`scan: ${candidates.length} candidate files (${found.length - candidates.length} left out by ignore globs or dependency folders)${truncated ? `, stopped at ${maxFiles}` : ''}`);
  let linted = 0;
  let problems = 0;
  let lastYield = performance.now();
  for (let i = 0; i < candidates.length; i++) {
    if (token.isCancellationRequested) break;
    const uri = candidates[i]!;
    progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / candidates.length });
    const doc = open.get(uri.toString());
    let result;
    if (doc) result = deps.diagnostics.lintDocument(doc);
    else {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_FILE_BYTES) continue;
        result = deps.diagnostics.lintBytes(uri, await vscode.workspace.fs.readFile(uri));
      } catch (e) {
        deps.log.warn(`scan: cannot read ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
    }
    if (result) {
      linted++;
      problems += result.problems;
      deps.documents.scanned.add(uri.toString());
    }
    // Keep the extension host responsive on large workspaces.
    if (performance.now() - lastYield > 30) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    }
  }
  deps.diagnostics.publishConfigs();
  const cancelled = token.isCancellationRequested;
  deps.log.info(`scan ${cancelled ? 'cancelled' : 'done'} in ${(performance.now() - started).toFixed(0)} ms: ${linted} files with a known format, ${problems} problems`);
  return { candidates: candidates.length, linted, problems, cancelled, truncated };
}
