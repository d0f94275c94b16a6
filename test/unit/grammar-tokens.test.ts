// The TextMate grammars tokenized by the engine VS Code uses (vscode-textmate on the Oniguruma
// WebAssembly build), on single lines and on whole fixture files.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { repoPath } from '../support/shared';

interface GrammarContribution {
  language: string;
  scopeName: string;
  path: string;
}
interface Token {
  text: string;
  start: number;
  end: number;
  scopes: readonly string[];
}
interface TokenizedLine {
  text: string;
  tokens: Token[];
  stoppedEarly: boolean;
}

const contributions = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { contributes: { grammars: GrammarContribution[] } }).contributes
  .grammars;
const FIXTURES = repoPath('test', 'fixtures', 'grammars');
const LANGUAGE_OF_FIXTURE: Record<string, string> = { '.rules': 'iptables', '.nft': 'nftables', '.conf': 'squid' };

let onigLib: Promise<vsctm.IOnigLib> | undefined;
function loadOniguruma(): Promise<vsctm.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = readFileSync(repoPath('node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    };
  })();
  return onigLib;
}

const registry = new vsctm.Registry({
  onigLib: loadOniguruma(),
  loadGrammar: async (scopeName) => {
    const g = contributions.find((c) => c.scopeName === scopeName);
    if (!g) return null;
    const path = repoPath(g.path);
    return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
  },
});

const grammars = new Map<string, vsctm.IGrammar>();
before(async () => {
  for (const c of contributions) {
    const g = await registry.loadGrammar(c.scopeName);
    assert.ok(g, `${c.scopeName} did not load`);
    grammars.set(c.language, g);
  }
});

function grammar(language: string): vsctm.IGrammar {
  const g = grammars.get(language);
  assert.ok(g, `no grammar for ${language}`);
  return g;
}

function tokenize(language: string, text: string): { lines: TokenizedLine[]; end: vsctm.StateStack } {
  const g = grammar(language);
  let state = vsctm.INITIAL;
  const lines: TokenizedLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = g.tokenizeLine(line, state, 1000);
    const tokens = r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, end: t.endIndex, scopes: t.scopes }));
    lines.push({ text: line, tokens, stoppedEarly: r.stoppedEarly });
    state = r.ruleStack;
  }
  return { lines, end: state };
}

function tokenizeLine(language: string, text: string): TokenizedLine {
  const line = tokenize(language, text).lines[0];
  assert.ok(line);
  return line;
}

function describeTokens(line: TokenizedLine): string {
  return line.tokens.map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
}

/** The tokens that make up `needle`, found from `from` on; it must start and end on token boundaries. */
function tokensOf(line: TokenizedLine, needle: string, from: number): { tokens: Token[]; at: number } {
  const at = line.text.indexOf(needle, from);
  assert.ok(at >= 0, `"${needle}" is not in "${line.text}" after column ${from}`);
  const tokens = line.tokens.filter((t) => t.end > at && t.start < at + needle.length);
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  assert.ok(first && last && first.start === at && last.end === at + needle.length, `"${needle}" is not whole tokens in\n${describeTokens(line)}`);
  return { tokens, at };
}

/**
 * Each [text, scope] pair in order along the line: the text is whole tokens and each carries that exact
 * scope. A scope of null asserts the text carries none of the grammar's own scopes. An 'outer' text
 * encloses the texts that follow it, which are searched from its start.
 */
function expectScopes(line: TokenizedLine, expected: [needle: string, scope: string | null, outer?: 'outer'][]): void {
  let from = 0;
  for (const [needle, scope, outer] of expected) {
    const { tokens, at } = tokensOf(line, needle, from);
    for (const t of tokens) {
      if (scope === null) assert.deepEqual(t.scopes.slice(1), [], `"${t.text}" in "${line.text}" should carry no scope:\n${describeTokens(line)}`);
      else assert.ok(t.scopes.includes(scope), `"${t.text}" (of "${needle}") in "${line.text}" lacks ${scope}:\n${describeTokens(line)}`);
    }
    from = outer ? at : at + needle.length;
  }
}

function expectNotScoped(line: TokenizedLine, needle: string, scopePrefix: string): void {
  const at = line.text.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is not in "${line.text}"`);
  const tokens = line.tokens.filter((t) => t.end > at && t.start < at + needle.length);
  for (const t of tokens) assert.ok(!t.scopes.some((s) => s.startsWith(scopePrefix)), `"${needle}" in "${line.text}" carries ${scopePrefix}:\n${describeTokens(line)}`);
}

function fixtureLine(language: string, file: string, startsWith: string): TokenizedLine {
  const { lines } = tokenize(language, readFileSync(`${FIXTURES}/${file}`, 'utf8'));
  const line = lines.find((l) => l.text.startsWith(startsWith));
  assert.ok(line, `${file} has no line starting with ${startsWith}`);
  return line;
}

describe('every grammar', () => {
  test('compiles every regular expression with Oniguruma', async () => {
    await loadOniguruma();
    for (const c of contributions) {
      const raw = JSON.parse(readFileSync(repoPath(c.path), 'utf8')) as unknown;
      const regexes: string[] = [];
      const walk = (v: unknown, key: string): void => {
        if (typeof v === 'string' && (key === 'match' || key === 'begin' || key === 'end')) regexes.push(v);
        else if (Array.isArray(v)) v.forEach((x) => walk(x, ''));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      };
      walk(raw, '');
      assert.ok(regexes.length > 20, c.path);
      for (const re of regexes) assert.doesNotThrow(() => new oniguruma.OnigScanner([re]).dispose(), `${c.path}: ${re}`);
    }
  });

  test('tokenizes every fixture line completely, without stopping early, and ends at the top level', () => {
    const files = readdirSync(FIXTURES);
    for (const lang of new Set(Object.values(LANGUAGE_OF_FIXTURE))) {
      assert.ok(files.some((f) => LANGUAGE_OF_FIXTURE[extname(f)] === lang), `no fixture for ${lang}`);
    }
    for (const file of files) {
      const language = LANGUAGE_OF_FIXTURE[extname(file)];
      assert.ok(language, `which language is ${file}?`);
      const { lines, end } = tokenize(language, readFileSync(`${FIXTURES}/${file}`, 'utf8'));
      for (const [i, line] of lines.entries()) {
        const where = `${file}:${i + 1}`;
        assert.equal(line.stoppedEarly, false, `${where} stopped early`);
        let pos = 0;
        for (const t of line.tokens) {
          assert.equal(t.start, pos, `${where}: tokens leave a gap at column ${pos + 1}`);
          assert.equal(t.scopes[0], `source.${language}`, where);
          pos = t.end;
        }
        assert.ok(pos >= line.text.length, `${where}: tokens stop at column ${pos + 1} of ${line.text.length}`);
        // Something on every non-blank line is recognised.
        if (line.text.trim() !== '') assert.ok(line.tokens.some((t) => t.scopes.length > 1), `${where} is all plain text`);
      }
      assert.equal(end.depth, vsctm.INITIAL.depth, `${file} ends inside an unclosed construct`);
    }
  });
});

describe('iptables grammar', () => {
  const L = 'iptables';

  test('comments, table headers and COMMIT', () => {
    expectScopes(tokenizeLine(L, '# Generated by iptables-save v1.8.9 on Mon Nov 16 09:12:44 2026'), [
      ['#', 'punctuation.definition.comment.iptables'],
      [' Generated by iptables-save v1.8.9 on Mon Nov 16 09:12:44 2026', 'comment.line.number-sign.iptables'],
    ]);
    // Nothing inside a comment is a target or an option.
    const c = tokenizeLine(L, '# -A INPUT -j ACCEPT');
    expectNotScoped(c, 'ACCEPT', 'keyword');
    expectNotScoped(c, '-A', 'keyword');
    expectScopes(tokenizeLine(L, '*filter'), [
      ['*', 'punctuation.definition.table.iptables'],
      ['filter', 'entity.name.section.table.iptables'],
    ]);
    expectScopes(tokenizeLine(L, 'COMMIT'), [['COMMIT', 'keyword.control.commit.iptables']]);
  });

  test('chain declarations with policy and counters', () => {
    expectScopes(tokenizeLine(L, ':INPUT DROP [157:11076]'), [
      [':', 'punctuation.definition.chain.iptables'],
      ['INPUT', 'entity.name.function.chain.builtin.iptables'],
      ['DROP', 'keyword.control.target.iptables'],
      ['[', 'punctuation.definition.counters.begin.iptables'],
      ['157', 'constant.numeric.integer.packets.iptables'],
      [':', 'punctuation.separator.counters.iptables'],
      ['11076', 'constant.numeric.integer.bytes.iptables'],
      [']', 'punctuation.definition.counters.end.iptables'],
    ]);
    expectScopes(tokenizeLine(L, ':LOG_DROP - [0:0]'), [
      ['LOG_DROP', 'entity.name.function.chain.iptables'],
      ['-', 'constant.language.no-policy.iptables'],
      ['[0:0]', 'meta.counters.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '[12:720] -A INPUT -j ACCEPT'), [
      ['12', 'constant.numeric.integer.packets.iptables'],
      ['-A', 'keyword.other.command.iptables'],
    ]);
  });

  test('commands, options, targets and user chains', () => {
    expectScopes(tokenizeLine(L, '-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT'), [
      ['-A', 'keyword.other.command.iptables'],
      ['INPUT', 'entity.name.function.chain.builtin.iptables'],
      ['-i', 'constant.other.option.iptables'],
      ['eth0', 'variable.other.interface.iptables'],
      ['-p', 'constant.other.option.iptables'],
      ['tcp', 'support.constant.protocol.iptables'],
      ['-m', 'constant.other.option.iptables'],
      ['tcp', 'support.type.match.iptables'],
      ['--dport', 'constant.other.option.iptables'],
      ['22', 'constant.numeric.port.iptables'],
      ['-j', 'constant.other.option.iptables'],
      ['ACCEPT', 'keyword.control.target.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-I FORWARD 3 -j LOG_DROP'), [
      ['-I', 'keyword.other.command.iptables'],
      ['FORWARD', 'entity.name.function.chain.builtin.iptables'],
      ['3', 'constant.numeric.integer.iptables'],
      ['LOG_DROP', 'entity.name.function.chain.iptables'],
    ]);
    for (const target of ['DROP', 'REJECT', 'RETURN', 'QUEUE']) {
      expectScopes(tokenizeLine(L, `-A INPUT -j ${target}`), [[target, 'keyword.control.target.iptables']]);
    }
    for (const target of ['LOG', 'MASQUERADE', 'DNAT', 'SNAT', 'NFQUEUE', 'CT']) {
      expectScopes(tokenizeLine(L, `-A OUTPUT -j ${target}`), [[target, 'support.function.target.iptables']]);
    }
    // A user chain named like a target is a chain, not the target.
    expectScopes(tokenizeLine(L, '-A INPUT -j ACCEPT_LOG'), [['ACCEPT_LOG', 'entity.name.function.chain.iptables']]);
    expectScopes(tokenizeLine(L, '-A INPUT -g LOG-AND-DROP'), [
      ['-g', 'constant.other.option.iptables'],
      ['LOG-AND-DROP', 'entity.name.function.chain.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-N LOG_DROP'), [['LOG_DROP', 'entity.name.function.chain.iptables']]);
    expectScopes(tokenizeLine(L, '-P INPUT DROP'), [
      ['-P', 'keyword.other.command.iptables'],
      ['INPUT', 'entity.name.function.chain.builtin.iptables'],
      ['DROP', 'keyword.control.target.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-t nat -A POSTROUTING -o eth0 -j MASQUERADE'), [
      ['-t', 'constant.other.option.iptables'],
      ['nat', 'entity.name.section.table.iptables'],
      ['POSTROUTING', 'entity.name.function.chain.builtin.iptables'],
      ['eth0', 'variable.other.interface.iptables'],
    ]);
  });

  test('addresses, CIDRs, port ranges and lists', () => {
    expectScopes(tokenizeLine(L, '-A FORWARD -s 10.20.0.0/16 -d 192.0.2.10 -p udp --dport 1025:65535 -j ACCEPT'), [
      ['10.20.0.0', 'constant.numeric.ip-address.ipv4.iptables'],
      ['/', 'punctuation.separator.prefix.iptables'],
      ['16', 'constant.numeric.prefix-length.iptables'],
      ['192.0.2.10', 'constant.numeric.ip-address.ipv4.iptables'],
      ['1025:65535', 'meta.range.port.iptables', 'outer'],
      ['1025', 'constant.numeric.port.iptables'],
      [':', 'punctuation.separator.range.iptables'],
      ['65535', 'constant.numeric.port.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-A INPUT -s 10.0.0.0/255.0.0.0 -m multiport --dports 443,3478,5349:5350 -j ACCEPT'), [
      ['255.0.0.0', 'constant.numeric.prefix-length.iptables'],
      ['multiport', 'support.type.match.iptables'],
      ['--dports', 'constant.other.option.iptables'],
      ['443', 'constant.numeric.port.iptables'],
      [',', 'punctuation.separator.list.iptables'],
      ['5349:5350', 'meta.range.port.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-A INPUT -s fe80::/10 -d 2001:db8::1 -j ACCEPT'), [
      ['fe80::', 'constant.numeric.ip-address.ipv6.iptables'],
      ['10', 'constant.numeric.prefix-length.iptables'],
      ['2001:db8::1', 'constant.numeric.ip-address.ipv6.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-A INPUT -p tcp --dport ssh -j ACCEPT'), [['ssh', 'constant.other.service.iptables']]);
    expectScopes(tokenizeLine(L, '-A PREROUTING -p tcp --dport 8443 -j DNAT --to-destination 10.20.0.5:443'), [
      ['DNAT', 'support.function.target.iptables'],
      ['--to-destination', 'constant.other.option.iptables'],
      ['10.20.0.5', 'constant.numeric.ip-address.ipv4.iptables'],
      [':', 'punctuation.separator.port.iptables'],
      ['443', 'constant.numeric.port.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-A FORWARD -m mac --mac-source 00:1a:2b:3c:4d:5e -j RETURN'), [
      ['00:1a:2b:3c:4d:5e', 'constant.numeric.mac-address.iptables'],
    ]);
  });

  test('negation, conntrack states, strings and rates', () => {
    expectScopes(tokenizeLine(L, '-A FORWARD ! -d 10.0.0.0/8 -p udp ! --dport 53 -j REJECT --reject-with icmp-port-unreachable'), [
      ['!', 'keyword.operator.negation.iptables'],
      ['-d', 'constant.other.option.iptables'],
      ['!', 'keyword.operator.negation.iptables'],
      ['53', 'constant.numeric.port.iptables'],
      ['REJECT', 'keyword.control.target.iptables'],
      ['icmp-port-unreachable', 'constant.language.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-A INPUT -p ! tcp -s ! 10.0.0.1 -j DROP'), [
      ['!', 'keyword.operator.negation.iptables'],
      ['tcp', 'support.constant.protocol.iptables'],
      ['!', 'keyword.operator.negation.iptables'],
      ['10.0.0.1', 'constant.numeric.ip-address.ipv4.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'), [
      ['--ctstate', 'constant.other.option.iptables'],
      ['RELATED', 'constant.language.conntrack-state.iptables'],
      [',', 'punctuation.separator.list.iptables'],
      ['ESTABLISHED', 'constant.language.conntrack-state.iptables'],
    ]);
    const comment = tokenizeLine(L, '-A INPUT -m comment --comment "ssh # only" -j ACCEPT');
    expectScopes(comment, [
      ['--comment', 'constant.other.option.iptables'],
      ['"ssh # only"', 'string.quoted.double.iptables'],
      ['ACCEPT', 'keyword.control.target.iptables'],
    ]);
    expectNotScoped(comment, '"ssh # only"', 'comment');
    expectScopes(tokenizeLine(L, '-A LOG_DROP -m limit --limit 2/min --limit-burst 5 -j LOG --log-prefix "dropped: "'), [
      ['2', 'constant.numeric.integer.iptables'],
      ['/', 'punctuation.separator.rate.iptables'],
      ['min', 'keyword.other.unit.iptables'],
      ['--limit-burst', 'constant.other.option.iptables'],
      ['5', 'constant.numeric.integer.iptables'],
      ['LOG', 'support.function.target.iptables'],
      ['"dropped: "', 'string.quoted.double.iptables'],
    ]);
    expectScopes(tokenizeLine(L, '-A INPUT -p tcp --tcp-flags SYN,RST SYN -j DROP'), [
      ['SYN,RST', 'constant.language.tcp-flags.iptables'],
      ['SYN', 'constant.language.tcp-flags.iptables'],
    ]);
  });

  test('the suppression comment names its marker and requirement ids', () => {
    expectScopes(tokenizeLine(L, '# opentok-readiness-disable-next-line media-udp-range -- behind a TURN relay'), [
      ['opentok-readiness-disable-next-line', 'keyword.other.suppression.iptables'],
      ['media-udp-range', 'constant.other.requirement-id.iptables'],
      ['--', 'punctuation.separator.reason.iptables'],
      [' behind a TURN relay', 'comment.line.number-sign.iptables'],
    ]);
  });

  test('realistic iptables-save files', () => {
    expectScopes(fixtureLine(L, 'gateway.rules', '-A FORWARD -s 10.20.0.0/16 -p udp'), [
      ['-A', 'keyword.other.command.iptables'],
      ['FORWARD', 'entity.name.function.chain.builtin.iptables'],
      ['10.20.0.0', 'constant.numeric.ip-address.ipv4.iptables'],
      ['udp', 'support.constant.protocol.iptables'],
      ['1025', 'constant.numeric.port.iptables'],
      ['65535', 'constant.numeric.port.iptables'],
      ['ACCEPT', 'keyword.control.target.iptables'],
    ]);
    expectScopes(fixtureLine(L, 'gateway.rules', '-A INPUT -m conntrack --ctstate INVALID'), [
      ['INVALID', 'constant.language.conntrack-state.iptables'],
      ['LOG_DROP', 'entity.name.function.chain.iptables'],
    ]);
    expectScopes(fixtureLine(L, 'gateway.rules', ':LOG_DROP'), [['LOG_DROP', 'entity.name.function.chain.iptables']]);
    expectScopes(fixtureLine(L, 'gateway.rules', '# Completed'), [['# Completed on Mon Nov 16 09:12:44 2026', 'comment.line.number-sign.iptables']]);
    expectScopes(fixtureLine(L, 'host-v6.rules', '-A INPUT -d 2001:db8:0:1::10/128'), [
      ['2001:db8:0:1::10', 'constant.numeric.ip-address.ipv6.iptables'],
      ['128', 'constant.numeric.prefix-length.iptables'],
      ['3478', 'constant.numeric.port.iptables'],
    ]);
    expectScopes(fixtureLine(L, 'host-v6.rules', '-A INPUT -s ::1'), [['::1', 'constant.numeric.ip-address.ipv6.iptables']]);
  });
});

describe('nftables grammar', () => {
  const L = 'nftables';

  test('comments, include, define and variables', () => {
    expectScopes(tokenizeLine(L, '#!/usr/sbin/nft -f'), [['#!/usr/sbin/nft -f', 'comment.line.number-sign.nftables']]);
    expectScopes(tokenizeLine(L, 'include "/etc/nftables.d/defs.nft"'), [
      ['include', 'keyword.control.import.nftables'],
      ['"/etc/nftables.d/defs.nft"', 'string.quoted.double.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'define lan_if = "eth1" # the LAN side'), [
      ['define', 'storage.type.define.nftables'],
      ['lan_if', 'variable.other.definition.nftables'],
      ['=', 'keyword.operator.assignment.nftables'],
      ['"eth1"', 'string.quoted.double.nftables'],
      ['# the LAN side', 'comment.line.number-sign.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'iifname $lan_if accept'), [
      ['iifname', 'support.variable.field.nftables'],
      ['$lan_if', 'variable.other.nftables', 'outer'],
      ['$', 'punctuation.definition.variable.nftables'],
      ['accept', 'keyword.control.verdict.nftables'],
    ]);
    const s = tokenizeLine(L, 'log prefix "not # a comment" drop');
    expectScopes(s, [['"not # a comment"', 'string.quoted.double.nftables'], ['drop', 'keyword.control.verdict.nftables']]);
    expectNotScoped(s, '"not # a comment"', 'comment');
  });

  test('table, chain, set and map declarations', () => {
    expectScopes(tokenizeLine(L, 'table inet filter {'), [
      ['table', 'storage.type.table.nftables'],
      ['inet', 'support.type.family.nftables'],
      ['filter', 'entity.name.section.table.nftables'],
      ['{', 'punctuation.section.block.begin.nftables'],
    ]);
    expectScopes(tokenizeLine(L, '  chain input {'), [
      ['chain', 'storage.type.chain.nftables'],
      ['input', 'entity.name.function.chain.nftables'],
      ['{', 'punctuation.section.block.begin.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'add chain inet filter forward { type filter hook forward priority -10; }'), [
      ['add', 'keyword.other.command.nftables'],
      ['inet', 'support.type.family.nftables'],
      ['filter', 'entity.name.section.table.nftables'],
      ['forward', 'entity.name.function.chain.nftables'],
      ['-10', 'constant.numeric.integer.nftables'],
      ['}', 'punctuation.section.block.end.nftables'],
    ]);
    expectScopes(tokenizeLine(L, '  set blocked { type ipv4_addr; size 65536; flags timeout, interval; }'), [
      ['set', 'storage.type.set.nftables'],
      ['blocked', 'entity.name.type.set.nftables'],
      ['type', 'keyword.other.property.nftables'],
      ['ipv4_addr', 'support.type.datatype.nftables'],
      [';', 'punctuation.terminator.statement.nftables'],
      ['size', 'keyword.other.property.nftables'],
      ['65536', 'constant.numeric.integer.nftables'],
      ['flags', 'keyword.other.property.nftables'],
      ['timeout', 'constant.language.flag.nftables'],
      ['interval', 'constant.language.flag.nftables'],
      ['}', 'punctuation.section.block.end.nftables'],
    ]);
    expectScopes(tokenizeLine(L, '  map port_to_host { type inet_service : ipv4_addr; }'), [
      ['map', 'storage.type.set.nftables'],
      ['port_to_host', 'entity.name.type.set.nftables'],
      ['inet_service', 'support.type.datatype.nftables'],
      [':', 'punctuation.separator.key-value.nftables'],
      ['ipv4_addr', 'support.type.datatype.nftables'],
    ]);
    expectScopes(tokenizeLine(L, '  counter dropped_input {}'), [
      ['counter', 'storage.type.object.nftables'],
      ['dropped_input', 'entity.name.type.object.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'flush ruleset'), [
      ['flush', 'keyword.other.command.nftables'],
      ['ruleset', 'keyword.other.object.nftables'],
    ]);
  });

  test('hook, priority and policy', () => {
    expectScopes(tokenizeLine(L, '    type filter hook input priority filter; policy drop;'), [
      ['type', 'keyword.other.property.nftables'],
      ['filter', 'support.type.chain-type.nftables'],
      ['hook', 'keyword.other.property.nftables'],
      ['input', 'support.constant.hook.nftables'],
      ['priority', 'keyword.other.property.nftables'],
      ['filter', 'support.constant.priority.nftables'],
      ['policy', 'keyword.other.property.nftables'],
      ['drop', 'keyword.control.verdict.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'type nat hook postrouting priority srcnat; policy accept;'), [
      ['nat', 'support.type.chain-type.nftables'],
      ['postrouting', 'support.constant.hook.nftables'],
      ['srcnat', 'support.constant.priority.nftables'],
      ['accept', 'keyword.control.verdict.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'type filter hook ingress device "eth0" priority 0;'), [
      ['ingress', 'support.constant.hook.nftables'],
      ['device', 'keyword.other.property.nftables'],
      ['"eth0"', 'string.unquoted.device.nftables'],
      ['0', 'constant.numeric.integer.nftables'],
    ]);
  });

  test('statements and verdicts', () => {
    expectScopes(tokenizeLine(L, 'ct state invalid counter drop'), [
      ['ct', 'support.type.expression.nftables'],
      ['state', 'support.variable.field.nftables'],
      ['invalid', 'constant.language.ct-state.nftables'],
      ['counter', 'keyword.other.statement.nftables'],
      ['drop', 'keyword.control.verdict.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'tcp dport 8080 reject with tcp reset'), [
      ['reject', 'keyword.control.verdict.nftables'],
      ['with', 'keyword.other.modifier.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'ip daddr 10.0.0.0/8 jump lan_in'), [
      ['jump', 'keyword.control.verdict.nftables'],
      ['lan_in', 'entity.name.function.chain.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'goto tls_relay'), [
      ['goto', 'keyword.control.verdict.nftables'],
      ['tls_relay', 'entity.name.function.chain.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'limit rate over 10/second burst 20 packets log prefix "drop: " level warn counter name dropped_input drop'), [
      ['limit', 'keyword.other.statement.nftables'],
      ['rate', 'keyword.other.modifier.nftables'],
      ['10', 'constant.numeric.integer.nftables'],
      ['second', 'keyword.other.unit.nftables'],
      ['burst', 'keyword.other.modifier.nftables'],
      ['log', 'keyword.other.statement.nftables'],
      ['prefix', 'keyword.other.modifier.nftables'],
      ['warn', 'constant.language.log-level.nftables'],
      ['counter', 'keyword.other.statement.nftables'],
      ['name', 'keyword.other.modifier.nftables'],
      ['dropped_input', 'variable.other.object.nftables'],
      ['drop', 'keyword.control.verdict.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'oifname "eth0" masquerade'), [
      ['oifname', 'support.variable.field.nftables'],
      ['masquerade', 'keyword.other.statement.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'meta mark set 0x1 return'), [
      ['meta', 'support.type.expression.nftables'],
      ['mark', 'support.variable.field.nftables'],
      ['set', 'keyword.other.modifier.nftables'],
      ['0x1', 'constant.numeric.hex.nftables'],
      ['return', 'keyword.control.verdict.nftables'],
    ]);
  });

  test('expressions, sets, addresses and negation', () => {
    expectScopes(tokenizeLine(L, 'ip saddr != 10.0.0.0/8 tcp dport { 22, 443, 1025-65535 } accept'), [
      ['ip', 'support.type.expression.nftables'],
      ['saddr', 'support.variable.field.nftables'],
      ['!=', 'keyword.operator.comparison.nftables'],
      ['10.0.0.0', 'constant.numeric.ip-address.ipv4.nftables'],
      ['8', 'constant.numeric.prefix-length.nftables'],
      ['tcp', 'support.type.expression.nftables'],
      ['dport', 'support.variable.field.nftables'],
      ['{', 'punctuation.definition.set.begin.nftables'],
      ['22', 'meta.set.nftables', 'outer'],
      ['22', 'constant.numeric.integer.nftables'],
      [',', 'punctuation.separator.list.nftables'],
      ['1025-65535', 'meta.range.nftables', 'outer'],
      ['-', 'punctuation.separator.range.nftables'],
      ['}', 'punctuation.definition.set.end.nftables'],
      ['accept', 'keyword.control.verdict.nftables'],
    ]);
    const after = tokenizeLine(L, 'tcp dport { 22 } accept');
    const accept = after.tokens.find((t) => t.text === 'accept');
    assert.ok(accept && !accept.scopes.includes('meta.set.nftables'), 'the set closes at }');
    expectScopes(tokenizeLine(L, 'ip6 saddr fe80::/10 icmpv6 type nd-neighbor-solicit accept'), [
      ['ip6', 'support.type.expression.nftables'],
      ['fe80::', 'constant.numeric.ip-address.ipv6.nftables'],
      ['icmpv6', 'support.type.expression.nftables'],
      ['type', 'support.variable.field.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'ip saddr @blocked drop'), [
      ['@blocked', 'variable.other.set.nftables', 'outer'],
      ['@', 'punctuation.definition.variable.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'meta l4proto tcp tcp dport vmap { 443 : accept, 5349 : jump tls_relay }'), [
      ['l4proto', 'support.variable.field.nftables'],
      ['tcp', 'support.type.expression.nftables'],
      ['vmap', 'keyword.other.modifier.nftables'],
      [':', 'punctuation.separator.key-value.nftables'],
      ['accept', 'keyword.control.verdict.nftables'],
      ['tls_relay', 'entity.name.function.chain.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'ct state { established, related } accept'), [
      ['established', 'constant.language.ct-state.nftables'],
      ['related', 'constant.language.ct-state.nftables'],
    ]);
    expectScopes(tokenizeLine(L, 'tcp dport 8443 dnat to 10.20.0.5:443'), [
      ['dnat', 'keyword.other.statement.nftables'],
      ['to', 'keyword.other.modifier.nftables'],
      ['10.20.0.5', 'constant.numeric.ip-address.ipv4.nftables'],
      ['443', 'constant.numeric.integer.nftables'],
    ]);
  });

  test('a multi-line set keeps its scope until it closes', () => {
    const { lines, end } = tokenize(L, 'define media_ports = {\n  3478, # STUN\n  1025-65535,\n}\ntable inet t {');
    const [, second, third, fourth, fifth] = lines;
    assert.ok(second && third && fourth && fifth);
    expectScopes(second, [['3478', 'meta.set.nftables'], ['# STUN', 'comment.line.number-sign.nftables']]);
    expectScopes(third, [['1025-65535', 'meta.set.nftables']]);
    expectScopes(fourth, [['}', 'punctuation.definition.set.end.nftables']]);
    expectNotScoped(fifth, 'table', 'meta.set');
    expectScopes(fifth, [['table', 'storage.type.table.nftables']]);
    assert.equal(end.depth, vsctm.INITIAL.depth);
  });

  test('a realistic ruleset', () => {
    expectScopes(fixtureLine(L, 'gateway.nft', '    iifname $lan_if udp dport $media_ports accept'), [
      ['$lan_if', 'variable.other.nftables'],
      ['udp', 'support.type.expression.nftables'],
      ['dport', 'support.variable.field.nftables'],
      ['$media_ports', 'variable.other.nftables'],
      ['accept', 'keyword.control.verdict.nftables'],
    ]);
    expectScopes(fixtureLine(L, 'gateway.nft', '    tcp dport { 22, 443 } ip saddr 192.0.2.0/24 accept'), [
      ['443', 'meta.set.nftables'],
      ['192.0.2.0', 'constant.numeric.ip-address.ipv4.nftables'],
      ['24', 'constant.numeric.prefix-length.nftables'],
    ]);
    expectScopes(fixtureLine(L, 'gateway.nft', '}'), [['}', 'punctuation.definition.set.end.nftables']]);
    expectScopes(fixtureLine(L, 'gateway.nft', '  }'), [['}', 'punctuation.section.block.end.nftables']]);
    expectScopes(fixtureLine(L, 'gateway.nft', '# Edge gateway'), [
      ['# Edge gateway for a video clinic: media to the OpenTok cloud, nothing else inbound.', 'comment.line.number-sign.nftables'],
    ]);
  });
});

describe('squid grammar', () => {
  const L = 'squid';

  test('comments, directives and acl definitions', () => {
    expectScopes(tokenizeLine(L, '# Recommended minimum configuration:'), [['# Recommended minimum configuration:', 'comment.line.number-sign.squid']]);
    expectScopes(tokenizeLine(L, 'acl localnet src 10.0.0.0/8\t# RFC 1918 local private network (LAN)'), [
      ['acl', 'keyword.other.directive.squid'],
      ['localnet', 'entity.name.variable.acl.squid'],
      ['src', 'support.type.acl.squid'],
      ['10.0.0.0', 'constant.numeric.ip-address.ipv4.squid'],
      ['8', 'constant.numeric.prefix-length.squid'],
      ['# RFC 1918 local private network (LAN)', 'comment.line.number-sign.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'acl localnet src fc00::/7'), [['fc00::', 'constant.numeric.ip-address.ipv6.squid']]);
    expectScopes(tokenizeLine(L, 'acl Safe_ports port 1025-65535\t# unregistered ports'), [
      ['Safe_ports', 'entity.name.variable.acl.squid'],
      ['port', 'support.type.acl.squid'],
      ['1025-65535', 'meta.range.squid', 'outer'],
      ['1025', 'constant.numeric.integer.squid'],
      ['-', 'punctuation.separator.range.squid'],
      ['65535', 'constant.numeric.integer.squid'],
      ['# unregistered ports', 'comment.line.number-sign.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'acl whitelist dstdomain "/etc/squid/whitelist"'), [
      ['dstdomain', 'support.type.acl.squid'],
      ['"/etc/squid/whitelist"', 'string.quoted.double.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'acl video dstdomain .opentok.com .tokbox.com'), [
      ['.opentok.com', 'string.unquoted.domain.squid'],
      ['.tokbox.com', 'string.unquoted.domain.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'acl blocked url_regex -i \\.exe$ ^https?://[^/]+/ads/'), [
      ['url_regex', 'support.type.acl.squid'],
      ['-i', 'constant.other.option.squid'],
      ['\\.exe$', 'string.regexp.squid'],
      ['^https?://[^/]+/ads/', 'string.regexp.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'acl office_hours time MTWHF 08:00-18:00'), [
      ['MTWHF', 'constant.other.weekdays.squid'],
      ['08:00', 'constant.numeric.time.squid'],
      ['18:00', 'constant.numeric.time.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'acl sni ssl::server_name .opentok.com'), [['ssl::server_name', 'support.type.acl.squid']]);
    expectScopes(tokenizeLine(L, 'acl odd made_up_type x'), [['made_up_type', 'support.type.acl.unknown.squid']]);
  });

  test('access rules: allow, deny, acl references and negation', () => {
    expectScopes(tokenizeLine(L, 'http_access deny CONNECT !SSL_ports # tunnels only to 443'), [
      ['http_access', 'keyword.other.directive.squid'],
      ['deny', 'keyword.control.deny.squid'],
      ['CONNECT', 'variable.other.acl.squid'],
      ['!', 'keyword.operator.negation.squid'],
      ['SSL_ports', 'variable.other.acl.squid'],
      ['# tunnels only to 443', 'comment.line.number-sign.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'http_access allow localnet video'), [
      ['allow', 'keyword.control.allow.squid'],
      ['localnet', 'variable.other.acl.squid'],
      ['video', 'variable.other.acl.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'cache_peer_access upstream allow !video'), [
      ['cache_peer_access', 'keyword.other.directive.squid'],
      ['upstream', 'variable.parameter.squid'],
      ['allow', 'keyword.control.allow.squid'],
      ['!', 'keyword.operator.negation.squid'],
      ['video', 'variable.other.acl.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'ssl_bump peek step1'), [
      ['ssl_bump', 'keyword.other.directive.squid'],
      ['peek', 'keyword.control.ssl-bump.squid'],
      ['step1', 'variable.other.acl.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'ssl_bump splice all'), [['splice', 'keyword.control.ssl-bump.squid'], ['all', 'variable.other.acl.squid']]);
  });

  test('ports, addresses, options, sizes and switches', () => {
    expectScopes(tokenizeLine(L, 'http_port 3128'), [
      ['http_port', 'keyword.other.directive.squid'],
      ['3128', 'constant.numeric.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'http_port 10.0.0.1:3129 intercept'), [
      ['10.0.0.1', 'constant.numeric.ip-address.ipv4.squid'],
      [':', 'punctuation.separator.port.squid'],
      ['3129', 'constant.numeric.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'http_port [::1]:3128'), [
      ['::1', 'constant.numeric.ip-address.ipv6.squid'],
      [':', 'punctuation.separator.port.squid'],
      ['3128', 'constant.numeric.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'https_port 3130 ssl-bump cert=/etc/squid/bump.pem generate-host-certificates=on'), [
      ['cert', 'variable.parameter.option.squid'],
      ['=', 'keyword.operator.assignment.squid'],
      ['/etc/squid/bump.pem', 'string.unquoted.path.squid'],
      ['generate-host-certificates', 'variable.parameter.option.squid'],
      ['on', 'constant.language.boolean.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'cache_peer upstream.example.net parent 8080 0 no-query default'), [
      ['cache_peer', 'keyword.other.directive.squid'],
      ['upstream.example.net', 'string.unquoted.host.squid'],
      ['parent', 'constant.language.peer-type.squid'],
      ['8080', 'constant.numeric.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'cache_peer 192.0.2.7 sibling 3128 3130'), [['192.0.2.7', 'constant.numeric.ip-address.ipv4.squid']]);
    expectScopes(tokenizeLine(L, 'cache_dir ufs /var/spool/squid 100 16 256'), [
      ['ufs', 'support.type.store.squid'],
      ['/var/spool/squid', 'string.unquoted.path.squid'],
      ['100', 'constant.numeric.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'cache_mem 256 MB'), [
      ['256', 'constant.numeric.squid'],
      ['MB', 'keyword.other.unit.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'forwarded_for off'), [['off', 'constant.language.boolean.squid']]);
    expectScopes(tokenizeLine(L, 'refresh_pattern -i (/cgi-bin/|\\?) 0\t0%\t0'), [
      ['refresh_pattern', 'keyword.other.directive.squid'],
      ['-i', 'constant.other.option.squid'],
      ['(/cgi-bin/|\\?)', 'string.regexp.squid'],
      ['0', 'constant.numeric.squid'],
      ['%', 'keyword.other.unit.percent.squid'],
    ]);
    expectScopes(tokenizeLine(L, 'include /etc/squid/conf.d/*.conf'), [
      ['include', 'keyword.control.import.squid'],
      ['/etc/squid/conf.d/*.conf', 'string.unquoted.path.squid'],
    ]);
  });

  test('a realistic squid.conf', () => {
    expectScopes(fixtureLine(L, 'squid.conf', 'acl Safe_ports port 80'), [
      ['Safe_ports', 'entity.name.variable.acl.squid'],
      ['80', 'constant.numeric.squid'],
      ['# http', 'comment.line.number-sign.squid'],
    ]);
    expectScopes(fixtureLine(L, 'squid.conf', 'http_access deny !Safe_ports'), [
      ['deny', 'keyword.control.deny.squid'],
      ['!', 'keyword.operator.negation.squid'],
      ['Safe_ports', 'variable.other.acl.squid'],
    ]);
    expectScopes(fixtureLine(L, 'squid.conf', 'http_access deny all'), [['all', 'variable.other.acl.squid']]);
    expectScopes(fixtureLine(L, 'squid.conf', 'coredump_dir'), [
      ['coredump_dir', 'keyword.other.directive.squid'],
      ['/var/spool/squid', 'string.unquoted.path.squid'],
    ]);
    expectScopes(fixtureLine(L, 'squid.conf', 'refresh_pattern ^ftp:'), [
      ['^ftp:', 'string.regexp.squid'],
      ['1440', 'constant.numeric.squid'],
      ['20', 'constant.numeric.squid'],
      ['10080', 'constant.numeric.squid'],
    ]);
  });
});
