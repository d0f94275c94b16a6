import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllowedIpList, parseConfigText } from '../../src/core/config/load';
import { lintText } from '../../src/core/analysis/lint';

const noFiles = (): undefined => undefined;

test('a valid configuration applies every key', () => {
  const text = [
    'profiles: [opentok, custom-turn]',
    'role: client-network',
    'minLevel: best',
    'levels:',
    '  udp-3478: required',
    '  vonage-domains: off',
    'allowedIps: [203.0.113.0/24, "2001:db8:1::/48"]',
    'resolvers: [10.0.0.53]',
    'turnServers:',
    '  - host: turn.example.org',
    '    port: 443',
    '    transport: tls',
    '  - host: 198.51.100.7',
    'ignore: ["legacy/**"]',
  ].join('\n');
  const { config, findings } = parseConfigText('/w/.opentok-readiness.yaml', text, noFiles);
  assert.deepEqual(findings, []);
  assert.deepEqual(config.profiles, ['opentok', 'custom-turn']);
  assert.equal(config.minLevel, 'best');
  assert.deepEqual(config.levels, { 'udp-3478': 'required', 'vonage-domains': 'off' });
  assert.equal(config.allowedIps?.count, 2);
  assert.equal(config.resolvers?.count, 1);
  assert.deepEqual(config.turnServers, [
    { host: 'turn.example.org', port: 443, transport: 'tls' },
    { host: '198.51.100.7', port: 3478, transport: 'udp' },
  ]);
  assert.deepEqual(config.ignore, ['legacy/**']);
});

test('schema violations are findings at the offending node; the rest still applies', () => {
  const text = ['profiles: [opentok, nonsense]', 'role: client-network', 'minLevel: loud', 'colour: blue', 'turnServers:', '  - host: turn.example.org', '    port: 70000'].join('\n');
  const { config, findings } = parseConfigText('/w/c.yaml', text, noFiles);
  const at = (line: number): string[] => findings.filter((f) => f.range.start.line === line).map((f) => f.message);
  assert.ok(findings.every((f) => f.ruleId === 'config-error'));
  assert.match(at(1).join(), /profiles.1 must be one of/);
  assert.deepEqual(findings.find((f) => f.range.start.line === 1)?.range, { start: { line: 1, column: 21 }, end: { line: 1, column: 29 } });
  assert.match(at(3).join(), /minLevel must be one of/);
  assert.match(at(7).join(), /turnServers.0.port must be <= 65535/);
  assert.deepEqual(findings.find((f) => /unknown key "colour"/.test(f.message))?.range, { start: { line: 4, column: 1 }, end: { line: 4, column: 7 } });
  assert.equal(config.role, 'client-network');
  assert.deepEqual(config.profiles, ['opentok']);
  assert.equal(config.minLevel, 'recommended');
});

test('YAML syntax errors are positioned and fall back to the defaults', () => {
  const { config, findings } = parseConfigText('/w/c.yaml', 'profiles: [opentok\nrole: app-server\n', noFiles);
  assert.ok(findings.length >= 1);
  assert.equal(findings[0]?.ruleId, 'config-error');
  assert.ok(findings[0]!.range.start.line >= 1);
  assert.equal(config.role, 'client-network');
});

test('unknown requirement ids in levels are reported at the key', () => {
  const { config, findings } = parseConfigText('/w/c.yaml', 'levels:\n  udp-3478: best\n  udp-9999: off\n', noFiles);
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0]?.range, { start: { line: 3, column: 3 }, end: { line: 3, column: 11 } });
  assert.deepEqual(config.levels, { 'udp-3478': 'best' });
});

test('allowed-IP lists: CIDR lines with comments, JSON arrays, JSON objects, bad entries', () => {
  assert.deepEqual(parseAllowedIpList('# media\n203.0.113.0/24\n\n198.51.100.0/25 # turn\n').cidrs, ['203.0.113.0/24', '198.51.100.0/25']);
  assert.deepEqual(parseAllowedIpList('["203.0.113.0/24", "2001:db8::/32"]').cidrs, ['203.0.113.0/24', '2001:db8::/32']);
  assert.deepEqual(parseAllowedIpList('{"media": {"ipv4": ["203.0.113.0/24"]}, "note": "x"}').cidrs, ['203.0.113.0/24']);
  assert.match(parseAllowedIpList('{"a": [').problems.join(), /not valid JSON/);
  const files: Record<string, string> = { 'ips.txt': '203.0.113.0/24\nnot-a-cidr\n' };
  const { config, findings } = parseConfigText('/w/c.yaml', 'allowedIps: ips.txt\n', (p) => files[p]);
  assert.equal(config.allowedIps?.count, 1);
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /not-a-cidr/);
  const missing = parseConfigText('/w/c.yaml', 'allowedIps: nowhere.txt\n', noFiles);
  assert.match(missing.findings[0]!.message, /cannot be read/);
  assert.deepEqual(missing.findings[0]!.range, { start: { line: 1, column: 13 }, end: { line: 1, column: 24 } });
});

test('custom-turn without servers is a configuration error', () => {
  const { findings } = parseConfigText('/w/c.yaml', 'profiles: [custom-turn]\n', noFiles);
  assert.match(findings[0]!.message, /needs at least one entry in turnServers/);
});

test('the allowed-IP list decides platform flows exactly; resolvers decide DNS exactly', () => {
  const rules = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT DROP [0:0]',
    '-A OUTPUT -d 52.1.0.0/24 -p udp --dport 3478 -j ACCEPT',
    '-A OUTPUT -d 10.0.0.53 -p udp --dport 53 -j ACCEPT',
    'COMMIT',
  ].join('\n');
  const file = { path: '/w/r.rules', text: rules };
  const without = lintText(file, parseConfigText('/w/c.yaml', 'minLevel: best\n', noFiles).config);
  assert.equal(without.findings.find((f) => f.ruleId === 'udp-3478')?.verdict, 'unknown');
  assert.equal(without.findings.find((f) => f.ruleId === 'dns-resolution')?.verdict, 'unknown');
  const inside = parseConfigText('/w/c.yaml', 'allowedIps: [52.1.0.0/25]\nresolvers: [10.0.0.53]\n', noFiles).config;
  const r1 = lintText(file, inside);
  assert.equal(r1.findings.find((f) => f.ruleId === 'udp-3478')?.verdict, 'met');
  assert.equal(r1.findings.find((f) => f.ruleId === 'dns-resolution')?.verdict, 'met');
  const outside = parseConfigText('/w/c.yaml', 'allowedIps: [34.2.0.0/24]\nresolvers: [10.0.0.54]\n', noFiles).config;
  const r2 = lintText(file, outside);
  assert.equal(r2.findings.find((f) => f.ruleId === 'udp-3478')?.verdict, 'unmet');
  assert.equal(r2.findings.find((f) => f.ruleId === 'dns-resolution')?.verdict, 'unmet');
});

test('the probe section is described by the schema: a wrong type is reported at its value', () => {
  const text = ['probe:', '  timeoutMs: fast', '  quality: { packets: 5000 }', '  api: https://api.example.test/', '  turn:', '    - turn:turn.example.test:3478?transport=tcp', '    - { host: turn.example.test, port: 443, transport: tls }'].join('\n');
  const { findings } = parseConfigText('/w/c.yaml', text, noFiles);
  const at = (line: number): string[] => findings.filter((f) => f.range.start.line === line).map((f) => f.message);
  assert.match(at(2).join(), /probe.timeoutMs must be integer/);
  assert.deepEqual(findings.find((f) => f.range.start.line === 2)?.range, { start: { line: 2, column: 14 }, end: { line: 2, column: 18 } });
  assert.match(at(3).join(), /probe.quality.packets must be <= 1000/);
  // Well-formed targets raise nothing.
  assert.deepEqual([...at(4), ...at(6), ...at(7)], []);
});
