import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseCidr, type CidrParse } from '../../model/addresses';
import type { Finding } from '../../model/finding';
import type { LineIndex, SourceRange } from '../../model/source';
import { diagnostic } from '../diagnostics';

/**
 * Multi-document YAML with exact positions. The text is cut into
 * documents at `---` lines before it reaches the YAML parser: YAML 1.2
 * forbids a document marker at the start of a line inside any scalar or
 * collection (c-forbidden, spec 1.2.2 section 9.1), so the cut is exact,
 * and an unterminated quote or bracket in one document cannot swallow the
 * documents after it.
 */

export interface YamlDoc {
  readonly doc: Document.Parsed;
  /** Offset of the chunk the document was parsed from. */
  readonly base: number;
  /** Whether the YAML parser reported an error in this document. */
  readonly broken: boolean;
}

/** Reads one file's documents; syntax errors become parse-error findings at their position. */
export function readDocuments(text: string, path: string, lines: LineIndex, diagnostics: Finding[]): YamlDoc[] {
  const out: YamlDoc[] = [];
  for (const [start, end] of chunks(text)) {
    const chunk = text.slice(start, end);
    let docs: Document.Parsed[];
    try {
      docs = parseAllDocuments(chunk, { prettyErrors: false, uniqueKeys: true }) as unknown as Document.Parsed[];
      if (!Array.isArray(docs)) docs = [];
    } catch (e) {
      // The parser is not expected to throw; if it does, the chunk is reported and skipped.
      diagnostics.push(diagnostic('parse-error', path, lines.range(start, Math.max(start, lastContent(text, start, end))), `this YAML document could not be read: ${(e as Error).message}`));
      continue;
    }
    for (const doc of docs) {
      const broken = doc.errors.length > 0;
      const limit = lastContent(text, start, end);
      for (const err of doc.errors.slice(0, 5)) {
        const s = Math.min(start + err.pos[0], limit);
        const e = Math.max(s, Math.min(start + err.pos[1], limit + 1));
        const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        diagnostics.push(diagnostic('parse-error', path, lines.range(s, e), `YAML: ${message}`));
      }
      out.push({ doc, base: start, broken });
    }
  }
  return out;
}

/** Offset just past the last non-blank character of text[start, end), or start. */
function lastContent(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  return Math.max(start, e - 1);
}

/** Offsets of the documents: a new one starts at each line that begins with `---`. */
function chunks(text: string): [number, number][] {
  const starts: number[] = [0];
  const re = /^---(?=[ \t\r\n]|$)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m.index > 0) starts.push(m.index);
  const out: [number, number][] = [];
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    const e = starts[i + 1] ?? text.length;
    const prev = out[out.length - 1];
    // Directives (%YAML, %TAG) belong to the document their `---` opens.
    if (prev && /^(?:\s*(?:%[^\n]*|#[^\n]*)?\n)*\s*$/.test(text.slice(prev[0], prev[1])) && /%/.test(text.slice(prev[0], prev[1]))) {
      prev[1] = e;
      continue;
    }
    out.push([s, e]);
  }
  return out;
}

/** Positions of one document's nodes in the whole file. */
export class DocContext {
  constructor(
    readonly path: string,
    readonly lines: LineIndex,
    readonly yaml: YamlDoc,
    readonly diagnostics: Finding[],
    /** Parsed CIDRs by text: clusters repeat the same blocks in many policies. */
    private readonly cidrs: Map<string, CidrParse>,
  ) {}

  cidr(text: string): CidrParse {
    let c = this.cidrs.get(text);
    if (!c) this.cidrs.set(text, (c = parseCidr(text)));
    return c;
  }

  range(node: Node | Pair | null | undefined, fallback?: SourceRange): SourceRange {
    const r = rangeOf(node);
    if (!r) return fallback ?? this.lines.range(this.yaml.base, this.yaml.base);
    return this.lines.range(this.yaml.base + r[0], this.trimEnd(this.yaml.base + r[0], this.yaml.base + r[1]));
  }

  /** Block collections end after their last line break; a range ends at the last character written. */
  private trimEnd(start: number, end: number): number {
    const t = this.lines.text;
    let e = end;
    while (e > start && (t[e - 1] === '\n' || t[e - 1] === '\r' || t[e - 1] === ' ' || t[e - 1] === '\t')) e--;
    return e;
  }

  /** Offsets in the whole file. */
  offsets(node: Node | Pair | null | undefined): [number, number] | undefined {
    const r = rangeOf(node);
    return r ? [this.yaml.base + r[0], this.yaml.base + r[1]] : undefined;
  }

  problem(node: Node | Pair | null | undefined, message: string, fallback?: SourceRange): SourceRange {
    const r = this.range(node, fallback);
    this.diagnostics.push(diagnostic('parse-error', this.path, r, message));
    return r;
  }

  /** Follows an alias one step; aliases of aliases are not followed (bounded work on hostile input). */
  resolve(node: unknown): Node | null {
    if (isAlias(node)) {
      const target = node.resolve(this.yaml.doc);
      return target && !isAlias(target) ? (target as Node) : null;
    }
    return (node as Node | null | undefined) ?? null;
  }
}

function rangeOf(node: Node | Pair | null | undefined): [number, number] | undefined {
  if (!node) return undefined;
  if ('range' in node && node.range) return [node.range[0], node.range[1]];
  const pair = node as Pair<Node | null, Node | null>;
  const k = pair.key && 'range' in pair.key ? pair.key.range : undefined;
  const v = pair.value && 'range' in pair.value ? pair.value.range : undefined;
  if (k && v) return [k[0], v[1]];
  if (k) return [k[0], k[1]];
  return undefined;
}

export function asMap(node: unknown): YAMLMap<unknown, unknown> | undefined {
  return isMap(node) ? node : undefined;
}

export function asSeq(node: unknown): YAMLSeq<unknown> | undefined {
  return isSeq(node) ? node : undefined;
}

/** The pair of a map with a string key. */
export function pairOf(map: YAMLMap<unknown, unknown> | undefined, key: string): Pair<Node, Node | null> | undefined {
  if (!map) return undefined;
  for (const p of map.items) {
    const k = p.key;
    if (isScalar(k) ? k.value === key : k === key) return p as Pair<Node, Node | null>;
  }
  return undefined;
}

/** A scalar's value, or undefined for collections and absent nodes. */
export function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** Whether a node is absent or null (`key:` or `key: null`). */
export function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

export function kindOf(node: unknown): string {
  if (isNull(node)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return typeof node.value === 'number' ? `the number ${String(node.value)}` : `"${String(node.value)}"`;
  return 'something else';
}
