// Real servers on 127.0.0.1 for the probe tests: a STUN/TURN responder over UDP, TCP
// and TLS, HTTPS and WebSocket servers with a test CA, HTTP CONNECT proxies (open,
// 407, TLS-inspecting), a small DNS server, and hostile peers.
import { createHash, randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import {
  ATTR, CLASS, decodeMessage, encodeErrorCode, encodeMessage, encodeXorAddress, frameStream, getAttribute, longTermKey, METHOD,
  verifyIntegrity, type EncodeAttribute, type StunMessage,
} from '../../src/probes/stun/codec';
import { repoPath } from '../support/shared';

const certs = (name: string): string => readFileSync(repoPath('test', 'fixtures', 'certs', name), 'utf8');
export const TEST_CA = certs('test-ca.pem');
export const SERVER_CERT = { key: certs('server.key'), cert: certs('server.pem') };
export const INTERCEPT_CERT = { key: certs('intercepted.key'), cert: certs('intercepted.pem') };

export type TurnMode = 'ok' | 'garbage' | 'truncated' | 'silent' | 'no-realm' | 'lossy';

export interface TurnBehaviour {
  mode: TurnMode;
  realm?: string;
  users?: Record<string, string>;
  /** Ignore the first N requests (to exercise retransmission). */
  dropFirst?: number;
}

export interface TurnStats {
  requests: number;
  allocations: number;
  released: number;
  usernames: string[];
}

function respond(msg: StunMessage, from: { address: string; port: number }, b: TurnBehaviour, stats: TurnStats): Buffer | undefined {
  const realm = b.realm ?? 'readiness.test';
  const reply = (cls: (typeof CLASS)[keyof typeof CLASS], attributes: EncodeAttribute[], key?: Buffer): Buffer =>
    encodeMessage({ method: msg.method, cls, transactionId: msg.transactionId, attributes }, { ...(key ? { integrityKey: key } : {}), fingerprint: true });
  if (msg.cls !== CLASS.request) return undefined;
  if (msg.method === METHOD.binding) {
    return reply(CLASS.success, [{ type: ATTR.xorMappedAddress, value: encodeXorAddress(from, msg.transactionId) }, { type: ATTR.software, value: 'readiness-test' }]);
  }
  const challenge = (): Buffer =>
    reply(CLASS.error, [
      { type: ATTR.errorCode, value: encodeErrorCode(401, 'Unauthorized') },
      ...(b.mode === 'no-realm' ? [] : [{ type: ATTR.realm, value: realm }, { type: ATTR.nonce, value: randomBytes(8).toString('hex') }]),
    ]);
  const username = getAttribute(msg, ATTR.username)?.toString('utf8');
  if (!username) return challenge();
  stats.usernames.push(username);
  const password = b.users?.[username];
  const key = password !== undefined ? longTermKey(username, realm, password) : undefined;
  if (!key || !verifyIntegrity(msg, key)) return challenge();
  if (msg.method === METHOD.allocate) {
    stats.allocations++;
    return reply(
      CLASS.success,
      [
        { type: ATTR.xorRelayedAddress, value: encodeXorAddress({ address: '127.0.0.1', port: 49152 + stats.allocations }, msg.transactionId) },
        { type: ATTR.xorMappedAddress, value: encodeXorAddress(from, msg.transactionId) },
        { type: ATTR.lifetime, value: Buffer.from([0, 0, 0x02, 0x58]) },
      ],
      key,
    );
  }
  if (msg.method === METHOD.refresh) {
    const lt = getAttribute(msg, ATTR.lifetime);
    if (lt && lt.readUInt32BE(0) === 0) stats.released++;
    return reply(CLASS.success, [{ type: ATTR.lifetime, value: lt ?? Buffer.alloc(4) }], key);
  }
  return reply(CLASS.error, [{ type: ATTR.errorCode, value: encodeErrorCode(400, 'Bad Request') }]);
}

/** Applies the hostile modes to a well-formed answer. */
function mangle(answer: Buffer, b: TurnBehaviour, n: number): Buffer | undefined {
  if (b.mode === 'silent') return undefined;
  if (b.mode === 'garbage') return randomBytes(48);
  if (b.mode === 'truncated') return answer.subarray(0, Math.floor(answer.length / 2));
  if (b.mode === 'lossy' && n % 2 === 0) return undefined;
  return answer;
}

export class Lab {
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly sockets = new Set<net.Socket>();

  private track<T extends net.Server>(server: T): T {
    server.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    });
    server.on('secureConnection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('tlsClientError', () => undefined);
    this.closers.push(() => new Promise((r) => server.close(() => r())));
    return server;
  }

  private listen(server: net.Server): Promise<number> {
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  }

  async udpTurn(b: TurnBehaviour): Promise<{ port: number; stats: TurnStats }> {
    const stats: TurnStats = { requests: 0, allocations: 0, released: 0, usernames: [] };
    const sock = dgram.createSocket('udp4');
    sock.on('message', (buf, rinfo) => {
      stats.requests++;
      if (b.dropFirst && stats.requests <= b.dropFirst) return;
      const msg = decodeMessage(buf);
      const answer = msg && respond(msg, { address: rinfo.address, port: rinfo.port }, b, stats);
      const out = answer && mangle(answer, b, stats.requests);
      if (out) sock.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    this.closers.push(() => new Promise((r) => sock.close(() => r())));
    return { port: sock.address().port, stats };
  }

  private streamHandler(b: TurnBehaviour, stats: TurnStats): (s: net.Socket) => void {
    return (s) => {
      let buf = Buffer.alloc(0);
      s.on('error', () => undefined);
      s.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const f = frameStream(buf);
        buf = Buffer.from(f.rest);
        for (const raw of f.messages) {
          stats.requests++;
          const msg = decodeMessage(raw);
          const answer = msg && respond(msg, { address: s.remoteAddress ?? '127.0.0.1', port: s.remotePort ?? 0 }, b, stats);
          const out = answer && mangle(answer, b, stats.requests);
          if (!out) continue;
          if (b.mode === 'truncated') {
            s.end(out);
            return;
          }
          s.write(out);
        }
      });
    };
  }

  async tcpTurn(b: TurnBehaviour): Promise<{ port: number; stats: TurnStats }> {
    const stats: TurnStats = { requests: 0, allocations: 0, released: 0, usernames: [] };
    const server = this.track(net.createServer(this.streamHandler(b, stats)));
    return { port: await this.listen(server), stats };
  }

  async tlsTurn(b: TurnBehaviour, cert = SERVER_CERT): Promise<{ port: number; stats: TurnStats }> {
    const stats: TurnStats = { requests: 0, allocations: 0, released: 0, usernames: [] };
    const server = this.track(tls.createServer({ ...cert }, this.streamHandler(b, stats)));
    return { port: await this.listen(server), stats };
  }

  /** HTTPS with WebSocket upgrades accepted or refused; `/stream` sends a body forever, `/endless-head` never ends its head. */
  async https(opts: { cert?: { key: string; cert: string }; upgrade: 'accept' | 'refuse' }): Promise<number> {
    const timers = new Set<NodeJS.Timeout>();
    const server = this.track(
      https.createServer({ ...(opts.cert ?? SERVER_CERT) }, (req, res) => {
        if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(16384, 7);
          const t = setInterval(() => res.write(chunk), 1);
          timers.add(t);
          res.on('close', () => {
            clearInterval(t);
            timers.delete(t);
          });
          return;
        }
        if (req.url === '/endless-head') {
          const sock = res.socket!;
          sock.write('HTTP/1.1 200 OK\r\n');
          const t = setInterval(() => sock.write(`X-Filler: ${'a'.repeat(1000)}\r\n`), 1);
          timers.add(t);
          sock.on('close', () => {
            clearInterval(t);
            timers.delete(t);
          });
          return;
        }
        res.writeHead(req.url === '/' || req.url?.startsWith('/prod/') ? 200 : 404, { server: 'readiness-test' });
        res.end('ok');
      }),
    );
    server.on('upgrade', (req, socket: net.Socket) => {
      if (opts.upgrade === 'refuse') {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
    this.closers.push(async () => {
      for (const t of timers) clearInterval(t);
    });
    return this.listen(server);
  }

  /** An HTTP proxy: `open` tunnels CONNECT, `auth` answers 407, `inspect` terminates TLS with its own CA's certificate. */
  async proxy(mode: 'open' | 'auth' | 'inspect'): Promise<{ port: number; connects: string[] }> {
    const connects: string[] = [];
    const server = this.track(
      net.createServer((client) => {
        let head = Buffer.alloc(0);
        const onData = (chunk: Buffer): void => {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          client.off('data', onData);
          const [method, target] = head.subarray(0, end).toString('latin1').split(' ');
          const rest = head.subarray(end + 4);
          if (mode === 'auth') {
            client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n');
            return;
          }
          if (method !== 'CONNECT') {
            client.end('HTTP/1.1 200 OK\r\nVia: 1.1 readiness-proxy\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
            return;
          }
          connects.push(target ?? '');
          const i = (target ?? '').lastIndexOf(':');
          const host = (target ?? '').slice(0, i).replace(/^\[|\]$/g, '');
          const port = Number((target ?? '').slice(i + 1));
          if (mode === 'inspect') {
            client.write('HTTP/1.1 200 Connection established\r\n\r\n');
            const mitm = new tls.TLSSocket(client, { isServer: true, ...INTERCEPT_CERT });
            mitm.on('error', () => undefined);
            mitm.on('data', () => mitm.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
            return;
          }
          const upstream = net.connect(port, host, () => {
            client.write('HTTP/1.1 200 Connection established\r\n\r\n');
            if (rest.length) upstream.write(rest);
            client.pipe(upstream).pipe(client);
          });
          this.sockets.add(upstream);
          upstream.on('close', () => this.sockets.delete(upstream));
          upstream.on('error', () => client.destroy());
          client.on('close', () => upstream.destroy());
        };
        client.on('data', onData);
      }),
    );
    return { port: await this.listen(server), connects };
  }

  /** A TCP server that accepts and then says nothing: a TLS handshake never finishes on it. */
  async silentTcp(): Promise<number> {
    return this.listen(this.track(net.createServer(() => undefined)));
  }

  /** A port that was open and is now closed: connecting is refused with a reset. */
  async closedPort(): Promise<number> {
    const s = net.createServer();
    const port = await this.listen(s);
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  /** A UDP port nobody listens on: the kernel answers ICMP port unreachable. */
  async closedUdpPort(): Promise<number> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  /**
   * A listening socket that never accepts, with its backlog filled: further SYNs are
   * dropped by the kernel, as a filtering firewall would.
   */
  async droppingPort(): Promise<number> {
    const worker = new Worker(
      `const net = require('node:net'); const { parentPort } = require('node:worker_threads');
       const s = net.createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         parentPort.postMessage(s.address().port); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); });`,
      { eval: true },
    );
    const port = await new Promise<number>((r) => worker.once('message', (p: number) => r(p)));
    this.closers.push(async () => {
      await worker.terminate();
    });
    // Fill the accept queue until a connection hangs.
    for (let i = 0; i < 8; i++) {
      const c = net.connect(port, '127.0.0.1');
      c.on('error', () => undefined);
      this.sockets.add(c);
      const connected = await new Promise<boolean>((r) => {
        const t = setTimeout(() => r(false), 150);
        c.once('connect', () => {
          clearTimeout(t);
          r(true);
        });
      });
      if (!connected) break;
    }
    return port;
  }

  /** A DNS server answering every A query with `answer` (an address, NXDOMAIN or REFUSED); AAAA gets no data. */
  async dns(answer: string | 'NXDOMAIN' | 'REFUSED'): Promise<number> {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (q, rinfo) => {
      if (q.length < 12) return;
      let off = 12;
      while (off < q.length && q[off] !== 0) off += q[off]! + 1;
      const question = q.subarray(12, off + 5);
      const qtype = q.readUInt16BE(off + 1);
      const rcode = answer === 'NXDOMAIN' ? 3 : answer === 'REFUSED' ? 5 : 0;
      const withAnswer = rcode === 0 && qtype === 1;
      const h = Buffer.alloc(12);
      q.copy(h, 0, 0, 2);
      h.writeUInt16BE(0x8180 | rcode, 2);
      h.writeUInt16BE(1, 4);
      h.writeUInt16BE(withAnswer ? 1 : 0, 6);
      const parts = [h, question];
      if (withAnswer) {
        const rr = Buffer.alloc(16);
        rr.writeUInt16BE(0xc00c, 0);
        rr.writeUInt16BE(1, 2);
        rr.writeUInt16BE(1, 4);
        rr.writeUInt32BE(60, 6);
        rr.writeUInt16BE(4, 10);
        answer.split('.').forEach((o, i) => (rr[12 + i] = Number(o)));
        parts.push(rr);
      }
      sock.send(Buffer.concat(parts), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    this.closers.push(() => new Promise((r) => sock.close(() => r())));
    return sock.address().port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.closers.map((c) => c()));
  }
}

/** The active resources, by type, for leak checks. */
export function resources(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}
