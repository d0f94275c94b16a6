// A policy is evaluated once per protocol, direction and state over every flow the requirements ask about
// (check.ts, evaluationSpace). The same parsed policy checked again under another configuration must answer
// for that configuration, not from the earlier evaluation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRequirement, evaluationSpace } from '../../src/core/analysis/check';
import { lintText } from '../../src/core/analysis/lint';
import { parseConfigText } from '../../src/core/config/load';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import { iptablesSave } from '../../src/core/formats/iptables';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';
import { selectRequirements } from '../../src/core/requirements/select';

const TEXT = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]', '-A OUTPUT -d 10.0.0.53/32 -p udp -m udp --dport 53 -j ACCEPT', 'COMMIT', ''].join('\n');

function withResolvers(list: string): ReadinessConfig {
  const r = parseConfigText('/w/.opentok-readiness.yaml', `resolvers: [${list}]\n`, () => undefined);
  assert.deepEqual(r.findings.map((f) => f.message), []);
  return r.config;
}

test('one parsed policy checked under two configurations answers for each', () => {
  const file = { path: '/etc/iptables/rules.v4', text: TEXT };
  const parsed = iptablesSave.parse(file);
  const output = parsed.policies.find((p) => p.entry === 'OUTPUT')!;
  const dns = REQUIREMENTS.find((r) => r.id === 'dns-resolution')!;
  const verdictUnder = (config: ReadinessConfig) => {
    const space = evaluationSpace(output, selectRequirements(config), config);
    return checkRequirement(file, iptablesSave, output, dns, config, space)?.verdict;
  };
  assert.equal(verdictUnder(withResolvers('10.0.0.53')), 'met');
  assert.equal(verdictUnder(withResolvers('10.0.0.54')), 'unmet');
  assert.equal(verdictUnder(DEFAULT_CONFIG), 'unknown');
  // Without a prepared space the requirement is evaluated alone, with the same answer.
  assert.equal(checkRequirement(file, iptablesSave, output, dns, withResolvers('10.0.0.53'))?.verdict, 'met');
});

test('hundreds of alike undecided rules give a short message: each reason once with its lines, the rest counted', () => {
  const rules = Array.from({ length: 300 }, (_, i) => `-A OUTPUT -o eth${i % 2} -s 10.${i >> 8}.${i & 255}.0/24 -p udp -m udp --dport ${2000 + i}:65535 -j ACCEPT`);
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]', ...rules, 'COMMIT', ''].join('\n');
  const res = lintText({ path: '/etc/iptables/rules.v4', text }, DEFAULT_CONFIG, 'iptables-save');
  const media = res.findings.find((f) => f.ruleId === 'udp-media-range')!;
  assert.equal(media.verdict, 'unmet', media.message);
  const gap = media.unknown!.find((g) => g.text.startsWith('UDP 2000'))!;
  // Two interface reasons, each with all its lines summed up, then per-rule address reasons up to the limit, then a count.
  assert.ok(gap.reasons!.length <= 11, `${gap.reasons!.length} reasons`);
  assert.match(gap.reasons!.join('\n'), /applies only if eth0 is the internet-facing interface \(lines 5, 7, 9, 11, 13 and \d+ more\)/);
  assert.match(gap.reasons![gap.reasons!.length - 1]!, /^\d+ more conditions like these \(lines /);
  assert.ok(media.message.length < 3000, `message of ${media.message.length} characters`);
  assert.ok((media.related ?? []).length <= 22, `${(media.related ?? []).length} related locations`);
});

test('requirements that ask about the same flow get one outcome, each under its own name', () => {
  // TCP 443 to the platform is asked by several profiles, and by a TLS TURN server named by host name.
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', '-A OUTPUT -p tcp -m tcp --dport 443 -j REJECT', 'COMMIT', ''].join('\n');
  const config: ReadinessConfig = { ...DEFAULT_CONFIG, profiles: ['opentok', 'flexperto', 'custom-turn'], turnServers: [{ host: 'turn.example.com', port: 443, transport: 'tls' }] };
  const res = lintText({ path: '/etc/iptables/rules.v4', text }, config, 'iptables-save');
  const byId = (id: string) => res.findings.find((f) => f.ruleId === id)!;
  const platform = byId('tcp-443-platform');
  const flexperto = byId('flexperto-services');
  const turn = byId('custom-turn-reachable');
  for (const f of [platform, flexperto, turn]) {
    assert.equal(f.verdict, 'unmet', f.message);
    assert.deepEqual(f.blocked!.map((g) => g.by.map((r) => r.range.start.line)), [[5]], f.message);
  }
  assert.deepEqual(platform.blocked!.map((g) => g.text), ['TCP 443']);
  assert.deepEqual(flexperto.blocked!.map((g) => g.text), ['TCP 443']);
  assert.deepEqual(turn.blocked!.map((g) => g.text), ['TLS 443 to turn.example.com: TCP 443']);
  // A flow that differs in its port is its own: TCP 80 is allowed.
  assert.equal(byId('certificate-status').verdict, 'met');
});

test('a block list of thousands of single hosts: each host is decided by its own rule', () => {
  // Rules for single hosts are taken out of what is undecided in batches (evaluate.ts, Undecided):
  // the verdicts must be exactly those of one rule at a time.
  const host = (i: number) => `${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.7`;
  const rules = Array.from({ length: 3000 }, (_, i) => `-A OUTPUT -d ${host(i)}/32 -p udp -m udp --dport ${i % 2 ? '3478' : '1:65535'} -j ${i % 3 ? 'DROP' : 'REJECT'}`);
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
  const line = (i: number) => 5 + i;
  const turn = (...hosts: string[]): ReadinessConfig => ({ ...DEFAULT_CONFIG, profiles: ['custom-turn'], turnServers: hosts.map((h) => ({ host: h, port: 3478, transport: 'udp' as const })) });
  const check = (config: ReadinessConfig) => lintText({ path: '/etc/iptables/rules.v4', text }, config, 'iptables-save').findings.find((f) => f.ruleId === 'custom-turn-reachable')!;
  for (const i of [0, 1, 31, 32, 33, 1234, 2999]) {
    const f = check(turn(host(i)));
    assert.equal(f.verdict, 'unmet', f.message);
    assert.deepEqual(f.blocked!.map((g) => g.by.map((r) => r.range.start.line)), [[line(i)]], f.message);
  }
  // A host the list does not name, next to one it names: partly met, blocked by that one rule.
  const f = check(turn('11.255.255.7', host(2000)));
  assert.equal(f.verdict, 'partially-met', f.message);
  assert.deepEqual(f.blocked!.flatMap((g) => g.by.map((r) => r.range.start.line)), [line(2000)], f.message);
});
