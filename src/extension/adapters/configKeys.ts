// Positions of keys in the workspace configuration, for related information.
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';

/** The position of each key under `levels:`, so that a problem can point at the override that set its level. */
export function levelKeysOf(text: string): Map<string, { line: number; character: number }> {
  const out = new Map<string, { line: number; character: number }>();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const levels = isMap(doc.contents) ? doc.contents.get('levels', true) : undefined;
  if (!isMap(levels)) return out;
  for (const item of levels.items) {
    if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
    const p = lines.linePos(item.key.range[0]);
    out.set(String(item.key.value), { line: p.line - 1, character: p.col - 1 });
  }
  return out;
}
