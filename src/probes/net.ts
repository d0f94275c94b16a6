// Sockets for the probes: TCP connect with the failure told apart (refused, dropped,
// unreachable), HTTP CONNECT tunnels through a proxy, TLS on top, and reading an HTTP
// head. Everything obeys an AbortSignal and destroys its socket on the way out.
import { setMaxListeners } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ProbeCause } from '../core/probes/types';

export class ProbeError extends Error {
  constructor(
    readonly probeCause: ProbeCause,
    message: string,
    readonly evidence: Record<string, string | number | boolean> = {},
  ) {
    super(message);
  }
}

export function abortError(signal: AbortSignal): ProbeError {
  const reason = signal.reason as unknown;
  return reason instanceof ProbeError ? reason : new ProbeError('cancelled', 'cancelled');
}

/** Runs `fn` until it settles or the signal aborts; `cleanup` always runs. */
export function abortable<T>(signal: AbortSignal, start: (resolve: (v: T) => void, reject: (e: unknown) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    let done = false;
    let cleanup: () => void = () => undefined;
    const finish = (): void => {
      done = true;
      signal.removeEventListener('abort', onAbort);
      cleanup();
    };
    const onAbort = (): void => {
      if (done) return;
      finish();
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    cleanup = start(
      (v) => {
        if (done) return;
        finish();
        resolve(v);
      },
      (e) => {
        if (done) return;
        finish();
        reject(e);
      },
    );
    if (done) cleanup();
  });
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortable<void>(signal, (resolve) => {
    const t = setTimeout(resolve, ms);
    return () => clearTimeout(t);
  });
}

/** A child signal that also aborts after `ms`, with a `timeout` ProbeError as its reason. */
export function withDeadline(parent: AbortSignal, ms: number, what: string): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  // One probe waits on its signal from several places at once (connect, TLS, DNS…).
  setMaxListeners(64, ac.signal);
  const onAbort = (): void => ac.abort(parent.reason);
  if (parent.aborted) ac.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const t = setTimeout(() => ac.abort(new ProbeError('timeout', `${what}: no answer within ${ms} ms`)), ms);
  return {
    signal: ac.signal,
    dispose: () => {
      clearTimeout(t);
      parent.removeEventListener('abort', onAbort);
    },
  };
}

export function classifySocketError(e: unknown, what: string): ProbeError {
  if (e instanceof ProbeError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return new ProbeError('refused', `${what}: refused (TCP reset): a firewall rejects it or nothing listens`, { errno: code });
    case 'ECONNRESET':
    case 'EPIPE':
      return new ProbeError('reset', `${what}: connection reset`, { errno: code });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return new ProbeError('unreachable', `${what}: no route (${code})`, { errno: code });
    case 'ETIMEDOUT':
      return new ProbeError('dropped', `${what}: timed out (packets dropped)`, { errno: code });
    case 'ENOTFOUND':
      return new ProbeError('nxdomain', `${what}: the name does not resolve`, { errno: code });
    default:
      return new ProbeError('internal', `${what}: ${(e as Error).message ?? String(e)}`, code ? { errno: code } : {});
  }
}

/** Opens a TCP connection; a silent drop shows as the signal's timeout, renamed `dropped`. */
export function connectTcp(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  const what = `TCP ${host.includes(':') ? `[${host}]` : host}:${port}`;
  return abortable<net.Socket>(signal, (resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      resolve(socket);
    });
    socket.once('error', (e) => reject(classifySocketError(e, what)));
    return () => {
      if (!connected) socket.destroy();
    };
  }).catch((e: unknown) => {
    if (e instanceof ProbeError && e.probeCause === 'timeout') throw new ProbeError('dropped', `${what}: no answer (SYN dropped)`);
    throw e;
  });
}

export interface HttpHead {
  readonly status: number;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes received after the head. */
  readonly rest: Buffer;
}

const MAX_HEAD = 64 * 1024;

/** Reads one HTTP/1.x response head; never more than 64 KiB. */
export function readHttpHead(socket: net.Socket, signal: AbortSignal, what: string): Promise<HttpHead> {
  return abortable<HttpHead>(signal, (resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HEAD) reject(new ProbeError('malformed-response', `${what}: no end of the HTTP head within 64 KiB`));
        return;
      }
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
      if (!m) return reject(new ProbeError('malformed-response', `${what}: not an HTTP answer`, { firstLine: (lines[0] ?? '').slice(0, 80) }));
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(m[1]), reason: m[2] ?? '', headers, rest: buf.subarray(end + 4) });
    };
    const onEnd = (): void => reject(new ProbeError(buf.length ? 'malformed-response' : 'reset', `${what}: closed before an HTTP answer`));
    const onError = (e: Error): void => reject(classifySocketError(e, what));
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
    return () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
  });
}

export interface ProxyAnswer {
  readonly status: number;
  readonly reason: string;
  readonly authenticate?: string;
  readonly via?: string;
}

function authority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Asks an HTTP proxy to CONNECT to host:port (RFC 9110 section 9.3.6). Resolves with the
 * tunnel; a 407 or any other refusal rejects with the proxy's answer as evidence.
 */
export async function openTunnel(proxyUrl: string, host: string, port: number, signal: AbortSignal): Promise<{ socket: net.Socket; answer: ProxyAnswer }> {
  const p = new URL(proxyUrl);
  const pport = p.port ? Number(p.port) : 80;
  const phost = p.hostname.replace(/^\[|\]$/g, '');
  let socket: net.Socket;
  try {
    socket = await connectTcp(phost, pport, signal);
  } catch (e) {
    const err = e as ProbeError;
    throw new ProbeError(err.probeCause, `proxy ${authority(phost, pport)}: ${err.message}`, { proxyCause: err.probeCause });
  }
  try {
    const target = authority(host, port);
    // Credentials in the proxy URL are sent, never reported (the report strips them).
    const auth = p.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64')}\r\n` : '';
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    const head = await readHttpHead(socket, signal, `proxy CONNECT ${target}`);
    const answer: ProxyAnswer = {
      status: head.status,
      reason: head.reason,
      ...(head.headers['proxy-authenticate'] ? { authenticate: head.headers['proxy-authenticate'].split(/[ ,]/)[0] ?? '' } : {}),
      ...(head.headers.via ? { via: head.headers.via } : {}),
    };
    if (head.status === 407) {
      throw new ProbeError('proxy-auth-required', `the proxy requires authentication (407${answer.authenticate ? `, ${answer.authenticate}` : ''}) for CONNECT ${target}`, {
        proxyStatus: 407,
        ...(answer.authenticate ? { proxyAuthenticate: answer.authenticate } : {}),
      });
    }
    if (head.status < 200 || head.status > 299) {
      throw new ProbeError('proxy-refused', `the proxy refused CONNECT ${target}: ${head.status} ${head.reason}`, { proxyStatus: head.status });
    }
    if (head.rest.length) socket.unshift(head.rest);
    return { socket, answer };
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

/** A TCP stream to host:port, through the proxy's tunnel when one is given. */
export async function openStream(host: string, port: number, proxy: string | undefined, signal: AbortSignal): Promise<{ socket: net.Socket; proxy?: ProxyAnswer }> {
  if (!proxy) return { socket: await connectTcp(host, port, signal) };
  const t = await openTunnel(proxy, host, port, signal);
  return { socket: t.socket, proxy: t.answer };
}

export interface TlsSession {
  readonly socket: tls.TLSSocket;
  readonly authorized: boolean;
  readonly authorizationError?: string;
}

/**
 * TLS over an open stream. The handshake is not refused on a bad certificate: the
 * probe inspects the chain itself and names the issuer.
 */
// Parsing the public roots plus the extra CAs costs tens of milliseconds: once per CA list.
const contexts = new WeakMap<readonly string[], tls.SecureContext>();
function secureContextFor(ca: readonly string[]): tls.SecureContext {
  let c = contexts.get(ca);
  if (!c) {
    c = tls.createSecureContext({ ca: [...tls.rootCertificates, ...ca] });
    contexts.set(ca, c);
  }
  return c;
}

export function startTls(socket: net.Socket, servername: string, ca: readonly string[] | undefined, signal: AbortSignal, alpn?: string[]): Promise<TlsSession> {
  const what = `TLS ${servername}`;
  return abortable<TlsSession>(signal, (resolve, reject) => {
    const s = tls.connect({
      socket,
      servername: net.isIP(servername) ? undefined : servername,
      // The name the certificate is checked against, also for an address or through a proxy's tunnel.
      host: servername,
      rejectUnauthorized: false,
      ...(ca && ca.length ? { secureContext: secureContextFor(ca) } : {}),
      ...(alpn ? { ALPNProtocols: alpn } : {}),
    } as tls.ConnectionOptions);
    let ok = false;
    s.once('secureConnect', () => {
      ok = true;
      const err = s.authorizationError as unknown;
      resolve({ socket: s, authorized: s.authorized, ...(err ? { authorizationError: String((err as Error).message ?? err) } : {}) });
    });
    s.once('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      reject(code === 'ECONNRESET' || code.startsWith('ERR_SSL') || code === 'EPROTO' ? new ProbeError('tls-handshake', `${what}: handshake failed (${code || e.message})`, { errno: code }) : classifySocketError(e, what));
    });
    s.once('close', () => reject(new ProbeError('tls-handshake', `${what}: closed during the handshake`)));
    return () => {
      if (!ok) {
        s.destroy();
        socket.destroy();
      }
    };
  }).catch((e: unknown) => {
    if (e instanceof ProbeError && e.probeCause === 'timeout') throw new ProbeError('tls-handshake', `${what}: the handshake did not finish in time`);
    throw e;
  });
}
