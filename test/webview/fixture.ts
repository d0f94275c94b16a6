// A realistic probe run for the panel's tests, built with the real plan, verdict and
// report code: UDP to the media ports dropped, TURN over UDP 3478 working, and targets
// whose names carry markup and script, as a hostile DNS answer or config could.
import type { Finding } from '../../src/core/model/finding';
import { DEFAULT_PROBE_OPTIONS } from '../../src/core/probes/options';
import { buildProbePlan } from '../../src/core/probes/plan';
import { makeReport, type ProbeReport } from '../../src/core/probes/report';
import type { ProbeOptions, ProbeResult, ProbeSpec } from '../../src/core/probes/types';
import { synthesizeVerdict } from '../../src/core/probes/verdict';
import type { HistoryEntry, LintPorts } from '../../src/webview/protocol';

export const EVIL_IMG = '<img src=x onerror="window.__pwned=1">';
export const EVIL_SCRIPT = '<script>window.__pwned=2</script>';

export const OPTIONS: ProbeOptions = {
  ...DEFAULT_PROBE_OPTIONS,
  targets: {
    api: ['https://api.opentok.com/'],
    logging: ['https://hlg.tokbox.com/prod/logging/ClientEvent'],
    websocket: ['wss://api.opentok.com/'],
    tcp: [{ host: `${EVIL_IMG}.example`, port: 5349 }],
    stun: [{ host: 'turn.tokbox.com', port: 3478 }, { host: 'turn.tokbox.com', port: 40000 }, { host: EVIL_SCRIPT, port: 3478 }],
    turn: [{ host: 'turn.tokbox.com', port: 3478, transport: 'udp' }, { host: 'turn.tokbox.com', port: 443, transport: 'tls' }],
    customTurn: [],
    certificateStatus: ['http://ocsp.godaddy.com/'],
  },
  quality: { packets: 40, intervalMs: 20 },
};

export const SPECS: ProbeSpec[] = buildProbePlan({ selection: { profiles: ['opentok'], role: 'client-network' }, options: OPTIONS, proxy: { noProxy: [] } });

function samples(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 40; i++) out.push(i === 13 || i === 27 ? -1 : 38 + Math.round(12 * Math.sin(i / 3) + (i % 7) * 2));
  return out;
}

/** The result each probe of SPECS gets. */
export function resultFor(spec: ProbeSpec): ProbeResult {
  const base = { id: spec.id, kind: spec.kind, role: spec.role, label: spec.label, ...(spec.requirementId ? { requirementId: spec.requirementId } : {}), durationMs: 12.5 };
  if (spec.kind === 'dns') {
    if (spec.host?.includes('<')) return { ...base, status: 'fail', cause: 'nxdomain', summary: `${spec.host} does not exist (NXDOMAIN)`, evidence: { timeMs: 3, answer: EVIL_SCRIPT } };
    return { ...base, status: 'pass', summary: '203.0.113.10 in 4 ms', evidence: { addresses: ['203.0.113.10'], source: 'system', timeMs: 4 } };
  }
  if (spec.kind === 'stun' && spec.port === 40000) return { ...base, status: 'fail', cause: 'no-response', summary: 'no answer after 7 transmissions: UDP is dropped', evidence: { address: '203.0.113.10', port: 40000 }, durationMs: 3900 };
  if (spec.kind === 'stun' && spec.host?.includes('<')) return { ...base, status: 'fail', cause: 'nxdomain', summary: `cannot resolve ${spec.host}`, evidence: { note: EVIL_IMG } };
  if (spec.kind === 'tcp' && spec.host?.includes('<')) return { ...base, status: 'fail', cause: 'dropped', summary: `no answer from ${spec.host}`, evidence: { address: EVIL_IMG } };
  if (spec.kind === 'certificate-status') return { ...base, status: 'warn', cause: 'http-error', summary: 'answered HTTP 503: reachable, but the service is unavailable', evidence: { status: 503, timeMs: 22 } };
  if (spec.kind === 'tls' && spec.port === 443 && spec.host === 'turn.tokbox.com') return { ...base, status: 'pass', summary: 'TLSv1.3, DigiCert', evidence: { version: 'TLSv1.3', issuer: 'DigiCert Inc' } };
  if (spec.kind === 'turn') return { ...base, status: 'pass', summary: `reachable over ${spec.transport?.toUpperCase()} in 31 ms (401 with REALM and NONCE)`, evidence: { transport: spec.transport ?? 'udp', port: spec.port ?? 0, rttMs: 31, realm: 'tokbox.com' } };
  if (spec.kind === 'quality') {
    return { ...base, status: 'pass', summary: 'loss 5 %, RTT p50 40 ms / p95 52 ms, jitter 6 ms, MOS 4.1 over UDP', evidence: { transport: 'udp', sent: 40, received: 38, lossPercent: 5, rttP50: 40, rttP95: 52, jitterMs: 6, mos: 4.1 }, samples: samples(), durationMs: 900 };
  }
  return { ...base, status: 'pass', summary: 'answered HTTP 200 in 40 ms', evidence: { timeMs: 40, address: '203.0.113.10' } };
}

export const RESULTS: ProbeResult[] = SPECS.map(resultFor);

/** A linted firewall file that allows the media ports the probe finds dropped. */
export const LINT_FINDINGS: Finding[] = [
  {
    ruleId: 'udp-media-range', level: 'best', severity: 'note', message: 'UDP 1025-65535 to the platform (direct media): met', file: 'firewall/egress.rules',
    range: { start: { line: 15, column: 1 }, end: { line: 15, column: 40 } }, verdict: 'met',
  },
];

export function fixtureReport(startedAt = '2026-12-01T10:00:00.000Z', results: ProbeResult[] = RESULTS): ProbeReport {
  const verdict = synthesizeVerdict({ specs: SPECS, results, profiles: ['opentok'], lintFindings: LINT_FINDINGS });
  return makeReport({ startedAt, durationMs: 4100, cancelled: false, specs: SPECS, results, verdict });
}

/** An earlier run where the TLS relay failed and UDP 3478 passed. */
export const EARLIER: HistoryEntry = {
  startedAt: '2026-11-30T09:00:00.000Z',
  durationMs: 5200,
  cancelled: false,
  level: 'degraded',
  path: 'turn-tls',
  headline: 'Degraded: works only relayed over TURN TLS 443',
  results: RESULTS.map((r) => ({ id: r.id, label: r.label, status: r.kind === 'stun' && r.requirementId === 'udp-3478' ? 'fail' : r.kind === 'tcp' && r.label.includes('<') ? 'pass' : r.status, durationMs: r.durationMs })),
};

export const LINT: LintPorts = {
  tcp: [{ from: 5000, to: 5999, why: 'flexperto-5349, firewall/egress.rules:12' }],
  udp: [
    { from: 1025, to: 3477, why: 'udp-media-range, firewall/egress.rules:15' },
    { from: 3479, to: 65535, why: 'udp-media-range, firewall/egress.rules:15' },
  ],
  files: 2,
};
