// Two network namespaces joined by a veth pair: "client" (where the probe runs, behind
// the scenario's firewall) and "cloud" (the stand-in platform). Names are unique per
// run; teardown kills every process left in either namespace and deletes both, and a
// leftover of a crashed earlier run (its creator pid gone) is swept on the next start.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { must, run } from './exec';

/** The stand-in platform's addresses: one /24 on the veth, no route anywhere else. */
export const NET = {
  prefix: 24,
  client: '198.51.100.2',
  gateway: '198.51.100.1',
  /** HTTPS + WebSocket (API, anvil, signalling, logging) and HTTP 80 (OCSP/CRL). */
  web: '198.51.100.10',
  /** coturn: UDP/TCP 3478, TLS 5349 and 443. */
  turn: '198.51.100.20',
  /** coturn's second address: with two, coturn opens its alternate ports (RFC 5780), TLS 443 among them. */
  turnAlt: '198.51.100.21',
  /** A STUN-only coturn on a high UDP port (50000, one of seed 001's `nc -u` ports): the media range. */
  media: '198.51.100.22',
  /** A user-space UDP forwarder in front of coturn's UDP 3478 that delays its answers (udp-delay.ts): a slow, jittery path. */
  delay: '198.51.100.23',
  /** Squid: 3128 plain CONNECT, 3129 requires authentication, 3130 TLS interception, 3131 tunnels to the API hosts only. */
  proxy: '198.51.100.30',
  /** dnsmasq answering the platform's names. */
  dns: '198.51.100.53',
  /** dnsmasq answering NXDOMAIN for the platform's domains. */
  dnsNxdomain: '198.51.100.54',
  /** dnsmasq answering 0.0.0.0 (a sinkhole) for the platform's domains. */
  dnsSinkhole: '198.51.100.55',
  /** dnsmasq with no answers and no upstream: it answers REFUSED. */
  dnsRefused: '198.51.100.56',
  /** The public address of the simulated NAT (never assigned: only a source the cloud sees). */
  natPublic: '198.51.100.99',
  /** Extra addresses for hostile peers inside the cloud. */
  hostile: '198.51.100.40',
} as const;

export const MEDIA_STUN_PORT = 50000;

/** TCP ports on NET.hostile that the perimeter rejects with a reset, rejects with ICMP host-unreachable, and drops. */
export const TCP_CAUSE_PORTS = { refused: 7001, unreachable: 7002, dropped: 7003 } as const;

export const PROXY_PORTS = { plain: 3128, auth: 3129, bump: 3130, narrow: 3131 } as const;

// Unique to this suite: the iptables netns suite (test/netns) uses otr-c-, otr-p- and otr-probe-, and sweeps only those.
const PREFIX = 'ote2e';

export interface Topology {
  readonly id: string;
  readonly clientNs: string;
  readonly cloudNs: string;
  /** The cloud's end of the veth: every packet from the client arrives on it, so the scenarios' perimeter firewall filters there. */
  readonly cloudLink: string;
  /** /etc/netns/<client>/: `ip netns exec` bind-mounts its resolv.conf over /etc/resolv.conf. */
  readonly etcDir: string;
  setResolver(ip: string): void;
  destroy(): void;
}

/** Deletes namespaces left by an earlier run whose process is gone. */
export function sweepLeftovers(): void {
  const list = run('ip', ['netns', 'list']).stdout;
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${PREFIX}-(\\d+)-[0-9a-f]+-(c|s)$`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) destroyNamespace(name);
  }
}

function destroyNamespace(ns: string): void {
  const pids = run('ip', ['netns', 'pids', ns]).stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  run('ip', ['netns', 'del', ns]);
  rmSync(join('/etc/netns', ns), { recursive: true, force: true });
}

export function createTopology(): Topology {
  sweepLeftovers();
  const rand = Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0');
  const id = `${process.pid}-${rand}`;
  const clientNs = `${PREFIX}-${id}-c`;
  const cloudNs = `${PREFIX}-${id}-s`;
  // Interface names are limited to 15 bytes.
  const vethClient = `${PREFIX}${rand}c`;
  const vethCloud = `${PREFIX}${rand}s`;
  const etcDir = join('/etc/netns', clientNs);
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    destroyNamespace(clientNs);
    destroyNamespace(cloudNs);
    run('ip', ['link', 'del', vethClient]);
    process.removeListener('exit', destroy);
  };
  process.on('exit', destroy);
  try {
    must('ip', ['netns', 'add', clientNs]);
    must('ip', ['netns', 'add', cloudNs]);
    must('ip', ['link', 'add', vethClient, 'netns', clientNs, 'type', 'veth', 'peer', 'name', vethCloud, 'netns', cloudNs]);
    const inClient = (...a: string[]): string => must('ip', ['netns', 'exec', clientNs, ...a]);
    const inCloud = (...a: string[]): string => must('ip', ['netns', 'exec', cloudNs, ...a]);
    inClient('ip', 'link', 'set', 'lo', 'up');
    inCloud('ip', 'link', 'set', 'lo', 'up');
    inClient('ip', 'addr', 'add', `${NET.client}/${NET.prefix}`, 'dev', vethClient);
    for (const ip of [NET.gateway, NET.web, NET.turn, NET.turnAlt, NET.media, NET.delay, NET.proxy, NET.dns, NET.dnsNxdomain, NET.dnsSinkhole, NET.dnsRefused, NET.hostile]) {
      // nodad: the addresses are usable at once.
      inCloud('ip', 'addr', 'add', `${ip}/${NET.prefix}`, 'dev', vethCloud);
    }
    inClient('ip', 'link', 'set', vethClient, 'up');
    inCloud('ip', 'link', 'set', vethCloud, 'up');
    mkdirSync(etcDir, { recursive: true });
  } catch (e) {
    destroy();
    throw e;
  }
  const setResolver = (ip: string): void => {
    // One try, one second: a resolver that does not answer fails fast, not after 5 s × 2.
    writeFileSync(join(etcDir, 'resolv.conf'), `nameserver ${ip}\noptions timeout:1 attempts:1\n`);
  };
  setResolver(NET.dns);
  return { id, clientNs, cloudNs, cloudLink: vethCloud, etcDir, setResolver, destroy };
}
