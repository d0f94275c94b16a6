/**
 * Positions are 1-based lines and 1-based columns counted in UTF-16 code
 * units, with an exclusive end column: the convention of SARIF 2.1.0
 * regions, so the CLI prints them as they are and the editor subtracts one.
 */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface SourceRange {
  readonly start: Position;
  readonly end: Position;
}

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

export function range(line: number, column: number, endLine: number, endColumn: number): SourceRange {
  return { start: { line, column }, end: { line: endLine, column: endColumn } };
}

/** Maps character offsets to positions; built once per file. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    // An offset inside a "\r\n" line break is the end of the line's text.
    let end = lo + 1 < this.starts.length ? this.starts[lo + 1]! - 1 : this.text.length;
    if (end > this.starts[lo]! && this.text.charCodeAt(end - 1) === 13 && (lo + 1 < this.starts.length)) end--;
    return { line: lo + 1, column: Math.min(o, end) - this.starts[lo]! + 1 };
  }

  range(startOffset: number, endOffset: number): SourceRange {
    return { start: this.position(startOffset), end: this.position(endOffset) };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    const next = line < this.starts.length ? this.starts[line]! : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$/, '');
  }

  /** The range of a whole 1-based line, without its line break. */
  lineRange(line: number): SourceRange {
    return range(line, 1, line, this.lineText(line).length + 1);
  }
}

/** The newest line index built: fixes and suppressions of a file reuse the parser's. */
let lastIndex: LineIndex | undefined;

/** A new index of the text (a parser's), remembered for lineIndexOf. */
export function indexLines(text: string): LineIndex {
  lastIndex = new LineIndex(text);
  return lastIndex;
}

/** The index of the text the parser built, or a new one. */
export function lineIndexOf(text: string): LineIndex {
  return lastIndex?.text === text ? lastIndex : indexLines(text);
}
