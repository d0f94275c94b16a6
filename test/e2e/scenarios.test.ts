// The probe in simulated corporate networks: the real CLI runs in a client network
// namespace against coturn, Squid, dnsmasq and an HTTPS/WebSocket stand-in in a "cloud"
// namespace, behind the scenario's perimeter firewall, and each scenario must give its
// verdict and name its cause, with the evidence that proves it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { HOSTS, TURN_REALM } from './lib/cloud';
import { run } from './lib/exec';
import { e2eOrSkip, missingPrerequisites } from './lib/prereq';
import { explain, resultsOf, runCliIn, runProbeIn, runWithLeftovers, type ProbeRun } from './lib/probe-run';
import { enterScenario, probeArgv, probeEnv, scenario, type ScenarioName } from './lib/scenarios';
import { MEDIA_STUN_PORT, NET, TCP_CAUSE_PORTS } from './lib/topology';
import { delayOptions, startUdpDelay, type UdpDelayReport } from './lib/udp-delay';
import { startWorld, type World } from './lib/world';

type Result = ProbeRun['report']['results'][number];

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
  const probe = async (t: TestContext, name: ScenarioName, extra: readonly string[] = []): Promise<ProbeRun | undefined> => {
    if (!e2eOrSkip(t) || !world) return undefined;
    const r = await runProbeIn(world, scenario(world, name), extra);
    stderrOf.set(name, r.stderr);
    t.diagnostic(`${name}: ${r.report.verdict.headline} (${r.wallMs} ms)`);
    // Every probe has a timeout (2 s here): a run that hangs is a failure whatever its verdict.
    assert.ok(r.wallMs < 20_000, `${name} took ${r.wallMs} ms\n${r.explain}`);
    const budget = new Map(r.report.specs.map((s) => [s.id, s.timeoutMs]));
    assert.equal(r.report.results.length, r.report.specs.length, r.explain);
    for (const x of r.report.results) {
      assert.ok(x.durationMs <= budget.get(x.id)! + 500, `${x.label} took ${x.durationMs} ms, over its ${budget.get(x.id)} ms budget\n${r.explain}`);
      assert.notEqual(x.cause, 'internal', `${x.label} threw: ${x.summary}`);
    }
    // The process ends as soon as its report is written: no socket or timer keeps it alive.
    assert.ok(r.wallMs - r.report.durationMs < 3000, `${name}: the CLI ran ${Math.round(r.wallMs - r.report.durationMs)} ms beyond its probes`);
    return r;
  };
  const failed = (r: ProbeRun, pick: (x: Result) => boolean): Result[] => resultsOf(r.report, (x) => pick(x) && x.status === 'fail');
  const one = (r: ProbeRun, pick: (x: Result) => boolean): Result => {
    const found = resultsOf(r.report, pick);
    assert.equal(found.length, 1, r.explain);
    return found[0]!;
  };

  test('open network: full quality over UDP, direct media, every probe with its evidence', async (t) => {
    const r = await probe(t, 'open');
    if (!r || !world) return;
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    assert.equal(r.report.verdict.path, 'udp-direct', r.explain);
    assert.match(r.report.verdict.headline, /full quality over UDP \(direct media\)/);
    assert.equal(r.exitCode, 0, r.explain);
    assert.deepEqual(failed(r, () => true).map((x) => x.label), [], r.explain);
    // Environment: the resolver in use and the client's own address.
    const env = one(r, (x) => x.kind === 'environment');
    assert.deepEqual(env.evidence.dnsServers, [NET.dns], r.explain);
    assert.ok((env.evidence.localAddresses as string[]).some((a) => a.endsWith(` ${NET.client}`)), r.explain);
    // DNS: every name with its address and time.
    const api = one(r, (x) => x.kind === 'dns' && x.label === `DNS ${HOSTS.api}`);
    assert.deepEqual(api.evidence.addresses, [NET.web]);
    assert.equal(typeof api.evidence.timeMs, 'number');
    // STUN Binding over UDP (RFC 8489): answered at the first transmission, the mapped address is ours (no NAT).
    for (const s of resultsOf(r.report, (x) => x.kind === 'stun')) {
      assert.equal(s.evidence.transmissions, 1, r.explain);
      assert.match(String(s.evidence.mappedAddress), new RegExp(`^${NET.client.replace(/\./g, '\\.')}:\\d+$`), r.explain);
      assert.equal(s.evidence.nat, false, r.explain);
    }
    // TURN: every transport answered an unauthenticated Allocate 401 with REALM and NONCE (RFC 8656 §7.2).
    const turns = resultsOf(r.report, (x) => x.kind === 'turn');
    assert.deepEqual(turns.map((x) => x.evidence.transport).sort(), ['tcp', 'tls', 'tls', 'udp'], r.explain);
    for (const x of turns) {
      assert.equal(x.status, 'pass', r.explain);
      assert.equal(x.evidence.realm, TURN_REALM, r.explain);
    }
    // TLS: the chain ends in the (trusted) test CA: no interception is reported; version and chain are shown.
    const tls = one(r, (x) => x.kind === 'tls' && x.label.includes(`${HOSTS.api}:443`));
    assert.equal(tls.status, 'pass', r.explain);
    assert.ok(String(tls.evidence.issuer).includes(world.ca.name), r.explain);
    assert.match(String(tls.evidence.protocol), /^TLSv1\.[23]$/);
    assert.ok((tls.evidence.chain as string[]).some((c) => c.includes(world!.ca.name)), r.explain);
    // The seeds' certificate-status hosts (OCSP, CRL) over plain HTTP.
    const cs = resultsOf(r.report, (x) => x.kind === 'certificate-status');
    assert.deepEqual(cs.map((x) => [x.status, x.requirementId]), [['pass', 'certificate-status'], ['pass', 'certificate-status']], r.explain);
    // The quality burst: 25 requests, none lost, percentiles, jitter and an E-model MOS.
    const q = one(r, (x) => x.kind === 'quality');
    // On a quiet machine the burst passes; on a loaded one it may not be judged, and then says why (never "poor").
    if (q.status === 'unknown') assert.ok(Number(q.evidence.localDelayMs) >= 10 && /too busy to time/.test(q.summary), r.explain);
    else assert.equal(q.status, 'pass', r.explain);
    assert.equal(q.evidence.transport, 'udp');
    assert.equal(q.evidence.sent, 25);
    assert.equal(q.evidence.received, 25);
    assert.equal(q.evidence.lossPercent, 0);
    assert.ok(Number(q.evidence.rttP50) <= Number(q.evidence.rttP95), r.explain);
    assert.equal(typeof q.evidence.jitterMs, 'number');
    assert.equal(typeof q.evidence.localDelayMs, 'number');
    if (q.status === 'pass') assert.ok(Number(q.evidence.mos) > 4, r.explain);
    assert.equal(q.samples?.length, 25);
    // The optional throughput check against the endless body: far above seed 002's 1,000 kb/s.
    const th = one(r, (x) => x.kind === 'throughput');
    assert.equal(th.status, 'pass', r.explain);
    assert.ok(Number(th.evidence.kbps) > 1000, r.explain);
  });

  test('all UDP dropped: works only relayed over TURN TLS 443; fixes cite the seed; the linted file is reconciled', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    // The firewall file the admin believes is deployed: it allows UDP 3478 and TCP 443.
    const rules = join(world.dir, 'egress.rules');
    writeFileSync(rules, ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]', '-A OUTPUT -p udp --dport 3478 -j ACCEPT', '-A OUTPUT -p tcp --dport 443 -j ACCEPT', 'COMMIT', ''].join('\n'));
    const r = await probe(t, 'udp-dropped', ['--lint', rules]);
    if (!r) return;
    assert.equal(r.report.verdict.level, 'degraded', r.explain);
    assert.equal(r.report.verdict.path, 'turn-tls', r.explain);
    assert.match(r.report.verdict.headline, /works only relayed over TURN TLS 443.*UDP is blocked/);
    assert.equal(r.exitCode, 1);
    // STUN is retransmitted on the RFC 8489 schedule (RTO 250 ms, doubling: sends at 0, 250, 750, 1750 ms) until the 2 s timeout.
    const stun = resultsOf(r.report, (x) => x.kind === 'stun');
    assert.equal(stun.length, 2, r.explain);
    for (const x of stun) {
      assert.equal(x.status, 'fail', r.explain);
      assert.equal(x.cause, 'no-response', r.explain);
      const at = x.evidence.sendTimesMs as number[];
      assert.equal(x.evidence.transmissions, at.length, r.explain);
      // Four fit when the lookup before the first send is quick; never fewer than three.
      assert.ok(at.length === 4 || at.length === 3, `${x.label}: sent at ${at.join(', ')} ms`);
      // Each retransmission waits the RTO, doubling, after the one before (a late timer may add a little, never take).
      for (let i = 1; i < at.length; i++) {
        const gap = at[i]! - at[i - 1]!;
        const want = 250 * 2 ** (i - 1);
        assert.ok(gap >= want - 5 && gap <= want + 150, `${x.label}: sent at ${at.join(', ')} ms, not the RFC 8489 schedule`);
      }
    }
    assert.equal(one(r, (x) => x.kind === 'turn' && x.evidence.transport === 'udp').cause, 'no-response', r.explain);
    assert.equal(one(r, (x) => x.kind === 'turn' && x.evidence.transport === 'tls' && x.label.includes(':443')).status, 'pass', r.explain);
    // Quality is measured over TCP instead when UDP is silent.
    const q = one(r, (x) => x.kind === 'quality');
    if (q.status === 'unknown') assert.ok(Number(q.evidence.localDelayMs) >= 10 && /too busy to time/.test(q.summary), r.explain);
    else assert.equal(q.status, 'pass', r.explain);
    assert.equal(q.evidence.transport, 'tcp', r.explain);
    assert.equal(q.evidence.received, 25, r.explain);
    // Each failed check is tied to its requirement, the seed it rests on, and a fix in the linter's formats.
    const udp = r.report.verdict.problems.find((p) => p.requirementId === 'udp-3478');
    assert.ok(udp, r.explain);
    assert.equal(udp.citation?.source, '000_8a5580ce9dd0cbe9.txt');
    assert.ok(udp.remediation?.snippets.some((s) => s.format === 'iptables' && s.code.includes(`-A OUTPUT -p udp -d ${NET.turn} --dport 3478`)), JSON.stringify(udp));
    assert.ok(udp.remediation?.snippets.some((s) => s.format === 'networkpolicy' && s.code.includes(`cidr: ${NET.turn}/32`)), JSON.stringify(udp));
    // Reconciliation: the file allows UDP 3478, the network drops it: something upstream blocks it.
    assert.ok(
      r.report.verdict.reconciliation.some((l) => l.startsWith(`${rules}:`) && /allows UDP 3478 .* was dropped: something upstream of that firewall blocks it/.test(l)),
      r.report.verdict.reconciliation.join('\n'),
    );
  });

  test('UDP dropped by the client machine\'s own firewall: seen at once (EPERM), named as local, relayed over TURN TLS 443', async (t) => {
    const r = await probe(t, 'host-udp-dropped');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'degraded', r.explain);
    assert.equal(r.report.verdict.path, 'turn-tls', r.explain);
    const stun = resultsOf(r.report, (x) => x.kind === 'stun');
    assert.equal(stun.length, 2, r.explain);
    for (const x of stun) {
      assert.equal(x.cause, 'dropped', r.explain);
      assert.equal(x.evidence.localFirewall, true, r.explain);
      assert.match(x.summary, /this machine's own firewall/);
      // No waiting for the timeout: the refusal to send is immediate.
      assert.ok(x.durationMs < 1000, r.explain);
    }
    // The quality burst measured over TCP instead, and says why UDP gave nothing.
    const q = one(r, (x) => x.kind === 'quality');
    assert.equal(q.evidence.transport, 'tcp', r.explain);
    assert.match(q.summary, /UDP: no UDP answer: this machine's own firewall blocks the datagram \(EPERM on send\)/, r.explain);
  });

  test('UDP 3478 open, high UDP ports dropped: relayed through TURN on UDP 3478, media range named', async (t) => {
    const r = await probe(t, 'udp-high-dropped');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    assert.equal(r.report.verdict.path, 'turn-udp', r.explain);
    assert.match(r.report.verdict.headline, /relayed through TURN on UDP 3478; direct UDP to the media ports \(1025-65535\) is blocked/);
    const media = one(r, (x) => x.kind === 'stun' && x.label.includes(`:${MEDIA_STUN_PORT}`));
    assert.equal(media.status, 'fail', r.explain);
    assert.equal(media.requirementId, 'udp-media-range', r.explain);
    assert.equal(one(r, (x) => x.kind === 'stun' && x.label.includes(':3478')).status, 'pass', r.explain);
    assert.ok(r.report.verdict.problems.some((p) => p.requirementId === 'udp-media-range' && p.citation?.source === '000_8a5580ce9dd0cbe9.txt'), r.explain);
  });

  test('TCP failures told apart: refused (reset), unreachable (ICMP), dropped (silence)', async (t) => {
    const r = await probe(t, 'tcp-causes');
    if (!r) return;
    const tcp = (host: string, port: number): Result => one(r, (x) => x.kind === 'tcp' && x.label === `TCP ${host}:${port}`);
    assert.equal(tcp(NET.web, 5560).cause, 'refused', r.explain);
    assert.equal(tcp(NET.hostile, TCP_CAUSE_PORTS.refused).cause, 'refused', r.explain);
    assert.equal(tcp(NET.hostile, TCP_CAUSE_PORTS.unreachable).cause, 'unreachable', r.explain);
    const dropped = tcp(NET.hostile, TCP_CAUSE_PORTS.dropped);
    assert.equal(dropped.cause, 'dropped', r.explain);
    // A reset or an ICMP error comes back at once; a drop is only known at the timeout.
    assert.ok(tcp(NET.hostile, TCP_CAUSE_PORTS.refused).durationMs < 1000, r.explain);
    assert.ok(tcp(NET.hostile, TCP_CAUSE_PORTS.unreachable).durationMs < 1000, r.explain);
    assert.ok(dropped.durationMs >= 1900, r.explain);
    // No UDP target here: the verdict does not claim UDP is blocked.
    assert.equal(r.report.verdict.level, 'unknown', r.explain);
    assert.match(r.report.verdict.headline, /UDP was not probed/);
  });

  test('lossy UDP: the STUN retransmission is answered; the burst measures the loss and a low MOS; slow throughput warns', async (t) => {
    const r = await probe(t, 'udp-lossy');
    if (!r) return;
    const stun = one(r, (x) => x.kind === 'stun');
    assert.equal(stun.status, 'pass', r.explain);
    assert.equal(stun.evidence.transmissions, 2, r.explain);
    // Karn: the RTT is timed from the retransmission, not from the lost first request (250 ms earlier).
    assert.ok(Number(stun.evidence.rttMs) < 200, r.explain);
    const q = one(r, (x) => x.kind === 'quality');
    assert.equal(q.status, 'warn', r.explain);
    assert.equal(q.cause, 'poor-quality', r.explain);
    assert.equal(q.evidence.transport, 'udp');
    assert.ok(Number(q.evidence.lossPercent) >= 40 && Number(q.evidence.lossPercent) <= 60, r.explain);
    assert.ok(Number(q.evidence.mos) < 3, r.explain);
    assert.equal(q.samples?.filter((s) => s < 0).length, 40 - Number(q.evidence.received));
    assert.equal(r.report.verdict.level, 'degraded', r.explain);
    assert.match(r.report.verdict.headline, /UDP works but the path is poor \(loss/);
    const th = one(r, (x) => x.kind === 'throughput');
    assert.equal(th.status, 'warn', r.explain);
    assert.equal(th.cause, 'low-bandwidth', r.explain);
    assert.ok(Number(th.evidence.kbps) > 100 && Number(th.evidence.kbps) < 1000, r.explain);
    assert.ok(r.report.verdict.problems.some((p) => p.requirementId === 'bandwidth-per-stream' && p.citation?.source === '002_33784494b4b82ab1.txt'), r.explain);
  });

  test('delayed UDP (a forwarder in front of coturn adds 150 ± 90 ms): the burst measures RTT and jitter over their limits; degraded', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    const w = world;
    const through = async (delayMs: number, jitterMs: number): Promise<{ r: ProbeRun | undefined; fwd: UdpDelayReport }> => {
      const fwd = await startUdpDelay(w.cloudNs, w.dir, delayOptions(delayMs, jitterMs));
      let r: ProbeRun | undefined;
      let report: UdpDelayReport;
      try {
        r = await probe(t, 'udp-delayed');
      } finally {
        report = await fwd.stop();
      }
      // The forwarder closed every socket and timer of its own, and was stopped, not timed out.
      assert.deepEqual(report.leftovers, [], JSON.stringify(report));
      assert.equal(report.reason, 'stopped');
      return { r, fwd: report };
    };
    const quality = (r: ProbeRun): Result => one(r, (x) => x.kind === 'quality');
    const figures = (q: Result): string => `RTT p50 ${String(q.evidence.rttP50)} ms, p95 ${String(q.evidence.rttP95)} ms, jitter ${String(q.evidence.jitterMs)} ms, MOS ${String(q.evidence.mos)}, this machine late by up to ${String(q.evidence.localDelayMs)} ms`;

    // The same path with no delay added: the forwarder itself costs next to nothing, the burst is within every limit.
    const fast = await through(0, 0);
    if (!fast.r) return;
    const q0 = quality(fast.r);
    t.diagnostic(`undelayed: ${figures(q0)}: ${fast.r.report.verdict.headline}`);
    assert.equal(q0.status, 'pass', fast.r.explain);
    assert.equal(q0.evidence.transport, 'udp', fast.r.explain);
    assert.equal(q0.evidence.address, NET.delay, fast.r.explain);
    assert.equal(q0.evidence.lossPercent, 0, fast.r.explain);
    assert.ok(Number(q0.evidence.rttP50) < 100 && Number(q0.evidence.jitterMs) < 30, fast.r.explain);
    assert.equal(fast.r.report.verdict.level, 'ready', fast.r.explain);
    assert.equal(fast.r.exitCode, 0, fast.r.explain);
    assert.ok(fast.fwd.answered >= 51, JSON.stringify(fast.fwd));

    // 150 ± 90 ms on every answer (uniform, seeded): RTT far over 100 ms, jitter (RFC 3550) over 30 ms.
    const slow = await through(150, 90);
    if (!slow.r) return;
    const r = slow.r;
    const q = quality(r);
    t.diagnostic(`delayed: ${figures(q)}: ${r.report.verdict.headline}`);
    // Every request of the burst and of the STUN Binding went through coturn and came back, late.
    assert.ok(slow.fwd.forwarded >= 51 && slow.fwd.answered >= 51 && slow.fwd.pendingAtStop === 0, JSON.stringify(slow.fwd));
    assert.ok(slow.fwd.delaysMs.every((d) => d >= 60 && d <= 240), JSON.stringify(slow.fwd.delaysMs));
    assert.equal(q.evidence.transport, 'udp', r.explain);
    assert.equal(q.evidence.address, NET.delay, r.explain);
    assert.equal(q.evidence.received, 50, r.explain);
    assert.equal(q.evidence.lossPercent, 0, r.explain);
    // Measured from the real answers: no RTT below the smallest delay the forwarder adds.
    assert.ok(q.samples?.every((s) => s >= 60), JSON.stringify(q.samples));
    assert.ok(Number(q.evidence.rttP50) >= 100 && Number(q.evidence.rttP95) >= Number(q.evidence.rttP50), r.explain);
    assert.ok(Number(q.evidence.jitterMs) >= 30, r.explain);
    assert.equal(q.status, 'warn', r.explain);
    assert.equal(q.cause, 'poor-quality', r.explain);
    assert.match(q.summary, /RTT \d+(\.\d)? ms \(limit < 100 ms\)/, r.explain);
    // Jitter is named over its limit, unless this machine ran so late that the excess could be its own (then it says so).
    const late = Number(q.evidence.localDelayMs);
    const jitterJudged = late < 10 || Number(q.evidence.jitterMs) - 2 * late >= 30;
    if (jitterJudged) assert.match(q.summary, /RTT \d+(\.\d)? ms \(limit < 100 ms\), jitter \d+(\.\d)? ms \(limit < 30 ms\)$/, r.explain);
    else assert.match(q.summary, /RTT \d+(\.\d)? ms \(limit < 100 ms\); jitter \d+(\.\d)? ms not judged, this machine's event loop ran up to [\d.]+ ms late$/, r.explain);
    assert.ok(Number(q.evidence.mos) < Number(q0.evidence.mos), r.explain);
    // The STUN Binding through the forwarder works, just late; the verdict names the poor path and why.
    const stun = one(r, (x) => x.kind === 'stun' && x.label.includes(`${NET.delay}:3478`));
    assert.equal(stun.status, 'pass', r.explain);
    assert.ok(Number(stun.evidence.rttMs) >= 60, r.explain);
    assert.equal(r.report.verdict.level, 'degraded', r.explain);
    assert.equal(r.report.verdict.path, 'udp-direct', r.explain);
    assert.equal(r.report.verdict.headline, `Degraded: UDP works but the path is poor (${q.summary}).`, r.explain);
    assert.match(r.report.verdict.headline, /RTT \d+(\.\d)? ms \(limit < 100 ms\)/, r.explain);
    if (jitterJudged) assert.match(r.report.verdict.headline, /jitter \d+(\.\d)? ms \(limit < 30 ms\)\)\.$/, r.explain);
    assert.ok(r.report.verdict.problems.some((p) => p.probeId === q.id && p.severity === 'warning'), r.explain);
    assert.equal(r.exitCode, 1, r.explain);
  });

  test('only TCP 443 through a proxy (from HTTPS_PROXY): relayed over TURN TLS 443 through the proxy', async (t) => {
    const r = await probe(t, 'proxy-only');
    if (!r || !world) return;
    assert.equal(r.report.verdict.level, 'degraded', r.explain);
    assert.equal(r.report.verdict.path, 'turn-tls', r.explain);
    assert.equal(r.report.verdict.viaProxy, true, r.explain);
    assert.match(r.report.verdict.headline, /works only relayed over TURN TLS 443 through the proxy/);
    const https = resultsOf(r.report, (x) => x.kind === 'https' || x.kind === 'websocket');
    assert.ok(https.length >= 3 && https.every((x) => x.status === 'pass' && x.evidence.viaProxy === true), r.explain);
    assert.equal(one(r, (x) => x.kind === 'proxy').status, 'pass', r.explain);
    // Direct TCP is dropped by the perimeter; the probe tells that apart from a refusal.
    const direct = one(r, (x) => x.kind === 'tcp' && x.label.includes(`${HOSTS.api}:443`));
    assert.equal(direct.status, 'fail', r.explain);
    assert.equal(direct.cause, 'dropped', r.explain);
    // TURN through the proxy's CONNECT: TLS 443 and TCP 443 pass, TCP 3478 is refused by the proxy (CONNECT to 443 only).
    const turnTls = one(r, (x) => x.kind === 'turn' && x.evidence.transport === 'tls' && x.label.includes(':443'));
    assert.equal(turnTls.status, 'pass', r.explain);
    assert.equal(turnTls.evidence.viaProxy, true, r.explain);
    const turnTcp443 = one(r, (x) => x.kind === 'turn' && x.evidence.transport === 'tcp' && x.label.includes(':443'));
    assert.equal(turnTcp443.status, 'pass', r.explain);
    assert.equal(turnTcp443.evidence.viaProxy, true, r.explain);
    assert.equal(one(r, (x) => x.kind === 'turn' && x.evidence.transport === 'tcp' && x.label.includes(':3478')).cause, 'proxy-refused', r.explain);
    // The quality burst falls back past the refused port to TURN over TCP 443 through the proxy.
    const q = one(r, (x) => x.kind === 'quality');
    if (q.status === 'unknown') assert.ok(Number(q.evidence.localDelayMs) >= 10 && /too busy to time/.test(q.summary), r.explain);
    else assert.equal(q.status, 'pass', r.explain);
    assert.equal(q.evidence.transport, 'tcp', r.explain);
    assert.equal(q.evidence.port, 443, r.explain);
    assert.equal(q.evidence.received, 25, r.explain);
    // Environment: where the proxy came from, without its password; NO_PROXY; the PAC file iOS ignores (seed 000).
    const env = one(r, (x) => x.kind === 'environment');
    assert.equal(env.status, 'warn', r.explain);
    assert.equal(env.requirementId, 'pac-ios');
    assert.equal(env.evidence.HTTPS_PROXY, `http://${NET.proxy}:3128`);
    assert.match(String(env.evidence.proxyInUse), /from HTTPS_PROXY/);
    assert.equal(env.evidence.NO_PROXY, 'localhost,.corp.example,.godaddy.com');
    // NO_PROXY is obeyed: the certificate-status hosts were tried direct, and the perimeter dropped them.
    const cs = resultsOf(r.report, (x) => x.kind === 'certificate-status');
    assert.equal(cs.length, 2, r.explain);
    for (const x of cs) {
      assert.equal(x.cause, 'dropped', r.explain);
      assert.equal(x.evidence.viaProxy, undefined, r.explain);
      assert.equal(r.report.specs.find((sp) => sp.id === x.id)?.viaProxy, undefined);
    }
    assert.equal(env.evidence.pacUrl, 'http://wpad.corp.example/proxy.pac');
    assert.ok(!r.stdout.includes(world.proxyPassword) && !r.stderr.includes(world.proxyPassword), 'the proxy password leaked');
  });

  test('a proxy that tunnels to the API hosts only: blocked, signalling named as what cannot be reached', async (t) => {
    const r = await probe(t, 'proxy-narrow');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /signalling server cannot be reached over WebSocket on TCP 443 \(the API answers\)/, r.explain);
    assert.ok(resultsOf(r.report, (x) => x.kind === 'https' && x.role === 'api').every((x) => x.status === 'pass'), r.explain);
    assert.equal(one(r, (x) => x.kind === 'websocket').cause, 'proxy-refused', r.explain);
    assert.equal(one(r, (x) => x.kind === 'https' && x.role === 'logging').cause, 'proxy-refused', r.explain);
    assert.ok(r.report.verdict.problems.some((p) => p.requirementId === 'proxy-https' && p.remediation?.snippets.some((s) => /http_access allow CONNECT opentok/.test(s.code))), r.explain);
  });

  test('proxy requiring authentication: 407 is fatal for WebRTC', async (t) => {
    const r = await probe(t, 'proxy-auth');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /proxy requires authentication \(HTTP 407\)/);
    const auth = resultsOf(r.report, (x) => x.cause === 'proxy-auth-required');
    assert.ok(auth.length > 0, r.explain);
    assert.ok(auth.some((x) => x.evidence.proxyAuthenticate === 'Basic'), r.explain);
    const problem = r.report.verdict.problems.find((p) => p.requirementId === 'proxy-no-auth');
    assert.ok(problem, r.explain);
    assert.equal(problem.severity, 'error');
    assert.ok(problem.remediation?.snippets.some((s) => s.format === 'squid'), JSON.stringify(problem));
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
    const problem = r.report.verdict.problems.find((p) => p.requirementId === 'no-tls-inspection');
    assert.ok(problem, r.explain);
    assert.ok(problem.remediation?.snippets.some((s) => s.format === 'squid' && /ssl_bump splice/.test(s.code)), JSON.stringify(problem));
    // The bumping proxy answers the WebSocket upgrade itself, with a plain 200: reported as a refused upgrade.
    const ws = one(r, (x) => x.kind === 'websocket');
    assert.equal(ws.cause, 'upgrade-refused', r.explain);
  });

  test('TLS inspection by a proxy whose CA the client trusts: the chain verifies, but the unexpected issuer is named', async (t) => {
    const r = await probe(t, 'tls-inspection-trusted');
    if (!r || !world) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.ok(r.report.verdict.headline.includes(`intercepted by "${world.mitmCa.name}`), r.explain);
    const tls = one(r, (x) => x.kind === 'tls' && x.label.includes(`${HOSTS.api}:443`));
    assert.equal(tls.cause, 'tls-interception', r.explain);
    assert.match(tls.summary, /not by the expected CA .*a trusted inspecting proxy is likely/, r.explain);
    assert.equal(tls.evidence.authorizationError, undefined, 'the inspecting CA is trusted here: the chain itself verifies');
  });

  test('a TURN server whose certificate is not for its address, UDP working: named, a warning, not a block', async (t) => {
    const r = await probe(t, 'tls-wrong-host');
    if (!r) return;
    const tls = one(r, (x) => x.kind === 'tls' && x.label === `TLS ${NET.turnAlt}:5349`);
    assert.equal(tls.status, 'fail', r.explain);
    assert.equal(tls.cause, 'certificate-invalid', r.explain);
    assert.match(tls.summary, new RegExp(`is not for ${NET.turnAlt.replace(/\./g, '\\.')} \\(.*IP: ${NET.turnAlt.replace(/\./g, '\\.')} is not in the cert's list`), r.explain);
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    const p = r.report.verdict.problems.find((x) => x.probeId === tls.id);
    assert.equal(p?.severity, 'warning', r.explain);
    assert.match(p?.message ?? '', /breaks only the fallback over TLS/);
  });

  test('an expired certificate on an API host: blocked, the expiry named', async (t) => {
    const r = await probe(t, 'tls-expired');
    if (!r) return;
    const tls = one(r, (x) => x.kind === 'tls' && x.label === `TLS ${HOSTS.expired}:443`);
    assert.equal(tls.cause, 'certificate-invalid', r.explain);
    assert.equal(tls.evidence.authorizationError, 'CERT_HAS_EXPIRED', r.explain);
    assert.match(String(tls.evidence.validTo), /2020/);
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, new RegExp(`certificate of ${HOSTS.expired.replace(/\./g, '\\.')} is not valid \\(CERT_HAS_EXPIRED\\)`), r.explain);
  });

  test('behind a NAT: the STUN Binding maps the NAT\'s public address and says so', async (t) => {
    const r = await probe(t, 'udp-nat');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    for (const s of resultsOf(r.report, (x) => x.kind === 'stun')) {
      assert.equal(s.status, 'pass', r.explain);
      assert.match(String(s.evidence.mappedAddress), new RegExp(`^${NET.natPublic.replace(/\./g, '\\.')}:\\d+$`), r.explain);
      assert.equal(s.evidence.nat, true, r.explain);
      assert.match(s.summary, /behind NAT/);
    }
  });

  test('Ctrl-C cancels a run waiting on dropped UDP at once: exit 2 with a report marked cancelled', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    // Long timeouts: whenever the signal comes once the CLI has started probing, probes are still waiting on silence.
    const dropped = scenario(world, 'udp-dropped');
    const s = { ...dropped, config: { ...dropped.config, probe: { ...(dropped.config.probe as Record<string, unknown>), timeoutMs: 15_000 } } };
    const config = enterScenario(world, s);
    // `ip netns exec` execs the command, so the signal reaches the CLI itself.
    const child = spawn('ip', ['netns', 'exec', world.clientNs, ...probeArgv(config)], { env: probeEnv(s), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.resume();
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    await new Promise((res) => setTimeout(res, 2500));
    const t0 = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    const after = performance.now() - t0;
    assert.equal(code, 2, stdout.slice(0, 2000));
    assert.ok(after < 2000, `the CLI took ${Math.round(after)} ms to stop after SIGINT`);
    const report = JSON.parse(stdout) as ProbeRun['report'];
    assert.equal(report.cancelled, true);
    assert.ok(report.results.some((x) => x.status === 'skipped' && x.cause === 'cancelled'), explain(report));
  });

  test('DNS refusing the platform names (NXDOMAIN from the system resolver): blocked, names do not resolve', async (t) => {
    const r = await probe(t, 'dns-nxdomain');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /names do not resolve \(nxdomain\)/);
    assert.equal(one(r, (x) => x.kind === 'dns' && x.label === `DNS ${HOSTS.api}`).cause, 'nxdomain', r.explain);
    // The system's resolver (resolv.conf of the namespace) is the one named.
    assert.deepEqual(one(r, (x) => x.kind === 'environment').evidence.dnsServers, [NET.dnsNxdomain], r.explain);
    assert.ok(r.report.verdict.problems.some((p) => p.requirementId === 'dns-resolution' && p.severity === 'error'), r.explain);
  });

  test('a resolver that answers REFUSED: blocked, the refusal named', async (t) => {
    const r = await probe(t, 'dns-refused');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /names do not resolve \(dns-refused\)/);
    const dns = one(r, (x) => x.kind === 'dns' && x.label === `DNS ${HOSTS.api}`);
    assert.equal(dns.cause, 'dns-refused', r.explain);
    assert.match(dns.summary, /refused to answer/);
    // Nothing else is tried against an address it does not have: the other probes say why they did not run.
    assert.ok(resultsOf(r.report, (x) => x.kind === 'tcp').every((x) => x.status === 'unknown' && x.cause === 'dns-refused'), r.explain);
  });

  test('DNS sinkhole (0.0.0.0) for the platform names: blocked, sinkhole named', async (t) => {
    const r = await probe(t, 'dns-sinkhole');
    if (!r) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.match(r.report.verdict.headline, /names do not resolve \(sinkhole\)/);
    const dns = one(r, (x) => x.kind === 'dns' && x.label === `DNS ${HOSTS.logging}`);
    assert.equal(dns.cause, 'sinkhole', r.explain);
    assert.deepEqual(dns.evidence.addresses, ['0.0.0.0'], r.explain);
  });

  test('custom TURN only, right credentials: a full allocation relays media, is released, and the credential is never printed', async (t) => {
    const r = await probe(t, 'custom-turn-right');
    if (!r || !world) return;
    assert.equal(r.report.verdict.path, 'turn-udp', r.explain);
    assert.equal(r.report.verdict.level, 'ready', r.explain);
    assert.equal(r.exitCode, 0, r.explain);
    const custom = resultsOf(r.report, (x) => x.kind === 'turn' && x.requirementId === 'custom-turn-reachable');
    assert.deepEqual(custom.map((x) => x.evidence.transport).sort(), ['tcp', 'tls', 'udp'], r.explain);
    for (const x of custom) {
      assert.equal(x.status, 'pass', r.explain);
      assert.equal(x.evidence.allocated, true, r.explain);
      assert.equal(x.evidence.released, true, r.explain);
      assert.equal(x.evidence.integrityVerified, true, r.explain);
      // coturn relays from its relay-ip.
      assert.match(String(x.evidence.relayedAddress), new RegExp(`^${NET.turn.replace(/\./g, '\\.')}:\\d+$`), r.explain);
    }
    assert.ok(!r.stdout.includes(world.turnPassword) && !r.stderr.includes(world.turnPassword), 'the TURN password leaked into the JSON report');
    // The other formats, with every piece of evidence printed, do not show it either.
    for (const format of ['text', 'markdown', 'html'] as const) {
      const out = await runCliIn(world, scenario(world, 'custom-turn-right'), format, format === 'text' ? ['--verbose'] : []);
      assert.equal(out.exitCode, 0, `${format}: ${out.stderr}`);
      assert.ok(out.stdout.includes('relay allocated with the credentials'), `${format}: ${out.stdout.slice(0, 500)}`);
      assert.ok(!out.stdout.includes(world.turnPassword) && !out.stderr.includes(world.turnPassword), `the TURN password leaked into the ${format} report`);
    }
  });

  test('custom TURN only, wrong credentials: blocked, the server refuses them', async (t) => {
    const r = await probe(t, 'custom-turn-wrong');
    if (!r || !world) return;
    assert.equal(r.report.verdict.level, 'blocked', r.explain);
    assert.equal(r.report.verdict.path, 'none', r.explain);
    assert.match(r.report.verdict.headline, /no custom TURN server gives a relay/);
    const custom = resultsOf(r.report, (x) => x.kind === 'turn' && x.requirementId === 'custom-turn-reachable');
    assert.ok(custom.length === 3 && custom.every((x) => x.cause === 'turn-auth-failed'), r.explain);
    assert.ok(!r.stdout.includes(world.turnPassword) && !r.stdout.includes(`${world.turnPassword}-wrong`), 'the TURN password leaked into the report');
  });

  test('on a terminal the CLI shows live progress; a usage error exits 2', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    const s = scenario(world, 'open');
    const config = enterScenario(world, s);
    // script(1) gives the CLI a real pseudo-terminal for stdout and stderr.
    const cmd = probeArgv(config, 'text').map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const tty = await world.inClient(['script', '-q', '-e', '-f', '-c', cmd, '/dev/null'], { env: probeEnv(s), timeoutMs: 60_000 });
    assert.equal(tty.status, 0, tty.stdout + tty.stderr);
    // The self-rewriting status line ([done/total] and what runs), a mark per finished probe, then the report in colour.
    assert.match(tty.stdout, /\r\u001b\[K\[\d+\/\d+\] /);
    assert.match(tty.stdout, /\u001b\[32m✓\u001b\[0m DNS api\.opentok\.com/);
    assert.match(tty.stdout, /\u001b\[1;32mReady: full quality over UDP/);
    const bad = await world.inClient(probeArgv(config, 'text', ['--timeout', 'soon']), { env: probeEnv(s) });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /--timeout must be a whole number/);
  });

  test('no socket or timer is left open after a run, in every kind of network', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    for (const name of ['open', 'udp-dropped', 'proxy-only', 'tls-interception', 'custom-turn-right', 'dns-sinkhole'] as const) {
      const r = await runWithLeftovers(world, scenario(world, name));
      assert.equal(r.report.results.length, r.report.specs.length, name);
      assert.deepEqual(r.leftovers, [], `${name}: handles left open after the run\n${explain(r.report)}`);
    }
  });

  test('in JSON mode the CLI prints the report and nothing else: no warning on stderr in any scenario', (t) => {
    if (!e2eOrSkip(t) || !world) return;
    assert.ok(stderrOf.size >= 19, `only ${stderrOf.size} scenarios ran`);
    const noisy = [...stderrOf].filter(([, err]) => err.trim() !== '').map(([n, err]) => `${n}: ${err.trim().split('\n')[0]}`);
    assert.deepEqual(noisy, []);
  });
});
