// Everything that needs the linting core, created on first use: loading the core
// (parsers, catalog, YAML and schema libraries) is the costly part of starting, so
// activation only registers entry points and this module loads right after.
import * as vscode from 'vscode';
import { fixAllInEditor, ReadinessCodeActions, suppressWithReason } from './codeActions';
import { ReadinessCodeLens, showPolicyRequirements } from './codeLens';
import { ReadinessDiagnostics } from './diagnostics';
import { DocumentLinter } from './documents';
import { ReadinessHover } from './hover';
import type { Finding } from '../core/model/finding';
import type { Log } from './log';
import { scanWorkspace } from './scan';
import { readResourceSettings, type Settings } from './settings';
import { ReadinessStatusBar } from './statusBar';
import { WorkspaceConfigs } from './workspaceConfig';

// The connectivity panel ships in this file too (dist/services.js is what both
// require('./services') and require('./panel') load), sharing one copy of the core.
export * from './panel';

export interface Services {
  readonly codeActions: ReadinessCodeActions;
  readonly hover: ReadinessHover;
  readonly codeLens: ReadinessCodeLens;
  lintOpen(): void;
  settingsChanged(settings: Settings): void;
  scan(): Thenable<void>;
  fixAll(): Promise<void>;
  suppress(uri: string, line: number, ruleId: string): Promise<void>;
  showPolicy(uri: string, index: number): Promise<void>;
  /** Every finding of the files linted so far (met ones included), for the connectivity panel. */
  lintFindings(): Finding[];
}

export function createServices(subscriptions: vscode.Disposable[], log: Log, settings: () => Settings): Services {
  const configs = new WorkspaceConfigs();
  const diagnostics = new ReadinessDiagnostics(configs, readResourceSettings, log);
  const documents = new DocumentLinter(diagnostics, configs, settings, log);
  const codeLens = new ReadinessCodeLens(diagnostics, readResourceSettings);
  const statusBar = new ReadinessStatusBar(diagnostics, settings().statusBar);
  subscriptions.push(diagnostics, documents, codeLens, statusBar);
  return {
    codeActions: new ReadinessCodeActions(diagnostics),
    hover: new ReadinessHover(diagnostics),
    codeLens,
    lintOpen: () => documents.lintOpen(),
    settingsChanged: (s) => {
      statusBar.setEnabled(s.statusBar);
      codeLens.refresh();
      documents.lintOpen();
    },
    scan: () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Scanning workspace for OpenTok readiness', cancellable: true }, async (progress, token) => {
        const max = settings().scanMaxFiles;
        const s = await scanWorkspace({ diagnostics, documents, configs, log }, max, progress, token);
        const text = `OpenTok readiness: ${s.cancelled ? 'scan cancelled; ' : ''}${s.linted} file${s.linted === 1 ? '' : 's'} checked, ${s.problems} problem${s.problems === 1 ? '' : 's'}${s.truncated ? ` (stopped at ${max} files: see opentokReadiness.scan.maxFiles)` : ''}.`;
        vscode.window.setStatusBarMessage(text, 10_000);
      }),
    fixAll: () => fixAllInEditor(diagnostics),
    suppress: (uri, line, ruleId) => suppressWithReason(uri, line, ruleId),
    showPolicy: (uri, index) => showPolicyRequirements(diagnostics, uri, index),
    lintFindings: () => diagnostics.all().flatMap((f) => f.result.findings),
  };
}
