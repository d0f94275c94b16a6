// Each probe against real servers on 127.0.0.1, friendly and hostile: every verdict
// and its named cause, every probe inside its timeout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_PROBE_OPTIONS } from '../../src/core/probes/options';
import type { ProbeOptions, ProbeResult, ProbeSpec, TurnCredentials } from '../../src/core/probes/types';
import { runProbes } from '../../src/probes/runner';
import { INTERCEPT_CERT, Lab, TEST_CA } from './probe-servers';

const TIMEOUT = 1500;
const options: ProbeOptions = { ...DEFAULT_PROBE_OPTIONS, ca: [TEST_CA], timeoutMs: TIMEOUT, stunRtoMs: 50, quality: { packets: 20, intervalMs: 5 } };

async function probe(spec: Partial<ProbeSpec> & Pick<ProbeSpec, 'kind'>, opts: Partial<ProbeOptions> = {}, credentials?: TurnCredentials): Promise<ProbeResult> {
  const full: ProbeSpec = { id: `${spec.kind}:test`, role: 'media', label: `${spec.kind} test`, timeoutMs: opts.timeoutMs ?? TIMEOUT, ...spec };
  const t0 = performance.now();
  const { results } = await runProbes([full], { ...options, ...opts }, credentials ? { credentials } : {});
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < full.timeoutMs + 400, `${full.label} took ${Math.round(elapsed)} ms, over its ${full.timeoutMs} ms timeout`);
  assert.equal(results.length, 1);
  return results[0]!;
}

const lab = new Lab();
after(() => lab.close());

describe('TCP', () => {
  test('an open port connects', async () => {
    const port = await lab.silentTcp();
    const r = await probe({ kind: 'tcp', host: '127.0.0.1', port });
    assert.equal(r.status, 'pass');
    assert.equal(r.evidence.address, '127.0.0.1');
  });
  test('a closed port is refused (RST), fast', async () => {
    const port = await lab.closedPort();
    const r = await probe({ kind: 'tcp', host: '127.0.0.1', port });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'refused');
    assert.ok(r.durationMs < 500);
  });
  test('a port that never accepts is dropped, at the timeout', async () => {
    const port = await lab.droppingPort();
    const r = await probe({ kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 600 }, { timeoutMs: 600 });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'dropped');
    assert.match(r.summary, /dropped/);
    assert.ok(r.durationMs >= 550);
  });
});

describe('DNS', () => {
  test('localhost resolves from the hosts file', async () => {
    const r = await probe({ kind: 'dns', host: 'localhost', role: 'environment' });
    assert.equal(r.status, 'pass');
    assert.ok((r.evidence.addresses as string[]).length > 0);
  });
  test('NXDOMAIN, REFUSED and a 0.0.0.0 sinkhole are told apart', async () => {
    const nx = await lab.dns('NXDOMAIN');
    const refused = await lab.dns('REFUSED');
    const sink = await lab.dns('0.0.0.0');
    const priv = await lab.dns('10.1.2.3');
    const ask = (port: number, allowPrivateAddresses = false): Promise<ProbeResult> =>
      probe({ kind: 'dns', host: 'api.opentok.com', role: 'environment' }, { dnsServers: [`127.0.0.1:${port}`], allowPrivateAddresses });
    const a = await ask(nx);
    assert.equal(a.cause, 'nxdomain');
    assert.equal(a.status, 'fail');
    assert.equal((await ask(refused)).cause, 'dns-refused');
    const s = await ask(sink);
    assert.equal(s.cause, 'sinkhole');
    assert.match(s.summary, /0\.0\.0\.0/);
    assert.equal((await ask(priv)).cause, 'sinkhole');
    assert.equal((await ask(priv, true)).status, 'pass', 'a private deployment may answer with private addresses');
  });
  test('a resolver that never answers times out', async () => {
    const port = await lab.udpTurn({ mode: 'silent' });
    const r = await probe({ kind: 'dns', host: 'api.opentok.com', role: 'environment' }, { dnsServers: [`127.0.0.1:${port.port}`], timeoutMs: 600 });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'dns-timeout');
  });
});

describe('TLS', () => {
  test('a certificate from the trusted test CA passes, with protocol and issuer', async () => {
    const port = await lab.https({ upgrade: 'accept' });
    const r = await probe({ kind: 'tls', host: 'localhost', port });
    assert.equal(r.status, 'pass', r.summary);
    assert.match(String(r.evidence.protocol), /^TLSv1\.[23]$/);
    assert.match(String(r.evidence.issuer), /Readiness Test Root CA/);
  });
  test('a certificate from another CA is interception, naming the issuer', async () => {
    const port = await lab.https({ cert: INTERCEPT_CERT, upgrade: 'accept' });
    const r = await probe({ kind: 'tls', host: 'localhost', port });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'tls-interception');
    assert.equal(r.evidence.issuer, 'Corporate Inspection CA (Example Corp)');
    assert.match(r.summary, /Corporate Inspection CA/);
  });
  test('a trusted chain from an unexpected issuer is interception too', async () => {
    const port = await lab.https({ upgrade: 'accept' });
    const r = await probe({ kind: 'tls', host: 'localhost', port }, { expectedIssuers: ['GoDaddy'] });
    assert.equal(r.cause, 'tls-interception');
    assert.match(r.summary, /not by the expected CA \(GoDaddy\)/);
  });
  test('a TLS-inspecting proxy is caught through CONNECT', async () => {
    const target = await lab.https({ upgrade: 'accept' });
    const proxy = await lab.proxy('inspect');
    const r = await probe({ kind: 'tls', host: 'localhost', port: target, viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(r.cause, 'tls-interception');
    assert.equal(r.evidence.issuer, 'Corporate Inspection CA (Example Corp)');
    assert.deepEqual(proxy.connects, [`localhost:${target}`]);
  });
  test('a server that never finishes the handshake fails at the timeout', async () => {
    const port = await lab.silentTcp();
    const r = await probe({ kind: 'tls', host: 'localhost', port, timeoutMs: 700 }, { timeoutMs: 700 });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'tls-handshake');
    assert.ok(r.durationMs >= 650);
  });
});

describe('HTTPS, WebSocket and proxies', () => {
  let https: number;
  let refusing: number;
  before(async () => {
    https = await lab.https({ upgrade: 'accept' });
    refusing = await lab.https({ upgrade: 'refuse' });
  });
  test('any HTTP answer proves reachability', async () => {
    const r = await probe({ kind: 'https', role: 'api', url: `https://localhost:${https}/nothing-here` });
    assert.equal(r.status, 'pass');
    assert.equal(r.evidence.status, 404);
  });
  test('through an open CONNECT proxy', async () => {
    const proxy = await lab.proxy('open');
    const r = await probe({ kind: 'https', role: 'api', url: `https://localhost:${https}/`, viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(r.status, 'pass', r.summary);
    assert.equal(r.evidence.viaProxy, true);
  });
  test('a proxy answering 407 is fatal for WebRTC', async () => {
    const proxy = await lab.proxy('auth');
    const r = await probe({ kind: 'https', role: 'api', url: `https://localhost:${https}/`, viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'proxy-auth-required');
    assert.equal(r.requirementId, 'proxy-no-auth');
    assert.equal(r.evidence.proxyAuthenticate, 'Basic');
    const p = await probe({ kind: 'proxy', role: 'environment', host: 'localhost', port: https, viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(p.cause, 'proxy-auth-required');
    const c = await probe({ kind: 'certificate-status', role: 'certificate-status', url: 'http://ocsp.example.test/', viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(c.cause, 'proxy-auth-required');
  });
  test('the certificate-status check goes through a proxy in absolute form', async () => {
    const proxy = await lab.proxy('open');
    const r = await probe({ kind: 'certificate-status', role: 'certificate-status', url: 'http://ocsp.example.test/', viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(r.status, 'pass', r.summary);
  });
  test('a body that streams forever does not hold the probe', async () => {
    const r = await probe({ kind: 'https', role: 'api', url: `https://localhost:${https}/stream` });
    assert.equal(r.status, 'pass');
    assert.ok(r.durationMs < 1000);
  });
  test('a head that never ends is malformed after 64 KiB', async () => {
    const r = await probe({ kind: 'https', role: 'api', url: `https://localhost:${https}/endless-head` });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'malformed-response');
  });
  test('the WebSocket upgrade is accepted (101 with the right accept key) or refused', async () => {
    const ok = await probe({ kind: 'websocket', role: 'signalling', url: `wss://localhost:${https}/ws` });
    assert.equal(ok.status, 'pass', ok.summary);
    assert.equal(ok.evidence.status, 101);
    const no = await probe({ kind: 'websocket', role: 'signalling', url: `wss://localhost:${refusing}/ws` });
    assert.equal(no.status, 'warn');
    assert.equal(no.cause, 'upgrade-refused');
    assert.match(no.summary, /403/);
  });
  test('a plain ws:// upgrade refused by the proxy is reported as the proxy\'s', async () => {
    const proxy = await lab.proxy('open');
    const r = await probe({ kind: 'websocket', role: 'signalling', url: 'ws://signal.example.test/', viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'upgrade-refused');
    assert.match(r.summary, /by the proxy/);
  });
  test('the throughput check measures a streaming body for its time and stops', async () => {
    const r = await probe({ kind: 'throughput', role: 'bandwidth', url: `https://localhost:${https}/stream`, timeoutMs: 3000 }, { throughputSeconds: 1 });
    assert.equal(r.status, 'pass', r.summary);
    assert.ok(Number(r.evidence.kbps) > 1000);
    assert.ok(r.durationMs < 1800);
  });
});

describe('STUN', () => {
  test('a Binding gives the mapped address, RTT and no NAT on loopback', async () => {
    const s = await lab.udpTurn({ mode: 'ok' });
    const r = await probe({ kind: 'stun', host: '127.0.0.1', port: s.port });
    assert.equal(r.status, 'pass', r.summary);
    assert.match(String(r.evidence.mappedAddress), /^127\.0\.0\.1:\d+$/);
    assert.equal(r.evidence.nat, false);
    assert.equal(r.evidence.transmissions, 1);
  });
  test('lost requests are retransmitted on the RFC 8489 schedule', async () => {
    const s = await lab.udpTurn({ mode: 'ok', dropFirst: 2 });
    const r = await probe({ kind: 'stun', host: '127.0.0.1', port: s.port });
    assert.equal(r.status, 'pass');
    assert.equal(r.evidence.transmissions, 3);
    assert.ok(r.durationMs >= 140, 'sent at 0, 50 and 150 ms');
  });
  test('garbage and truncated answers are malformed, not a pass', async () => {
    for (const mode of ['garbage', 'truncated'] as const) {
      const s = await lab.udpTurn({ mode });
      const r = await probe({ kind: 'stun', host: '127.0.0.1', port: s.port, timeoutMs: 700 }, { timeoutMs: 700 });
      assert.equal(r.status, 'fail', mode);
      assert.equal(r.cause, 'malformed-response', mode);
    }
  });
  test('silence is a drop; a closed port answers ICMP unreachable', async () => {
    const s = await lab.udpTurn({ mode: 'silent' });
    const dropped = await probe({ kind: 'stun', host: '127.0.0.1', port: s.port, timeoutMs: 700 }, { timeoutMs: 700 });
    assert.equal(dropped.cause, 'no-response');
    assert.match(dropped.summary, /dropped/);
    const closed = await probe({ kind: 'stun', host: '127.0.0.1', port: await lab.closedUdpPort() });
    assert.equal(closed.cause, 'refused');
    assert.ok(closed.durationMs < 700);
  });
});

describe('TURN', () => {
  const creds: TurnCredentials = { username: 'alice', credential: 'wonderland-secret' };
  const users = { alice: 'wonderland-secret' };
  test('without credentials, 401 with REALM and NONCE proves reachability over UDP, TCP and TLS', async () => {
    const udp = await lab.udpTurn({ mode: 'ok', users });
    const tcp = await lab.tcpTurn({ mode: 'ok', users });
    const tls = await lab.tlsTurn({ mode: 'ok', users });
    for (const [transport, port] of [['udp', udp.port], ['tcp', tcp.port], ['tls', tls.port]] as const) {
      const r = await probe({ kind: 'turn', host: transport === 'tls' ? 'localhost' : '127.0.0.1', port, transport });
      assert.equal(r.status, 'pass', `${transport}: ${r.summary}`);
      assert.equal(r.evidence.realm, 'readiness.test');
      assert.match(r.summary, /401 with REALM and NONCE/);
    }
  });
  test('with the customer\'s credentials a relay is allocated, then released with LIFETIME 0', async () => {
    const servers = [
      ['udp', await lab.udpTurn({ mode: 'ok', users })],
      ['tcp', await lab.tcpTurn({ mode: 'ok', users })],
      ['tls', await lab.tlsTurn({ mode: 'ok', users })],
    ] as const;
    for (const [transport, s] of servers) {
      const host = transport === 'tls' ? 'localhost' : '127.0.0.1';
      const r = await probe({ kind: 'turn', host, port: s.port, transport, requirementId: 'custom-turn-reachable' }, {}, creds);
      assert.equal(r.status, 'pass', `${transport}: ${r.summary}`);
      assert.equal(r.evidence.allocated, true);
      assert.equal(r.evidence.integrityVerified, true);
      assert.equal(r.evidence.released, true);
      assert.match(String(r.evidence.relayedAddress), /^127\.0\.0\.1:\d+$/);
      assert.equal(s.stats.allocations, 1, transport);
      assert.equal(s.stats.released, 1, transport);
      assert.deepEqual([...new Set(s.stats.usernames)], ['alice']);
      assert.ok(!JSON.stringify(r).includes(creds.credential));
    }
  });
  test('wrong credentials are named as such', async () => {
    const s = await lab.udpTurn({ mode: 'ok', users: { alice: 'other' } });
    const r = await probe({ kind: 'turn', host: '127.0.0.1', port: s.port, transport: 'udp', requirementId: 'custom-turn-reachable' }, {}, creds);
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'turn-auth-failed');
    assert.equal(s.stats.allocations, 0);
  });
  test('TURN over TCP through an HTTP CONNECT proxy', async () => {
    const tcp = await lab.tcpTurn({ mode: 'ok', users });
    const proxy = await lab.proxy('open');
    const r = await probe({ kind: 'turn', host: '127.0.0.1', port: tcp.port, transport: 'tcp', viaProxy: `http://127.0.0.1:${proxy.port}` });
    assert.equal(r.status, 'pass', r.summary);
    assert.match(r.summary, /through the proxy/);
    assert.deepEqual(proxy.connects, [`127.0.0.1:${tcp.port}`]);
  });
  test('hostile TURN servers: garbage, truncated and a 401 without REALM', async () => {
    const cases = [
      ['udp', await lab.udpTurn({ mode: 'garbage' })],
      ['tcp', await lab.tcpTurn({ mode: 'garbage' })],
      ['tcp', await lab.tcpTurn({ mode: 'truncated' })],
      ['tls', await lab.tlsTurn({ mode: 'truncated' })],
      ['udp', await lab.udpTurn({ mode: 'no-realm' })],
    ] as const;
    for (const [transport, s] of cases) {
      const r = await probe({ kind: 'turn', host: transport === 'tls' ? 'localhost' : '127.0.0.1', port: s.port, transport, timeoutMs: 700 }, { timeoutMs: 700 });
      assert.equal(r.status, 'fail', `${transport}: ${r.summary}`);
      assert.equal(r.cause, 'malformed-response', `${transport}: ${r.summary}`);
    }
  });
  test('a TURN/TLS server that never finishes the handshake fails within the timeout', async () => {
    const port = await lab.silentTcp();
    const r = await probe({ kind: 'turn', host: 'localhost', port, transport: 'tls', timeoutMs: 600 }, { timeoutMs: 600 });
    assert.equal(r.status, 'fail');
    assert.equal(r.cause, 'tls-handshake');
  });
});

describe('quality burst', () => {
  test('over UDP: loss, RTT percentiles, jitter and MOS', async () => {
    const s = await lab.udpTurn({ mode: 'ok' });
    const r = await probe({ kind: 'quality', host: '127.0.0.1', port: s.port, timeoutMs: 3000 });
    assert.equal(r.status, 'pass', r.summary);
    assert.equal(r.evidence.transport, 'udp');
    assert.equal(r.evidence.lossPercent, 0);
    assert.equal(r.samples?.length, 20);
    assert.ok(Number(r.evidence.mos) > 4.3);
  });
  test('half the answers lost: poor quality', async () => {
    const s = await lab.udpTurn({ mode: 'lossy' });
    const r = await probe({ kind: 'quality', host: '127.0.0.1', port: s.port, timeoutMs: 3000 }, { timeoutMs: 800 });
    assert.equal(r.status, 'warn');
    assert.equal(r.cause, 'poor-quality');
    assert.equal(r.evidence.lossPercent, 50);
    assert.ok(Number(r.evidence.mos) < 3);
  });
  test('UDP silent: the burst falls back to TCP to a TURN server', async () => {
    const silent = await lab.udpTurn({ mode: 'silent' });
    const tcp = await lab.tcpTurn({ mode: 'ok' });
    const targets = { ...options.targets, turn: [{ host: '127.0.0.1', port: tcp.port, transport: 'tcp' as const }] };
    const r = await probe({ kind: 'quality', host: '127.0.0.1', port: silent.port, timeoutMs: 4000 }, { targets, timeoutMs: 800 });
    assert.equal(r.status, 'pass', r.summary);
    assert.equal(r.evidence.transport, 'tcp');
    assert.match(r.summary, /UDP: no UDP answer/);
  });
});

describe('environment and cancellation', () => {
  test('the environment names the proxy without its password, the resolvers, and warns about a PAC file', async () => {
    const spec: ProbeSpec = { id: 'environment', kind: 'environment', role: 'environment', label: 'Environment', timeoutMs: TIMEOUT };
    const env = { HTTPS_PROXY: 'http://bob:hunter2@proxy.example:3128', NO_PROXY: 'localhost' };
    const { results } = await runProbes([spec], { ...options, pacUrl: 'http://wpad.example/proxy.pac' }, { env, hostEnvironment: { 'vscode http.proxy': 'http://carol:pw@vs.example:8080' } });
    const r = results[0]!;
    assert.equal(r.status, 'warn');
    assert.equal(r.requirementId, 'pac-ios');
    assert.equal(r.evidence.HTTPS_PROXY, 'http://proxy.example:3128');
    assert.equal(r.evidence['vscode http.proxy'], 'http://vs.example:8080');
    assert.ok(Array.isArray(r.evidence.dnsServers));
    assert.ok(!JSON.stringify(r).includes('hunter2') && !JSON.stringify(r).includes(':pw@'));
  });
  test('aborting the run ends a probe waiting on silence at once', async () => {
    const s = await lab.udpTurn({ mode: 'silent' });
    const ac = new AbortController();
    const spec: ProbeSpec = { id: 'stun', kind: 'stun', role: 'media', label: 'STUN', host: '127.0.0.1', port: s.port, timeoutMs: 10000 };
    setTimeout(() => ac.abort(), 100);
    const t0 = performance.now();
    const { results, cancelled } = await runProbes([spec], { ...options, timeoutMs: 10000 }, { signal: ac.signal });
    assert.ok(performance.now() - t0 < 500);
    assert.equal(cancelled, true);
    assert.equal(results[0]?.status, 'skipped');
    assert.equal(results[0]?.cause, 'cancelled');
  });
});
