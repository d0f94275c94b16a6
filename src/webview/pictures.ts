// The numbers behind the panel's pictures: where a port sits on the 1-65535 bar, which
// ports the probes tried per protocol, the media paths and their state, and the RTT /
// jitter chart of the quality burst. Pure: the page turns these into SVG.
import type { ProbeResult, ProbeSpec, ProbeStatus } from '../core/probes/types';
import type { MediaPath } from '../core/probes/verdict';
import type { LintPortRange } from './protocol';
import type { Row, RowStatus } from './state';

export const PORT_MIN = 1;
export const PORT_MAX = 65535;
/** Below this a range is still drawn, so a single blocked port stays visible. */
export const MIN_SEGMENT_PX = 2;

/**
 * x of a port on a bar `width` wide. The scale is logarithmic: the ports that matter
 * (53, 80, 443, 3478, 5349) are all below 1 % of a linear bar.
 */
export function portX(port: number, width: number): number {
  const p = Math.min(PORT_MAX, Math.max(PORT_MIN, port));
  return (Math.log(p) / Math.log(PORT_MAX + 1)) * width;
}

/** The rectangle of an inclusive port range. */
export function rangeRect(from: number, to: number, width: number): { x: number; width: number } {
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  const x1 = portX(lo, width);
  const x2 = hi >= PORT_MAX ? width : portX(hi + 1, width);
  const w = Math.max(MIN_SEGMENT_PX, x2 - x1);
  return { x: Math.min(x1, width - w), width: w };
}

export const PORT_TICKS: readonly number[] = [1, 53, 443, 1025, 3478, 10000, 65535];

/** Merges overlapping or adjacent ranges, keeping the reasons of each. */
export function mergeRanges(ranges: readonly LintPortRange[]): LintPortRange[] {
  const sorted = [...ranges].filter((r) => r.from <= r.to).sort((a, b) => a.from - b.from || a.to - b.to);
  const out: LintPortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) {
      const why = last.why.split('; ').includes(r.why) ? last.why : `${last.why}; ${r.why}`;
      out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to), why };
    } else out.push({ ...r });
  }
  return out;
}

export interface PortMarker {
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** Worst status of the probes on this port. */
  readonly status: RowStatus;
  /** The probes' labels. */
  readonly labels: readonly string[];
}

const WORST: readonly RowStatus[] = ['fail', 'warn', 'unknown', 'running', 'pending', 'skipped', 'pass'];

/** The protocol and port a probe tries directly, if it tries one (proxied probes reach the proxy instead). */
export function probedPort(spec: ProbeSpec, result?: ProbeResult): { protocol: 'tcp' | 'udp'; port: number } | undefined {
  if (spec.port === undefined || spec.viaProxy) return undefined;
  if (spec.kind === 'tcp') return { protocol: 'tcp', port: spec.port };
  if (spec.kind === 'stun') return { protocol: 'udp', port: spec.port };
  if (spec.kind === 'turn') {
    const transport = spec.transport ?? (typeof result?.evidence.transport === 'string' ? result.evidence.transport : 'udp');
    return { protocol: transport === 'udp' ? 'udp' : 'tcp', port: spec.port };
  }
  return undefined;
}

export function portMarkers(rows: readonly Row[]): { tcp: PortMarker[]; udp: PortMarker[] } {
  const by = new Map<string, { protocol: 'tcp' | 'udp'; port: number; statuses: RowStatus[]; labels: string[] }>();
  for (const r of rows) {
    const p = probedPort(r.spec, r.result);
    if (!p) continue;
    const key = `${p.protocol}/${p.port}`;
    const m = by.get(key) ?? { ...p, statuses: [], labels: [] };
    m.statuses.push(r.status);
    m.labels.push(r.spec.label);
    by.set(key, m);
  }
  const tcp: PortMarker[] = [];
  const udp: PortMarker[] = [];
  for (const m of by.values()) {
    const status = WORST.find((s) => m.statuses.includes(s)) ?? 'pending';
    (m.protocol === 'tcp' ? tcp : udp).push({ protocol: m.protocol, port: m.port, status, labels: m.labels });
  }
  tcp.sort((a, b) => a.port - b.port);
  udp.sort((a, b) => a.port - b.port);
  return { tcp, udp };
}

export type LaneState = 'works' | 'blocked' | 'partial' | 'running' | 'untested';

export interface Lane {
  readonly path: Exclude<MediaPath, 'none' | 'unknown'>;
  readonly label: string;
  readonly state: LaneState;
  /** The path the verdict says media takes. */
  readonly chosen: boolean;
  /** The TCP or TLS relay is reached through the HTTP proxy. */
  readonly viaProxy: boolean;
}

const works = (s: RowStatus): boolean => s === 'pass' || s === 'warn';

function laneOf(row: Row): Lane['path'] | undefined {
  const { spec } = row;
  if (spec.kind === 'stun') return spec.requirementId === 'udp-media-range' ? 'udp-direct' : 'turn-udp';
  if (spec.kind === 'turn') {
    const t = spec.transport ?? row.result?.evidence.transport;
    return t === 'tls' ? 'turn-tls' : t === 'tcp' ? 'turn-tcp' : 'turn-udp';
  }
  return undefined;
}

const LANE_LABELS: Readonly<Record<Lane['path'], string>> = {
  'udp-direct': 'Direct UDP (1025-65535)',
  'turn-udp': 'TURN over UDP 3478',
  'turn-tcp': 'TURN over TCP',
  'turn-tls': 'TURN over TLS 443',
};

/** The four ways media can go, each with what the probes found, in the order a client tries them. */
export function mediaLanes(rows: readonly Row[], chosen: MediaPath | undefined): Lane[] {
  const order: Lane['path'][] = ['udp-direct', 'turn-udp', 'turn-tcp', 'turn-tls'];
  return order.map((path) => {
    const mine = rows.filter((r) => laneOf(r) === path);
    const statuses = mine.map((r) => r.status);
    let state: LaneState;
    if (mine.length === 0) state = 'untested';
    else if (statuses.some(works)) state = statuses.every(works) ? 'works' : 'partial';
    else if (statuses.some((s) => s === 'running' || s === 'pending')) state = 'running';
    else if (statuses.every((s) => s === 'fail')) state = 'blocked';
    else state = statuses.some((s) => s === 'fail') ? 'blocked' : 'untested';
    const tlsPort = mine.find((r) => r.spec.port !== undefined)?.spec.port;
    const label = path === 'turn-tls' && tlsPort !== undefined && tlsPort !== 443 ? `TURN over TLS ${tlsPort}` : path === 'turn-tcp' && tlsPort !== undefined ? `TURN over TCP ${tlsPort}` : LANE_LABELS[path];
    return { path, label, state, chosen: chosen === path, viaProxy: mine.some((r) => r.spec.viaProxy !== undefined) };
  });
}

export interface SignallingLane {
  readonly state: LaneState;
  /** The proxy (user information removed by the runner) the signalling and API probes go through. */
  readonly proxy?: string;
}

/** Signalling (WebSocket) and API (HTTPS) on TCP 443: what every call needs before media. */
export function signallingLane(rows: readonly Row[]): SignallingLane {
  const mine = rows.filter((r) => (r.spec.kind === 'https' || r.spec.kind === 'websocket') && (r.spec.role === 'api' || r.spec.role === 'signalling'));
  const statuses = mine.map((r) => r.status);
  const proxy = mine.find((r) => r.spec.viaProxy)?.spec.viaProxy;
  let state: LaneState;
  if (mine.length === 0) state = 'untested';
  else if (statuses.some(works)) state = statuses.every(works) ? 'works' : 'partial';
  else if (statuses.some((x) => x === 'running' || x === 'pending')) state = 'running';
  else state = statuses.some((x) => x === 'fail') ? 'blocked' : 'untested';
  return { state, ...(proxy ? { proxy } : {}) };
}

export interface ChartGeometry {
  /** `x,y x,y …` of the received RTTs. */
  readonly rtt: string;
  /** `x,y …` of the jitter (|RTT difference| between consecutive answers). */
  readonly jitter: string;
  /** x of each lost request. */
  readonly lost: readonly number[];
  /** The value at the top of the chart, ms. */
  readonly maxMs: number;
  readonly received: number;
  readonly sent: number;
  /** y of the usual limits (RTT 100 ms, jitter 30 ms) when they fit the scale. */
  readonly limits: readonly { readonly label: string; readonly y: number }[];
}

/** A round ceiling: 1, 2, 5 × 10^n. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Samples in ms, -1 for a lost request (ProbeResult.samples). */
export function chartGeometry(samples: readonly number[], width: number, height: number): ChartGeometry {
  const n = samples.length;
  const xOf = (i: number): number => (n <= 1 ? width / 2 : (i / (n - 1)) * width);
  const received = samples.filter((s) => s >= 0);
  const jitters: { i: number; v: number }[] = [];
  let prev: number | undefined;
  samples.forEach((s, i) => {
    if (s < 0) return;
    if (prev !== undefined) jitters.push({ i, v: Math.abs(s - prev) });
    prev = s;
  });
  const maxMs = niceCeil(Math.max(0, ...received, ...jitters.map((j) => j.v)) * 1.1);
  const yOf = (v: number): number => height - (Math.min(v, maxMs) / maxMs) * height;
  return {
    rtt: samples.flatMap((s, i) => (s >= 0 ? [`${fmt(xOf(i))},${fmt(yOf(s))}`] : [])).join(' '),
    jitter: jitters.map((j) => `${fmt(xOf(j.i))},${fmt(yOf(j.v))}`).join(' '),
    lost: samples.flatMap((s, i) => (s < 0 ? [xOf(i)] : [])),
    maxMs,
    received: received.length,
    sent: n,
    limits: [
      { label: 'RTT 100 ms', ms: 100 },
      { label: 'jitter 30 ms', ms: 30 },
    ].filter((l) => l.ms <= maxMs).map((l) => ({ label: l.label, y: yOf(l.ms) })),
  };
}
