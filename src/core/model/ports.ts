import { IntervalSet } from './intervals';

export const MIN_PORT = 0;
export const MAX_PORT = 65535;

export type Protocol = 'tcp' | 'udp';
export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp'];

/** Port sets are interval sets over 0-65535. */
export function portRange(lo: number, hi: number = lo): IntervalSet {
  return IntervalSet.of(BigInt(lo), BigInt(hi));
}

export function portRanges(ranges: readonly (readonly [number, number])[]): IntervalSet {
  return IntervalSet.fromIntervals(ranges.map(([lo, hi]) => [BigInt(lo), BigInt(hi)] as const));
}

export const ALL_PORTS = portRange(MIN_PORT, MAX_PORT);

/** Ephemeral source ports a client may use (RFC 6335 dynamic range widened to what OSes really use). */
export const CLIENT_EPHEMERAL_PORTS = portRange(1024, 65535);

/** "443", "1025-65535", "80, 443, 10000-19999". */
export function formatPorts(set: IntervalSet): string {
  if (set.isEmpty()) return 'no ports';
  // Port numbers are small: read as numbers, without the sets' bigint view.
  const ends = set.numberEndpoints();
  let out = '';
  for (let i = 0; i < ends.length; i += 2) {
    const lo = ends[i]!;
    const hi = ends[i + 1]!;
    out += `${i === 0 ? '' : ', '}${lo === hi ? lo : `${lo}-${hi}`}`;
  }
  return out;
}

const PROTOCOL_NAMES: Readonly<Record<Protocol, string>> = { tcp: 'TCP', udp: 'UDP' };

export function formatFlow(protocol: Protocol, ports: IntervalSet): string {
  return `${PROTOCOL_NAMES[protocol]} ${formatPorts(ports)}`;
}
