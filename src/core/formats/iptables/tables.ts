import type { Family } from '../../model/addresses';
import type { Finding } from '../../model/finding';
import { ruleMatch, type Chain, type ChainDefault, type Policy, type Rule } from '../../model/policy';
import type { LineIndex, SourceRange } from '../../model/source';
import { diagnostic } from '../diagnostics';
import { parseRuleSpec, type ParsedSpec } from './rulespec';
import type { Token } from './tokenize';

/**
 * The netfilter tables a file builds up, command by command. Both
 * iptables-save files (read by iptables-restore) and shell scripts of
 * iptables commands are replayed through the same commands.
 */
export const BUILTIN_CHAINS: Record<string, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export interface RawRule {
  readonly range: SourceRange;
  readonly text: string;
  readonly spec: ParsedSpec;
  /** The rule's words, for `-D chain rule-spec`; empty when the rule could not be read. */
  readonly words: readonly Token[];
  /** Their canonical form (ruleKey), computed when a -D needs it. */
  key?: string;
}

export interface ChainState {
  readonly name: string;
  readonly builtin: boolean;
  rules: RawRule[];
  policy?: ChainDefault;
  declared?: SourceRange;
  /** Whether the file emptied the chain before adding to it. */
  flushed: boolean;
  /** Where a rule was first added without a flush, for the notice. */
  appendedUnflushed?: SourceRange;
}

export class Table {
  readonly chains = new Map<string, ChainState>();
  firstLine?: SourceRange;
  constructor(
    readonly name: string,
    readonly family: Family,
  ) {
    for (const c of BUILTIN_CHAINS[name] ?? []) this.chains.set(c, { name: c, builtin: true, rules: [], flushed: false });
  }
  get hasRules(): boolean {
    return [...this.chains.values()].some((c) => c.rules.length > 0);
  }
}

export interface CommandContext {
  readonly file: string;
  readonly lines: LineIndex;
  readonly family: Family;
  readonly diagnostics: Finding[];
  /** Tables by family and name. */
  readonly tables: Map<string, Table>;
  /** The table a save file is in; scripts choose it with -t. */
  defaultTable: string;
  /** Whether an unset policy means "unknown" (a script runs on a machine that already has one). */
  readonly script: boolean;
}

export function tableFor(ctx: CommandContext, family: Family, name: string): Table {
  const key = `${family}:${name}`;
  let t = ctx.tables.get(key);
  if (!t) {
    t = new Table(name, family);
    ctx.tables.set(key, t);
  }
  return t;
}

const COMMANDS: Record<string, string> = {
  '-A': 'append', '--append': 'append', '-I': 'insert', '--insert': 'insert', '-R': 'replace', '--replace': 'replace',
  '-D': 'delete', '--delete': 'delete', '-N': 'new', '--new-chain': 'new', '--new': 'new', '-X': 'delete-chain', '--delete-chain': 'delete-chain',
  '-F': 'flush', '--flush': 'flush', '-P': 'policy', '--policy': 'policy', '-E': 'rename', '--rename-chain': 'rename',
  '-Z': 'noop', '--zero': 'noop', '-L': 'noop', '--list': 'noop', '-S': 'noop', '--list-rules': 'noop', '-C': 'noop', '--check': 'noop',
  '-h': 'noop', '--help': 'noop', '-V': 'noop', '--version': 'noop',
};

/** Options of the iptables program itself, not of the rule. */
const PROGRAM_OPTIONS_WITH_VALUE = new Set(['-t', '--table', '-W', '--wait-interval', '--modprobe']);
const PROGRAM_FLAGS = new Set(['-v', '--verbose', '-n', '--numeric', '-x', '--exact', '--line-numbers', '-w', '--wait']);

/**
 * Applies one command (the words after the program name, or a line of a
 * save file). `range` is the command's extent, `text` its words as written.
 */
export function applyCommand(ctx: CommandContext, tokens: Token[], range: SourceRange, text: string): void {
  const problem = (t: Token | undefined, message: string) => {
    const r = t ? ctx.lines.range(t.start, t.end) : range;
    ctx.diagnostics.push(diagnostic('parse-error', ctx.file, r, message));
  };
  let tableName = ctx.defaultTable;
  let command: string | undefined;
  let commandToken: Token | undefined;
  const rest: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const v = t.value.startsWith('--modprobe=') ? '--modprobe' : t.value;
    if (!command && COMMANDS[v]) {
      command = COMMANDS[v];
      commandToken = t;
      continue;
    }
    if (v === '-t' || v === '--table') {
      const next = tokens[++i];
      if (!next) return problem(t, '-t needs a table name');
      tableName = next.value;
      continue;
    }
    if (PROGRAM_OPTIONS_WITH_VALUE.has(v)) {
      if (!t.value.includes('=')) i++;
      continue;
    }
    if (PROGRAM_FLAGS.has(v)) {
      if ((v === '-w' || v === '--wait') && tokens[i + 1] && /^\d+$/.test(tokens[i + 1]!.value)) i++;
      continue;
    }
    rest.push(t);
  }
  if (!command) return problem(tokens[0], `no iptables command (such as -A, -I, -P) in "${text}"`);
  if (command === 'noop') return;
  if (!BUILTIN_CHAINS[tableName]) return problem(tokens.find((t) => t.value === tableName), `unknown table "${tableName}"`);
  const table = tableFor(ctx, ctx.family, tableName);
  table.firstLine ??= range;

  const chainToken = rest.shift();
  const chainName = chainToken?.value;
  const needChain = (): ChainState | undefined => {
    if (!chainName || chainName.startsWith('-')) {
      problem(commandToken, `${commandToken?.value} needs a chain name`);
      return undefined;
    }
    if (chainToken?.unresolved?.length) {
      problem(chainToken, `the chain name ${chainToken.raw} is not resolved`);
      return undefined;
    }
    let chain = table.chains.get(chainName);
    if (!chain) {
      if (ctx.script || command === 'new') {
        if (command !== 'new') {
          problem(chainToken, `chain ${chainName} is used before it is created with -N`);
        }
      } else {
        problem(chainToken, `chain ${chainName} is not declared in table ${tableName}`);
      }
      chain = { name: chainName, builtin: false, rules: [], flushed: true, declared: range };
      table.chains.set(chainName, chain);
    }
    return chain;
  };
  const makeRule = (specTokens: Token[]): RawRule | undefined => {
    const spec = parseRuleSpec(specTokens, ctx.family);
    for (const p of spec.problems) ctx.diagnostics.push(diagnostic('parse-error', ctx.file, ctx.lines.range(p.start, p.end), p.message));
    if (spec.problems.length > 0) {
      // iptables would refuse this rule; what it was meant to do is not known.
      const uncertain = [...(spec.match.uncertain ?? []), { reason: 'this line could not be read completely', range }];
      return { range, text, words: [], key: '', spec: { ...spec, match: ruleMatch({ ...spec.match, uncertain }) } };
    }
    return { range, text, spec, words: specTokens };
  };
  let indexToken: Token | undefined;
  const takeIndex = (): number | undefined => {
    const t = rest[0];
    if (t && /^\d+$/.test(t.value)) {
      indexToken = rest.shift();
      return Number(t.value);
    }
    return undefined;
  };

  switch (command) {
    case 'append':
    case 'insert':
    case 'replace': {
      const chain = needChain();
      if (!chain) return;
      const index = command === 'append' ? undefined : takeIndex();
      if (command === 'replace' && index === undefined) return problem(commandToken, '-R needs a rule number');
      const rule = makeRule(rest);
      if (!rule) return;
      if (ctx.script && !chain.flushed && chain.rules.length === 0) chain.appendedUnflushed ??= range;
      if (command === 'append') chain.rules.push(rule);
      else if (command === 'insert') {
        const at = (index ?? 1) - 1;
        if (at > chain.rules.length) return problem(indexToken ?? commandToken, `rule number ${index} is past the end of chain ${chain.name}`);
        chain.rules.splice(at, 0, rule);
      } else {
        if (index! < 1 || index! > chain.rules.length) return problem(indexToken ?? commandToken, `rule number ${index} is not in chain ${chain.name}`);
        chain.rules[index! - 1] = rule;
      }
      return;
    }
    case 'delete': {
      const chain = needChain();
      if (!chain) return;
      const index = takeIndex();
      if (index !== undefined && rest.length === 0) {
        if (index < 1 || index > chain.rules.length) return problem(indexToken ?? commandToken, `rule number ${index} is not in chain ${chain.name}`);
        chain.rules.splice(index - 1, 1);
        return;
      }
      const key = ruleKey(rest);
      const at = chain.rules.findIndex((r) => (r.key ??= ruleKey(r.words)) === key);
      if (at < 0) {
        problem(commandToken, `no rule in chain ${chain.name} matches "${key}"; if one was loaded before this file runs, it is not seen here`);
        return;
      }
      chain.rules.splice(at, 1);
      return;
    }
    case 'new': {
      const chain = needChain();
      if (chain) {
        chain.declared ??= range;
        chain.flushed = true;
      }
      return;
    }
    case 'flush': {
      const targets = chainName ? [table.chains.get(chainName)].filter((c): c is ChainState => !!c) : [...table.chains.values()];
      for (const c of targets) {
        c.rules = [];
        c.flushed = true;
      }
      return;
    }
    case 'delete-chain': {
      if (chainName) table.chains.delete(chainName);
      else for (const [n, c] of table.chains) if (!c.builtin) table.chains.delete(n);
      return;
    }
    case 'rename': {
      const chain = needChain();
      const to = rest[0]?.value;
      if (!chain || !to) return problem(commandToken, '-E needs the old and the new chain name');
      table.chains.delete(chain.name);
      table.chains.set(to, { ...chain, name: to });
      return;
    }
    case 'policy': {
      const chain = needChain();
      const target = rest[0];
      if (!chain) return;
      if (!target) return problem(commandToken, '-P needs a target (ACCEPT or DROP)');
      if (!chain.builtin) return problem(chainToken, `only built-in chains have a policy; ${chain.name} is a user chain`);
      if (target.unresolved?.length) {
        chain.policy = { action: 'unknown', range, text: `policy ${target.raw} of chain ${chain.name} (not resolved)` };
        return;
      }
      if (target.value !== 'ACCEPT' && target.value !== 'DROP') return problem(target, `a chain policy is ACCEPT or DROP, not "${target.value}"`);
      chain.policy = { action: target.value === 'ACCEPT' ? 'accept' : 'drop', range, text: `policy ${target.value} of chain ${chain.name}` };
      return;
    }
  }
}

/** Options of the tcp and udp matches, which `-p tcp` / `-p udp` load without `-m` (iptables-extensions(8)). */
const IMPLICIT_MATCH_OPTIONS = new Set(['--dport', '--destination-port', '--sport', '--source-port', '--syn', '--tcp-flags', '--tcp-option']);

/**
 * A rule's words as iptables compares them for `-D chain rule-spec`: the implicit
 * `-m tcp` / `-m udp` that `-p` loads is written out, as iptables-save prints it.
 */
function ruleKey(tokens: readonly Token[]): string {
  const words = tokens.map((t) => t.value);
  const p = words.findIndex((w, i) => (w === '-p' || w === '--protocol') && /^(tcp|udp)$/i.test(words[i + 1] ?? ''));
  if (p >= 0) {
    const proto = words[p + 1]!.toLowerCase();
    words[p] = '-p';
    words[p + 1] = proto;
    const loaded = words.some((w, i) => (w === '-m' || w === '--match') && words[i + 1] === proto);
    if (!loaded && words.some((w) => IMPLICIT_MATCH_OPTIONS.has(w))) words.splice(p + 2, 0, '-m', proto);
  }
  return words.join(' ');
}

/** The filter table's chains, as the policies the evaluator checks. */
export function buildPolicies(ctx: CommandContext, format: string, fileRange: SourceRange): Policy[] {
  const policies: Policy[] = [];
  for (const table of ctx.tables.values()) {
    if (table.name !== 'filter') {
      if (table.hasRules && table.firstLine) {
        ctx.diagnostics.push(
          diagnostic('not-evaluated', ctx.file, table.firstLine, `table ${table.name} is not evaluated: only the filter table decides what passes`),
        );
      }
      continue;
    }
    const chains = new Map<string, Chain>();
    for (const c of table.chains.values()) {
      if (ctx.script && c.appendedUnflushed && c.builtin) {
        ctx.diagnostics.push(
          diagnostic('not-evaluated', ctx.file, c.appendedUnflushed, `rules are added to ${c.name} without flushing it first: rules loaded before this script runs come first and are not seen here`),
        );
      }
      chains.set(c.name, toChain(c, ctx.script));
    }
    for (const [name, direction, label] of [
      ['OUTPUT', 'egress', 'traffic this host sends (OUTPUT)'],
      ['INPUT', 'ingress', 'traffic this host receives (INPUT)'],
      ['FORWARD', 'forward', 'traffic this host routes for others (FORWARD)'],
    ] as const) {
      const chain = table.chains.get(name);
      if (!chain) continue;
      // A FORWARD chain without rules routes nothing (policy DROP is plain host
      // hardening): it is a gateway's filter only when the file adds rules to it.
      if (name === 'FORWARD' && chain.rules.length === 0) continue;
      // A script describes only the chains it touches.
      if (ctx.script && chain.rules.length === 0 && !chain.policy && !chain.flushed) continue;
      policies.push({
        format,
        name: `${table.family === 'ipv6' ? 'ip6tables' : 'iptables'} ${name}`,
        file: ctx.file,
        range: chain.declared ?? chain.policy?.range ?? chain.rules[0]?.range ?? fileRange,
        mode: 'first-match',
        direction,
        family: table.family,
        stateful: false,
        entry: name,
        chains,
        scope: label,
      });
    }
  }
  return policies;
}

function toChain(c: ChainState, script: boolean): Chain {
  const rules: Rule[] = c.rules.map((r) => {
    const t = r.spec.target;
    const target: Rule['target'] = !t
      ? { kind: 'continue', name: 'none' }
      : t.kind === 'chain'
        ? t.goto
          ? { kind: 'goto', chain: t.chain }
          : { kind: 'jump', chain: t.chain }
        : t;
    return { range: r.range, match: r.spec.match, target, text: r.text };
  });
  let def: ChainDefault | undefined;
  if (c.builtin) {
    def = c.policy ?? (script
      ? { action: 'unknown', range: c.declared ?? c.rules[0]?.range ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, text: `the script does not set the policy of ${c.name}; it keeps whatever the machine had` }
      : { action: 'accept', range: c.declared ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, text: `policy ACCEPT of chain ${c.name} (not declared)` });
  }
  return { name: c.name, rules, ...(def && { default: def }), ...(c.declared && { range: c.declared }) };
}
