// The language and grammar contributions: the manifest, the grammar files it names, and how VS Code
// would pick our languages for a file (file names and extensions first, the first line otherwise).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import picomatch from 'picomatch';
import { repoPath } from '../support/shared';

interface LanguageContribution {
  id: string;
  aliases?: string[];
  extensions?: string[];
  filenames?: string[];
  filenamePatterns?: string[];
  firstLine?: string;
  configuration?: string;
}
interface GrammarContribution {
  language: string;
  scopeName: string;
  path: string;
}
interface RawRule {
  name?: string;
  contentName?: string;
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  patterns?: RawRule[];
  captures?: Record<string, RawRule>;
  beginCaptures?: Record<string, RawRule>;
  endCaptures?: Record<string, RawRule>;
  repository?: Record<string, RawRule>;
}
interface RawGrammar extends RawRule {
  scopeName: string;
  repository: Record<string, RawRule>;
}

const manifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
  contributes: { languages?: LanguageContribution[]; grammars?: GrammarContribution[] };
};
const languages = manifest.contributes.languages ?? [];
const grammars = manifest.contributes.grammars ?? [];
const OURS = ['iptables', 'nftables', 'squid'];

function language(id: string): LanguageContribution {
  const l = languages.find((x) => x.id === id);
  assert.ok(l, `package.json contributes no language ${id}`);
  return l;
}

function readGrammar(g: GrammarContribution): RawGrammar {
  return JSON.parse(readFileSync(repoPath(g.path), 'utf8')) as RawGrammar;
}

/** Every rule of a grammar, with a path for messages. */
function* rules(rule: RawRule, at: string): Generator<[string, RawRule]> {
  yield [at, rule];
  for (const [i, p] of (rule.patterns ?? []).entries()) yield* rules(p, `${at}.patterns[${i}]`);
  for (const key of ['captures', 'beginCaptures', 'endCaptures', 'repository'] as const) {
    for (const [k, r] of Object.entries(rule[key] ?? {})) yield* rules(r, `${at}.${key}.${k}`);
  }
}

/**
 * The languages VS Code would give a file, in the order it decides: a file name, a file name
 * pattern or an extension association wins; only without one does the first line count.
 */
function languagesFor(path: string, firstLine = ''): string[] {
  const name = basename(path).toLowerCase();
  const byName = languages.filter(
    (l) =>
      (l.filenames ?? []).some((f) => f.toLowerCase() === name) ||
      (l.filenamePatterns ?? []).some((p) => picomatch(p, { dot: true, nocase: true, basename: !p.includes('/') })(path)) ||
      (l.extensions ?? []).some((e) => name.endsWith(e.toLowerCase())),
  );
  if (byName.length > 0) return byName.map((l) => l.id);
  return languages.filter((l) => l.firstLine && new RegExp(l.firstLine).test(firstLine)).map((l) => l.id);
}

test('package.json contributes the three languages, each with one grammar', () => {
  for (const id of OURS) {
    language(id);
    assert.equal(grammars.filter((g) => g.language === id).length, 1, `grammars for ${id}`);
  }
  const ids = languages.map((l) => l.id);
  assert.equal(new Set(ids).size, ids.length, 'a language id is contributed twice');
  for (const g of grammars) assert.ok(ids.includes(g.language), `grammar ${g.scopeName} names an unknown language ${g.language}`);
});

test('every grammar file is valid JSON whose scopeName matches package.json', () => {
  for (const g of grammars) {
    assert.match(g.path, /^\.\/syntaxes\/[\w.-]+\.tmLanguage\.json$/);
    assert.ok(existsSync(repoPath(g.path)), `${g.path} is missing`);
    const raw = readGrammar(g);
    assert.equal(raw.scopeName, g.scopeName, g.path);
    assert.equal(g.scopeName, `source.${g.language}`);
    assert.ok(Array.isArray(raw.patterns) && raw.patterns.length > 0, `${g.path} has no top-level patterns`);
  }
  const shipped = readdirSync(repoPath('syntaxes')).filter((f) => f.endsWith('.tmLanguage.json'));
  assert.deepEqual(shipped.sort(), grammars.map((g) => basename(g.path)).sort(), 'a grammar in syntaxes/ is not contributed');
});

test('grammar rules are well formed: includes resolve, regexes are strings, scopes end with the language', () => {
  for (const g of grammars) {
    const raw = readGrammar(g);
    let count = 0;
    for (const [at, rule] of rules(raw, g.language)) {
      count++;
      if (rule === raw) continue; // the grammar's own name is its display name, not a scope
      if (rule.include !== undefined) {
        assert.ok(rule.include === '$self' || rule.include === '$base' || rule.include.startsWith('#'), `${g.path} ${at}: ${rule.include}`);
        if (rule.include.startsWith('#')) assert.ok(rule.include.slice(1) in raw.repository, `${g.path} ${at}: ${rule.include} is not in the repository`);
      }
      if (rule.begin !== undefined) assert.equal(typeof rule.end, 'string', `${g.path} ${at}: begin without end`);
      for (const scope of [rule.name, rule.contentName]) {
        if (scope === undefined) continue;
        for (const s of scope.split(/\s+/)) assert.ok(s.endsWith(`.${g.language}`), `${g.path} ${at}: scope ${s} does not end with .${g.language}`);
      }
    }
    assert.ok(count > 30, `${g.path} has only ${count} rules`);
  }
});

test('every language configuration file exists and declares # line comments', () => {
  for (const l of languages) {
    assert.ok(l.configuration, `${l.id} has no configuration`);
    const p = repoPath(l.configuration);
    assert.ok(existsSync(p), `${l.configuration} is missing`);
    const conf = JSON.parse(readFileSync(p, 'utf8')) as { comments?: { lineComment?: string }; brackets?: [string, string][]; wordPattern?: string };
    if (OURS.includes(l.id)) assert.equal(conf.comments?.lineComment, '#', l.id);
    for (const pair of conf.brackets ?? []) assert.equal(pair.length, 2);
    if (conf.wordPattern) assert.doesNotThrow(() => new RegExp(conf.wordPattern!), l.id);
  }
});

test('iptables firstLine matches iptables-save headers and bare table lines, nothing else', () => {
  const re = new RegExp(language('iptables').firstLine!);
  for (const line of [
    '# Generated by iptables-save v1.8.9 on Mon Nov 16 09:12:44 2026',
    '# Generated by ip6tables-save v1.8.7 on Tue Mar  4 09:12:01 2025',
    '# Generated by iptables-nft-save v1.8.7 on Tue Mar  4 09:12:01 2025',
    '# Generated by ip6tables-legacy-save v1.8.9',
    '# Generated by xtables-save v1.6.0 on Thu Jan  1 00:00:00 2015',
    '# Generated by iptables-save v1.4.7',
    '*filter',
    '*nat',
    '*mangle',
    '*raw',
    '*security',
  ]) {
    assert.match(line, re);
  }
  for (const line of [
    '#!/bin/sh',
    '# Generated by nft',
    '# generated by iptables-save',
    '#Generated by iptables-save',
    ' # Generated by iptables-save',
    '# Generated by iptables-saved',
    '*filters',
    '*broute',
    '* filter',
    'iptables -A INPUT -j ACCEPT',
    ':INPUT ACCEPT [0:0]',
    '',
  ]) {
    assert.doesNotMatch(line, re);
  }
});

test('nftables firstLine matches an nft shebang, nothing else', () => {
  const re = new RegExp(language('nftables').firstLine!);
  for (const line of ['#!/usr/sbin/nft -f', '#!/sbin/nft -f', '#!/usr/bin/env nft -f', '#! /usr/sbin/nft -cf']) assert.match(line, re);
  for (const line of ['#!/bin/sh', '#!/usr/bin/env bash', '#!/usr/sbin/nftables-helper', '# /usr/sbin/nft -f', 'nft -f /etc/nftables.conf', 'table inet filter {', '']) {
    assert.doesNotMatch(line, re);
  }
});

test('squid firstLine matches the stock squid.conf banner, nothing else', () => {
  const re = new RegExp(language('squid').firstLine!);
  assert.match('#\tWELCOME TO SQUID 6.6', re);
  assert.match('# WELCOME TO SQUID 3.5.27', re);
  for (const line of ['# welcome to squid', '#\tWELCOME TO SQUIDGUARD', 'acl localnet src 10.0.0.0/8', '# Squid config', '']) assert.doesNotMatch(line, re);
});

test('file names, patterns and first lines pick the right language, and shell scripts stay shell', () => {
  const cases: [path: string, firstLine: string, expected: string[]][] = [
    ['/etc/iptables/rules.v4', '*filter', ['iptables']],
    ['/etc/iptables/rules.v6', '# Generated by ip6tables-save v1.8.9', ['iptables']],
    ['/etc/iptables/iptables.rules', '', ['iptables']],
    ['/etc/sysconfig/iptables', '# Generated by iptables-save v1.4.7', ['iptables']],
    ['/etc/sysconfig/ip6tables', '', ['iptables']],
    ['examples/hospital-egress.rules', '# Generated by iptables-save v1.8.9', ['iptables']],
    ['backup/edge.iptables', '', ['iptables']],
    ['backup/edge.ip6tables', '', ['iptables']],
    ['dumps/edge.save', '# Generated by iptables-nft-save v1.8.7 on Tue Mar  4 09:12:01 2025', ['iptables']],
    ['dumps/restore-me', '*nat', ['iptables']],
    ['/etc/nftables.conf', '#!/usr/sbin/nft -f', ['nftables']],
    ['/etc/nftables/main.nft', 'table inet filter {', ['nftables']],
    ['/etc/nftables.d/10-base.conf', '', ['nftables']],
    ['corpus/http-gateway-nftables.conf', '', ['nftables']],
    ['bin/firewall', '#!/usr/sbin/nft -f', ['nftables']],
    ['/etc/squid/squid.conf', '', ['squid']],
    ['/etc/squid/conf.d/debian.conf', '', ['squid']],
    ['corpus/raspberry-pi-parental-filter-squid.conf', '', ['squid']],
    ['docs/squid.conf.documented', '#\tWELCOME TO SQUID 6.6', ['squid']],
    ['old/proxy.cfg', '#\tWELCOME TO SQUID 3.5.27', ['squid']],
    ['scripts/firewall.sh', '#!/bin/sh', []],
    ['scripts/firewall', '#!/bin/bash', []],
    ['/etc/squidguard/squidGuard.conf', '', []],
    ['/etc/nginx/nginx.conf', '', []],
    ['k8s/policy.yaml', 'apiVersion: networking.k8s.io/v1', []],
  ];
  for (const [path, firstLine, expected] of cases) {
    assert.deepEqual(languagesFor(path, firstLine).filter((id) => OURS.includes(id)), expected, path);
  }
});
