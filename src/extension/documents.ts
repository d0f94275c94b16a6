// When files are linted: on open, on edit after a pause, on save; cleared on close
// and delete. A file the workspace scan read stays listed after it is closed, with
// its saved content.
import * as vscode from 'vscode';
import { MAX_FILE_BYTES } from '../core/analysis/input';
import type { ReadinessDiagnostics } from './diagnostics';
import type { Log } from './log';
import type { Settings } from './settings';
import { isConfigFile, type WorkspaceConfigs } from './workspaceConfig';

const LINTED_SCHEMES = new Set(['file', 'untitled', 'vscode-notebook-cell', 'vscode-userdata']);

export function lintable(doc: vscode.TextDocument): boolean {
  return LINTED_SCHEMES.has(doc.uri.scheme) && doc.getText().length <= MAX_FILE_BYTES;
}

export class DocumentLinter implements vscode.Disposable {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Files the workspace scan read (URI strings). */
  readonly scanned = new Set<string>();

  constructor(
    private readonly diagnostics: ReadinessDiagnostics,
    private readonly configs: WorkspaceConfigs,
    private readonly settings: () => Settings,
    private readonly log: Log,
  ) {
    const ws = vscode.workspace;
    this.disposables.push(
      ws.onDidOpenTextDocument((d) => this.lintNow(d)),
      ws.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.lintLater(e.document);
      }),
      ws.onDidSaveTextDocument((d) => this.lintNow(d)),
      ws.onDidCloseTextDocument((d) => void this.closed(d)),
      ws.onDidDeleteFiles((e) => e.files.forEach((u) => this.deleted(u))),
      ws.onDidRenameFiles((e) => e.files.forEach((f) => this.deleted(f.oldUri))),
    );
    // Deletions made outside the editor (git checkout, a terminal) come through the file watcher.
    const watcher = ws.createFileSystemWatcher('**/*', true, true, false);
    watcher.onDidDelete((u) => this.deleted(u), undefined, this.disposables);
    const configWatcher = ws.createFileSystemWatcher('**/.opentok-readiness.yaml');
    const configChanged = (): void => this.configChanged();
    configWatcher.onDidCreate(configChanged, undefined, this.disposables);
    configWatcher.onDidChange(configChanged, undefined, this.disposables);
    configWatcher.onDidDelete(configChanged, undefined, this.disposables);
    this.disposables.push(watcher, configWatcher);
  }

  /** Lints every open document; called after activation and when settings change. */
  lintOpen(): void {
    for (const d of vscode.workspace.textDocuments) this.lintNow(d);
    this.diagnostics.publishConfigs();
  }

  lintNow(doc: vscode.TextDocument): void {
    this.cancel(doc.uri);
    if (!lintable(doc)) return;
    if (doc.uri.scheme === 'file' && isConfigFile(doc.uri.fsPath)) {
      this.configChanged();
      return;
    }
    this.diagnostics.lintDocument(doc);
  }

  private lintLater(doc: vscode.TextDocument): void {
    this.cancel(doc.uri);
    const key = doc.uri.toString();
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        if (!doc.isClosed) this.lintNow(doc);
      }, this.settings().debounceMs),
    );
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.pending.get(key);
    if (t !== undefined) {
      clearTimeout(t);
      this.pending.delete(key);
    }
  }

  private async closed(doc: vscode.TextDocument): Promise<void> {
    this.cancel(doc.uri);
    if (doc.uri.scheme === 'file' && isConfigFile(doc.uri.fsPath)) {
      this.configChanged();
      return;
    }
    if (!this.scanned.has(doc.uri.toString())) {
      this.diagnostics.clear(doc.uri);
      return;
    }
    // A scanned file goes back to what is on disk.
    try {
      this.diagnostics.lintBytes(doc.uri, await vscode.workspace.fs.readFile(doc.uri));
    } catch {
      this.diagnostics.clear(doc.uri);
    }
  }

  private deleted(uri: vscode.Uri): void {
    this.cancel(uri);
    const prefix = `${uri.toString()}/`;
    for (const s of [...this.scanned]) if (s === uri.toString() || s.startsWith(prefix)) this.scanned.delete(s);
    if (uri.scheme === 'file' && isConfigFile(uri.fsPath)) this.configChanged();
    this.diagnostics.clearDeleted(uri);
  }

  private configTimer: ReturnType<typeof setTimeout> | undefined;
  /** A configuration changed: every file may lint differently. Batched, as a save fires both the editor and the watcher. */
  configChanged(): void {
    if (this.configTimer !== undefined) clearTimeout(this.configTimer);
    this.configTimer = setTimeout(() => {
      this.configTimer = undefined;
      this.configs.invalidate();
      this.log.info('workspace configuration changed; linting again');
      for (const d of vscode.workspace.textDocuments) {
        if (lintable(d) && !(d.uri.scheme === 'file' && isConfigFile(d.uri.fsPath))) this.diagnostics.lintDocument(d);
      }
      void this.relintScanned();
      // Loading the configurations again, also for a config open on its own.
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === 'file' && isConfigFile(d.uri.fsPath)) this.configs.forUri(d.uri);
      this.diagnostics.publishConfigs();
    }, 50);
  }

  private async relintScanned(): Promise<void> {
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const s of this.scanned) {
      if (open.has(s)) continue;
      const uri = vscode.Uri.parse(s);
      try {
        this.diagnostics.lintBytes(uri, await vscode.workspace.fs.readFile(uri));
      } catch {
        this.diagnostics.clear(uri);
      }
    }
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    if (this.configTimer !== undefined) clearTimeout(this.configTimer);
    for (const d of this.disposables) d.dispose();
  }
}
