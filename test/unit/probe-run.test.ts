// Whole runs against a lab of real local servers: verdicts, streamed progress,
// concurrency, cancellation, secrets kept out, and nothing left open afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PROBE_OPTIONS, probeOptionsFromConfig } from '../../src/core/probes/options';
import { renderProbeReport } from '../../src/core/probes/report';
import type { ProbeEvent, ProbeOptions } from '../../src/core/probes/types';
import { buildProbePlan } from '../../src/core/probes/plan';
import { credentialsFromEnv, runReadinessProbe, startOrder } from '../../src/probes/runner';
import { Lab, resources, TEST_CA } from './probe-servers';

const CREDENTIAL = 'correct-horse-battery-staple';
const USERS = { carol: CREDENTIAL };

interface Network {
  udp: 'ok' | 'silent';
  proxy?: 'open' | 'auth' | 'inspect';
}

/** A lab standing in for the platform, with options pointing at it. */
async function platform(lab: Lab, net: Network): Promise<ProbeOptions> {
  const https = await lab.https({ upgrade: 'accept' });
  const stun = await lab.udpTurn({ mode: net.udp, users: USERS });
  const tls = await lab.tlsTurn({ mode: 'ok', users: USERS });
  const custom = await lab.udpTurn({ mode: net.udp, users: USERS });
  const customTls = await lab.tlsTurn({ mode: 'ok', users: USERS });
  const proxy = net.proxy ? await lab.proxy(net.proxy) : undefined;
  const { options, errors } = probeOptionsFromConfig({
    api: [`https://localhost:${https}/`],
    logging: [`https://localhost:${https}/prod/logging/ClientEvent`],
    websocket: [`wss://localhost:${https}/`],
    certificateStatus: [`https://localhost:${https}/ocsp`],
    stun: [`127.0.0.1:${stun.port}`],
    turn: [`turn:127.0.0.1:${stun.port}`, `turns:localhost:${tls.port}`],
    customTurn: [`turn:127.0.0.1:${custom.port}`, `turns:localhost:${customTls.port}`],
    proxy: proxy ? `http://user:proxy-password@127.0.0.1:${proxy.port}` : 'none',
    timeoutMs: 1500,
    stunRtoMs: 50,
    concurrency: 8,
    quality: { packets: 10, intervalMs: 5 },
  });
  assert.deepEqual(errors, []);
  return { ...options, ca: [TEST_CA] };
}

const selection = { profiles: ['opentok', 'custom-turn'] as const, role: 'client-network' as const };

test('an open network: ready over UDP, progress streamed, no secret anywhere, nothing left open', async () => {
  const baseline = resources();
  const lab = new Lab();
  const events: ProbeEvent[] = [];
  let report;
  try {
    const options = await platform(lab, { udp: 'ok' });
    const credentials = credentialsFromEnv({ OPENTOK_READINESS_TURN_USERNAME: 'carol', OPENTOK_READINESS_TURN_CREDENTIAL: CREDENTIAL });
    assert.ok(credentials);
    const t0 = performance.now();
    report = await runReadinessProbe({ selection, options, credentials, env: {}, onEvent: (e) => events.push(e) });
    assert.ok(performance.now() - t0 < 3000, 'an open network is probed in under 3 s');
  } finally {
    await lab.close();
  }
  assert.equal(report.verdict.level, 'ready', `${report.verdict.headline}\n${renderProbeReport(report, 'text')}`);
  // The lab's STUN port is a high one, so it stands for the direct UDP media range.
  assert.equal(report.verdict.path, 'udp-direct');
  const custom = report.results.filter((r) => r.kind === 'turn' && r.requirementId === 'custom-turn-reachable');
  assert.equal(custom.length, 2);
  assert.ok(custom.every((r) => r.status === 'pass' && r.evidence.allocated === true && r.evidence.released === true), JSON.stringify(custom));

  assert.equal(events[0]?.type, 'plan');
  assert.equal(events.at(-1)?.type, 'done');
  const starts = events.filter((e) => e.type === 'start').length;
  const results = events.filter((e) => e.type === 'result').length;
  assert.equal(starts, report.specs.length);
  assert.equal(results, report.specs.length);

  const everything = [JSON.stringify(events), ...(['text', 'json', 'markdown', 'html'] as const).map((f) => renderProbeReport(report, f, { color: false, verbose: true }))];
  for (const out of everything) assert.ok(!out.includes(CREDENTIAL), 'the TURN credential never appears');

  // Sockets close asynchronously: give them a turn of the loop.
  await new Promise((r) => setTimeout(r, 50));
  const left = resources();
  for (const [kind, n] of left) assert.ok(n <= (baseline.get(kind) ?? 0), `left open: ${kind} (${n}, was ${baseline.get(kind) ?? 0}): ${process.getActiveResourcesInfo().join(', ')}`);
});

test('all UDP dropped: degraded, relayed only over TURN TLS', async () => {
  const lab = new Lab();
  try {
    const options = await platform(lab, { udp: 'silent' });
    const report = await runReadinessProbe({ selection: { profiles: ['opentok'], role: 'client-network' }, options, env: {} });
    assert.equal(report.verdict.level, 'degraded', report.verdict.headline);
    assert.equal(report.verdict.path, 'turn-tls');
    assert.match(report.verdict.headline, /works only relayed over TURN TLS/);
    assert.ok(report.verdict.problems.some((p) => p.requirementId === 'udp-3478' && /-p udp/.test(p.remediation?.snippets[0]?.code ?? '')));
  } finally {
    await lab.close();
  }
});

test('a proxy requiring authentication: blocked, and the proxy password never printed', async () => {
  const lab = new Lab();
  try {
    const options = await platform(lab, { udp: 'ok', proxy: 'auth' });
    const report = await runReadinessProbe({ selection: { profiles: ['opentok'], role: 'client-network' }, options, env: {} });
    assert.equal(report.verdict.level, 'blocked');
    assert.match(report.verdict.headline, /407/);
    assert.ok(report.results.some((r) => r.kind === 'proxy' && r.cause === 'proxy-auth-required'));
    for (const f of ['text', 'json', 'markdown', 'html'] as const) assert.ok(!renderProbeReport(report, f).includes('proxy-password'), f);
  } finally {
    await lab.close();
  }
});

test('TLS inspection by a proxy: blocked, the inspecting CA named', async () => {
  const lab = new Lab();
  try {
    const options = await platform(lab, { udp: 'ok', proxy: 'inspect' });
    const report = await runReadinessProbe({ selection: { profiles: ['opentok'], role: 'client-network' }, options, env: {} });
    assert.equal(report.verdict.level, 'blocked', report.verdict.headline);
    assert.match(report.verdict.headline, /intercepted by "Corporate Inspection CA \(Example Corp\)"/);
  } finally {
    await lab.close();
  }
});

test('concurrency stays under the limit and cancellation ends the run at once', async () => {
  const lab = new Lab();
  try {
    const dropping = await lab.droppingPort();
    const base = await platform(lab, { udp: 'silent' });
    const options: ProbeOptions = {
      ...base,
      concurrency: 2,
      timeoutMs: 5000,
      targets: { ...base.targets, tcp: [{ host: '127.0.0.1', port: dropping }, { host: 'localhost', port: dropping }] },
    };
    const ac = new AbortController();
    let inFlight = 0;
    let peak = 0;
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 300);
    const report = await runReadinessProbe({
      selection: { profiles: ['opentok'], role: 'client-network' }, options, env: {}, signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'start') peak = Math.max(peak, ++inFlight);
        if (e.type === 'result') inFlight--;
      },
    });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < 1500, `cancelled run took ${Math.round(elapsed)} ms`);
    assert.ok(peak <= 2, `peak concurrency ${peak}`);
    assert.equal(report.cancelled, true);
    assert.equal(report.results.length, report.specs.length, 'every planned probe has a result');
    assert.ok(report.results.some((r) => r.status === 'skipped' && r.cause === 'cancelled'));
  } finally {
    await lab.close();
  }
});

test('start order: the longest budget first, then UDP probes that learn of a drop only by silence, then the plan', () => {
  const specs = buildProbePlan({ selection: { profiles: ['opentok'], role: 'client-network' }, options: DEFAULT_PROBE_OPTIONS, proxy: { noProxy: [] } });
  const order = startOrder(specs).map((i) => specs[i]!);
  assert.deepEqual([...startOrder(specs)].sort((a, b) => a - b), specs.map((_, i) => i), 'every probe starts once');
  assert.equal(order[0]!.kind, 'quality');
  const firstOther = order.findIndex((s) => s.kind !== 'quality' && s.kind !== 'stun' && !(s.kind === 'turn' && s.transport === 'udp'));
  assert.ok(order.slice(1, firstOther).every((s) => s.kind === 'stun' || (s.kind === 'turn' && s.transport === 'udp')));
  assert.ok(firstOther > 1);
  const rest = order.slice(firstOther);
  assert.deepEqual(rest, specs.filter((s) => rest.includes(s)), 'the others keep the plan order');
});

test('the throughput check starts only once the quality burst has ended', async () => {
  const lab = new Lab();
  try {
    const https = await lab.https({ upgrade: 'accept' });
    const stun = await lab.udpTurn({ mode: 'ok' });
    const { options, errors } = probeOptionsFromConfig({
      api: [], logging: [], websocket: [], certificateStatus: [], turn: [], stun: [`127.0.0.1:${stun.port}`],
      throughput: `https://localhost:${https}/stream`, throughputSeconds: 1, proxy: 'none', timeoutMs: 1500, stunRtoMs: 50, quality: { packets: 10, intervalMs: 10 },
    });
    assert.deepEqual(errors, []);
    const events: ProbeEvent[] = [];
    const report = await runReadinessProbe({ selection: { profiles: ['opentok'], role: 'client-network' }, options: { ...options, ca: [TEST_CA] }, env: {}, onEvent: (e) => events.push(e) });
    const at = (pred: (e: ProbeEvent) => boolean): number => events.findIndex(pred);
    const qualityEnd = at((e) => e.type === 'result' && e.result.kind === 'quality');
    const throughputStart = at((e) => e.type === 'start' && e.id.startsWith('throughput:'));
    assert.ok(qualityEnd >= 0 && throughputStart > qualityEnd, events.map((e) => `${e.type} ${'id' in e ? e.id : 'result' in e ? e.result.id : ''}`).join('\n'));
    assert.equal(report.results.find((r) => r.kind === 'throughput')?.status, 'pass');
  } finally {
    await lab.close();
  }
});

test('defaults are usable without a configuration', () => {
  assert.ok(DEFAULT_PROBE_OPTIONS.concurrency > 1);
});
