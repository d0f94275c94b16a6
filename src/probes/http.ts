// HTTP(S) to the API and logging servers, the WebSocket upgrade to signalling, the
// certificate-status servers, the proxy's CONNECT and the optional throughput check.
// Hand-written HTTP/1.1 over net/tls, so a proxy's answer, a refused upgrade or an
// endless body are seen for what they are. Any HTTP answer proves reachability.
import { createHash, randomBytes } from 'node:crypto';
import type * as net from 'node:net';
import { displayProxy } from '../core/probes/plan';
import type { EvidenceValue, ProbeSpec } from '../core/probes/types';
import { ms, type Outcome, type ProbeContext } from './context';
import { abortable, connectTcp, openStream, openTunnel, ProbeError, readHttpHead, startTls, type HttpHead } from './net';
import { resolveOrUnknown } from './tcp';

const USER_AGENT = 'opentok-readiness';

interface Exchange {
  readonly head: HttpHead;
  readonly socket: net.Socket;
  readonly viaProxy: boolean;
  readonly timings: Record<string, number>;
  readonly tlsAuthorized?: boolean;
}

/** Opens the path to the URL (direct, tunnel or absolute-form through a proxy) and sends one request. */
async function exchange(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal, extraHeaders: string[]): Promise<Exchange> {
  const url = new URL(spec.url ?? '');
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const proxy = spec.viaProxy;
  const t0 = performance.now();
  let socket: net.Socket;
  let absolute = false;
  let tlsAuthorized: boolean | undefined;
  if (proxy && !secure) {
    // Plain HTTP goes to the proxy with the absolute URI (RFC 9112 section 3.2.2).
    const p = new URL(proxy);
    socket = await connectTcp(p.hostname.replace(/^\[|\]$/g, ''), p.port ? Number(p.port) : 80, signal);
    absolute = true;
  } else if (proxy) {
    socket = (await openTunnel(proxy, host, port, signal)).socket;
  } else {
    const r = await resolveOrUnknown(ctx, host, signal);
    if ('status' in r) throw new ProbeError(r.cause ?? 'nxdomain', r.summary.replace(/^not tried: /, ''));
    socket = (await openStream(r.address, port, undefined, signal)).socket;
  }
  const connectMs = ms(performance.now() - t0);
  try {
    if (secure) {
      const s = await startTls(socket, host, ctx.options.ca, signal, ['http/1.1']);
      socket = s.socket;
      tlsAuthorized = s.authorized;
    }
    const path = `${url.pathname || '/'}${url.search}`;
    const target = absolute ? `http://${url.host}${path}` : path;
    const lines = [`GET ${target} HTTP/1.1`, `Host: ${url.host}`, `User-Agent: ${USER_AGENT}`, ...extraHeaders];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const sent = performance.now();
    const head = await readHttpHead(socket, signal, `${url.protocol.replace(':', '').toUpperCase()} ${url.host}`);
    return { head, socket, viaProxy: Boolean(proxy), timings: { connectMs, firstByteMs: ms(performance.now() - sent) }, ...(tlsAuthorized !== undefined ? { tlsAuthorized } : {}) };
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

function failure(e: unknown): Outcome {
  const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
  if (err.probeCause === 'cancelled') throw err;
  const evidence: Record<string, EvidenceValue> = { ...err.evidence };
  if (err.probeCause === 'proxy-auth-required') {
    return { status: 'fail', cause: err.probeCause, summary: `${err.message}: WebRTC cannot authenticate to a proxy`, evidence, requirementId: 'proxy-no-auth' };
  }
  if (err.probeCause === 'proxy-refused') return { status: 'fail', cause: err.probeCause, summary: err.message, evidence, requirementId: 'proxy-https' };
  return { status: 'fail', cause: err.probeCause, summary: err.message, evidence };
}

function answerEvidence(x: Exchange): Record<string, EvidenceValue> {
  return {
    status: x.head.status,
    ...(x.head.headers.server ? { server: x.head.headers.server.slice(0, 80) } : {}),
    ...(x.head.headers.via ? { via: x.head.headers.via.slice(0, 120) } : {}),
    ...(x.viaProxy ? { viaProxy: true } : {}),
    ...(x.tlsAuthorized !== undefined ? { tlsAuthorized: x.tlsAuthorized } : {}),
    ...x.timings,
  };
}

/** A 407 through the absolute-form path comes from the proxy itself. */
function proxyAuthOutcome(x: Exchange): Outcome | undefined {
  if (x.head.status !== 407 || !x.viaProxy) return undefined;
  const scheme = (x.head.headers['proxy-authenticate'] ?? '').split(/[ ,]/)[0] ?? '';
  return {
    status: 'fail', cause: 'proxy-auth-required', requirementId: 'proxy-no-auth',
    summary: `the proxy requires authentication (407${scheme ? `, ${scheme}` : ''}): WebRTC cannot authenticate to a proxy`,
    evidence: { ...answerEvidence(x), ...(scheme ? { proxyAuthenticate: scheme } : {}) },
  };
}

export async function probeHttps(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  try {
    const x = await exchange(spec, ctx, signal, ['Accept: */*', 'Connection: close']);
    x.socket.destroy();
    const auth = proxyAuthOutcome(x);
    if (auth) return auth;
    return { status: 'pass', summary: `HTTP ${x.head.status} ${x.head.reason}`.trim() + `${x.viaProxy ? ' through the proxy' : ''}: reachable`, evidence: answerEvidence(x) };
  } catch (e) {
    return failure(e);
  }
}

/** RFC 6455 section 4: the Upgrade request, and the accept value the server must echo. */
export async function probeWebSocket(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const key = randomBytes(16).toString('base64');
  const expected = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  try {
    const x = await exchange(spec, ctx, signal, ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13']);
    x.socket.destroy();
    const auth = proxyAuthOutcome(x);
    if (auth) return auth;
    const evidence = answerEvidence(x);
    if (x.head.status === 101) {
      if (x.head.headers['sec-websocket-accept'] !== expected) {
        return { status: 'warn', cause: 'malformed-response', summary: 'upgraded (101) with a wrong Sec-WebSocket-Accept: something in the path rewrites the handshake', evidence };
      }
      return { status: 'pass', summary: `WebSocket upgrade accepted (101)${x.viaProxy ? ' through the proxy' : ''}`, evidence };
    }
    // Reachable, but no upgrade: from a proxy in the path this breaks signalling (seed 002: WSS must pass).
    const byProxy = x.viaProxy && (spec.url ?? '').startsWith('ws:') ? true : Boolean(x.head.headers['x-squid-error']);
    return {
      status: byProxy ? 'fail' : 'warn', cause: 'upgrade-refused',
      summary: `the WebSocket upgrade was refused${byProxy ? ' by the proxy' : ''}: HTTP ${x.head.status} ${x.head.reason}`.trim() + ' (the server is reachable)',
      evidence,
    };
  } catch (e) {
    return failure(e);
  }
}

export async function probeCertificateStatus(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  try {
    const x = await exchange(spec, ctx, signal, ['Connection: close']);
    x.socket.destroy();
    const auth = proxyAuthOutcome(x);
    if (auth) return { ...auth, status: 'warn' };
    return { status: 'pass', summary: `HTTP ${x.head.status}: certificate status checks can reach it`, evidence: answerEvidence(x) };
  } catch (e) {
    const f = failure(e);
    return { ...f, summary: `${f.summary}; browsers will warn in the console but sessions still work (seed 000)` };
  }
}

export async function probeProxy(spec: ProbeSpec, _ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const proxy = spec.viaProxy ?? '';
  const t0 = performance.now();
  try {
    const t = await openTunnel(proxy, spec.host ?? '', spec.port ?? 443, signal);
    t.socket.destroy();
    return {
      status: 'pass', summary: `${displayProxy(proxy)} tunnels CONNECT ${spec.host}:${spec.port} without authentication (${t.answer.status})`,
      evidence: { proxyStatus: t.answer.status, ...(t.answer.via ? { via: t.answer.via.slice(0, 120) } : {}), connectMs: ms(performance.now() - t0) },
    };
  } catch (e) {
    const f = failure(e);
    if (f.cause === 'proxy-auth-required' || f.cause === 'proxy-refused') return f;
    return { ...f, summary: `the proxy ${displayProxy(proxy)} cannot be reached: ${f.summary}`, requirementId: 'proxy-https' };
  }
}

/** Downloads for at most `throughputSeconds` and compares with seed 002's 1,000 kb/s per stream. */
export async function probeThroughput(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  let x: Exchange;
  try {
    x = await exchange(spec, ctx, signal, ['Connection: close']);
  } catch (e) {
    return failure(e);
  }
  const limitMs = ctx.options.throughputSeconds * 1000;
  const start = performance.now();
  let bytes = x.head.rest.length;
  try {
    await abortable<void>(signal, (resolve) => {
      const t = setTimeout(resolve, limitMs);
      const onData = (c: Buffer): void => {
        bytes += c.length;
      };
      x.socket.on('data', onData);
      x.socket.once('end', () => resolve());
      x.socket.once('close', () => resolve());
      return () => {
        clearTimeout(t);
        x.socket.off('data', onData);
      };
    });
  } finally {
    x.socket.destroy();
  }
  const seconds = Math.max(0.001, (performance.now() - start) / 1000);
  const kbps = Math.round((bytes * 8) / 1000 / seconds);
  const evidence = { ...answerEvidence(x), bytes, seconds: Math.round(seconds * 100) / 100, kbps };
  if (x.head.status >= 400) return { status: 'unknown', cause: 'http-error', summary: `HTTP ${x.head.status}: no body to measure`, evidence };
  if (kbps < 1000) return { status: 'warn', cause: 'low-bandwidth', summary: `${kbps} kb/s down, below 1,000 kb/s for one stream (seed 002)`, evidence };
  return { status: 'pass', summary: `${kbps} kb/s down: ${Math.floor(kbps / 1000)} stream${kbps >= 2000 ? 's' : ''} at 1,000 kb/s (seed 002)`, evidence };
}
