// Runs a probe plan: a bounded number at once, each under its own deadline, all under
// the caller's AbortSignal, streaming progress. A probe never throws out of here, and
// no secret leaves in a result or an event.
import { getMaxListeners, setMaxListeners } from 'node:events';
import { buildProbePlan, displayProxy, proxyEnvironment } from '../core/probes/plan';
import { makeReport, type ProbeReport } from '../core/probes/report';
import type { ProbeEvent, ProbeKind, ProbeOptions, ProbeResult, ProbeSpec, TurnCredentials } from '../core/probes/types';
import { synthesizeVerdict } from '../core/probes/verdict';
import type { Finding } from '../core/model/finding';
import type { Selection } from '../core/requirements/select';
import { createContext, ms, type Outcome, type ProbeContext } from './context';
import { probeEnvironment } from './environment';
import { probeCertificateStatus, probeHttps, probeProxy, probeThroughput, probeWebSocket } from './http';
import { ProbeError, withDeadline } from './net';
import { sinkholeReason } from './dns';
import { probeQuality, probeStun } from './stun/probe';
import { probeTcp } from './tcp';
import { probeTls } from './tls';
import { probeTurn } from './turn';

type Impl = (spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal) => Promise<Outcome>;

async function probeDns(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const host = spec.host ?? '';
  const t0 = performance.now();
  try {
    const res = await ctx.resolve(host, signal);
    const timeMs = ms(performance.now() - t0);
    const evidence = { addresses: res.addresses.slice(0, 16), source: res.source, servers: res.servers, timeMs };
    const sink = res.addresses.map((a) => sinkholeReason(host, a, ctx.options.allowPrivateAddresses)).find(Boolean);
    if (sink) return { status: 'fail', cause: 'sinkhole', summary: `answered ${sink}: the resolver blocks the name`, evidence };
    return { status: 'pass', summary: `${res.addresses.slice(0, 4).join(', ')}${res.addresses.length > 4 ? ', …' : ''} in ${timeMs} ms`, evidence };
  } catch (e) {
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    const cause = err.probeCause === 'timeout' ? 'dns-timeout' : err.probeCause;
    return { status: 'fail', cause, summary: err.message, evidence: { timeMs: ms(performance.now() - t0), ...err.evidence } };
  }
}

const IMPLEMENTATIONS: Record<ProbeKind, Impl> = {
  environment: (_s, ctx) => probeEnvironment(ctx),
  dns: probeDns,
  tcp: probeTcp,
  tls: probeTls,
  https: probeHttps,
  websocket: probeWebSocket,
  proxy: probeProxy,
  'certificate-status': probeCertificateStatus,
  stun: probeStun,
  turn: probeTurn,
  quality: probeQuality,
  throughput: probeThroughput,
};

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: ProbeEvent) => void;
  readonly credentials?: TurnCredentials;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly hostEnvironment?: Readonly<Record<string, string>>;
}

/** Replaces every occurrence of a secret in any string of a value. */
export function redact<T>(value: T, secrets: readonly string[]): T {
  const live = secrets.filter((s) => s.length > 0);
  if (live.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return live.reduce((s, x) => s.split(x).join('[redacted]'), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function secretsOf(run: RunOptions, options: ProbeOptions, proxy: string | undefined): string[] {
  const out: string[] = [];
  // The username is no secret (and may be a common word); the credential is, however short.
  if (run.credentials) out.push(run.credentials.credential);
  for (const p of [proxy, options.proxy]) {
    if (!p) continue;
    try {
      const u = new URL(p);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
    } catch {
      // not a URL
    }
  }
  return out;
}

export async function runProbes(specs: readonly ProbeSpec[], options: ProbeOptions, run: RunOptions = {}): Promise<{ results: ProbeResult[]; cancelled: boolean }> {
  const env = run.env ?? {};
  const proxy = proxyEnvironment(options, env);
  const ctx = createContext({ options, proxy, env, ...(run.credentials ? { credentials: run.credentials } : {}), ...(run.hostEnvironment ? { hostEnvironment: run.hostEnvironment } : {}) });
  const secrets = secretsOf(run, options, proxy.proxy);
  const emit = (e: ProbeEvent): void => {
    try {
      run.onEvent?.(redact(e, secrets));
    } catch {
      // a listener's failure is not the probe's
    }
  };
  const outer = run.signal ?? new AbortController().signal;
  // Every running probe listens on the caller's signal.
  setMaxListeners(Math.max(getMaxListeners(outer), options.concurrency + 10), outer);
  const results = new Array<ProbeResult | undefined>(specs.length);
  emit({ type: 'plan', probes: specs.map((s) => (s.viaProxy ? { ...s, viaProxy: displayProxy(s.viaProxy) } : s)) });

  const runOne = async (spec: ProbeSpec): Promise<ProbeResult> => {
    const t0 = performance.now();
    const finish = (o: Outcome): ProbeResult => {
      const requirementId = o.requirementId === null ? undefined : (o.requirementId ?? spec.requirementId);
      return redact(
        {
          id: spec.id, kind: spec.kind, role: spec.role, label: spec.label,
          ...(requirementId ? { requirementId } : {}),
          status: o.status, ...(o.cause ? { cause: o.cause } : {}), summary: o.summary, evidence: o.evidence ?? {},
          durationMs: ms(performance.now() - t0), ...(o.samples ? { samples: o.samples } : {}),
        },
        secrets,
      );
    };
    if (outer.aborted) return finish({ status: 'skipped', cause: 'cancelled', summary: 'cancelled before it started' });
    const deadline = withDeadline(outer, spec.timeoutMs, spec.label);
    // A last guard in case an implementation ignores its signal: the run still ends.
    let guard: NodeJS.Timeout | undefined;
    const hard = new Promise<Outcome>((resolve) => {
      guard = setTimeout(() => resolve({ status: 'fail', cause: 'timeout', summary: `no result within ${spec.timeoutMs} ms` }), spec.timeoutMs + 250);
    });
    try {
      const impl = IMPLEMENTATIONS[spec.kind];
      const o = await Promise.race([impl(spec, ctx, deadline.signal), hard]);
      return finish(o);
    } catch (e) {
      const err = e instanceof ProbeError ? e : undefined;
      if (outer.aborted) return finish({ status: 'skipped', cause: 'cancelled', summary: 'cancelled' });
      if (err?.probeCause === 'timeout') return finish({ status: 'fail', cause: 'timeout', summary: err.message });
      return finish({ status: 'unknown', cause: 'internal', summary: `the probe failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      clearTimeout(guard);
      deadline.dispose();
    }
  };

  // Start order: the probes that may have to wait out their whole budget (the quality
  // burst, then STUN and TURN over UDP, which learn of a drop only by silence) go first,
  // so they do not queue behind quick ones; results keep the plan's order.
  const order = startOrder(specs);
  // The throughput check fills the link (and this process) while it runs: it waits for the
  // quality burst to end, so that the burst's RTT and jitter are not its queueing delay.
  let qualityDone: Promise<unknown> = Promise.resolve();
  let markQualityDone: () => void = () => undefined;
  if (specs.some((s) => s.kind === 'quality') && specs.some((s) => s.kind === 'throughput')) {
    qualityDone = new Promise<void>((res) => (markQualityDone = res));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = order[next++];
      const spec = i === undefined ? undefined : specs[i];
      if (!spec || i === undefined) return;
      if (spec.kind === 'throughput' && !outer.aborted) {
        let onAbort: () => void = () => undefined;
        await Promise.race([qualityDone, new Promise<void>((res) => outer.addEventListener('abort', (onAbort = () => res()), { once: true }))]);
        outer.removeEventListener('abort', onAbort);
      }
      if (!outer.aborted) emit({ type: 'start', id: spec.id });
      const r = await runOne(spec);
      if (spec.kind === 'quality') markQualityDone();
      results[i] = r;
      emit({ type: 'result', result: r });
    }
  };
  const width = Math.max(1, Math.min(options.concurrency, specs.length));
  await Promise.all(Array.from({ length: width }, worker));
  const done = results.filter((r): r is ProbeResult => r !== undefined);
  emit({ type: 'done', results: done, cancelled: outer.aborted });
  return { results: done, cancelled: outer.aborted };
}

/** Indexes of `specs` in the order to start them: longest budget first, then silence-bound UDP probes, then plan order. */
export function startOrder(specs: readonly ProbeSpec[]): number[] {
  const udpFirst = (s: ProbeSpec): number => (s.kind === 'stun' || (s.kind === 'turn' && s.transport === 'udp') ? 0 : 1);
  // The throughput check waits for the quality burst anyway: it goes last, not holding a slot.
  const last = (s: ProbeSpec): number => (s.kind === 'throughput' ? 1 : 0);
  return specs
    .map((s, i) => ({ s, i }))
    .sort((a, b) => last(a.s) - last(b.s) || b.s.timeoutMs - a.s.timeoutMs || udpFirst(a.s) - udpFirst(b.s) || a.i - b.i)
    .map((x) => x.i);
}

export interface ReadinessProbeInput extends RunOptions {
  readonly selection: Selection;
  readonly options: ProbeOptions;
  readonly lintFindings?: readonly Finding[];
}

/** Plan, run, judge: the report the CLI prints and the panel shows. */
export async function runReadinessProbe(input: ReadinessProbeInput): Promise<ProbeReport> {
  const env = input.env ?? {};
  const proxy = proxyEnvironment(input.options, env);
  const specs = buildProbePlan({ selection: input.selection, options: input.options, proxy, hasTurnCredentials: Boolean(input.credentials) });
  const startedAt = new Date();
  const t0 = performance.now();
  const { results, cancelled } = await runProbes(specs, input.options, input);
  const verdict = synthesizeVerdict({ specs, results, profiles: input.selection.profiles, ...(input.lintFindings ? { lintFindings: input.lintFindings } : {}) });
  const secrets = secretsOf(input, input.options, proxy.proxy);
  return redact(
    makeReport({
      startedAt: startedAt.toISOString(),
      durationMs: ms(performance.now() - t0),
      cancelled,
      ...(proxy.proxy ? { proxy: displayProxy(proxy.proxy) } : {}),
      specs: specs.map((s) => (s.viaProxy ? { ...s, viaProxy: displayProxy(s.viaProxy) } : s)),
      results,
      verdict,
    }),
    secrets,
  );
}

/** Credentials from the environment (OPENTOK_READINESS_TURN_USERNAME / _CREDENTIAL), never from files. */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): TurnCredentials | undefined {
  const username = env.OPENTOK_READINESS_TURN_USERNAME;
  const credential = env.OPENTOK_READINESS_TURN_CREDENTIAL;
  return username && credential ? { username, credential } : undefined;
}
