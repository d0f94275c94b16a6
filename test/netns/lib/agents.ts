// The programs that run inside the namespaces. Each is a self-contained
// function: its source text is handed to `node -e` under `ip netns exec`, so
// it may use only Node's built-in modules and the config it is given.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { NamespacePair } from './netns';

export type Proto = 'tcp' | 'udp';

export interface Endpoint {
  readonly proto: Proto;
  readonly addr: string;
  readonly port: number;
}

export interface ClientFlow extends Endpoint {
  readonly id: number;
}

export interface ClientConfig {
  readonly flows: readonly ClientFlow[];
  /** How long a TCP flow may take to connect and see its bytes echoed. */
  readonly tcpTimeoutMs: number;
  /** How long a UDP flow may take for both datagrams to come back. */
  readonly udpTimeoutMs: number;
}

/** What the client saw of one flow. */
export interface ClientResult {
  readonly id: number;
  /** TCP: the handshake completed. UDP: always false. */
  readonly connected: boolean;
  /** Answers that came back: TCP 0 or 1, UDP 0 to 2. */
  readonly echoes: number;
  /** The first socket error (EPERM when OUTPUT drops a datagram, ECONNREFUSED after a REJECT). */
  readonly error?: string;
}

/** Listens on every endpoint and echoes; prints "ready" once all are bound, ends with its stdin. */
function peerAgent(): void {
  const net = require('node:net') as typeof import('node:net');
  const dgram = require('node:dgram') as typeof import('node:dgram');
  const endpoints = (JSON.parse(process.env.OTR_AGENT_CONFIG ?? '{}') as { endpoints: Endpoint[] }).endpoints;
  let pending = endpoints.length;
  const bound = (): void => {
    if (--pending === 0) process.stdout.write('ready\n');
  };
  const fail = (e: Endpoint, err: Error): void => {
    process.stderr.write(`cannot listen on ${e.proto} ${e.addr} ${e.port}: ${err.message}\n`);
    process.exit(3);
  };
  for (const e of endpoints) {
    if (e.proto === 'tcp') {
      const server = net.createServer((s) => {
        s.on('error', () => {});
        s.on('data', (d) => s.write(d));
      });
      server.on('error', (err) => fail(e, err));
      server.listen({ host: e.addr, port: e.port, backlog: 128 }, bound);
    } else {
      const sock = dgram.createSocket(e.addr.includes(':') ? 'udp6' : 'udp4');
      sock.on('error', (err) => fail(e, err));
      sock.on('message', (m, r) => sock.send(m, r.port, r.address));
      sock.bind(e.port, e.addr, bound);
    }
  }
  if (endpoints.length === 0) process.stdout.write('ready\n');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

/**
 * Opens every flow at once. TCP: connect, send four bytes, wait for them
 * back. UDP: send one datagram, wait for its echo, send a second (which
 * conntrack then sees as ESTABLISHED in OUTPUT), wait for that echo too.
 * Prints one JSON array of results.
 */
function clientAgent(): void {
  const net = require('node:net') as typeof import('node:net');
  const dgram = require('node:dgram') as typeof import('node:dgram');
  const cfg = JSON.parse(process.env.OTR_AGENT_CONFIG ?? '{}') as ClientConfig;
  const results: ClientResult[] = [];
  let pending = cfg.flows.length;
  const finish = (r: ClientResult): void => {
    results.push(r);
    if (--pending === 0) {
      process.stdout.write(JSON.stringify(results.sort((a, b) => a.id - b.id)) + '\n');
      process.exit(0);
    }
  };
  for (const f of cfg.flows) {
    let done = false;
    let connected = false;
    let echoes = 0;
    let error: string | undefined;
    const code = (err: Error): string => (err as NodeJS.ErrnoException).code ?? err.message;
    if (f.proto === 'tcp') {
      const s = net.connect({ host: f.addr, port: f.port });
      let got = '';
      const end = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        s.destroy();
        finish({ id: f.id, connected, echoes, ...(error !== undefined && { error }) });
      };
      const timer = setTimeout(end, cfg.tcpTimeoutMs);
      s.on('connect', () => {
        connected = true;
        s.write('ping');
      });
      s.on('data', (d) => {
        got += d.toString();
        if (got === 'ping') {
          echoes = 1;
          end();
        }
      });
      s.on('error', (err) => {
        error ??= code(err);
        end();
      });
    } else {
      const sock = dgram.createSocket(f.addr.includes(':') ? 'udp6' : 'udp4');
      const end = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.close();
        finish({ id: f.id, connected, echoes, ...(error !== undefined && { error }) });
      };
      const timer = setTimeout(end, cfg.udpTimeoutMs);
      const send = (text: string): void =>
        sock.send(text, (err) => {
          if (err) {
            error ??= code(err);
            end();
          }
        });
      sock.on('error', (err) => {
        error ??= code(err);
        end();
      });
      sock.on('message', () => {
        echoes++;
        if (echoes === 1) send('second');
        else end();
      });
      sock.connect(f.port, f.addr, () => send('first'));
    }
  }
  if (cfg.flows.length === 0) process.stdout.write('[]\n');
}

function source(fn: () => void): string {
  return `(${fn.toString()})();`;
}

function collect(child: ChildProcessWithoutNullStreams): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { out: () => out, err: () => err };
}

/** Starts the echo listener in the peer namespace and waits until every port is bound. */
export async function startPeer(pair: NamespacePair, endpoints: readonly Endpoint[]): Promise<() => Promise<void>> {
  const child = pair.spawnNode('peer', source(peerAgent), { endpoints });
  const io = collect(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer listener not ready after 10 s: ${io.err()}`)), 10_000);
    child.stdout.on('data', () => {
      if (io.out().includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (status) => {
      clearTimeout(timer);
      reject(new Error(`peer listener exited (${status}): ${io.err()}`));
    });
  });
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin.end();
    });
}

/** Sends every flow from the client namespace and returns what came back. */
export async function runClient(pair: NamespacePair, config: ClientConfig): Promise<ClientResult[]> {
  const child = pair.spawnNode('client', source(clientAgent), config);
  const io = collect(child);
  child.stdin.end();
  const status = await new Promise<number | null>((resolve) => child.on('close', (s) => resolve(s)));
  if (status !== 0) throw new Error(`client exited with ${status}: ${io.err()}`);
  return JSON.parse(io.out()) as ClientResult[];
}
