// STUN transactions over UDP (RFC 8489 section 6.2.1: retransmit at RTO, 2 RTO, 4 RTO…,
// Rc = 7 sends, then wait Rm = 16 RTO) and over TCP/TLS streams (section 6.2.2: no
// retransmission). Answers that are not STUN, carry a bad FINGERPRINT or another
// transaction id are counted and ignored, as the RFC requires.
import * as dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type * as net from 'node:net';
import { abortable, ProbeError } from '../net';
import { decodeMessage, frameStream, verifyFingerprint, type StunMessage } from './codec';

export const RC = 7;
export const RM = 16;

/** Send times (ms after the first send) of the RFC 8489 schedule, and when to give up. */
export function retransmissionSchedule(rtoMs: number, rc = RC, rm = RM): { sends: number[]; giveUpAt: number } {
  const sends: number[] = [];
  let t = 0;
  let rto = rtoMs;
  for (let i = 0; i < rc; i++) {
    sends.push(t);
    if (i < rc - 1) {
      t += rto;
      rto *= 2;
    }
  }
  return { sends, giveUpAt: t + rm * rtoMs };
}

export interface TransactionResult {
  readonly response: StunMessage;
  readonly rttMs: number;
  readonly transmissions: number;
}

export interface StrayCount {
  garbage: number;
}

/** A connected UDP socket: ICMP port unreachable then surfaces as ECONNREFUSED. */
export class UdpChannel {
  private readonly socket: dgram.Socket;
  private readonly waiting = new Map<string, (m: StunMessage) => void>();
  private failure: ProbeError | undefined;
  private onFailure: ((e: ProbeError) => void) | undefined;
  readonly stray: StrayCount = { garbage: 0 };
  /** Why the channel failed (ICMP unreachable, a local firewall refusing to send…), if it did. */
  get failed(): ProbeError | undefined {
    return this.failure;
  }

  /** Datagrams sent for the latest transaction: its retransmissions so far, answered or not. */
  transmissions = 0;
  /** When each of them was sent, in ms after the first: the RFC 8489 schedule as it ran. */
  sendTimesMs: number[] = [];

  private constructor(host: string) {
    this.socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('message', (buf) => {
      const m = decodeMessage(buf);
      if (!m || verifyFingerprint(m) === false) {
        this.stray.garbage++;
        return;
      }
      const w = this.waiting.get(m.transactionId.toString('hex'));
      if (w) w(m);
      else this.stray.garbage++;
    });
    this.socket.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      this.failure =
        code === 'ECONNREFUSED'
          ? new ProbeError('refused', 'ICMP port unreachable: the port is closed or a firewall rejects it')
          : new ProbeError('unreachable', `UDP error ${code ?? e.message}`);
      this.onFailure?.(this.failure);
    });
  }

  static open(host: string, port: number, signal: AbortSignal): Promise<UdpChannel> {
    const ch = new UdpChannel(host);
    return abortable<UdpChannel>(signal, (resolve, reject) => {
      let ok = false;
      const onErr = (e: Error): void => reject(new ProbeError('unreachable', `UDP ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      ch.socket.once('error', onErr);
      ch.socket.connect(port, host, () => {
        ok = true;
        ch.socket.off('error', onErr);
        resolve(ch);
      });
      return () => {
        if (!ok) ch.close();
      };
    });
  }

  localAddress(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  send(buf: Buffer): void {
    try {
      // With a callback, a send refused by this machine's own packet filter (EPERM) is seen;
      // without one Node drops the error silently and the refusal would look like a distant drop.
      this.socket.send(buf, (e) => {
        if (!e || this.failure) return;
        const code = (e as NodeJS.ErrnoException).code;
        this.failure =
          code === 'EPERM' || code === 'EACCES'
            ? new ProbeError('dropped', `this machine's own firewall blocks the datagram (${code} on send)`, { localFirewall: true, errno: code })
            : code === 'ECONNREFUSED'
              ? new ProbeError('refused', 'ICMP port unreachable: the port is closed or a firewall rejects it')
              : new ProbeError('unreachable', `UDP error ${code ?? e.message}`, code ? { errno: code } : {});
        this.onFailure?.(this.failure);
      });
    } catch {
      // a closed socket: the transaction ends by its timer
    }
  }

  /** Registers interest in a transaction id; returns the unregister function. */
  expect(tid: Buffer, cb: (m: StunMessage) => void): () => void {
    const k = tid.toString('hex');
    this.waiting.set(k, cb);
    return () => this.waiting.delete(k);
  }

  /** One request with the RFC 8489 retransmission schedule. */
  transact(request: Buffer, tid: Buffer, rtoMs: number, signal: AbortSignal): Promise<TransactionResult> {
    const { sends, giveUpAt } = retransmissionSchedule(rtoMs);
    return abortable<TransactionResult>(signal, (resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return () => undefined;
      }
      let sent = 0;
      let firstSend = 0;
      let lastSend = 0;
      this.transmissions = 0;
      this.sendTimesMs = [];
      let timer: NodeJS.Timeout | undefined;
      const unexpect = this.expect(tid, (m) => {
        // Karn: with retransmissions the RTT is measured from the latest send.
        resolve({ response: m, rttMs: performance.now() - lastSend, transmissions: sent });
      });
      this.onFailure = (e) => reject(e);
      // Each retransmission is timed from the one before it as it really went out (RTO, then
      // doubling), so a busy event loop that delays one send does not squeeze the next interval.
      const transmit = (): void => {
        lastSend = performance.now();
        if (sent === 0) firstSend = lastSend;
        sent++;
        this.transmissions = sent;
        this.sendTimesMs.push(Math.round(lastSend - firstSend));
        this.send(request);
        timer =
          sent < sends.length
            ? setTimeout(transmit, sends[sent]! - sends[sent - 1]!)
            : setTimeout(() => reject(new ProbeError('no-response', `no answer after ${sent} transmissions`)), giveUpAt - sends[sends.length - 1]!);
      };
      transmit();
      return () => {
        clearTimeout(timer);
        unexpect();
        this.onFailure = undefined;
      };
    });
  }

  close(): void {
    this.waiting.clear();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

/** STUN over a TCP or TLS stream (RFC 8489 section 6.2.2). */
export class StreamChannel {
  private buf = Buffer.alloc(0);
  private readonly waiting = new Map<string, (m: StunMessage) => void>();
  private failure: ProbeError | undefined;
  private onFailure: ((e: ProbeError) => void) | undefined;
  readonly stray: StrayCount = { garbage: 0 };

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      const framed = frameStream(this.buf);
      this.buf = Buffer.from(framed.rest);
      for (const raw of framed.messages) {
        const m = decodeMessage(raw);
        const w = m && verifyFingerprint(m) !== false ? this.waiting.get(m.transactionId.toString('hex')) : undefined;
        if (m && w) w(m);
        else this.stray.garbage++;
      }
      if (framed.error) this.fail(new ProbeError('malformed-response', `the server answered with something other than STUN (${framed.error})`));
      else if (this.buf.length > 65536 + 20) this.fail(new ProbeError('malformed-response', 'an oversized STUN message'));
    });
    socket.on('error', (e) => this.fail(new ProbeError('reset', `the connection failed: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    socket.on('close', () => this.fail(new ProbeError(this.buf.length ? 'malformed-response' : 'reset', this.buf.length ? 'the server closed the connection in the middle of a message (truncated answer)' : 'the server closed the connection')));
  }

  /** Bytes of an incomplete message received and not yet framed: a truncated answer when nothing follows. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  private fail(e: ProbeError): void {
    if (this.failure) return;
    this.failure = e;
    this.onFailure?.(e);
    this.socket.destroy();
  }

  send(buf: Buffer): void {
    if (!this.failure) this.socket.write(buf);
  }

  expect(tid: Buffer, cb: (m: StunMessage) => void): () => void {
    const k = tid.toString('hex');
    this.waiting.set(k, cb);
    return () => this.waiting.delete(k);
  }

  transact(request: Buffer, tid: Buffer, signal: AbortSignal): Promise<TransactionResult> {
    return abortable<TransactionResult>(signal, (resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return () => undefined;
      }
      const t0 = performance.now();
      const unexpect = this.expect(tid, (m) => resolve({ response: m, rttMs: performance.now() - t0, transmissions: 1 }));
      this.onFailure = reject;
      this.send(request);
      return () => {
        unexpect();
        this.onFailure = undefined;
      };
    });
  }

  /** Sets the failure callback for a burst (many transactions at once). */
  watch(cb: ((e: ProbeError) => void) | undefined): void {
    this.onFailure = cb;
    if (cb && this.failure) cb(this.failure);
  }

  close(): void {
    this.waiting.clear();
    this.socket.destroy();
  }
}
