// Peers that misbehave on purpose, on loopback in this process: STUN/TURN answers that
// are garbage or truncated, a TLS server that never finishes its handshake, HTTP that
// streams forever, a WebSocket endpoint that never answers. A probe must end within its
// timeout against each, throw nothing, and leave no socket or timer behind.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { ALLOCATE_ERROR, BINDING_SUCCESS, MAGIC_COOKIE, stunMessage, transactionId } from './stun';

export type UdpMischief =
  /** Random bytes, not STUN at all. */
  | 'garbage'
  /** A header that promises more bytes than follow. */
  | 'truncated-header'
  /** The right transaction id, but an attribute whose length runs past the message. */
  | 'attribute-overrun'
  /** A success answer whose XOR-MAPPED-ADDRESS is 3 bytes long. */
  | 'short-mapped-address'
  /** A 401 without REALM or NONCE (RFC 8656 says both come with it). */
  | 'bare-401'
  /** Answers for another transaction. */
  | 'wrong-transaction'
  /** A flood of garbage: ten datagrams for each request. */
  | 'flood';

export const UDP_MISCHIEF: readonly UdpMischief[] = ['garbage', 'truncated-header', 'attribute-overrun', 'short-mapped-address', 'bare-401', 'wrong-transaction', 'flood'];

function udpAnswer(kind: UdpMischief, req: Buffer): Buffer[] {
  const tx = transactionId(req) ?? randomBytes(12);
  switch (kind) {
    case 'garbage':
      return [randomBytes(37)];
    case 'truncated-header': {
      const m = stunMessage(BINDING_SUCCESS, tx, [[0x0020, Buffer.from([0, 1, 0x21, 0x12, 1, 2, 3, 4])]]);
      return [m.subarray(0, 26)];
    }
    case 'attribute-overrun': {
      const m = stunMessage(BINDING_SUCCESS, tx, [[0x0020, Buffer.from([0, 1, 0x21, 0x12, 1, 2, 3, 4])]]);
      m.writeUInt16BE(0x0400, 22); // the attribute claims 1024 bytes
      return [m];
    }
    case 'short-mapped-address':
      return [stunMessage(BINDING_SUCCESS, tx, [[0x0020, Buffer.from([0, 1, 0x21])]])];
    case 'bare-401': {
      const type = req.length >= 2 ? req.readUInt16BE(0) : 0;
      return [stunMessage(type === 0x0003 ? ALLOCATE_ERROR : 0x0111, tx, [[0x0009, Buffer.from([0, 0, 4, 1])]])];
    }
    case 'wrong-transaction':
      return [stunMessage(BINDING_SUCCESS, randomBytes(12), [[0x0020, Buffer.from([0, 1, 0x21, 0x12, 0x5e, 0x12, 0xa4, 0x43])]])];
    case 'flood':
      return Array.from({ length: 10 }, () => randomBytes(20 + Math.floor(Math.random() * 60)));
  }
}

export interface Hostile {
  /** UDP STUN/TURN peers, one per mischief. */
  readonly udp: ReadonlyMap<UdpMischief, number>;
  /** TCP: answers a TURN request with a STUN header promising 65535 bytes, then 4 bytes, then silence. */
  readonly tcpTruncatedTurn: number;
  /** TCP: answers anything with endless garbage. */
  readonly tcpGarbage: number;
  /** TCP: accepts and reads, never writes (a TLS handshake that never finishes). */
  readonly tlsSilent: number;
  /** TCP: answers a ClientHello with the first bytes of a ServerHello, then silence. */
  readonly tlsPartial: number;
  /** HTTP: 200 with a body that never ends. */
  readonly httpForever: number;
  /** HTTP: an Upgrade request is held forever, headers never come. */
  readonly upgradeSilent: number;
  close(): Promise<void>;
}

export async function startHostile(host = '127.0.0.1'): Promise<Hostile> {
  const udpSockets: UdpSocket[] = [];
  const tcpServers: (TcpServer | HttpServer)[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const udp = new Map<UdpMischief, number>();

  for (const kind of UDP_MISCHIEF) {
    const s = createSocket('udp4');
    s.on('message', (msg, rinfo) => {
      if (msg.length < 20 || msg.readUInt32BE(4) !== MAGIC_COOKIE) return;
      for (const a of udpAnswer(kind, msg)) s.send(a, rinfo.port, rinfo.address);
    });
    s.on('error', () => {});
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    udp.set(kind, s.address().port);
    udpSockets.push(s);
  }

  const listen = async (server: TcpServer | HttpServer): Promise<number> => {
    server.on('connection', (c: Socket) => {
      sockets.add(c);
      c.on('error', () => {});
      c.on('close', () => sockets.delete(c));
    });
    tcpServers.push(server);
    await new Promise<void>((r) => server.listen(0, host, () => r()));
    const a = server.address();
    return typeof a === 'object' && a ? a.port : 0;
  };

  const tcpTruncatedTurn = await listen(
    createTcpServer((c) => {
      c.once('data', (d) => {
        const head = stunMessage(ALLOCATE_ERROR, transactionId(d) ?? randomBytes(12));
        head.writeUInt16BE(0xfffc, 2);
        c.write(Buffer.concat([head, Buffer.from([0, 9, 0, 4])]));
      });
    }),
  );
  const tcpGarbage = await listen(
    createTcpServer((c) => {
      const t = setInterval(() => {
        if (!c.destroyed) c.write(randomBytes(512));
      }, 5);
      timers.add(t);
      c.on('close', () => {
        clearInterval(t);
        timers.delete(t);
      });
    }),
  );
  const tlsSilent = await listen(createTcpServer((c) => c.resume()));
  const tlsPartial = await listen(
    createTcpServer((c) => {
      // TLS record header: handshake (22), TLS 1.2, length 512; then ServerHello (2) with a 508-byte length, and nothing more.
      c.once('data', () => c.write(Buffer.from([22, 3, 3, 2, 0, 2, 0, 1, 0xfc, 3, 3])));
      c.resume();
    }),
  );
  const forever = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const t = setInterval(() => {
      if (!res.destroyed) res.write(randomBytes(1024));
    }, 5);
    timers.add(t);
    res.on('close', () => {
      clearInterval(t);
      timers.delete(t);
    });
    req.resume();
  });
  forever.on('upgrade', (_req, socket: Socket) => {
    // An upgrade answered by an endless plain response.
    socket.on('error', () => {});
    socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n');
    const t = setInterval(() => {
      if (!socket.destroyed) socket.write('x'.repeat(512));
    }, 5);
    timers.add(t);
    socket.on('close', () => {
      clearInterval(t);
      timers.delete(t);
    });
  });
  const httpForever = await listen(forever);
  const silentUpgrade = createHttpServer(() => {
    /* never answers */
  });
  silentUpgrade.on('upgrade', (_req, socket: Socket) => {
    socket.on('error', () => {});
    socket.resume();
  });
  const upgradeSilent = await listen(silentUpgrade);

  return {
    udp,
    tcpTruncatedTurn,
    tcpGarbage,
    tlsSilent,
    tlsPartial,
    httpForever,
    upgradeSilent,
    close: async () => {
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const c of sockets) c.destroy();
      await Promise.all(tcpServers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      await Promise.all(udpSockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
