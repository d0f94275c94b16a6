// Reads the workspace configuration `.opentok-readiness.yaml`. The JSON schema in
// schemas/ is the single definition of its shape: it validates here, and editors use
// it for completion. Every problem is a `config-error` finding at the offending node;
// the valid parts still apply, the invalid ones fall back to the defaults.
import Ajv, { type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import schema from '../../../schemas/opentok-readiness.schema.json';
import { diagnostic } from '../formats/diagnostics';
import { parseCidr } from '../model/addresses';
import type { Finding } from '../model/finding';
import { IntervalSet } from '../model/intervals';
import { range, type SourceRange } from '../model/source';
import { REQUIREMENTS } from '../requirements/catalog';
import type { Level, Profile, Role } from '../requirements/types';
import { DEFAULT_CONFIG, type AllowedIps, type ReadinessConfig, type TurnServer, type TurnTransport } from './types';

export const CONFIG_FILE_NAME = '.opentok-readiness.yaml';
export const CONFIG_SCHEMA: unknown = schema;

/** Bound on the size of an allowed-IP list file, in characters. */
export const MAX_ALLOWED_IPS_FILE = 4 * 1024 * 1024;

export interface ConfigResult {
  readonly config: ReadinessConfig;
  readonly findings: Finding[];
  /** The raw `probe` section, for the probe options parser. */
  readonly probe?: unknown;
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/**
 * Parses the configuration's text. `readFile` resolves a path relative to the
 * configuration file (for `allowedIps: file`); it returns undefined when the
 * file cannot be read.
 */
export function parseConfigText(path: string, text: string, readFile: (relativePath: string) => string | undefined): ConfigResult {
  const findings: Finding[] = [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const rangeOf = (offsets: readonly [number, number] | undefined): SourceRange => {
    if (!offsets) return range(1, 1, 1, 1);
    const s = lines.linePos(offsets[0]);
    const e = lines.linePos(Math.max(offsets[0], offsets[1]));
    return range(s.line, s.col, e.line, e.col);
  };
  for (const err of doc.errors) {
    findings.push(diagnostic('config-error', path, rangeOf([err.pos[0], err.pos[1]]), `${CONFIG_FILE_NAME}: ${firstLine(err.message)}`));
  }
  if (doc.errors.length > 0) return { config: { ...DEFAULT_CONFIG, file: path }, findings };
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const nodeRange = (instancePath: string): SourceRange => rangeOf(nodeAt(doc, pathKeys(instancePath))?.range?.slice(0, 2) as [number, number] | undefined);

  const errors = validate(data);
  const bad = new Set<string>();
  for (const e of collapse(errors)) {
    const where = e.instancePath || '';
    bad.add(topKey(where, e));
    // An unknown key is reported at the key itself, not at the map holding it.
    const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty?: string }).additionalProperty : undefined;
    const at = extra !== undefined ? rangeOf(keyRange(doc, [...pathKeys(where), extra])) : nodeRange(where);
    findings.push(diagnostic('config-error', path, at, `${CONFIG_FILE_NAME}: ${describe(e)}`));
  }
  const raw = (typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const ok = (key: string): boolean => raw[key] !== undefined && !bad.has(key);

  const levels: Record<string, Level | 'off'> = {};
  if (ok('levels')) {
    const known = new Set(REQUIREMENTS.map((r) => r.id));
    for (const [id, level] of Object.entries(raw.levels as Record<string, Level | 'off'>)) {
      if (!known.has(id)) {
        findings.push(diagnostic('config-error', path, rangeOf(keyRange(doc, ['levels', id])), `${CONFIG_FILE_NAME}: unknown requirement id "${id}" in levels; see \`opentok-readiness catalog\` for the ids.`));
        continue;
      }
      levels[id] = level;
    }
  }

  let allowedIps: AllowedIps | undefined;
  if (ok('allowedIps')) {
    const value = raw.allowedIps as string | string[];
    const declared = nodeRange('/allowedIps');
    if (Array.isArray(value)) {
      const set = cidrsFrom(value, (i, msg) => findings.push(diagnostic('config-error', path, nodeRange(`/allowedIps/${i}`), `${CONFIG_FILE_NAME}: ${msg}`)));
      if (set) allowedIps = { set: set.set, count: set.count, file: path, range: declared };
    } else {
      const content = readFile(value);
      if (content === undefined) {
        findings.push(diagnostic('config-error', path, declared, `${CONFIG_FILE_NAME}: the allowed-IP list "${value}" cannot be read.`));
      } else if (content.length > MAX_ALLOWED_IPS_FILE) {
        findings.push(diagnostic('config-error', path, declared, `${CONFIG_FILE_NAME}: the allowed-IP list "${value}" is larger than ${MAX_ALLOWED_IPS_FILE} characters.`));
      } else {
        const list = parseAllowedIpList(content);
        for (const p of list.problems) findings.push(diagnostic('config-error', path, declared, `${CONFIG_FILE_NAME}: ${value}: ${p}`));
        if (list.cidrs.length > 0) {
          const set = cidrsFrom(list.cidrs, (_i, msg) => findings.push(diagnostic('config-error', path, declared, `${CONFIG_FILE_NAME}: ${value}: ${msg}`)));
          if (set) allowedIps = { set: set.set, count: set.count, file: path, range: declared };
        }
      }
    }
  }

  let resolvers: AllowedIps | undefined;
  if (ok('resolvers')) {
    const set = cidrsFrom(raw.resolvers as string[], (i, msg) => findings.push(diagnostic('config-error', path, nodeRange(`/resolvers/${i}`), `${CONFIG_FILE_NAME}: ${msg}`)));
    if (set) resolvers = { set: set.set, count: set.count, file: path, range: nodeRange('/resolvers') };
  }

  const turnServers: TurnServer[] = [];
  if (ok('turnServers')) {
    for (const t of raw.turnServers as { host: string; port?: number; transport?: TurnTransport }[]) {
      const transport = t.transport ?? 'udp';
      turnServers.push({ host: t.host, transport, port: t.port ?? (transport === 'tls' ? 5349 : 3478) });
    }
  }

  const config: ReadinessConfig = {
    profiles: ok('profiles') ? (raw.profiles as Profile[]) : DEFAULT_CONFIG.profiles,
    role: ok('role') ? (raw.role as Role) : DEFAULT_CONFIG.role,
    minLevel: ok('minLevel') ? (raw.minLevel as Level) : DEFAULT_CONFIG.minLevel,
    levels,
    allowedIps,
    resolvers,
    turnServers,
    ignore: ok('ignore') ? (raw.ignore as string[]) : [],
    file: path,
  };
  if (config.profiles.includes('custom-turn') && turnServers.length === 0) {
    findings.push(diagnostic('config-error', path, nodeRange('/profiles'), `${CONFIG_FILE_NAME}: the custom-turn profile needs at least one entry in turnServers.`));
  }
  return { config, findings, probe: raw.probe };
}

/**
 * An allowed-IP list: JSON (an array of CIDR strings, or an object whose arrays of
 * strings hold them, since the published shape is not documented) or plain text,
 * one CIDR per line with `#` comments.
 */
export function parseAllowedIpList(text: string): { cidrs: string[]; problems: string[] } {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (e) {
      return { cidrs: [], problems: [`not valid JSON (${(e as Error).message})`] };
    }
    const cidrs: string[] = [];
    const visit = (v: unknown, depth: number): void => {
      if (depth > 8) return;
      if (typeof v === 'string' && /^[0-9a-fA-F:.]+(\/\d+)?$/.test(v) && /[.:]/.test(v)) cidrs.push(v);
      else if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
      else if (v && typeof v === 'object') Object.values(v).forEach((x) => visit(x, depth + 1));
    };
    visit(data, 0);
    return { cidrs, problems: cidrs.length === 0 ? ['no CIDR found in the JSON list'] : [] };
  }
  const cidrs = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l.length > 0);
  return { cidrs, problems: cidrs.length === 0 ? ['the list is empty'] : [] };
}

function cidrsFrom(list: readonly string[], problem: (index: number, message: string) => void): { set: IntervalSet; count: number } | undefined {
  let set = IntervalSet.EMPTY;
  let count = 0;
  list.forEach((c, i) => {
    const p = parseCidr(c.trim());
    if (!p.ok) problem(i, `"${c}" is not a CIDR: ${p.error}`);
    else {
      set = set.union(p.set);
      count++;
    }
  });
  return count > 0 ? { set, count } : undefined;
}

/** A JSON pointer (RFC 6901) as keys. */
function pathKeys(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function nodeAt(doc: Document, keys: readonly string[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const k of keys) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === k)?.value;
    else if (isSeq(node)) node = node.items[Number(k)];
    else return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

function keyRange(doc: Document, keys: readonly string[]): [number, number] | undefined {
  const parent = nodeAt(doc, keys.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === keys[keys.length - 1]);
  return isScalar(pair?.key) && pair.key.range ? [pair.key.range[0], pair.key.range[1]] : undefined;
}

function topKey(instancePath: string, e: ErrorObject): string {
  const first = instancePath.split('/')[1];
  if (first) return first;
  return e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty?: string }).additionalProperty) : '';
}

/** `oneOf` reports every branch's error; keep one message per path. */
function collapse(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    const key = e.instancePath + (e.keyword === 'additionalProperties' ? `#${String((e.params as { additionalProperty?: string }).additionalProperty)}` : '');
    const prev = byPath.get(key);
    if (!prev || e.keyword === 'oneOf' || (prev.keyword !== 'oneOf' && e.keyword === 'enum')) byPath.set(key, e);
  }
  return [...byPath.values()];
}

function describe(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the file';
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key "${String((e.params as { additionalProperty: string }).additionalProperty)}" in ${where}.`;
    case 'enum':
      return `${where} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'oneOf':
      return `${where} must be a file path or a list of CIDRs.`;
    default:
      return `${where} ${e.message ?? 'is invalid'}.`;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

