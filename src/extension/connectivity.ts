// "Check OpenTok connectivity": live probes, refused in untrusted workspaces.
import * as vscode from 'vscode';
import type { Log } from './log';
import type { Settings } from './settings';

/** The connectivity panel's entry point, when the build includes it (src/extension/panel.ts). */
interface PanelModule {
  showConnectivityPanel(context: vscode.ExtensionContext, settings: Settings): unknown;
}

export const RESTRICTED_MODE_MESSAGE =
  'OpenTok connectivity checks are disabled in Restricted Mode: they make network connections to targets the workspace settings can choose. Linting still works. Trust this workspace to run them.';

export async function checkConnectivity(context: vscode.ExtensionContext, settings: Settings, log: Log): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    // Probes open network connections and read their targets from workspace settings,
    // which an untrusted workspace could point anywhere.
    log.info('connectivity check refused: the workspace is not trusted');
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showWarningMessage(RESTRICTED_MODE_MESSAGE, manage);
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  let panel: PanelModule | undefined;
  try {
    // Bundled when panel.ts exists; without it the command says the build lacks it.
    panel = require('./panel') as PanelModule;
  } catch {
    panel = undefined;
  }
  if (!panel) {
    void vscode.window.showInformationMessage('OpenTok connectivity checks are not part of this build.');
    return;
  }
  await panel.showConnectivityPanel(context, settings);
}
