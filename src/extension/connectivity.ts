// "Check OpenTok connectivity": live probes, refused in untrusted workspaces.
import * as vscode from 'vscode';
import type { Finding } from '../core/model/finding';
import type { Log } from './log';
import type { Settings } from './settings';

/** The panel's view type (src/webview/protocol.ts VIEW_TYPE; the manifest's onWebviewPanel activation). */
export const CONNECTIVITY_VIEW_TYPE = 'opentokReadiness.connectivity';

interface PanelExtras {
  readonly log?: Log;
  readonly lintFindings?: () => readonly Finding[];
}

/** The connectivity panel's entry points, when the build includes it (src/extension/panel.ts). */
interface PanelModule {
  showConnectivityPanel(context: vscode.ExtensionContext, settings: Settings, extra?: PanelExtras): unknown;
  reviveConnectivityPanel(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, extra?: PanelExtras): unknown;
}

export const RESTRICTED_MODE_MESSAGE =
  'OpenTok connectivity checks are disabled in Restricted Mode: they make network connections to targets the workspace settings can choose. Linting still works. Trust this workspace to run them.';

function loadPanel(): PanelModule | undefined {
  try {
    // Bundled when panel.ts exists; loaded on first use so activation stays cheap.
    return require('./panel') as PanelModule;
  } catch {
    return undefined;
  }
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
  const panel = loadPanel();
  if (!panel) {
    void vscode.window.showInformationMessage('OpenTok connectivity checks are not part of this build.');
    return;
  }
  await panel.showConnectivityPanel(context, settings, { log, ...(lintFindings ? { lintFindings } : {}) });
}

/**
 * Brings back a panel that was open before a reload. Its page restores what it showed;
 * no probe runs until asked (and never in an untrusted workspace).
 */
export function registerConnectivitySerializer(context: vscode.ExtensionContext, log: Log, lintFindings?: () => readonly Finding[]): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(CONNECTIVITY_VIEW_TYPE, {
    async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel) {
      const panel = loadPanel();
      if (!panel) {
        webviewPanel.dispose();
        return;
      }
      panel.reviveConnectivityPanel(webviewPanel, context, { log, ...(lintFindings ? { lintFindings } : {}) });
    },
  });
}
