// Fixes and suppressions as text edits, before they become a WorkspaceEdit.
import type { Fix, TextEdit } from '../../core/model/finding';
import { range } from '../../core/model/source';

const MARKER = 'opentok-readiness-disable-next-line';

/** The fix to offer first: the one the core marks preferred, else the first. */
export function preferredFix(fixes: readonly Fix[]): Fix | undefined {
  return fixes.find((f) => f.preferred) ?? fixes[0];
}

function before(a: TextEdit, b: TextEdit): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  const aEnd = [a.range.end.line, a.range.end.column] as const;
  const bStart = [b.range.start.line, b.range.start.column] as const;
  // b starts before a ends (strictly), for sorted a <= b.
  return aEnd[0] > bStart[0] || (aEnd[0] === bStart[0] && aEnd[1] > bStart[1]);
}

/**
 * Combines the preferred fix of several findings into one edit list: identical
 * edits once, insertions at the same place in order, and an edit that overlaps
 * one already taken left out (it is offered again after the next lint).
 */
export function combineFixes(fixes: readonly Fix[]): TextEdit[] {
  const edits: TextEdit[] = [];
  const seen = new Set<string>();
  for (const fix of fixes) {
    for (const e of fix.edits) {
      const key = `${e.file}:${e.range.start.line}:${e.range.start.column}:${e.range.end.line}:${e.range.end.column}:${e.newText}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edits.push(e);
    }
  }
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const out: TextEdit[] = [];
  for (const list of byFile.values()) {
    const sorted = [...list].sort(before);
    const kept: TextEdit[] = [];
    for (const e of sorted) {
      const last = kept[kept.length - 1];
      if (last && before(last, e) === 0 && isInsert(last) && isInsert(e)) {
        kept[kept.length - 1] = { ...last, newText: last.newText + e.newText };
        continue;
      }
      if (last && overlaps(last, e)) continue;
      kept.push(e);
    }
    out.push(...kept);
  }
  return out;
}

function isInsert(e: TextEdit): boolean {
  return e.range.start.line === e.range.end.line && e.range.start.column === e.range.end.column;
}

/** Why a suppression reason is not accepted, or undefined when it is. */
export function validateReason(reason: string): string | undefined {
  const r = reason.trim();
  if (r.length === 0) return 'A suppression needs a reason, so that a reviewer sees why.';
  if (/[\r\n]/.test(reason)) return 'The reason must fit on one line.';
  return undefined;
}

/**
 * The comment that suppresses `ruleId` on a 1-based line, inserted above it with the
 * same indentation (suppress.ts: the comment applies to the next line that is not
 * blank or a comment).
 */
export function suppressionEdit(file: string, lineText: string, line: number, ruleId: string, reason: string): TextEdit {
  const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  return { file, range: range(line, 1, line, 1), newText: `${indent}# ${MARKER} ${ruleId} -- ${reason.trim()}\n` };
}
