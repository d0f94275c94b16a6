// A network element that delays UDP, in user space: this kernel may have no netem, so a
// small Node forwarder inside the cloud namespace stands for a slow, jittery path. It
// takes the client's datagrams on its own address (NET.delay), sends each on to the real
// server (coturn) from one upstream socket per client flow, and hands every answer back
// after a delay drawn from a seeded generator (base ± jitter, uniform), so a run is
// repeatable. It lives for a bounded time, and on stop it closes every socket, clears
// every timer and reports what it did and which handles were still open at its end.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon, run, until } from './exec';
import { NET } from './topology';

export interface UdpDelayOptions {
  /** Where the forwarder listens (the address the probe targets). */
  readonly listen: { readonly host: string; readonly port: number };
  /** The real server it forwards to. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Added to every answer: `delayMs` ± `jitterMs`, uniform, drawn for each client flow from a generator seeded with `seed`. */
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly seed: number;
  /** The forwarder ends by itself after this long, whatever happens to the test. */
  readonly lifetimeMs: number;
}

export interface UdpDelayReport {
  /** Datagrams from clients, sent on upstream. */
  readonly forwarded: number;
  /** Answers from upstream, handed back after their delay. */
  readonly answered: number;
  /** Answers still waiting for their delay when the forwarder stopped (dropped). */
  readonly pendingAtStop: number;
  /** Client flows seen (one upstream socket each). */
  readonly flows: number;
  /** The delay applied to each answer, in the order they came from upstream (ms). */
  readonly delaysMs: readonly number[];
  /** Handles (sockets, timers) open at the end beyond those the process started with. */
  readonly leftovers: readonly string[];
  /** 'stopped' (SIGTERM) or 'lifetime' (ended by itself). */
  readonly reason: string;
}

export interface UdpDelay {
  readonly host: string;
  readonly port: number;
  /** Ends the forwarder and returns its report. */
  stop(): Promise<UdpDelayReport>;
}

const SOURCE = String.raw`'use strict';
const dgram = require('node:dgram');
const cfg = JSON.parse(process.argv[2]);
const count = () => { const m = {}; for (const r of process.getActiveResourcesInfo()) m[r] = (m[r] || 0) + 1; return m; };
// After process.stdout exists (it is created on first use): its pipe is not one of the forwarder's sockets.
void process.stdout;
const before = count();
// mulberry32: a small seeded generator. Each client flow draws from its own, seeded alike,
// so a flow's delays do not depend on what other flows run beside it.
const generator = (seed) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
const MAX_FLOWS = 64;
const flows = new Map();
const timers = new Set();
const stats = { forwarded: 0, answered: 0, pendingAtStop: 0, delaysMs: [] };
const front = dgram.createSocket('udp4');
front.on('error', () => {});
front.on('message', (msg, from) => {
  const key = from.address + ':' + from.port;
  let up = flows.get(key);
  if (!up) {
    if (flows.size >= MAX_FLOWS) return;
    const random = generator(cfg.seed);
    const delay = () => Math.max(0, cfg.delayMs + (2 * random() - 1) * cfg.jitterMs);
    up = dgram.createSocket('udp4');
    up.on('error', () => {});
    up.on('message', (answer) => {
      const ms = delay();
      stats.delaysMs.push(Math.round(ms * 10) / 10);
      const t = setTimeout(() => {
        timers.delete(t);
        stats.answered++;
        front.send(answer, from.port, from.address);
      }, ms);
      timers.add(t);
    });
    up.bind(0, cfg.bindUpstream);
    flows.set(key, up);
  }
  stats.forwarded++;
  up.send(msg, cfg.upstream.port, cfg.upstream.host);
});
let ending = false;
function end(reason) {
  if (ending) return;
  ending = true;
  clearTimeout(life);
  stats.pendingAtStop = timers.size;
  for (const t of timers) clearTimeout(t);
  timers.clear();
  let open = flows.size + 1;
  const closed = () => {
    if (--open > 0) return;
    // Closed sockets release their handles within a turn or two of the loop.
    setTimeout(() => {
      const now = count();
      const leftovers = Object.entries(now).filter(([k, n]) => n > (before[k] || 0) + (k === 'Timeout' ? 1 : 0)).map(([k, n]) => k + ' x' + (n - (before[k] || 0)));
      process.stdout.write('report ' + JSON.stringify({ ...stats, flows: flows.size, leftovers, reason }) + '\n', () => process.exit(0));
    }, 50);
  };
  for (const up of flows.values()) up.close(closed);
  front.close(closed);
}
const life = setTimeout(() => end('lifetime'), cfg.lifetimeMs);
process.on('SIGTERM', () => end('stopped'));
front.bind(cfg.listen.port, cfg.listen.host, () => process.stdout.write('ready\n'));
`;

/** Starts the forwarder inside `ns` (the cloud namespace) and waits until it listens. */
export async function startUdpDelay(ns: string, dir: string, opts: UdpDelayOptions): Promise<UdpDelay> {
  const file = join(dir, 'udp-delay.js');
  writeFileSync(file, SOURCE);
  // Upstream sockets bind to the forwarder's own address: coturn sees it as the client.
  const cfg = { ...opts, bindUpstream: opts.listen.host };
  const d = new Daemon('udp-delay', 'ip', ['netns', 'exec', ns, process.execPath, file, JSON.stringify(cfg)]);
  const listening = (): boolean => run('ip', ['netns', 'exec', ns, 'ss', '-H', '-lnu']).stdout.includes(`${opts.listen.host}:${opts.listen.port} `);
  try {
    await until('the UDP forwarder to listen', () => {
      if (!d.alive) throw new Error(`the UDP forwarder exited:\n${d.output}`);
      return d.output.includes('ready\n') && listening();
    }, 10_000, () => d.output);
  } catch (e) {
    await d.stop();
    throw e;
  }
  let report: UdpDelayReport | undefined;
  return {
    host: opts.listen.host,
    port: opts.listen.port,
    stop: async () => {
      if (report) return report;
      await d.stop(3000);
      const line = /^report (.*)$/m.exec(d.output);
      if (!line) throw new Error(`the UDP forwarder ended without its report:\n${d.output}`);
      report = JSON.parse(line[1]!) as UdpDelayReport;
      // Nothing of it is left listening in the namespace.
      if (listening()) throw new Error(`${opts.listen.host}:${opts.listen.port} still listens after the forwarder stopped`);
      return report;
    },
  };
}

/** The forwarder in front of coturn's UDP 3478, on the address kept for it. */
export function delayOptions(delayMs: number, jitterMs: number, seed = 5): UdpDelayOptions {
  return { listen: { host: NET.delay, port: 3478 }, upstream: { host: NET.turn, port: 3478 }, delayMs, jitterMs, seed, lifetimeMs: 60_000 };
}
