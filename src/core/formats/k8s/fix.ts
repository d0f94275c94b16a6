import { isScalar, type Node } from 'yaml';
import { parseCidr } from '../../model/addresses';
import type { Fix } from '../../model/finding';
import type { LineIndex } from '../../model/source';
import type { FixRequest, FlowToAllow } from '../types';
import type { NetworkPolicyDoc } from './read';
import { asSeq, isNull } from './yamlDocs';

/**
 * Fixes add one egress rule to the NetworkPolicy that defines the pod set
 * (the first with that exact podSelector), written in the file's own YAML:
 * appended to a block `egress:` list at its indentation, inside a flow list
 * (`egress: [{}]`), or as a new `egress:` section of the spec. Under
 * allow-union, where the rule goes in the list does not matter.
 *
 * Where to insert is worked out once per policy while parsing and kept in
 * the Policy's fixContext, so a fix costs no second pass over the file.
 */

type Anchor = Record<string, string | number | boolean>;

/** Where and how an egress rule can be added to this document, or undefined when the shape does not allow it. */
export function fixAnchor(doc: NetworkPolicyDoc, text: string, lines: LineIndex, eol: string): Anchor | undefined {
  const ctx = doc.ctx;
  const spec = doc.spec;
  if (!spec || !doc.specPair) return undefined;
  const specKey = ctx.offsets(doc.specPair.key);
  const specOffsets = ctx.offsets(spec);
  if (!specKey || !specOffsets) return undefined;
  const unit = Math.max(2, columnOf(lines, specOffsets[0]) - columnOf(lines, specKey[0])) || 2;
  const family = familyOf(doc);
  const base = { eol, unit, family };
  const egress = doc.egressPair;
  if (egress) {
    const seq = asSeq(egress.value);
    if (seq && seq.flow) {
      const o = ctx.offsets(seq);
      if (!o) return undefined;
      const close = text.lastIndexOf(']', o[1] - 1);
      if (close < o[0]) return undefined;
      const prev = lastNonBlank(text, o[0], close);
      const at = lines.position(close);
      return { ...base, mode: 'flow', line: at.line, column: at.column, prefix: prev === '[' ? '' : prev === ',' ? ' ' : ', ', suffix: '' };
    }
    if (seq && seq.items.length > 0) {
      const o = ctx.offsets(seq);
      const firstItem = ctx.offsets(seq.items[0] as Node);
      const key = ctx.offsets(egress.key);
      if (!o || !firstItem || !key) return undefined;
      const dash = text.lastIndexOf('-', firstItem[0]);
      const dashCol = columnOf(lines, dash);
      const at = lineEnd(text, lines, contentEnd(text, o[0], o[1]));
      return { ...base, mode: 'block', line: at.line, column: at.column, prefix: '', dashCol, seqIndent: dashCol > columnOf(lines, key[0]) };
    }
    if (isNull(egress.value) || (seq && seq.items.length === 0 && !seq.flow)) {
      const key = ctx.offsets(egress.key);
      if (!key) return undefined;
      const keyCol = columnOf(lines, key[0]);
      // `egress:` with nothing after it: the rule list starts on the next line.
      const nullValue = isScalar(egress.value) ? ctx.offsets(egress.value) : undefined;
      if (nullValue && nullValue[1] > nullValue[0]) return undefined;
      const at = lineEnd(text, lines, key[1]);
      const seqIndent = sequencesIndented(doc, lines);
      return { ...base, mode: 'block', line: at.line, column: at.column, prefix: '', dashCol: keyCol + (seqIndent ? unit : 0), seqIndent };
    }
    return undefined;
  }
  if (spec.flow) {
    const close = text.lastIndexOf('}', specOffsets[1] - 1);
    if (close < specOffsets[0]) return undefined;
    const prevIdx = lastNonBlankIndex(text, specOffsets[0], close);
    const prev = text[prevIdx];
    const multiLine = text.slice(prevIdx, close).includes('\n');
    if (multiLine && prev === ',') {
      // A JSON-like spec with one key per line and a trailing comma: a new line in the same style.
      const firstKey = ctx.offsets(spec.items[0]?.key as Node | undefined);
      const indent = firstKey ? ' '.repeat(columnOf(lines, firstKey[0])) : '';
      const at = lines.position(prevIdx + 1);
      return { ...base, mode: 'flow-key', line: at.line, column: at.column, prefix: `${eol}${indent}`, suffix: ',' };
    }
    const at = lines.position(prevIdx + 1);
    return { ...base, mode: 'flow-key', line: at.line, column: at.column, prefix: prev === '{' || prev === ',' ? ' ' : ', ', suffix: prev === '{' ? ' ' : '' };
  }
  const firstKey = ctx.offsets(spec.items[0]?.key as Node | undefined);
  if (!firstKey) return undefined;
  const keyCol = columnOf(lines, firstKey[0]);
  const at = lineEnd(text, lines, contentEnd(text, specOffsets[0], specOffsets[1]));
  const seqIndent = sequencesIndented(doc, lines);
  return {
    ...base,
    mode: 'block',
    line: at.line,
    column: at.column,
    prefix: `${eol}${' '.repeat(keyCol)}egress:`,
    dashCol: keyCol + (seqIndent ? unit : 0),
    seqIndent,
  };
}

/** The family the policy is checked in (see build.ts): the new rule's catch-all blocks follow it. */
function familyOf(doc: NetworkPolicyDoc): string {
  const fams = new Set<string>();
  for (const item of doc.egress.rules) {
    if (!item.peers) return 'any';
    for (const p of item.peers) if (p.kind === 'ipBlock') for (const f of p.families) fams.add(f);
  }
  return fams.size === 1 ? [...fams][0]! : 'any';
}

/** Whether the file writes block lists indented below their key (`to:\n  - x`) or level with it. */
function sequencesIndented(doc: NetworkPolicyDoc, lines: LineIndex): boolean {
  const spec = doc.spec;
  for (const p of spec?.items ?? []) {
    const seq = asSeq(p.value);
    if (!seq || seq.flow || seq.items.length === 0) continue;
    const key = doc.ctx.offsets(p.key as Node);
    const first = doc.ctx.offsets(seq.items[0] as Node);
    if (!key || !first) continue;
    const dash = lines.text.lastIndexOf('-', first[0]);
    return columnOf(lines, dash) > columnOf(lines, key[0]);
  }
  // Nothing to copy: the Kubernetes documentation's style.
  return true;
}

function columnOf(lines: LineIndex, offset: number): number {
  return lines.position(offset).column - 1;
}

function lastNonBlankIndex(text: string, from: number, before: number): number {
  let i = before - 1;
  while (i > from && /\s/.test(text[i]!)) i--;
  return i;
}

function lastNonBlank(text: string, from: number, before: number): string {
  return text[lastNonBlankIndex(text, from, before)]!;
}

function contentEnd(text: string, from: number, end: number): number {
  let e = end;
  while (e > from && /\s/.test(text[e - 1]!)) e--;
  return e;
}

/** The end of the line holding `offset` (before its line break), so a trailing comment stays where it is. */
function lineEnd(text: string, lines: LineIndex, offset: number): { line: number; column: number } {
  const line = lines.position(Math.max(0, offset - 1)).line;
  return { line, column: lines.lineText(line).length + 1 };
}

interface RuleSpec {
  readonly cidrs: readonly string[];
  readonly ports: { protocol: string; port: number; endPort?: number }[];
}

/** Whether a list of blocks is whole (not shortened); the same few lists come again and again. */
const WHOLE_LISTS = new WeakMap<readonly string[], boolean>();
function namesEveryBlock(cidrs: readonly string[]): boolean {
  let whole = WHOLE_LISTS.get(cidrs);
  if (whole === undefined) WHOLE_LISTS.set(cidrs, (whole = cidrs.length > 0 && cidrs.every((c) => c.includes('/') && parseCidr(c).ok)));
  return whole;
}

function ruleSpecs(flows: readonly FlowToAllow[], family: string): RuleSpec[] {
  const groups = new Map<string, RuleSpec>();
  for (const f of flows) {
    if (f.direction !== 'egress') continue;
    // Address lists too long to print arrive shortened ("... and more"): then the rule names every address of the family.
    const named = f.cidrs !== undefined && namesEveryBlock(f.cidrs);
    const cidrs = named ? f.cidrs! : family === 'ipv4' ? ['0.0.0.0/0'] : family === 'ipv6' ? ['::/0'] : ['0.0.0.0/0', '::/0'];
    const key = cidrs.join(' ');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { cidrs, ports: [] }));
    for (const [lo0, hi] of f.ports) {
      // Kubernetes ports start at 1.
      const lo = Math.max(1, lo0);
      if (hi < lo) continue;
      const entry = { protocol: f.protocol.toUpperCase(), port: lo, ...(hi > lo && { endPort: hi }) };
      if (!g.ports.some((p) => p.protocol === entry.protocol && p.port === entry.port && p.endPort === entry.endPort)) g.ports.push(entry);
    }
  }
  return [...groups.values()].filter((g) => g.ports.length > 0);
}

function yamlScalar(s: string): string {
  return /^[0-9./]+$/.test(s) ? s : JSON.stringify(s);
}

function blockRule(r: RuleSpec, dashCol: number, unit: number, seqIndent: boolean, eol: string): string {
  const c = ' '.repeat(dashCol + 2);
  const si = seqIndent ? ' '.repeat(unit) : '';
  const out: string[] = [`${' '.repeat(dashCol)}- to:`];
  for (const cidr of r.cidrs) out.push(`${c}${si}- ipBlock:`, `${c}${si}  ${' '.repeat(unit)}cidr: ${yamlScalar(cidr)}`);
  out.push(`${c}ports:`);
  for (const p of r.ports) {
    out.push(`${c}${si}- protocol: ${p.protocol}`, `${c}${si}  port: ${p.port}`);
    if (p.endPort !== undefined) out.push(`${c}${si}  endPort: ${p.endPort}`);
  }
  return out.map((l) => eol + l).join('');
}

function flowRule(r: RuleSpec): string {
  const to = r.cidrs.map((c) => `{ipBlock: {cidr: ${JSON.stringify(c)}}}`).join(', ');
  const ports = r.ports.map((p) => `{protocol: ${p.protocol}, port: ${p.port}${p.endPort !== undefined ? `, endPort: ${p.endPort}` : ''}}`).join(', ');
  return `{to: [${to}], ports: [${ports}]}`;
}

export function fixNetworkPolicy(req: FixRequest): Fix[] {
  const a = req.policy.fixContext;
  if (!a || req.policy.direction !== 'egress') return [];
  const specs = ruleSpecs(req.flows, String(a['family'] ?? 'any'));
  if (specs.length === 0) return [];
  const eol = String(a['eol'] ?? '\n');
  const unit = Number(a['unit'] ?? 2);
  let newText: string;
  switch (a['mode']) {
    case 'block':
      newText = String(a['prefix'] ?? '') + specs.map((s) => blockRule(s, Number(a['dashCol']), unit, a['seqIndent'] === true, eol)).join('');
      break;
    case 'flow':
      newText = String(a['prefix'] ?? '') + specs.map(flowRule).join(', ') + String(a['suffix'] ?? '');
      break;
    case 'flow-key':
      newText = `${String(a['prefix'] ?? '')}egress: [${specs.map(flowRule).join(', ')}]${String(a['suffix'] ?? '')}`;
      break;
    default:
      return [];
  }
  const at = { line: Number(a['line']), column: Number(a['column']) };
  const what = req.flows
    .filter((f) => f.direction === 'egress')
    .map((f) => `${f.protocol.toUpperCase()} ${f.ports.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(', ')}`)
    .join(' and ');
  return [
    {
      title: `Allow ${what}: add an egress rule to ${req.policy.name}`,
      edits: [{ file: req.file.path, range: { start: at, end: at }, newText }],
      preferred: true,
    },
  ];
}
