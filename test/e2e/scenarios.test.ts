// The probe in simulated corporate networks: the real CLI runs in a client network
// namespace against coturn, Squid, dnsmasq and an HTTPS/WebSocket stand-in in a "cloud"
// namespace, and each scenario must give its verdict and name its cause.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { HOSTS } from './lib/cloud';
import { run } from './lib/exec';
import { e2eOrSkip, missingPrerequisites } from './lib/prereq';
import { resultsOf, runProbeIn, type ProbeRun } from './lib/probe-run';
import { scenario, type ScenarioName } from './lib/scenarios';
import { MEDIA_STUN_PORT } from './lib/topology';
import { startWorld, type World } from './lib/world';

describe('probe in simulated networks', () => {
  let world: World | undefined;
  before(async () => {
    if (missingPrerequisites() === undefined) world = await startWorld();
  });
  after(async () => {
    const names = world ? [world.clientNs, world.cloudNs] : [];
    await world?.stop();
    const left = run('ip', ['netns', 'list']).stdout;
    for (const n of names) assert.ok(!left.includes(n), `namespace ${n} left behind`);
  });

  const stderrOf = new Map<ScenarioName, string>();
  const probe = async (t: TestContext, name: ScenarioName): Promise<ProbeRun | undefined> => {
    if (!e2eOrSkip(t) || !world) return undefined;
    const r = await runProbeIn(world, scenario(world, name));
    stderrOf.set(name, r.stderr);
    t.diagnostic(`${name}: ${r.report.verdict.headline} (${r.wallMs} ms)`);
    // Every probe has a timeout (2 s here): a run that hangs is a failure whatever its verdict.
    assert.ok(r.wallMs < 20_000, `${name} took ${r.wallMs} ms\n${r.explain}`);
    return r;
  };
  const failed = (r: ProbeRun, pick: (x: ProbeRun['report']['results'][number]) => boolean): ProbeRun['report']['results'] =>
    resultsOf(r.report, (x) => pick(x) && x.status === 'fail');

  test('open network: full quality over UDP, direct media', async (t) => {
    const r = await probe(t, 'open');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    assert.equal(r.report.verdict.path, 'udp-direct', r.explain);
    assert.match(r.report.verdict.headline, /full quality over UDP \(direct media\)/);
    assert.equal(r.exitCode, 0, r.explain);
    assert.deepEqual(failed(r, () => true).map((x) => x.label), [], r.explain);
    // The TURN servers answered an unauthenticated Allocate (401 with realm and nonce, RFC 8656 §7.2) over every transport.
    const turns = resultsOf(r.report, (x) => x.kind === 'turn');
    assert.equal(turns.length, 4, r.explain);
    assert.ok(turns.every((x) => x.status === 'pass'), r.explain);
    // The certificate chain ends in the (trusted) test CA: no interception is reported.
    const tls = resultsOf(r.report, (x) => x.kind === 'tls' && x.label.includes(HOSTS.api));
    assert.equal(tls[0]?.status, 'pass', r.explain);
    assert.ok(String(tls[0]?.evidence.issuer).includes(world!.ca.name), r.explain);
  });

  test('all UDP dropped: works only relayed over TURN TLS 443', async (t) => {
    const r = await probe(t, 'udp-dropped');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'degraded', r.explain);
    assert.equal(r.report.verdict.path, 'turn-tls', r.explain);
    assert.match(r.report.verdict.headline, /works only relayed over TURN TLS 443.*UDP is blocked/);
    assert.equal(r.exitCode, 1);
    const stun = resultsOf(r.report, (x) => x.kind === 'stun');
    assert.ok(stun.length === 2 && stun.every((x) => x.status === 'fail' && ['timeout', 'no-response', 'dropped'].includes(x.cause ?? '')), r.explain);
    assert.equal(resultsOf(r.report, (x) => x.kind === 'turn' && x.evidence.transport === 'udp')[0]?.status, 'fail', r.explain);
    assert.equal(resultsOf(r.report, (x) => x.kind === 'turn' && x.evidence.transport === 'tls')[0]?.status, 'pass', r.explain);
  });

  test('UDP 3478 open, high UDP ports dropped: relayed through TURN on UDP 3478, media range named', async (t) => {
    const r = await probe(t, 'udp-high-dropped');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    assert.equal(r.report.verdict.path, 'turn-udp', r.explain);
    assert.match(r.report.verdict.headline, /relayed through TURN on UDP 3478; direct UDP to the media ports \(1025-65535\) is blocked/);
    const media = resultsOf(r.report, (x) => x.kind === 'stun' && x.label.includes(`:${MEDIA_STUN_PORT}`));
    assert.equal(media[0]?.status, 'fail', r.explain);
    assert.equal(media[0]?.requirementId, 'udp-media-range', r.explain);
    assert.equal(resultsOf(r.report, (x) => x.kind === 'stun' && x.label.includes(':3478'))[0]?.status, 'pass', r.explain);
  });

  test('only TCP 443 through a proxy: relayed over TURN TLS 443 through the proxy', async (t) => {
    const r = await probe(t, 'proxy-only');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'degraded', r.explain);
    assert.equal(r.report.verdict.path, 'turn-tls', r.explain);
    assert.equal(r.report.verdict.viaProxy, true, r.explain);
    assert.match(r.report.verdict.headline, /works only relayed over TURN TLS 443 through the proxy/);
    const https = resultsOf(r.report, (x) => x.kind === 'https' || x.kind === 'websocket');
    assert.ok(https.length >= 3 && https.every((x) => x.status === 'pass'), r.explain);
    // Direct TCP is dropped by the firewall; the probe tells that apart from a refusal.
    const direct = resultsOf(r.report, (x) => x.kind === 'tcp' && x.label.includes(`${HOSTS.api}:443`));
    assert.equal(direct[0]?.status, 'fail', r.explain);
    assert.ok(['dropped', 'timeout'].includes(direct[0]?.cause ?? ''), r.explain);
  });

  test('proxy requiring authentication: 407 is fatal for WebRTC', async (t) => {
    const r = await probe(t, 'proxy-auth');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /proxy requires authentication \(HTTP 407\)/);
    assert.ok(resultsOf(r.report, (x) => x.cause === 'proxy-auth-required').length > 0, r.explain);
    const problem = r.report.verdict.problems.find((p) => p.requirementId === 'proxy-no-auth');
    assert.ok(problem, r.explain);
    assert.equal(r.exitCode, 1);
  });

  test('TLS interception by a proxy with its own CA: the issuer is named', async (t) => {
    const r = await probe(t, 'tls-interception');
    if (!r || !world) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.ok(r.report.verdict.headline.includes(`intercepted by "${world.mitmCa.name}`), r.explain);
    const intercepted = resultsOf(r.report, (x) => x.cause === 'tls-interception');
    assert.ok(intercepted.length > 0, r.explain);
    assert.ok(intercepted.every((x) => String(x.evidence.issuer).includes(world!.mitmCa.name)), r.explain);
    assert.ok(r.report.verdict.problems.some((p) => p.requirementId === 'no-tls-inspection'), r.explain);
    // The bumping proxy answers the WebSocket upgrade itself, with a plain 200: reported as a refused upgrade.
    const ws = resultsOf(r.report, (x) => x.kind === 'websocket');
    assert.equal(ws[0]?.cause, 'upgrade-refused', r.explain);
  });

  test('DNS refusing the platform names (NXDOMAIN from the system resolver): blocked, names do not resolve', async (t) => {
    const r = await probe(t, 'dns-nxdomain');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /names do not resolve \(nxdomain\)/);
    const dns = resultsOf(r.report, (x) => x.kind === 'dns' && x.label.includes(HOSTS.api));
    assert.equal(dns[0]?.cause, 'nxdomain', r.explain);
  });

  test('DNS sinkhole (0.0.0.0) for the platform names: blocked, sinkhole named', async (t) => {
    const r = await probe(t, 'dns-sinkhole');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /names do not resolve \(sinkhole\)/);
    const dns = resultsOf(r.report, (x) => x.kind === 'dns' && x.label.includes(HOSTS.logging));
    assert.equal(dns[0]?.cause, 'sinkhole', r.explain);
    assert.deepEqual(dns[0]?.evidence.addresses, ['0.0.0.0'], r.explain);
  });

  test('custom TURN only, right credentials: a full allocation relays media', async (t) => {
    const r = await probe(t, 'custom-turn-right');
    if (!r || !world) return;
    assert.equal(r.report.verdict.path, 'turn-udp', r.explain);
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    const custom = resultsOf(r.report, (x) => x.kind === 'turn' && x.requirementId === 'custom-turn-reachable');
    assert.equal(custom.length, 3, r.explain);
    assert.ok(custom.every((x) => x.status === 'pass'), r.explain);
    // The credentials never appear in the report.
    const text = JSON.stringify(r.report);
    assert.ok(!text.includes(world.turnPassword), 'the TURN password leaked into the report');
  });

  test('custom TURN only, wrong credentials: blocked, the server refuses them', async (t) => {
    const r = await probe(t, 'custom-turn-wrong');
    if (!r || !world) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.equal(r.report.verdict.path, 'none', r.explain);
    assert.match(r.report.verdict.headline, /no custom TURN server gives a relay/);
    const custom = resultsOf(r.report, (x) => x.kind === 'turn' && x.requirementId === 'custom-turn-reachable');
    assert.ok(custom.length === 3 && custom.every((x) => x.cause === 'turn-auth-failed'), r.explain);
    assert.ok(!JSON.stringify(r.report).includes(world.turnPassword), 'the TURN password leaked into the report');
  });

  test('in JSON mode the CLI prints the report and nothing else: no warning on stderr in any scenario', (t) => {
    if (!e2eOrSkip(t) || !world) return;
    assert.ok(stderrOf.size > 0, 'no scenario ran');
    const noisy = [...stderrOf].filter(([, err]) => err.trim() !== '').map(([n, err]) => `${n}: ${err.trim().split('\n')[0]}`);
    assert.deepEqual(noisy, []);
  });
});
