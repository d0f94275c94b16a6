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
  return set.intervals.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(', ');
}

export function formatFlow(protocol: Protocol, ports: IntervalSet): string {
  return `${protocol.toUpperCase()} ${formatPorts(ports)}`;
}
