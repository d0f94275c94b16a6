// "Check OpenTok connectivity": live probes, refused in untrusted workspaces.
import * as vscode from 'vscode';
import type { Finding } from '../core/model/finding';
import type { Log } from './log';
import { VIEW_TYPE } from '../webview/protocol';
import type { Settings } from './settings';

type PanelModule = typeof import('./panel');

export const RESTRICTED_MODE_MESSAGE =
  'OpenTok connectivity checks are disabled in Restricted Mode: they make network connections to targets the workspace settings can choose. Linting still works. Trust this workspace to run them.';

/** The panel and the probe engine load on first use, so activation stays cheap. */
function loadPanel(): PanelModule {
  return require('./panel') as PanelModule;
}

export async function checkConnectivity(context: vscode.ExtensionContext, settings: Settings, log: Log, lintFindings?: () => readonly Finding[]): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    // Probes open network connections and read their targets from workspace settings,
    // which an untrusted workspace could point anywhere.
    log.info('connectivity check refused: the workspace is not trusted');
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showWarningMessage(RESTRICTED_MODE_MESSAGE, manage);
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  loadPanel().showConnectivityPanel(context, settings, { log, ...(lintFindings ? { lintFindings } : {}) });
}

/**
 * Brings back a panel that was open before a reload. Its page restores what it showed;
 * no probe runs until asked (and never in an untrusted workspace).
 */
export function registerConnectivitySerializer(context: vscode.ExtensionContext, log: Log, lintFindings?: () => readonly Finding[]): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel) {
      loadPanel().reviveConnectivityPanel(webviewPanel, context, { log, ...(lintFindings ? { lintFindings } : {}) });
    },
  });
}
