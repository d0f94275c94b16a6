// Activation registers entry points only; the linting core loads right after
// activate returns (services.ts), or at once when an entry point needs it first.
import * as vscode from 'vscode';
import { CONNECTIVITY_COMMAND, FIX_ALL_COMMAND, SCAN_COMMAND, SHOW_POLICY_COMMAND, SHOW_PROBLEMS_COMMAND, SUPPRESS_COMMAND } from './commandIds';
import { checkConnectivity, registerConnectivitySerializer } from './connectivity';
import { createLog } from './log';
import { showProblemsView } from './problemsView';
import type { Services } from './services';
import { affectsUs, readSettings } from './settings';

/** Every document a format might recognise: detection is by content, so no language filter. */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('opentokReadiness');

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog();
  let settings = readSettings();
  let services: Services | undefined;
  const lensChanged = new vscode.EventEmitter<void>();
  const load = (): Services => {
    if (!services) {
      const t = performance.now();
      // A require, not an import: the bundler then initialises the core only here.
      const mod = require('./services') as typeof import('./services');
      services = mod.createServices(context.subscriptions, log, () => settings);
      services.codeLens.onDidChangeCodeLenses(() => lensChanged.fire(), undefined, context.subscriptions);
      log.info(`linter loaded in ${(performance.now() - t).toFixed(1)} ms`);
    }
    return services;
  };

  context.subscriptions.push(
    log,
    lensChanged,
    vscode.languages.registerCodeActionsProvider(SELECTOR, { provideCodeActions: (doc, range, ctx) => load().codeActions.provideCodeActions(doc, range, ctx) }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND] }),
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (doc, position) => load().hover.provideHover(doc, position) }),
    vscode.languages.registerCodeLensProvider(SELECTOR, { onDidChangeCodeLenses: lensChanged.event, provideCodeLenses: (doc) => load().codeLens.provideCodeLenses(doc) }),
    vscode.commands.registerCommand(SCAN_COMMAND, () => load().scan()),
    vscode.commands.registerCommand(SHOW_PROBLEMS_COMMAND, showProblemsView),
    vscode.commands.registerCommand(FIX_ALL_COMMAND, () => load().fixAll()),
    vscode.commands.registerCommand(SUPPRESS_COMMAND, (uri: string, line: number, ruleId: string) => load().suppress(uri, line, ruleId)),
    vscode.commands.registerCommand(SHOW_POLICY_COMMAND, (uri: string, index: number) => load().showPolicy(uri, index)),
    vscode.commands.registerCommand(CONNECTIVITY_COMMAND, () => checkConnectivity(context, settings, log, () => load().lintFindings())),
    registerConnectivitySerializer(context, log, () => load().lintFindings()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsUs(e)) return;
      settings = readSettings();
      services?.settingsChanged(settings);
    }),
  );

  setTimeout(() => {
    const s = load();
    s.lintOpen();
    if (settings.scanOnStartup) void s.scan();
  }, 0);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted: probes are disabled, linting works'})`);
}

export function deactivate(): void {}
