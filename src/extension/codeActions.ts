// Quick fixes from the core's Fix data (looked up, never computed here), a fix-all
// action, and "Suppress with reason".
import * as vscode from 'vscode';
import type { Fix, TextEdit } from '../core/model/finding';
import { combineFixes, preferredFix, suppressionEdit, validateReason } from './adapters/edits';
import { codeOf, fixKey, type LintedFile, type ReadinessDiagnostics } from './diagnostics';
import { toRange } from './ranges';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('opentokReadiness');
import { SUPPRESS_COMMAND } from './commandIds';

function workspaceEdit(edits: readonly TextEdit[], linted: LintedFile): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) {
    const same = e.file === linted.result.file;
    const uri = same ? linted.uri : vscode.Uri.file(e.file);
    // Edits in the linted file are clamped to its text; others are taken as they are.
    const range = toRange(e.range, same ? linted.lines : { lineCount: Number.MAX_SAFE_INTEGER, lineLength: () => Number.MAX_SAFE_INTEGER });
    we.replace(uri, range, e.newText);
  }
  return we;
}

function fixableFixes(linted: LintedFile): Fix[] {
  const out: Fix[] = [];
  for (const { finding } of linted.entries.values()) {
    const f = preferredFix(finding.fixes ?? []);
    if (f) out.push(f);
  }
  return out;
}

export class ReadinessCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(private readonly diagnostics: ReadinessDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const linted = this.diagnostics.get(doc.uri);
    if (!linted) return [];
    const wantsFixAll = context.only?.contains(FIX_ALL_KIND) || (context.only !== undefined && FIX_ALL_KIND.contains(context.only));
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(context.only)) {
      return wantsFixAll ? this.fixAll(linted, FIX_ALL_KIND) : [];
    }
    const actions: vscode.CodeAction[] = [];
    let anyFix = false;
    for (const d of context.diagnostics) {
      const code = codeOf(d);
      if (code === undefined) continue;
      const entry = linted.entries.get(fixKey(code, d.range));
      if (!entry) continue;
      const fixes = entry.finding.fixes ?? [];
      const preferred = preferredFix(fixes);
      for (const fix of fixes) {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.edit = workspaceEdit(fix.edits, linted);
        a.isPreferred = fix === preferred;
        actions.push(a);
        anyFix = true;
      }
      const s = new vscode.CodeAction(`Suppress ${code} with a reason…`, vscode.CodeActionKind.QuickFix);
      s.diagnostics = [d];
      s.command = { command: SUPPRESS_COMMAND, title: s.title, arguments: [doc.uri.toString(), d.range.start.line, code] };
      actions.push(s);
    }
    if (anyFix) actions.push(...this.fixAll(linted, vscode.CodeActionKind.QuickFix));
    return actions;
  }

  private fixAll(linted: LintedFile, kind: vscode.CodeActionKind): vscode.CodeAction[] {
    const fixes = fixableFixes(linted);
    if (fixes.length === 0) return [];
    const a = new vscode.CodeAction(`Fix all OpenTok readiness problems in this file (${fixes.length})`, kind);
    a.edit = workspaceEdit(combineFixes(fixes), linted);
    return [a];
  }
}

/** Applies every preferred fix of the active file (command palette). */
export async function fixAllInEditor(diagnostics: ReadinessDiagnostics): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const linted = editor && diagnostics.get(editor.document.uri);
  const fixes = linted ? fixableFixes(linted) : [];
  if (!linted || fixes.length === 0) {
    void vscode.window.showInformationMessage('OpenTok readiness: nothing to fix automatically in this file.');
    return;
  }
  await vscode.workspace.applyEdit(workspaceEdit(combineFixes(fixes), linted));
}

/** Asks for the reason, then writes the suppression comment above the finding's line. */
export async function suppressWithReason(uriText: string, line0: number, ruleId: string): Promise<void> {
  const uri = vscode.Uri.parse(uriText);
  const doc = await vscode.workspace.openTextDocument(uri);
  const reason = await vscode.window.showInputBox({
    title: `Suppress ${ruleId}`,
    prompt: 'Why is this requirement not needed here? The reason is written into the file for reviewers.',
    placeHolder: 'e.g. media goes through the TURN relay on TCP 443 by policy',
    validateInput: (v) => validateReason(v),
    ignoreFocusOut: true,
  });
  if (reason === undefined || validateReason(reason)) return;
  const line = Math.min(Math.max(line0, 0), Math.max(doc.lineCount - 1, 0));
  const edit = suppressionEdit(doc.uri.fsPath, doc.lineAt(line).text, line + 1, ruleId, reason);
  const we = new vscode.WorkspaceEdit();
  we.insert(uri, new vscode.Position(line, 0), edit.newText);
  await vscode.workspace.applyEdit(we);
}
