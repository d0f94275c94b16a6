// Hover on a rule: which requirements it decides and how.
import * as vscode from 'vscode';
import { decisionsAt, hoverMarkdown } from './adapters/hoverText';
import type { ReadinessDiagnostics } from './diagnostics';
import { toRange } from './ranges';

export class ReadinessHover implements vscode.HoverProvider {
  constructor(private readonly diagnostics: ReadinessDiagnostics) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const linted = this.diagnostics.get(doc.uri);
    if (!linted) return undefined;
    const decisions = decisionsAt(linted.result.findings, position.line, position.character);
    const text = hoverMarkdown(decisions);
    if (!text || !decisions[0]) return undefined;
    const md = new vscode.MarkdownString(text);
    md.isTrusted = false;
    return new vscode.Hover(md, toRange(decisions[0].range, linted.lines));
  }
}
