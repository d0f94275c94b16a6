// The stand-in for the platform's HTTPS hosts (API/anvil, signalling over WebSocket,
// logging) and for the OCSP/CRL responders over plain HTTP. It runs as its own Node
// process inside the cloud namespace, so its source is kept here as plain JavaScript.
// A WebSocket upgrade is answered by hand (RFC 6455 §4.2.2): key + GUID, SHA-1, base64.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WebListener {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Another certificate chain and key than the server's default, for this listener. */
  readonly cert?: string;
  readonly key?: string;
}

const SOURCE = String.raw`'use strict';
const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const crypto = require('node:crypto');
const cfg = JSON.parse(process.argv[2]);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
function onRequest(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/large') return stream(url, res);
  const body = JSON.stringify({ ok: true, host: req.headers.host || '', path: req.url });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
// The throughput endpoint: a body that never ends, as fast as the socket takes it, or
// at ?kbps=N (kilobits per second) in 100 ms steps; it stops when the client closes.
function stream(url, res) {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const kbps = Number(url.searchParams.get('kbps') || 0);
  const chunk = Buffer.alloc(kbps > 0 ? Math.max(1, Math.round((kbps * 1000) / 8 / 10)) : 64 * 1024, 0x5a);
  let timer;
  const pump = () => {
    while (!res.destroyed && res.write(chunk) && kbps === 0) {}
  };
  if (kbps > 0) timer = setInterval(() => { if (!res.destroyed) res.write(chunk); }, 100);
  else res.on('drain', pump);
  res.on('close', () => clearInterval(timer));
  if (kbps === 0) pump();
}
function onUpgrade(req, socket) {
  socket.on('error', () => {});
  const key = req.headers['sec-websocket-key'];
  const ok = String(req.headers.upgrade || '').toLowerCase() === 'websocket' && typeof key === 'string' && Buffer.from(key, 'base64').length === 16;
  if (!ok) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ' + accept + '\r\n\r\n');
  // A close frame (opcode 8, status 1000) after a moment: the peer learns the session works and ends it.
  setTimeout(() => socket.end(Buffer.from([0x88, 0x02, 0x03, 0xe8])), 200).unref();
}
let pending = cfg.listeners.length;
for (const l of cfg.listeners) {
  const server = l.tls
    ? https.createServer({ cert: fs.readFileSync(l.cert || cfg.cert), key: fs.readFileSync(l.key || cfg.key) }, onRequest)
    : http.createServer(onRequest);
  server.on('upgrade', onUpgrade);
  server.on('clientError', (e, s) => s.destroy());
  server.listen(l.port, l.host, () => {
    if (--pending === 0) process.stdout.write('ready\n');
  });
}
process.on('SIGTERM', () => process.exit(0));
`;

/** Writes the server's script and returns the argv that starts it. */
export function webServerCommand(dir: string, listeners: readonly WebListener[], cert: string, key: string): string[] {
  const file = join(dir, 'web-server.js');
  writeFileSync(file, SOURCE);
  return [process.execPath, file, JSON.stringify({ listeners, cert, key })];
}
