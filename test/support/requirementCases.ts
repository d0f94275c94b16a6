// The vocabulary both per-requirement suites (iptables and NetworkPolicy) write their cases in.
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import type { Profile, Role } from '../../src/core/requirements/types';

export type Proto = 'tcp' | 'udp';
export type Ports = [number, number][];

export interface Flow {
  readonly proto: Proto;
  readonly ports: Ports;
  /** The gap text when all of this flow is blocked. */
  readonly text: string;
}

export const cfg = (profile: Profile, role: Role = 'client-network', extra: Partial<ReadinessConfig> = {}): ReadinessConfig => ({
  ...DEFAULT_CONFIG,
  profiles: [profile],
  role,
  ...extra,
});

/** The 2013 media ranges of seed 001. */
export const RANGES_2013 = ['70.42.47.64/26', '72.5.167.128/26', '212.118.226.32/27'];
export const TURN_IP = { host: '198.51.100.7', port: 443, transport: 'tls' } as const;
export const TURN_NAME = { host: 'turn.example.net', port: 3478, transport: 'udp' } as const;

export const tcp = (ports: Ports, text: string): Flow => ({ proto: 'tcp', ports, text });
export const udp = (ports: Ports, text: string): Flow => ({ proto: 'udp', ports, text });
