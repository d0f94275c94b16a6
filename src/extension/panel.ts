// The "Check OpenTok connectivity" panel: one webview panel, created or revealed by the
// command and revived by a serializer after a reload. It runs the probe engine
// (src/probes/runner.ts) in the extension host and streams its events to the page
// (src/webview/main.ts), which renders them. The page's messages are validated here.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/model/finding';
import { renderProbeReport, type ProbeReport } from '../core/probes/report';
import type { ProbeEvent, TurnCredentials } from '../core/probes/types';
import { credentialsFromEnv, runReadinessProbe } from '../probes/runner';
import { addToHistory, historyEntryOf, validHistory } from '../webview/history';
import { FILE_EXTENSION, parsePageMessage, VIEW_TYPE, type ExportFormat, type HistoryEntry, type HostMessage, type LintPorts, type PageMessage } from '../webview/protocol';
import { CONNECTIVITY_COMMAND } from './commandIds';
import { RESTRICTED_MODE_MESSAGE } from './connectivity';
import type { Log } from './log';
import { lintPortsOf } from './panelData';
import { makeNonce, panelHtml } from './panelHtml';
import { panelProbeInput } from './panelProbe';
import { readProbeSettings, type Settings } from './settings';

export { VIEW_TYPE };

const HISTORY_KEY = 'opentokReadiness.connectivity.history';
/** The last report, so that it can still be exported after a reload (redacted by the runner like every report). */
const LAST_REPORT_KEY = 'opentokReadiness.connectivity.lastReport';
const SECRET_KEY = 'opentokReadiness.turnCredentials';
/** The page and its stylesheet: the only folders the webview may load from. */
const WEBVIEW_DIR = ['dist', 'webview'];
const MEDIA_DIR = ['media'];

export interface PanelDeps {
  readonly context: vscode.ExtensionContext;
  readonly log?: Log;
  /** The linter's findings for the workspace, to reconcile with the probes. */
  readonly lintFindings?: () => readonly Finding[];
}

const FILTERS: Readonly<Record<ExportFormat, Record<string, string[]>>> = {
  markdown: { Markdown: ['md'] },
  json: { JSON: ['json'] },
  html: { HTML: ['html'] },
};

export class ConnectivityPanel implements vscode.Disposable {
  static readonly viewType = VIEW_TYPE;
  static current: ConnectivityPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private runAfterReady = false;
  private controller: AbortController | undefined;
  /** Events of the run in progress, replayed to a page that was reloaded meanwhile. */
  private runEvents: ProbeEvent[] = [];
  private lastReport: ProbeReport | undefined;

  /** Opens the panel (or brings it forward) and starts a check unless one is running. */
  static show(deps: PanelDeps): ConnectivityPanel {
    const existing = ConnectivityPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      if (!existing.controller) existing.requestRun();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'OpenTok connectivity', vscode.ViewColumn.Active, ConnectivityPanel.webviewOptions(deps.context.extensionUri));
    const p = new ConnectivityPanel(panel, deps);
    p.requestRun();
    return p;
  }

  /** A panel VS Code restores after a reload: its page restores its own state; no check starts by itself. */
  static revive(panel: vscode.WebviewPanel, deps: PanelDeps): ConnectivityPanel {
    ConnectivityPanel.current?.dispose();
    panel.webview.options = ConnectivityPanel.webviewOptions(deps.context.extensionUri);
    return new ConnectivityPanel(panel, deps);
  }

  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR), vscode.Uri.joinPath(extensionUri, ...MEDIA_DIR)],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
  ) {
    ConnectivityPanel.current = this;
    this.lastReport = validReport(deps.context.workspaceState.get<unknown>(LAST_REPORT_KEY));
    this.render();
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw), undefined, this.disposables);
    // The page is rebuilt when a hidden panel shows again: it says `ready` once more.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }, undefined, this.disposables);
  }

  private render(): void {
    const webview = this.panel.webview;
    const ext = this.deps.context.extensionUri;
    this.ready = false;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, ...WEBVIEW_DIR, 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, ...MEDIA_DIR, 'panel.css')).toString(),
    });
  }

  private post(m: HostMessage): void {
    if (!this.ready || this.disposed) return;
    try {
      void this.panel.webview.postMessage(m).then(undefined, () => undefined);
    } catch {
      // the panel went away meanwhile
    }
  }

  private requestRun(): void {
    if (this.ready) void this.run();
    else this.runAfterReady = true;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m: PageMessage | undefined = parsePageMessage(raw);
    if (!m) {
      this.deps.log?.warn('connectivity panel: ignored a malformed message from the page');
      return;
    }
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          await this.sendInit();
          if (this.runAfterReady) {
            this.runAfterReady = false;
            void this.run();
          }
          return;
        case 'run':
          void this.run();
          return;
        case 'cancel':
          this.controller?.abort();
          return;
        case 'export':
          await this.exportReport(m.format);
          return;
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          return;
        case 'setCredentials':
          await this.setCredentials();
          return;
        case 'clearCredentials':
          await this.deps.context.secrets.delete(SECRET_KEY);
          this.post({ type: 'credentials', set: false });
          return;
        case 'clearHistory':
          await this.deps.context.workspaceState.update(HISTORY_KEY, []);
          await this.deps.context.workspaceState.update(LAST_REPORT_KEY, undefined);
          this.post({ type: 'history', history: [] });
          return;
        case 'openSettings':
          await vscode.commands.executeCommand('workbench.action.openSettings', 'opentokReadiness.probe');
          return;
      }
    } catch (e) {
      this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private history(): HistoryEntry[] {
    return validHistory(this.deps.context.workspaceState.get<unknown>(HISTORY_KEY), 100);
  }

  private lintPorts(): LintPorts {
    const findings = this.safeFindings();
    return lintPortsOf(findings, (f) => vscode.workspace.asRelativePath(f, false));
  }

  private safeFindings(): readonly Finding[] {
    try {
      return this.deps.lintFindings?.() ?? [];
    } catch (e) {
      this.deps.log?.warn(`connectivity panel: no lint results: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  private async sendInit(): Promise<void> {
    const credentials = (await this.storedCredentials()) !== undefined;
    this.post({ type: 'init', running: this.controller !== undefined, history: this.history(), lint: this.lintPorts(), credentials, ...(this.lastReport ? { report: this.lastReport } : {}) });
    for (const event of this.runEvents) this.post({ type: 'probe', event });
  }

  private async storedCredentials(): Promise<TurnCredentials | undefined> {
    const raw = await this.deps.context.secrets.get(SECRET_KEY);
    if (raw) {
      try {
        const v = JSON.parse(raw) as Partial<TurnCredentials>;
        if (typeof v.username === 'string' && typeof v.credential === 'string' && v.username && v.credential) return { username: v.username, credential: v.credential };
      } catch {
        // stored by another version: ignored
      }
    }
    return undefined;
  }

  private async setCredentials(): Promise<void> {
    const username = await vscode.window.showInputBox({ title: 'TURN credentials (1/2)', prompt: 'Username for your TURN servers (Configurable TURN). Kept in VS Code\'s secret storage.', ignoreFocusOut: true });
    if (!username) return;
    const credential = await vscode.window.showInputBox({ title: 'TURN credentials (2/2)', prompt: 'Credential (password) for your TURN servers', password: true, ignoreFocusOut: true });
    if (!credential) return;
    await this.deps.context.secrets.store(SECRET_KEY, JSON.stringify({ username, credential }));
    this.post({ type: 'credentials', set: true });
  }

  private async run(): Promise<void> {
    if (this.controller) return;
    if (!vscode.workspace.isTrusted) {
      this.post({ type: 'error', message: RESTRICTED_MODE_MESSAGE });
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
    const input = panelProbeInput(folder, readProbeSettings());
    if (input.errors.length) {
      this.post({ type: 'error', message: `The check cannot start: ${input.errors.join('; ')}` });
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.runEvents = [];
    const log = this.deps.log;
    const credentials = (await this.storedCredentials()) ?? credentialsFromEnv(process.env);
    const lintFindings = this.safeFindings();
    this.post({ type: 'lint', lint: this.lintPorts() });
    log?.info(`connectivity check started${input.configPath ? ` with ${input.configPath}` : ''}`);
    this.setStatus(undefined);
    try {
      const report = await runReadinessProbe({
        selection: input.selection,
        options: input.options,
        env: process.env,
        signal: controller.signal,
        hostEnvironment: input.hostEnvironment,
        ...(credentials ? { credentials } : {}),
        ...(lintFindings.length ? { lintFindings } : {}),
        onEvent: (event) => {
          // The results ride in the report; only the stream's own events are replayed.
          if (event.type !== 'done') this.runEvents.push(event);
          this.post({ type: 'probe', event });
        },
      });
      this.lastReport = report;
      log?.info(`connectivity check ${report.cancelled ? 'cancelled' : 'done'} in ${report.durationMs} ms: ${report.verdict.level}`);
      const max = readProbeSettings().historySize;
      const history = addToHistory(this.history(), historyEntryOf(report), max);
      await this.deps.context.workspaceState.update(HISTORY_KEY, history);
      await this.deps.context.workspaceState.update(LAST_REPORT_KEY, report);
      this.controller = undefined;
      this.runEvents = [];
      this.post({ type: 'report', report });
      this.post({ type: 'history', history });
      this.setStatus(report);
    } catch (e) {
      log?.error(`connectivity check failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.post({ type: 'error', message: `The check failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      if (this.controller === controller) this.controller = undefined;
      this.runEvents = [];
    }
  }

  private async exportReport(format: ExportFormat): Promise<void> {
    const report = this.lastReport;
    if (!report) {
      this.post({ type: 'error', message: 'Run the check before exporting its report.' });
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `opentok-connectivity-${report.startedAt.replace(/[:.]/g, '-')}.${FILE_EXTENSION[format]}`;
    const uri = await vscode.window.showSaveDialog({
      title: 'Export the OpenTok connectivity report',
      saveLabel: 'Export',
      filters: FILTERS[format],
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    });
    if (!uri) return;
    // The runner redacted every secret from the report; the renderers escape for each format.
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(renderProbeReport(report, format)));
    this.post({ type: 'exported', format, path: uri.scheme === 'file' ? uri.fsPath : basename(uri.path) });
  }

  /** A status bar entry with the last verdict; clicking it brings the panel back and checks again. */
  private setStatus(report: ProbeReport | undefined): void {
    if (!statusItem) {
      statusItem = vscode.window.createStatusBarItem('opentokReadiness.connectivity', vscode.StatusBarAlignment.Left, 9);
      this.deps.context.subscriptions.push(statusItem);
    }
    const s = statusItem;
    s.name = 'OpenTok connectivity';
    s.command = CONNECTIVITY_COMMAND;
    if (!report) {
      s.text = '$(sync~spin) OpenTok: probing';
      s.tooltip = 'OpenTok connectivity check running';
    } else {
      const icon = report.verdict.level === 'ready' ? '$(pass)' : report.verdict.level === 'degraded' ? '$(warning)' : report.verdict.level === 'blocked' ? '$(error)' : '$(question)';
      s.text = `${icon} OpenTok: ${report.verdict.level}`;
      s.tooltip = `${report.verdict.headline}\nClick to check connectivity again.`;
    }
    s.show();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ConnectivityPanel.current === this) ConnectivityPanel.current = undefined;
    this.controller?.abort();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function validReport(raw: unknown): ProbeReport | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Partial<ProbeReport>;
  return r.tool === 'opentok-readiness' && typeof r.startedAt === 'string' && Array.isArray(r.results) && Array.isArray(r.specs) && typeof r.verdict === 'object' ? (r as ProbeReport) : undefined;
}

/** Stays after the panel closes: the last verdict, one click from the panel. */
let statusItem: vscode.StatusBarItem | undefined;

/** The entry point connectivity.ts loads. */
export function showConnectivityPanel(context: vscode.ExtensionContext, _settings: Settings, extra: Omit<PanelDeps, 'context'> = {}): ConnectivityPanel {
  return ConnectivityPanel.show({ context, ...extra });
}

export function reviveConnectivityPanel(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, extra: Omit<PanelDeps, 'context'> = {}): ConnectivityPanel {
  return ConnectivityPanel.revive(panel, { context, ...extra });
}
