// STUN Binding over UDP (mapped address, RTT, NAT) and the quality burst.
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { QUALITY_THRESHOLDS, qualityFigures, round } from '../../core/probes/mos';
import { qualityTcpFallbacks } from '../../core/probes/plan';
import type * as net from 'node:net';
import type { ProbeSpec, TurnTarget } from '../../core/probes/types';
import { ms, type Outcome, type ProbeContext } from '../context';
import { abortable, openStream, ProbeError, sleep, startTls } from '../net';
import { resolveOrUnknown } from '../tcp';
import { ATTR, CLASS, decodeMappedAddress, decodeXorAddress, encodeMessage, getAttribute, METHOD } from './codec';
import { StreamChannel, UdpChannel } from './transport';

export function bindingRequest(): { tid: Buffer; bytes: Buffer } {
  const tid = randomBytes(12);
  return { tid, bytes: encodeMessage({ method: METHOD.binding, cls: CLASS.request, transactionId: tid }, { fingerprint: true }) };
}

function isLocalAddress(address: string): boolean {
  return Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((a) => a.address === address));
}

export async function probeStun(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const r = await resolveOrUnknown(ctx, spec.host ?? '', signal);
  if ('status' in r) return r;
  const port = spec.port ?? 3478;
  let ch: UdpChannel | undefined;
  try {
    ch = await UdpChannel.open(r.address, port, signal);
    const req = bindingRequest();
    const res = await ch.transact(req.bytes, req.tid, ctx.options.stunRtoMs, signal);
    const m = res.response;
    if (m.method !== METHOD.binding || m.cls !== CLASS.success) {
      return { status: 'fail', cause: 'malformed-response', summary: `the server answered the Binding request with class ${m.cls}, method ${m.method}`, evidence: { address: r.address, port } };
    }
    const mapped = decodeXorAddress(getAttribute(m, ATTR.xorMappedAddress), m.transactionId) ?? decodeMappedAddress(getAttribute(m, ATTR.mappedAddress));
    const local = ch.localAddress();
    const evidence = { address: r.address, port, rttMs: ms(res.rttMs), transmissions: res.transmissions, localAddress: `${local.address}:${local.port}`, ...(ch.stray.garbage ? { ignoredDatagrams: ch.stray.garbage } : {}) };
    if (!mapped) return { status: 'fail', cause: 'malformed-response', summary: 'the Binding response has no (XOR-)MAPPED-ADDRESS', evidence };
    const nat = mapped.address !== local.address && !isLocalAddress(mapped.address);
    const software = getAttribute(m, ATTR.software)?.toString('utf8').slice(0, 60);
    return {
      status: 'pass',
      summary: `UDP answered in ${ms(res.rttMs)} ms; public address ${mapped.address}:${mapped.port}${nat ? ' (behind NAT)' : ' (no NAT)'}`,
      evidence: { ...evidence, mappedAddress: `${mapped.address}:${mapped.port}`, nat, ...(software ? { software } : {}) },
    };
  } catch (e) {
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    const garbage = ch?.stray.garbage ?? 0;
    if (garbage > 0 && (err.probeCause === 'no-response' || err.probeCause === 'timeout')) {
      return { status: 'fail', cause: 'malformed-response', summary: `${garbage} answer${garbage === 1 ? '' : 's'} that are not valid STUN (garbage or truncated), and no valid one`, evidence: { address: r.address, port, ignoredDatagrams: garbage } };
    }
    const cause = err.probeCause === 'timeout' ? 'no-response' : err.probeCause;
    const sent = ch?.transmissions ?? 0;
    const summary = cause === 'no-response' ? `no answer over UDP to ${sent} transmission${sent === 1 ? '' : 's'} (RFC 8489 schedule): dropped by a firewall` : err.message;
    return { status: 'fail', cause, summary, evidence: { address: r.address, port, transmissions: sent, ...(ch ? { sendTimesMs: [...ch.sendTimesMs] } : {}), ...err.evidence } };
  } finally {
    ch?.close();
  }
}

interface Burst {
  samples: number[];
  garbage: number;
}

/**
 * Sends `packets` Binding requests `intervalMs` apart and records each RTT (-1 when lost).
 * Stragglers are awaited for up to `waitMs` after the last send, but when not one request
 * has been answered `silenceMs` after it, the path is taken as silent and the burst ends
 * (the caller then measures over TCP instead of waiting out the whole allowance).
 */
async function burst(
  send: (b: Buffer) => void, expect: (tid: Buffer, cb: () => void) => () => void, packets: number, intervalMs: number, waitMs: number, silenceMs: number, signal: AbortSignal,
  dead: () => boolean = () => false,
): Promise<number[]> {
  const samples = new Array<number>(packets).fill(-1);
  const unexpects: (() => void)[] = [];
  try {
    for (let i = 0; i < packets; i++) {
      const req = bindingRequest();
      const sentAt = performance.now();
      unexpects.push(
        expect(req.tid, () => {
          if (samples[i] === -1) samples[i] = performance.now() - sentAt;
        }),
      );
      send(req.bytes);
      // A stream that failed (reset, garbage, truncated) answers nothing more.
      if (dead()) break;
      if (i < packets - 1) await sleep(intervalMs, signal);
    }
    // Wait for stragglers, but stop early once every request is answered.
    const lastSend = performance.now();
    await abortable<void>(signal, (resolve) => {
      const poll = setInterval(() => {
        if (samples.every((s) => s >= 0) || dead()) resolve();
        else if (performance.now() - lastSend >= silenceMs && samples.every((s) => s < 0)) resolve();
      }, 10);
      const t = setTimeout(resolve, waitMs);
      return () => {
        clearInterval(poll);
        clearTimeout(t);
      };
    });
  } finally {
    for (const u of unexpects) u();
  }
  return samples;
}

/**
 * How late this process's own event loop ran during the burst (99th percentile, ms): every
 * answer is timestamped when its callback runs, so a busy machine adds its own delay to the
 * RTTs and the jitter measured.
 */
export const LOCAL_DELAY_LIMIT_MS = 10;

async function withLoopDelay<T>(fn: () => Promise<T>): Promise<{ value: T; loopDelayMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  try {
    const value = await fn();
    return { value, loopDelayMs: h.count > 0 ? h.percentile(99) / 1e6 : 0 };
  } finally {
    h.disable();
  }
}

export function qualityOutcome(samples: number[], transport: string, evidence: Record<string, string | number | boolean>, loopDelayMs: number): Outcome {
  const q = qualityFigures(samples);
  const ev = {
    ...evidence, transport, sent: q.sent, received: q.received, lossPercent: round(q.lossPercent), rttP50: round(q.rttP50), rttP95: round(q.rttP95),
    jitterMs: round(q.jitterMs), mos: round(q.mos, 2), localDelayMs: round(loopDelayMs),
  };
  const figures = `loss ${round(q.lossPercent)} %, RTT p50 ${round(q.rttP50)} ms / p95 ${round(q.rttP95)} ms, jitter ${round(q.jitterMs)} ms, MOS ${round(q.mos, 2)} over ${transport.toUpperCase()}`;
  const lossy = q.lossPercent >= QUALITY_THRESHOLDS.lossPercent;
  if (q.problems.length && loopDelayMs >= LOCAL_DELAY_LIMIT_MS) {
    // This machine was too busy to time the answers well: each is stamped late by up to
    // about its event loop's lateness, which inflates the median RTT and each step of the
    // jitter by about that much at most. The lateness is a 99th percentile, not a maximum, and
    // the jitter follows single late answers, so it keeps twice that as margin. A figure over
    // its limit by more is the path's own and is judged; one within it is not. Loss is no
    // timing artefact.
    const late = round(loopDelayMs);
    const rttSure = q.rttP50 - loopDelayMs >= QUALITY_THRESHOLDS.rttMs;
    const jitterSure = q.jitterMs - 2 * loopDelayMs >= QUALITY_THRESHOLDS.jitterMs;
    const sure = q.problems.filter((p) => (p.startsWith('RTT ') ? rttSure : p.startsWith('jitter ') ? jitterSure : true));
    const unsure = q.problems.filter((p) => !sure.includes(p)).map((p) => p.split(' (')[0]!);
    if (!sure.length && !lossy) {
      // Over the RTT or jitter limit, but this machine itself was too busy to time the answers: not judged.
      return {
        status: 'unknown', summary: `${figures}: not judged, this machine was too busy to time the answers (its event loop ran up to ${late} ms late), which inflates RTT and jitter`,
        evidence: ev, samples,
      };
    }
    const note = unsure.length ? `; ${unsure.join(' and ')} not judged, this machine's event loop ran up to ${late} ms late` : '';
    return { status: 'warn', cause: 'poor-quality', summary: `${figures}: ${sure.join(', ')}${note}`, evidence: ev, samples };
  }
  if (q.problems.length) return { status: 'warn', cause: 'poor-quality', summary: `${figures}: ${q.problems.join(', ')}`, evidence: ev, samples };
  return { status: 'pass', summary: figures, evidence: ev, samples };
}

/** The burst over UDP, or over TCP to a TURN server when UDP gets no answer at all. */
export async function probeQuality(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const { packets, intervalMs } = ctx.options.quality;
  const waitMs = Math.min(2000, ctx.options.timeoutMs);
  // Not one answer within two initial RTOs (RFC 8489 section 6.2.1) of the last of many
  // requests: UDP is silent. A path that slow could not carry real-time media anyway.
  const silenceMs = Math.min(waitMs, 2 * ctx.options.stunRtoMs);
  const r = await resolveOrUnknown(ctx, spec.host ?? '', signal);
  let udpSamples: number[] | undefined;
  let udpNote = '';
  if (!('status' in r)) {
    let ch: UdpChannel | undefined;
    try {
      ch = await UdpChannel.open(r.address, spec.port ?? 3478, signal);
      const c = ch;
      const timed = await withLoopDelay(() => burst((b) => c.send(b), (tid, cb) => c.expect(tid, cb), packets, intervalMs, waitMs, silenceMs, signal));
      udpSamples = timed.value;
      if (udpSamples.some((s) => s >= 0)) return qualityOutcome(udpSamples, 'udp', { address: r.address, port: spec.port ?? 3478 }, timed.loopDelayMs);
      udpNote = ch.failed ? `no UDP answer: ${ch.failed.message}` : 'no UDP answer';
    } catch (e) {
      if (e instanceof ProbeError && e.probeCause === 'cancelled') throw e;
      udpNote = e instanceof Error ? e.message : String(e);
    } finally {
      ch?.close();
    }
  } else udpNote = r.summary;
  const fallbacks = qualityTcpFallbacks(ctx.options);
  if (!fallbacks.length) return { status: 'unknown', cause: 'no-response', summary: `${udpNote}; no TURN server over TCP to measure instead`, evidence: {} };
  let stream: StreamChannel | undefined;
  try {
    // The first TURN server over TCP or TLS that this network lets us reach (directly or through the proxy).
    let opened: { sock: net.Socket; host: string; fallback: TurnTarget } | undefined;
    const tried: string[] = [];
    let lastError: ProbeError | undefined;
    for (const fallback of fallbacks) {
      try {
        const proxy = ctx.proxyFor(fallback.host);
        let host = fallback.host;
        if (!proxy) {
          const fr = await resolveOrUnknown(ctx, fallback.host, signal);
          if ('status' in fr) {
            tried.push(`${fallback.transport.toUpperCase()} ${fallback.host}:${fallback.port}: ${fr.summary}`);
            continue;
          }
          host = fr.address;
        }
        const s = await openStream(host, fallback.port, proxy, signal);
        const sock = fallback.transport === 'tls' ? (await startTls(s.socket, fallback.host, ctx.options.ca, signal)).socket : s.socket;
        opened = { sock, host, fallback };
        break;
      } catch (e) {
        const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
        if (err.probeCause === 'cancelled' || signal.aborted) throw err;
        lastError = err;
        tried.push(`${fallback.transport.toUpperCase()} ${fallback.host}:${fallback.port}: ${err.message}`);
      }
    }
    if (!opened) {
      return { status: 'fail', cause: lastError?.probeCause ?? 'no-response', summary: `${udpNote}; TCP fallback: ${tried.join('; ')}`, evidence: {} };
    }
    const { sock, host, fallback } = opened;
    const chan = new StreamChannel(sock);
    stream = chan;
    let failure: ProbeError | undefined;
    chan.watch((e) => {
      failure = e;
    });
    const timed = await withLoopDelay(() => burst((b) => chan.send(b), (tid, cb) => chan.expect(tid, cb), packets, intervalMs, waitMs, waitMs, signal, () => failure !== undefined));
    const samples = timed.value;
    if (failure && samples.some((x) => x < 0) && samples.some((x) => x >= 0)) {
      // Unanswered requests of a stream that failed are not packet loss: the path itself broke.
      return { status: 'fail', cause: failure.probeCause, summary: `${udpNote}; the ${fallback.transport.toUpperCase()} connection failed during the burst (${failure.message})`, evidence: { address: host, port: fallback.port } };
    }
    if (!samples.some((x) => x >= 0)) return { status: 'fail', cause: failure?.probeCause ?? 'no-response', summary: `${udpNote}; no STUN answer over TCP either${failure ? ` (${failure.message})` : ''}`, evidence: {} };
    const out = qualityOutcome(samples, fallback.transport, { address: host, port: fallback.port, udp: udpNote }, timed.loopDelayMs);
    return { ...out, summary: `${out.summary} (UDP: ${udpNote})` };
  } catch (e) {
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    return { status: 'fail', cause: err.probeCause, summary: `${udpNote}; TCP fallback: ${err.message}`, evidence: {} };
  } finally {
    stream?.close();
  }
}
