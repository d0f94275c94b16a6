// Which ports to send flows to. The edges come from the fixture's text, read
// here independently of the parser under test, so a range the parser gets
// wrong is still probed at its true edges.
import type { Endpoint, Proto } from './agents';

/** Ports every fixture is probed on: DNS, HTTPS, the privileged-port edge, STUN/TURN, the top port. */
export const STANDARD_PORTS: readonly number[] = [1, 53, 443, 1023, 1024, 1025, 3478, 65535];

const PORT_OPTION = /(?:^|\s)--(?:dports?|sports?|destination-ports?|source-ports?)\s+(?:!\s+)?([0-9:,]+)/g;

/** Every range edge ±1 and a point inside each range, for the port lists written in the text. */
export function portSamples(text: string): number[] {
  const out = new Set<number>(STANDARD_PORTS);
  for (const m of text.matchAll(PORT_OPTION)) {
    for (const part of m[1]!.split(',')) {
      const [a, b] = part.split(':');
      const lo = a === undefined || a === '' ? 0 : Number(a);
      const hi = b === undefined ? lo : b === '' ? 65535 : Number(b);
      const [l, h] = lo <= hi ? [lo, hi] : [hi, lo];
      for (const p of [l - 1, l, l + 1, h - 1, h, h + 1, Math.floor((l + h) / 2)]) out.add(p);
    }
  }
  return [...out].filter((p) => p >= 1 && p <= 65535).sort((x, y) => x - y);
}

export function endpoints(ports: readonly number[], addrs: readonly string[]): Endpoint[] {
  const out: Endpoint[] = [];
  for (const addr of addrs) for (const proto of ['tcp', 'udp'] as Proto[]) for (const port of ports) out.push({ proto, addr, port });
  return out;
}

/**
 * Counting rules for the peer's INPUT chain: one per endpoint, matching the
 * first packet of a connection from the client (conntrack NEW). Their
 * packet counters tell which flows left the client at all.
 */
export function peerCounterRules(flows: readonly (Endpoint & { readonly id: number })[], client: string): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (const f of flows) {
    lines.push(`-A INPUT -s ${client} -d ${f.addr} -p ${f.proto} -m ${f.proto} --dport ${f.port} -m conntrack --ctstate NEW -m comment --comment flow-${f.id}`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Packet counts by flow id, from `iptables-save -c` of the peer. */
export function readPeerCounters(saved: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of saved.split('\n')) {
    const m = /^\[(\d+):\d+\] -A INPUT .*--comment "?flow-(\d+)"?/.exec(line);
    if (m) out.set(Number(m[2]), Number(m[1]));
  }
  return out;
}
