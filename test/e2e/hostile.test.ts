// Hostile peers: garbage and truncated STUN/TURN answers, TLS that never completes, HTTP
// that never ends, an upgrade that is never answered. The probe engine runs in this
// process against them on loopback so that, afterwards, no socket or timer it opened
// can hide: every probe must end within its timeout, nothing may throw.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { probeOptionsFromConfig } from '../../src/core/probes/options';
import type { ProbeReport } from '../../src/core/probes/report';
import type { ProbeOptions } from '../../src/core/probes/types';
import { runReadinessProbe } from '../../src/probes/runner';
import { sleep } from './lib/exec';
import { startHostile, UDP_MISCHIEF, type Hostile } from './lib/hostile';

const H = '127.0.0.1';

function hostileOptions(h: Hostile): ProbeOptions {
  const udpPorts = UDP_MISCHIEF.map((k) => h.udp.get(k)!);
  // Plan ids are per transport, host and port: the custom servers get peers of their own.
  const customUdp = new Set([h.udp.get('bare-401')!, h.udp.get('attribute-overrun')!]);
  const { options, errors } = probeOptionsFromConfig({
    api: [`http://${H}:${h.httpForever}/`, `https://${H}:${h.tlsSilent}/`, `https://${H}:${h.tlsPartial}/`],
    logging: [`http://${H}:${h.httpForever}/prod/logging/ClientEvent`],
    websocket: [`ws://${H}:${h.upgradeSilent}/`, `ws://${H}:${h.httpForever}/ws`, `wss://${H}:${h.tlsPartial}/`],
    stun: udpPorts.map((port) => `${H}:${port}`),
    turn: [
      ...udpPorts.filter((p) => !customUdp.has(p)).map((port) => ({ host: H, port, transport: 'udp' })),
      { host: H, port: h.tcpTruncatedTurn, transport: 'tcp' },
      { host: H, port: h.tlsSilent, transport: 'tls' },
      { host: H, port: h.tlsPartial, transport: 'tls' },
    ],
    // With credentials, a custom server's bare 401 (no REALM, no NONCE) and garbage must not confuse the allocation.
    customTurn: [
      ...[...customUdp].map((port) => ({ host: H, port, transport: 'udp' })),
      { host: H, port: h.tcpGarbage, transport: 'tcp' },
    ],
    certificateStatus: [`http://${H}:${h.httpForever}/ocsp`],
    throughput: `http://${H}:${h.httpForever}/large`,
    throughputSeconds: 1,
    proxy: 'none',
    timeoutMs: 800,
    stunRtoMs: 100,
    concurrency: 64,
    quality: { packets: 10, intervalMs: 10 },
  });
  assert.deepEqual(errors, []);
  return options;
}

/** Counts of live handles by type (TCPSocketWrap, UDPSocketWrap, Timeout, …). */
function resources(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

async function assertNoLeftovers(before: Map<string, number>): Promise<void> {
  // Closed sockets release their handles on the next turns of the loop.
  let extra: string[] = [];
  for (let i = 0; i < 20; i++) {
    await sleep(50);
    const now = resources();
    extra = [...now].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k, n]) => `${k} ×${n - (before.get(k) ?? 0)}`);
    if (extra.length === 0) return;
  }
  assert.deepEqual(extra, [], 'handles left open after the run');
}

describe('hostile peers', () => {
  test('every probe ends within its timeout, nothing throws, nothing is left open', async (t) => {
    const baseline = resources();
    const hostile = await startHostile(H);
    let report: ProbeReport;
    const t0 = performance.now();
    try {
      const options = hostileOptions(hostile);
      report = await runReadinessProbe({
        selection: { profiles: ['opentok', 'custom-turn'], role: 'client-network' },
        options,
        env: {},
        credentials: { username: 'hostile-user', credential: 'hostile-secret-9f2c' },
      });
    } finally {
      await hostile.close();
    }
    const wall = performance.now() - t0;
    const specs = new Map(report.specs.map((s) => [s.id, s]));
    const lines = report.results.map((r) => `${r.status} ${r.cause ?? ''} ${Math.round(r.durationMs)}ms ${r.label}: ${r.summary}`).join('\n');
    t.diagnostic(`${report.results.length} probes in ${Math.round(wall)} ms\n${lines}`);
    assert.equal(report.results.length, report.specs.length, lines);
    // The longest budget is the throughput check's (1 s + timeout) or the quality burst's.
    const longest = Math.max(...report.specs.map((s) => s.timeoutMs));
    assert.ok(wall < longest + 1500, `the run took ${Math.round(wall)} ms (longest budget ${longest} ms)\n${lines}`);
    for (const r of report.results) {
      const budget = specs.get(r.id)!.timeoutMs;
      assert.ok(r.durationMs <= budget + 300, `${r.label} took ${r.durationMs} ms, budget ${budget} ms\n${lines}`);
      assert.notEqual(r.cause, 'internal', `${r.label} threw: ${r.summary}`);
    }
    // A garbage, truncated or foreign answer is never taken for a working STUN or TURN server.
    const turns = report.results.filter((x) => x.kind === 'turn');
    assert.equal(turns.filter((x) => x.requirementId === 'custom-turn-reachable').length, 3, lines);
    assert.equal(turns.length, UDP_MISCHIEF.length + 4, lines);
    for (const r of report.results.filter((x) => x.kind === 'stun' || x.kind === 'turn')) {
      assert.notEqual(r.status, 'pass', `${r.label} passed against a hostile peer: ${r.summary}\n${lines}`);
    }
    // A TCP answer that stops in the middle of a message is named as truncated, not as silence.
    const truncated = turns.find((x) => x.label.includes(`TCP ${H}:${hostile.tcpTruncatedTurn}`));
    assert.equal(truncated?.cause, 'malformed-response', lines);
    assert.match(truncated?.summary ?? '', /truncated answer over TCP \(\d+ bytes of a message that never completed\)/);
    // TLS that never completes is a failure of TLS, never a pass, and says so.
    for (const r of report.results.filter((x) => x.kind === 'tls')) assert.equal(r.status, 'fail', `${r.label}: ${r.summary}`);
    assert.notEqual(report.verdict.level, 'ready', report.verdict.headline);
    assert.ok(!JSON.stringify(report).includes('hostile-secret-9f2c'), 'the TURN credential leaked into the report');
    await assertNoLeftovers(baseline);
  });

  test('cancelling a run against peers that never answer ends it at once and leaves nothing open', async () => {
    const baseline = resources();
    const hostile = await startHostile(H);
    const ac = new AbortController();
    let report: ProbeReport;
    let cancelledAfter = 0;
    try {
      const options = { ...hostileOptions(hostile), timeoutMs: 10_000 };
      const t0 = performance.now();
      setTimeout(() => ac.abort(), 300);
      report = await runReadinessProbe({ selection: { profiles: ['opentok'], role: 'client-network' }, options, env: {}, signal: ac.signal });
      cancelledAfter = performance.now() - t0;
    } finally {
      await hostile.close();
    }
    assert.equal(report.cancelled, true);
    assert.ok(cancelledAfter < 1500, `cancellation took ${Math.round(cancelledAfter)} ms`);
    for (const r of report.results) assert.notEqual(r.cause, 'internal', `${r.label} threw: ${r.summary}`);
    await assertNoLeftovers(baseline);
  });
});
