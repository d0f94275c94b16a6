import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PROBE_OPTIONS, parseTurnTarget, probeOptionsFromConfig } from '../../src/core/probes/options';
import { buildProbePlan, bypassesProxy, displayProxy, proxyEnvironment } from '../../src/core/probes/plan';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';

const selection = { profiles: ['opentok'] as const, role: 'client-network' as const };

test('defaults are the platform hosts of the seeds and NOTES.md', () => {
  const t = DEFAULT_PROBE_OPTIONS.targets;
  assert.ok(t.api.includes('https://api.opentok.com/'));
  assert.deepEqual(t.logging, ['https://hlg.tokbox.com/prod/logging/ClientEvent']);
  assert.deepEqual(t.certificateStatus, ['http://ocsp.godaddy.com/', 'http://crl.godaddy.com/']);
  assert.ok(t.turn.some((x) => x.transport === 'udp' && x.port === 3478));
  assert.ok(t.turn.some((x) => x.transport === 'tls' && x.port === 443));
});

test('an empty or missing probe section gives the defaults without errors', () => {
  assert.deepEqual(probeOptionsFromConfig(undefined), { options: DEFAULT_PROBE_OPTIONS, errors: [] });
  assert.deepEqual(probeOptionsFromConfig({}).errors, []);
});

test('probe options: targets, TURN URIs, limits and errors at the entry', () => {
  const { options, errors } = probeOptionsFromConfig({
    api: 'https://127.0.0.1:8443/',
    websocket: ['wss://localhost:8443/ws'],
    stun: ['127.0.0.1:3478', '[::1]:40000', { host: 'localhost', port: 5000 }],
    turn: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp', 'turns:localhost:5349', { host: 'x', port: 443, transport: 'tls' }],
    customTurn: ['turns:turn.example.com:443'],
    proxy: 'http://proxy.example:3128',
    dnsServers: ['127.0.0.1:5353'],
    ca: ['certs/ca.pem'],
    allowPrivateAddresses: true,
    timeoutMs: 800,
    concurrency: 4,
    quality: { packets: 10, intervalMs: 5 },
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(options.targets.api, ['https://127.0.0.1:8443/']);
  assert.deepEqual(options.targets.stun, [{ host: '127.0.0.1', port: 3478 }, { host: '::1', port: 40000 }, { host: 'localhost', port: 5000 }]);
  assert.deepEqual(options.targets.turn.map((t) => `${t.transport}:${t.host}:${t.port}`), ['udp:127.0.0.1:3478', 'tcp:127.0.0.1:3478', 'tls:localhost:5349', 'tls:x:443']);
  assert.deepEqual(options.targets.customTurn, [{ host: 'turn.example.com', port: 443, transport: 'tls', custom: true }]);
  assert.equal(options.proxy, 'http://proxy.example:3128');
  assert.deepEqual(options.caFiles, ['certs/ca.pem']);
  assert.equal(options.timeoutMs, 800);
  assert.deepEqual(options.quality, { packets: 10, intervalMs: 5 });

  const bad = probeOptionsFromConfig({ api: 'ftp://x/', stun: ['nohostport:99999'], turn: ['stun:x'], timeoutMs: -1, colour: 'red', proxy: 'socks5://x:1', dnsServers: ['dns.example'] });
  assert.deepEqual(bad.errors, [
    'probe.colour: unknown setting',
    'probe.api[0]: "ftp://x/": expected a https or http URL',
    'probe.stun[0]: "nohostport:99999": expected a port from 1 to 65535',
    'probe.turn[0]: "stun:x" is not a TURN URI (turn:host:port?transport=udp|tcp, turns:host:port)',
    'probe.proxy: expected "http://host:port" or "none"',
    'probe.dnsServers: not an address: dns.example',
    'probe.timeoutMs: expected a whole number from 50 to 120000',
  ]);
  assert.equal(bad.options.timeoutMs, DEFAULT_PROBE_OPTIONS.timeoutMs);
  assert.deepEqual(probeOptionsFromConfig('x').errors, ['probe: must be a map of settings']);
});

test('TURN credentials in the configuration file are refused, without repeating them', () => {
  const { errors, options } = probeOptionsFromConfig({ customTurn: [{ host: 'turn.corp.example', port: 3478, username: 'u', credential: 'hunter2-secret' }] });
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^probe\.customTurn\[0\]: "credential" is not read from files: set OPENTOK_READINESS_TURN_USERNAME and OPENTOK_READINESS_TURN_CREDENTIAL/);
  assert.ok(!errors[0]!.includes('hunter2-secret'));
  assert.deepEqual(options.targets.customTurn, []);
});

test('TURN URIs follow RFC 7065 defaults', () => {
  assert.deepEqual(parseTurnTarget('turn:a.example'), { host: 'a.example', port: 3478, transport: 'udp' });
  assert.deepEqual(parseTurnTarget('turns:a.example'), { host: 'a.example', port: 5349, transport: 'tls' });
  assert.deepEqual(parseTurnTarget('turn:[2001:db8::1]:443?transport=tcp'), { host: '2001:db8::1', port: 443, transport: 'tcp' });
});

test('proxy environment: option over HTTPS_PROXY, NO_PROXY suffixes, credentials hidden', () => {
  assert.equal(proxyEnvironment({}, { HTTPS_PROXY: 'proxy:3128' }).proxy, 'http://proxy:3128');
  assert.equal(proxyEnvironment({ proxy: 'none' }, { HTTPS_PROXY: 'http://p:1' }).proxy, undefined);
  assert.equal(proxyEnvironment({ proxy: 'http://a:1' }, { https_proxy: 'http://p:1' }).source, 'probe.proxy');
  const no = proxyEnvironment({}, { NO_PROXY: '.tokbox.com, localhost,*.internal' }).noProxy;
  assert.equal(bypassesProxy('hlg.tokbox.com', no), true);
  assert.equal(bypassesProxy('tokbox.com', no), true);
  assert.equal(bypassesProxy('api.opentok.com', no), false);
  assert.equal(bypassesProxy('LOCALHOST', no), true);
  assert.equal(bypassesProxy('x.internal', no), true);
  assert.equal(displayProxy('http://user:s3cret@proxy:3128/'), 'http://proxy:3128');
});

test('the plan ties every probe to a catalog requirement, and a proxy adds CONNECT and proxied TLS', () => {
  const plan = buildProbePlan({ selection, options: DEFAULT_PROBE_OPTIONS, proxy: proxyEnvironment({ proxy: 'http://proxy:3128' }, {}) });
  const ids = new Set(REQUIREMENTS.map((r) => r.id));
  for (const p of plan) if (p.requirementId) assert.ok(ids.has(p.requirementId), `${p.id} names unknown requirement ${p.requirementId}`);
  const kinds = new Set(plan.map((p) => p.kind));
  for (const k of ['environment', 'dns', 'tcp', 'tls', 'https', 'websocket', 'proxy', 'certificate-status', 'stun', 'turn', 'quality']) assert.ok(kinds.has(k as never), k);
  assert.equal(plan.find((p) => p.id === 'dns:hlg.tokbox.com')?.requirementId, 'dns-resolution');
  assert.equal(plan.find((p) => p.id === 'stun:turn402-oak.tokbox.com:3478')?.requirementId, 'udp-3478');
  assert.equal(plan.find((p) => p.id === 'tcp:ocsp.godaddy.com:80')?.requirementId, 'certificate-status');
  assert.ok(plan.filter((p) => p.kind === 'tls').every((p) => p.viaProxy === 'http://proxy:3128'));
  assert.ok(plan.filter((p) => p.kind === 'turn' && p.transport === 'udp').every((p) => p.viaProxy === undefined), 'UDP never goes through a proxy');
  assert.equal(new Set(plan.map((p) => p.id)).size, plan.length, 'ids are unique');
});

test('TCP 3478 and 5349 speak for the Flexperto requirements only when that profile is selected', () => {
  const { options } = probeOptionsFromConfig({ turn: ['turn:t.example:3478?transport=tcp', 'turns:t.example:5349', 'turns:t.example:443'] });
  const req = (profiles: Parameters<typeof buildProbePlan>[0]['selection']['profiles'], id: string): string | undefined =>
    buildProbePlan({ selection: { profiles, role: 'client-network' }, options, proxy: { noProxy: [] } }).find((p) => p.id === id)?.requirementId;
  assert.equal(req(['opentok'], 'tcp:t.example:3478'), undefined);
  assert.equal(req(['opentok'], 'turn:tcp:t.example:3478'), undefined);
  assert.equal(req(['opentok'], 'turn:tls:t.example:5349'), undefined);
  assert.equal(req(['opentok'], 'turn:tls:t.example:443'), 'tcp-443-platform');
  assert.equal(req(['opentok', 'flexperto'], 'tcp:t.example:3478'), 'flexperto-3478');
  assert.equal(req(['flexperto'], 'turn:tls:t.example:5349'), 'flexperto-5349');
});

test('an application server probes only the API', () => {
  const plan = buildProbePlan({ selection: { profiles: ['opentok'], role: 'app-server' }, options: DEFAULT_PROBE_OPTIONS, proxy: { noProxy: [] } });
  assert.ok(plan.every((p) => !['stun', 'turn', 'websocket', 'quality', 'certificate-status'].includes(p.kind)));
  assert.ok(plan.some((p) => p.kind === 'https' && p.requirementId === 'app-server-api'));
});

test('a STUN target on a high port checks the UDP media range; custom TURN checks custom-turn-reachable', () => {
  const { options } = probeOptionsFromConfig({ stun: ['media.example:40000'], customTurn: ['turn:t.example:3478'] });
  const plan = buildProbePlan({ selection: { profiles: ['opentok', 'custom-turn'], role: 'client-network' }, options, proxy: { noProxy: [] } });
  assert.equal(plan.find((p) => p.id === 'stun:media.example:40000')?.requirementId, 'udp-media-range');
  assert.equal(plan.find((p) => p.id === 'turn:custom:udp:t.example:3478')?.requirementId, 'custom-turn-reachable');
});
