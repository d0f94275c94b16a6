// The one place where the core's positions (1-based lines and columns, end column
// exclusive, as SARIF 2.1.0 regions) become the editor's (0-based lines and
// characters). Positions are clamped to the text the editor holds, which may have
// changed since the lint ran.
import type { SourceRange } from '../../core/model/source';

export interface EditorRange {
  readonly startLine: number;
  readonly startCharacter: number;
  readonly endLine: number;
  readonly endCharacter: number;
}

/** The shape of the text positions are clamped to. */
export interface LineLengths {
  readonly lineCount: number;
  /** Length of a 0-based line without its line break. */
  lineLength(line: number): number;
}

export function linesOf(text: string): LineLengths {
  const lengths = text.split('\n').map((l) => (l.endsWith('\r') ? l.length - 1 : l.length));
  return { lineCount: lengths.length, lineLength: (line) => lengths[line] ?? 0 };
}

function clampPosition(line1: number, column1: number, lines: LineLengths): { line: number; character: number } {
  if (lines.lineCount === 0) return { line: 0, character: 0 };
  const line = Math.min(Math.max(Math.trunc(line1) - 1, 0), lines.lineCount - 1);
  const character = Math.min(Math.max(Math.trunc(column1) - 1, 0), lines.lineLength(line));
  return { line, character };
}

export function toEditorRange(range: SourceRange, lines: LineLengths): EditorRange {
  const start = clampPosition(range.start.line, range.start.column, lines);
  let end = clampPosition(range.end.line, range.end.column, lines);
  if (end.line < start.line || (end.line === start.line && end.character < start.character)) end = start;
  return { startLine: start.line, startCharacter: start.character, endLine: end.line, endCharacter: end.character };
}

/** Whether a 0-based editor position lies in a core range (both ends inclusive, so a hover at a rule's last character counts). */
export function rangeContains(range: SourceRange, line0: number, character0: number): boolean {
  const line = line0 + 1;
  const column = character0 + 1;
  if (line < range.start.line || line > range.end.line) return false;
  if (line === range.start.line && column < range.start.column) return false;
  if (line === range.end.line && column > range.end.column) return false;
  return true;
}

export function rangeKey(r: EditorRange): string {
  return `${r.startLine}:${r.startCharacter}-${r.endLine}:${r.endCharacter}`;
}
