// Opens the Problems view with the cursor in its filter box. The workbench has no
// command that sets the filter's text (the box is a plain input, which the `type`
// command does not reach), so the filter to type is shown in the status bar.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from './adapters/source';

export const PROBLEMS_FILTER = `@source:${DIAGNOSTIC_SOURCE}`;

export async function showProblemsView(): Promise<void> {
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  try {
    await vscode.commands.executeCommand('problems.action.focusFilter');
  } catch {
    // An older workbench without the command: the view is open, unfiltered.
    return;
  }
  vscode.window.setStatusBarMessage(`Type "${PROBLEMS_FILTER}" in the filter to show only OpenTok readiness problems`, 8000);
}
