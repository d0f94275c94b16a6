import type { Family } from '../../model/addresses';
import type { Finding } from '../../model/finding';
import { indexLines, type SourceFile } from '../../model/source';
import { diagnostic } from '../diagnostics';
import type { ParseResult } from '../types';
import { applyCommand, buildPolicies, type CommandContext } from './tables';
import { tokenize, type Token } from './tokenize';

/**
 * Parses a shell script of iptables / ip6tables commands. Commands are
 * replayed in file order; simple variable assignments are followed, and a
 * word with a variable set elsewhere stays unresolved (its rule's verdict
 * becomes "unknown" with the reason). Control flow is not interpreted.
 */
const PROGRAMS: Record<string, Family> = {
  iptables: 'ipv4', 'iptables-legacy': 'ipv4', 'iptables-nft': 'ipv4',
  ip6tables: 'ipv6', 'ip6tables-legacy': 'ipv6', 'ip6tables-nft': 'ipv6',
};

export function programFamily(word: string): Family | undefined {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return PROGRAMS[base];
}

export function parseIptablesScript(file: SourceFile): ParseResult {
  const lines = indexLines(file.text);
  const diagnostics: Finding[] = [];
  const vars = new Map<string, string | undefined>();
  const ctx: CommandContext = { file: file.path, lines, family: 'ipv4', diagnostics, tables: new Map(), defaultTable: 'filter', script: true };
  const fix: Record<string, string | number> = {};

  for (let n = 1; n <= lines.lineCount; n++) {
    const first = n;
    const start = lines.lineStart(n);
    // Join continuation lines.
    while (n < lines.lineCount && /\\\r?$/.test(lines.lineText(n))) n++;
    const endOffset = lines.lineStart(n) + lines.lineText(n).length;
    const tok = tokenize(file.text, start, endOffset);
    if (tok.error) {
      diagnostics.push(diagnostic('parse-error', file.path, lines.range(tok.error.start, tok.error.end), tok.error.message));
      continue;
    }
    for (const segment of splitCommands(tok.tokens)) {
      if (segment.length === 0) continue;
      const assigned = assignment(segment, vars);
      if (assigned) continue;
      let words = segment;
      while (words.length > 0 && (words[0]!.value === 'sudo' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!.value))) words = words.slice(1);
      if (words.length === 0) continue;
      const program = expand(words[0]!, vars)[0];
      const family = program && !program.unresolved?.length ? programFamily(program.value) : undefined;
      if (!family) continue;
      const args = words.slice(1).flatMap((w) => expand(w, vars));
      const last = words[words.length - 1]!;
      const commandEnd = last.end;
      const range = lines.range(words[0]!.start, commandEnd);
      const text = file.text.slice(words[0]!.start, commandEnd).replace(/\\\r?\n\s*/g, '');
      (ctx as { family: Family }).family = family;
      ctx.defaultTable = 'filter';
      applyCommand(ctx, args, range, text);
      const line = lines.position(commandEnd).line;
      fix[`last:${family}`] = line;
      fix[`program:${family}`] = words[0]!.raw;
      fix[`indent:${family}`] = /^\s*/.exec(lines.lineText(lines.position(words[0]!.start).line))![0];
    }
    void first;
  }
  const policies = buildPolicies(ctx, 'iptables-script', lines.lineRange(1)).map((p) => ({ ...p, fixContext: { ...fix } }));
  return { policies, diagnostics };
}

/** Splits a line at ;, && and || so "iptables ... && iptables ..." gives two commands. */
function splitCommands(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (!t.quoted && (t.value === ';' || t.value === '&&' || t.value === '||' || t.value === '|')) {
      out.push([]);
      continue;
    }
    if (!t.quoted && t.value.endsWith(';') && t.value.length > 1) {
      // The word ends before its ";", so the command's range does too.
      out[out.length - 1]!.push({ ...t, value: t.value.slice(0, -1), end: t.end - 1, raw: t.raw.slice(0, -1) });
      out.push([]);
      continue;
    }
    out[out.length - 1]!.push(t);
  }
  return out;
}

/** NAME=value, export NAME=value, readonly / local / declare NAME=value. */
function assignment(words: Token[], vars: Map<string, string | undefined>): boolean {
  let w = words;
  if (w[0] && ['export', 'readonly', 'local', 'declare', 'typeset'].includes(w[0].value)) w = w.slice(1).filter((t) => !t.value.startsWith('-'));
  if (w.length !== 1 || words.length > 1 && w.length === words.length) return false;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w[0]!.value);
  if (!m) return false;
  const raw = w[0]!.raw.slice(w[0]!.raw.indexOf('=') + 1);
  if (/\$\(|`/.test(raw)) {
    vars.set(m[1]!, undefined);
    return true;
  }
  const value = expand({ ...w[0]!, value: m[2]! }, vars);
  vars.set(m[1]!, value.length === 1 && !value[0]!.unresolved?.length ? value[0]!.value : value.some((v) => v.unresolved?.length) ? undefined : value.map((v) => v.value).join(' '));
  return true;
}

/** Expands $NAME and ${NAME}; unquoted expansions with spaces split into words. */
function expand(t: Token, vars: Map<string, string | undefined>): Token[] {
  if (!t.value.includes('$')) return [t];
  const unresolved: string[] = [];
  const value = t.value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=?+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*)|([0-9@*#?$!-]))/g, (whole, a: string | undefined, b: string | undefined, c: string | undefined) => {
    const name = a ?? b ?? c!;
    const v = vars.get(name);
    if (v === undefined) {
      unresolved.push(name);
      return whole;
    }
    return v;
  });
  if (unresolved.length > 0) return [{ ...t, value, unresolved }];
  if (!t.quoted && /\s/.test(value)) return value.split(/\s+/).filter(Boolean).map((v) => ({ ...t, value: v }));
  return [{ ...t, value }];
}
