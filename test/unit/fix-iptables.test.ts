// Fixes are text edits in the file's own syntax: applied to the file, the
// requirement they were offered for is met on the next lint, nothing else
// gets worse, and the file still reads without errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { lintText, type FileResult } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import type { Finding, TextEdit } from '../../src/core/model/finding';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';
import { selectRequirements } from '../../src/core/requirements/select';
import { repoPath } from '../support/shared';

type FormatId = 'iptables-save' | 'iptables-script';

/** Applies edits to text: positions are 1-based, the end column exclusive. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; column: number }): number => {
    const s = starts[p.line - 1];
    assert.ok(s !== undefined, `line ${p.line} is in the file`);
    const lineEnd = p.line < starts.length ? starts[p.line]! - 1 : text.length;
    const o = s + p.column - 1;
    assert.ok(o <= lineEnd, `column ${p.column} is on line ${p.line}`);
    return o;
  };
  const spans = edits.map((e) => ({ from: offset(e.range.start), to: offset(e.range.end), text: e.newText })).sort((a, b) => b.from - a.from);
  let out = text;
  for (const s of spans) out = out.slice(0, s.from) + s.text + out.slice(s.to);
  return out;
}

const lint = (path: string, text: string, config: ReadinessConfig, format: FormatId): FileResult => lintText({ path, text }, config, format);
const key = (f: Finding) => `${f.ruleId} @ ${f.policy?.name ?? '-'}`;
const RANK: Record<string, number> = { met: 3, unknown: 2, 'partially-met': 1, unmet: 0 };

/**
 * Applies every offered fix, one at a time, and checks the result. Returns how many fixes were checked.
 */
function checkFixes(path: string, text: string, config: ReadinessConfig, format: FormatId): number {
  const before = lint(path, text, config, format);
  const errorsBefore = before.findings.filter((f) => f.ruleId === 'parse-error').length;
  const verdicts = new Map(before.findings.filter((f) => f.verdict).map((f) => [key(f), f.verdict!]));
  let checked = 0;
  for (const f of before.findings) {
    if (f.verdict !== 'unmet' && f.verdict !== 'partially-met') continue;
    assert.ok((f.fixes ?? []).length > 0, `${key(f)} (${f.verdict}) offers a fix in\n${text}`);
    for (const fix of f.fixes!) {
      assert.ok(fix.title.length > 0);
      for (const e of fix.edits) assert.equal(e.file, path);
      const fixed = applyEdits(text, fix.edits);
      const after = lint(path, fixed, config, format);
      const again = after.findings.find((x) => key(x) === key(f));
      assert.ok(again, `${key(f)} is still checked after "${fix.title}"`);
      // A fix allows what is blocked; parts the file cannot decide stay undecided.
      assert.deepEqual(again.blocked, [], `${key(f)} after "${fix.title}":\n${fixed}\n${again.message}`);
      assert.equal(again.verdict, (f.unknown ?? []).length > 0 ? 'unknown' : 'met', `${key(f)} after "${fix.title}":\n${fixed}\n${again.message}`);
      assert.equal(after.findings.filter((x) => x.ruleId === 'parse-error').length, errorsBefore, `no new parse errors after "${fix.title}":\n${fixed}`);
      assert.equal(after.format, format);
      for (const x of after.findings) {
        const was = x.verdict && verdicts.get(key(x));
        if (was) assert.ok(RANK[x.verdict!]! >= RANK[was]!, `${key(x)} went from ${was} to ${x.verdict} after "${fix.title}"`);
      }
      checked++;
    }
  }
  return checked;
}

// ---- generated files: every flow requirement, every way of blocking it ---------------------------

const CONFIGS: { name: string; config: ReadinessConfig }[] = [
  { name: 'opentok', config: DEFAULT_CONFIG },
  { name: 'opentok app-server', config: { ...DEFAULT_CONFIG, role: 'app-server' } },
  { name: 'opentok-2013', config: { ...DEFAULT_CONFIG, profiles: ['opentok-2013'] } },
  { name: 'flexperto', config: { ...DEFAULT_CONFIG, profiles: ['flexperto'] } },
  {
    name: 'custom-turn',
    config: {
      ...DEFAULT_CONFIG,
      profiles: ['custom-turn'],
      turnServers: [
        { host: '198.51.100.7', port: 443, transport: 'tls' },
        { host: 'turn.example.net', port: 3478, transport: 'udp' },
        { host: '2001:db8::7', port: 5349, transport: 'tcp' },
      ],
    },
  },
];

/** Rule specifications that leave each flow requirement blocked or half blocked. */
function blockingRules(config: ReadinessConfig): { name: string; output: string[]; input: string[] }[] {
  const reqs = selectRequirements(config).filter((r) => r.kind === 'flow');
  const denyOut: string[] = [];
  const denyIn: string[] = [];
  const halfOut: string[] = [];
  const halfIn: string[] = [];
  for (const r of reqs) {
    for (const f of r.flows ?? []) {
      for (const [a, b] of f.ports) {
        const ports = a === b ? `${a}` : `${a}:${b}`;
        const half = a === b ? undefined : `${a}:${Math.floor((a + b) / 2)}`;
        if (r.direction === 'reply') {
          denyIn.push(`-p ${f.protocol} -m ${f.protocol} --sport ${ports} -j DROP`);
          if (half) halfIn.push(`-p ${f.protocol} -m ${f.protocol} --sport ${half} -j ACCEPT`);
        } else {
          denyOut.push(`-p ${f.protocol} -m ${f.protocol} --dport ${ports} -j REJECT`);
          if (half) halfOut.push(`-p ${f.protocol} -m ${f.protocol} --dport ${half} -j ACCEPT`);
        }
      }
    }
  }
  return [
    { name: 'policy DROP, no rules', output: [], input: [] },
    { name: 'DROP/REJECT rules before an accept-all', output: [...denyOut, '-j ACCEPT'], input: [...denyIn, '-j ACCEPT'] },
    { name: 'half of each range allowed', output: halfOut, input: halfIn },
    { name: 'only loopback allowed', output: ['-o lo -j ACCEPT'], input: ['-i lo -j ACCEPT'] },
  ];
}

function saveFile(output: string[], input: string[], eol = '\n'): string {
  return [
    '# Generated by iptables-save v1.8.7 on Mon Jun  2 10:00:00 2025',
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT DROP [0:0]',
    ...input.map((r) => `-A INPUT ${r}`),
    ...output.map((r) => `-A OUTPUT ${r}`),
    'COMMIT',
    '# Completed on Mon Jun  2 10:00:00 2025',
    '',
  ].join(eol);
}

function scriptFile(output: string[], input: string[], eol = '\n'): string {
  return [
    '#!/bin/sh',
    'set -eu',
    'iptables -F',
    'iptables -X',
    'iptables -P INPUT DROP',
    'iptables -P FORWARD DROP',
    'iptables -P OUTPUT DROP',
    ...input.map((r) => `iptables -A INPUT ${r}`),
    ...output.map((r) => `iptables -A OUTPUT ${r}`),
    'echo "firewall loaded"',
    '',
  ].join(eol);
}

for (const { name, config } of CONFIGS) {
  for (const scenario of blockingRules(config)) {
    test(`fixes make every blocked requirement met (${name}; ${scenario.name})`, () => {
      const save = saveFile(scenario.output, scenario.input);
      const sh = scriptFile(scenario.output, scenario.input);
      const n = checkFixes('/etc/iptables/rules.v4', save, config, 'iptables-save') + checkFixes('/etc/firewall.sh', sh, config, 'iptables-script');
      assert.ok(n > 0, 'at least one fix was checked');
    });
  }
}

test('every flow requirement is blocked, and fixed, by the generated files above', () => {
  const covered = new Set<string>();
  for (const { config } of CONFIGS) {
    for (const s of blockingRules(config).slice(0, 1)) {
      for (const f of lint('r', saveFile(s.output, s.input), config, 'iptables-save').findings) if (f.verdict === 'unmet' && (f.fixes ?? []).length > 0) covered.add(f.ruleId);
    }
  }
  const flows = REQUIREMENTS.filter((r) => r.kind === 'flow').map((r) => r.id);
  assert.deepEqual([...covered].sort(), [...flows].sort());
});

// ---- the shape of the edits --------------------------------------------------------------------

test('iptables-save: the fix goes first in the chain, before the rule that blocks', () => {
  const text = saveFile(['-p udp -m udp --dport 3478 -j DROP', '-j ACCEPT'], ['-m conntrack --ctstate ESTABLISHED -j ACCEPT']);
  const f = lint('r', text, DEFAULT_CONFIG, 'iptables-save').findings.find((x) => x.ruleId === 'udp-3478')!;
  assert.equal(f.verdict, 'unmet');
  const edits = f.fixes![0]!.edits;
  assert.equal(edits.length, 1);
  // Line 7 is the first -A OUTPUT rule: the new rule is inserted in front of it.
  assert.deepEqual(edits[0]!.range, { start: { line: 7, column: 1 }, end: { line: 7, column: 1 } });
  assert.equal(edits[0]!.newText, '-A OUTPUT -p udp -m udp --dport 3478 -j ACCEPT\n');
});

test('iptables-save: with no rule in the chain the fix goes before COMMIT', () => {
  const text = saveFile([], []);
  const f = lint('r', text, DEFAULT_CONFIG, 'iptables-save').findings.find((x) => x.ruleId === 'tcp-replies')!;
  const e = f.fixes![0]!.edits[0]!;
  assert.deepEqual(e.range.start, { line: 6, column: 1 });
  assert.match(e.newText, /^-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n$/);
});

test('iptables-save: a fix for published blocks names them, one rule per block', () => {
  const config: ReadinessConfig = { ...DEFAULT_CONFIG, profiles: ['opentok-2013'] };
  const text = saveFile([], []);
  const f = lint('r', text, config, 'iptables-save').findings.find((x) => x.ruleId === 'legacy-2013-ios-control')!;
  assert.deepEqual(
    f.fixes![0]!.edits[0]!.newText.split('\n').filter(Boolean),
    ['70.42.47.64/26', '72.5.167.128/26', '212.118.226.32/27'].map((c) => `-A OUTPUT -p tcp -d ${c} -m tcp --dport 5560 -j ACCEPT`),
  );
});

test('iptables-script: the fix is an -I CHAIN 1 after the last command, with its program name and indentation', () => {
  const text = ['#!/bin/bash', 'IPT=/sbin/iptables', 'setup() {', '  $IPT -F', '  $IPT -P OUTPUT DROP', '  $IPT -A OUTPUT -p tcp --dport 443 -j ACCEPT', '}', 'setup', ''].join('\n');
  const res = lint('fw.sh', text, DEFAULT_CONFIG, 'iptables-script');
  const f = res.findings.find((x) => x.ruleId === 'udp-3478')!;
  assert.equal(f.verdict, 'unmet');
  const e = f.fixes![0]!.edits[0]!;
  // At the end of line 6, the last iptables command.
  const end = text.split('\n')[5]!.length + 1;
  assert.deepEqual(e.range, { start: { line: 6, column: end }, end: { line: 6, column: end } });
  assert.equal(e.newText, '\n  $IPT -I OUTPUT 1 -p udp -m udp --dport 3478 -j ACCEPT');
  assert.equal(checkFixes('fw.sh', text, DEFAULT_CONFIG, 'iptables-script') > 0, true);
});

test('CRLF files keep their line ends, and the fixes still work', () => {
  const save = saveFile(['-p tcp -m tcp --dport 80 -j ACCEPT'], [], '\r\n');
  const r1 = lint('r', save, DEFAULT_CONFIG, 'iptables-save').findings.find((x) => x.ruleId === 'tcp-443-platform')!;
  assert.ok(r1.fixes![0]!.edits.every((e) => !/[^\r]\n/.test(e.newText) && e.newText.includes('\r\n')));
  assert.ok(checkFixes('r', save, DEFAULT_CONFIG, 'iptables-save') > 0);
  const sh = scriptFile(['-p tcp --dport 80 -j ACCEPT'], [], '\r\n');
  const r2 = lint('s', sh, DEFAULT_CONFIG, 'iptables-script').findings.find((x) => x.ruleId === 'tcp-443-platform')!;
  assert.ok(r2.fixes![0]!.edits.every((e) => !/[^\r]\n/.test(e.newText) && e.newText.includes('\r\n')));
  assert.ok(checkFixes('s', sh, DEFAULT_CONFIG, 'iptables-script') > 0);
});

test('ip6tables: fixes are written with the IPv6 program and IPv6 blocks', () => {
  const config: ReadinessConfig = { ...DEFAULT_CONFIG, profiles: ['custom-turn'], turnServers: [{ host: '2001:db8::7', port: 5349, transport: 'tcp' }] };
  const sh = ['#!/bin/sh', 'ip6tables -F', 'ip6tables -P INPUT ACCEPT', 'ip6tables -P OUTPUT DROP', ''].join('\n');
  const f = lint('s', sh, config, 'iptables-script').findings.find((x) => x.ruleId === 'custom-turn-reachable')!;
  assert.equal(f.verdict, 'unmet');
  assert.match(f.fixes![0]!.edits[0]!.newText, /^\nip6tables -I OUTPUT 1 -p tcp -d 2001:db8::7\/128 -m tcp --dport 5349 -j ACCEPT$/);
  assert.ok(checkFixes('s', sh, config, 'iptables-script') > 0);
});

test('fixture files: every offered fix works', () => {
  const configs = CONFIGS.map((c) => c.config);
  let n = 0;
  for (const [name, format] of [
    ['gateway.rules', 'iptables-save'],
    ['host-v6.rules', 'iptables-save'],
    ['firewall.sh', 'iptables-script'],
  ] as const) {
    const path = repoPath('test', 'fixtures', 'iptables', name);
    const text = readFileSync(path, 'utf8');
    for (const config of configs) n += checkFixes(path, text, config, format);
  }
  assert.ok(n >= 10, `${n} fixes checked`);
});
