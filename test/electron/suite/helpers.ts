import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { expectedFindings, type Expected } from '../../vscode/support/expectations';

export const SOURCE = 'opentok-readiness';

export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite runs on the fixture workspace');
  return vscode.Uri.file(join(folder.uri.fsPath, relativePath));
}

export function expectations(relativePath: string): Expected[] {
  return expectedFindings(readFileSync(workspaceFile(relativePath).fsPath, 'utf8'));
}

const SEVERITY: Readonly<Record<number, Expected['severity']>> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export function asExpected(ds: readonly vscode.Diagnostic[]): Expected[] {
  return ds
    .map((d) => ({ ruleId: codeOf(d), severity: SEVERITY[d.severity]!, line: d.range.start.line + 1 }))
    .sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}

/** Waits until the diagnostics of a file satisfy `ok`. */
export async function diagnosticsWhere(uri: vscode.Uri, ok: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 20_000): Promise<vscode.Diagnostic[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ds = ours(uri);
    if (ok(ds)) return ds;
    if (Date.now() > end) throw new Error(`diagnostics of ${uri.fsPath} did not settle: ${JSON.stringify(asExpected(ds))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function open(relativePath: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Throws away the unsaved changes of the active editor. */
export async function revertActive(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

/**
 * Opens a file the way the user does (vscode.open), so that only its editor holds the
 * document: a document opened through openTextDocument stays open for a while after its
 * editor closes, so it would not show what closing a file does.
 */
export async function openInEditor(relativePath: string): Promise<vscode.TextDocument> {
  const uri = workspaceFile(relativePath);
  await vscode.commands.executeCommand('vscode.open', uri);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc) throw new Error(`${relativePath} did not open`);
  return doc;
}
