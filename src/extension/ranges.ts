// Core positions to vscode.Range, through the one clamping adapter.
import * as vscode from 'vscode';
import type { SourceRange } from '../core/model/source';
import { linesOf, toEditorRange, type EditorRange, type LineLengths } from './adapters/positions';

export function documentLines(doc: vscode.TextDocument): LineLengths {
  return { lineCount: doc.lineCount, lineLength: (line) => (line < doc.lineCount ? doc.lineAt(line).text.length : 0) };
}

export function textLines(text: string): LineLengths {
  return linesOf(text);
}

export function toVscodeRange(r: EditorRange): vscode.Range {
  return new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
}

export function toRange(range: SourceRange, lines: LineLengths): vscode.Range {
  return toVscodeRange(toEditorRange(range, lines));
}
