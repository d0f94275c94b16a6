// TURN Allocate over UDP, TCP and TLS (RFC 8656), through the HTTP proxy's CONNECT for
// TCP and TLS when one is in use. Without credentials, a 401 with REALM and NONCE
// proves the server is reachable over that transport. With the customer's long-term
// credentials (Configurable TURN, seed 003) a full allocation proves the relay works,
// and a Refresh with LIFETIME 0 releases it at once.
import { randomBytes } from 'node:crypto';
import type { ProbeSpec } from '../core/probes/types';
import { ms, type Outcome, type ProbeContext } from './context';
import { openStream, ProbeError, startTls } from './net';
import {
  ATTR, CLASS, decodeErrorCode, decodeXorAddress, encodeMessage, getAttribute, longTermKey, METHOD, TRANSPORT_UDP, verifyIntegrity,
  type EncodeAttribute, type StunMessage,
} from './stun/codec';
import { StreamChannel, UdpChannel, type TransactionResult } from './stun/transport';
import { resolveOrUnknown } from './tcp';

interface Channel {
  transact(request: Buffer, tid: Buffer, signal: AbortSignal): Promise<TransactionResult>;
  readonly stray: { garbage: number };
  close(): void;
}

function lifetimeValue(seconds: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(seconds, 0);
  return b;
}

function requestedTransport(): Buffer {
  return Buffer.from([TRANSPORT_UDP, 0, 0, 0]);
}

interface Auth {
  readonly username: string;
  readonly realm: string;
  nonce: string;
  readonly key: Buffer;
}

async function send(ch: Channel, method: number, attrs: EncodeAttribute[], auth: Auth | undefined, signal: AbortSignal): Promise<TransactionResult> {
  const tid = randomBytes(12);
  const all = auth ? [...attrs, { type: ATTR.username, value: auth.username }, { type: ATTR.realm, value: auth.realm }, { type: ATTR.nonce, value: auth.nonce }] : attrs;
  const bytes = encodeMessage({ method, cls: CLASS.request, transactionId: tid, attributes: all }, { ...(auth ? { integrityKey: auth.key } : {}), fingerprint: true });
  return ch.transact(bytes, tid, signal);
}

function errorOf(m: StunMessage): { code: number; reason: string } | undefined {
  return m.cls === CLASS.error ? (decodeErrorCode(getAttribute(m, ATTR.errorCode)) ?? { code: 0, reason: 'unreadable ERROR-CODE' }) : undefined;
}

const text = (m: StunMessage, type: number): string | undefined => getAttribute(m, type)?.toString('utf8');

export async function probeTurn(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const transport = spec.transport ?? 'udp';
  const host = spec.host ?? '';
  const port = spec.port ?? 3478;
  const custom = spec.requirementId === 'custom-turn-reachable';
  const proxy = transport === 'udp' ? undefined : spec.viaProxy;
  const base: Record<string, string | number | boolean> = { transport, port, ...(proxy ? { viaProxy: true } : {}) };
  let target = host;
  if (!proxy) {
    const r = await resolveOrUnknown(ctx, host, signal);
    if ('status' in r) return { ...r, evidence: { ...base } };
    target = r.address;
    base.address = r.address;
  }
  const t0 = performance.now();
  let ch: Channel | undefined;
  let udp: UdpChannel | undefined;
  let streamCh: StreamChannel | undefined;
  try {
    if (transport === 'udp') {
      const u = await UdpChannel.open(target, port, signal);
      udp = u;
      ch = { transact: (b, tid, s) => u.transact(b, tid, ctx.options.stunRtoMs, s), stray: u.stray, close: () => u.close() };
    } else {
      const s = await openStream(target, port, proxy, signal);
      const sock = transport === 'tls' ? (await startTls(s.socket, host, ctx.options.ca, signal)).socket : s.socket;
      const stream = new StreamChannel(sock);
      streamCh = stream;
      ch = { transact: (b, tid, sig) => stream.transact(b, tid, sig), stray: stream.stray, close: () => stream.close() };
    }
    const first = await send(ch, METHOD.allocate, [{ type: ATTR.requestedTransport, value: requestedTransport() }], undefined, signal);
    const rttMs = ms(first.rttMs);
    let m = first.response;
    if (m.method !== METHOD.allocate || (m.cls !== CLASS.error && m.cls !== CLASS.success)) {
      return { status: 'fail', cause: 'malformed-response', summary: 'the server answered the Allocate with an unrelated STUN message', evidence: { ...base, rttMs } };
    }
    if (m.cls === CLASS.success) {
      // An open relay: release the allocation at once.
      await send(ch, METHOD.refresh, [{ type: ATTR.lifetime, value: lifetimeValue(0) }], undefined, signal).catch(() => undefined);
      return { status: 'pass', summary: `relay allocated without authentication and released (${transport.toUpperCase()}, ${rttMs} ms)`, evidence: { ...base, rttMs, allocated: true } };
    }
    const err = errorOf(m)!;
    const realm = text(m, ATTR.realm);
    const nonce = text(m, ATTR.nonce);
    if (err.code !== 401) {
      return { status: 'warn', cause: 'turn-error', summary: `reachable, but the Allocate was answered ${err.code} ${err.reason}`.trim(), evidence: { ...base, rttMs, errorCode: err.code } };
    }
    if (!realm || !nonce) {
      return { status: 'fail', cause: 'malformed-response', summary: 'a 401 without REALM and NONCE: not a TURN server as RFC 8656 describes', evidence: { ...base, rttMs, errorCode: 401 } };
    }
    const reach = `reachable over ${transport.toUpperCase()}${proxy ? ' through the proxy' : ''} in ${rttMs} ms (401 with REALM and NONCE)`;
    const evidence = { ...base, rttMs, realm: realm.slice(0, 80), connectAndAllocateMs: ms(performance.now() - t0) };
    if (!custom || !ctx.credentials) {
      if (custom) return { status: 'warn', cause: 'no-credentials', summary: `${reach}; without credentials the relay itself is not proven`, evidence };
      return { status: 'pass', summary: reach, evidence };
    }
    // Long-term credentials (RFC 8489 section 9.2): key = MD5(username:realm:password).
    const auth: Auth = { username: ctx.credentials.username, realm, nonce, key: longTermKey(ctx.credentials.username, realm, ctx.credentials.credential) };
    let res = await send(ch, METHOD.allocate, [{ type: ATTR.requestedTransport, value: requestedTransport() }], auth, signal);
    m = res.response;
    let e2 = errorOf(m);
    if (e2?.code === 438 && text(m, ATTR.nonce)) {
      auth.nonce = text(m, ATTR.nonce)!;
      res = await send(ch, METHOD.allocate, [{ type: ATTR.requestedTransport, value: requestedTransport() }], auth, signal);
      m = res.response;
      e2 = errorOf(m);
    }
    if (e2) {
      const rejected = e2.code === 401 || e2.code === 441;
      return {
        status: 'fail', cause: rejected ? 'turn-auth-failed' : 'turn-error',
        summary: `${reach}, but the Allocate with credentials was answered ${e2.code} ${e2.reason}`.trim() + (rejected ? ': the credentials are not accepted' : ''),
        evidence: { ...evidence, errorCode: e2.code },
      };
    }
    const relayed = decodeXorAddress(getAttribute(m, ATTR.xorRelayedAddress), m.transactionId);
    const mapped = decodeXorAddress(getAttribute(m, ATTR.xorMappedAddress), m.transactionId);
    const lifetime = getAttribute(m, ATTR.lifetime);
    const integrity = verifyIntegrity(m, auth.key);
    const full = {
      ...evidence, allocated: true, integrityVerified: integrity,
      ...(relayed ? { relayedAddress: `${relayed.address}:${relayed.port}` } : {}),
      ...(mapped ? { mappedAddress: `${mapped.address}:${mapped.port}` } : {}),
      ...(lifetime && lifetime.length === 4 ? { lifetime: lifetime.readUInt32BE(0) } : {}),
    };
    // Release at once: Refresh with LIFETIME 0 (RFC 8656 section 7).
    let released = false;
    try {
      let rr = await send(ch, METHOD.refresh, [{ type: ATTR.lifetime, value: lifetimeValue(0) }], auth, signal);
      const re = errorOf(rr.response);
      if (re?.code === 438 && text(rr.response, ATTR.nonce)) {
        auth.nonce = text(rr.response, ATTR.nonce)!;
        rr = await send(ch, METHOD.refresh, [{ type: ATTR.lifetime, value: lifetimeValue(0) }], auth, signal);
      }
      released = rr.response.cls === CLASS.success;
    } catch (e) {
      if (e instanceof ProbeError && e.probeCause === 'cancelled') throw e;
    }
    if (!relayed) return { status: 'fail', cause: 'malformed-response', summary: 'the allocation succeeded without an XOR-RELAYED-ADDRESS', evidence: { ...full, released } };
    if (!integrity) return { status: 'warn', cause: 'turn-error', summary: `relay ${relayed.address}:${relayed.port} allocated, but the answer's MESSAGE-INTEGRITY does not verify`, evidence: { ...full, released } };
    return { status: 'pass', summary: `relay allocated with the credentials (${relayed.address}:${relayed.port}) over ${transport.toUpperCase()}${proxy ? ' through the proxy' : ''}${released ? ' and released' : '; release not confirmed'}`, evidence: { ...full, released } };
  } catch (e) {
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    const garbage = ch?.stray.garbage ?? 0;
    if (garbage > 0 && (err.probeCause === 'no-response' || err.probeCause === 'timeout')) {
      return { status: 'fail', cause: 'malformed-response', summary: `${garbage} answer${garbage === 1 ? '' : 's'} that are not valid STUN/TURN, and no valid one`, evidence: { ...base, ignoredMessages: garbage } };
    }
    const partial = streamCh?.pendingBytes ?? 0;
    if (partial > 0 && (err.probeCause === 'no-response' || err.probeCause === 'timeout')) {
      return { status: 'fail', cause: 'malformed-response', summary: `a truncated answer over ${transport.toUpperCase()} (${partial} bytes of a message that never completed), then silence`, evidence: { ...base, pendingBytes: partial } };
    }
    let cause = err.probeCause;
    let summary = err.message;
    if (cause === 'timeout' && transport !== 'udp') summary = `no TURN answer over ${transport.toUpperCase()} in time (${err.message})`;
    if (cause === 'timeout' || cause === 'no-response') {
      cause = 'no-response';
      if (transport === 'udp') summary = `no answer over UDP to ${udp?.transmissions ?? 0} transmission${udp?.transmissions === 1 ? '' : 's'} (RFC 8489 schedule): dropped by a firewall`;
    }
    return { status: 'fail', cause, summary, evidence: { ...base, ...err.evidence, ...(udp ? { transmissions: udp.transmissions } : {}) } };
  } finally {
    ch?.close();
  }
}
