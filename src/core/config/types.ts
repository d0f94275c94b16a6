import type { IntervalSet } from '../model/intervals';
import type { SourceRange } from '../model/source';
import type { Level, Profile, Role } from '../requirements/types';

export type TurnTransport = 'udp' | 'tcp' | 'tls';

/** A customer TURN server (Configurable TURN). Credentials never live in the configuration. */
export interface TurnServer {
  readonly host: string;
  readonly port: number;
  readonly transport: TurnTransport;
}

export interface AllowedIps {
  readonly set: IntervalSet;
  readonly count: number;
  /** Where the list was declared, for related information. */
  readonly file: string;
  readonly range: SourceRange;
}

/** The resolved workspace configuration (.opentok-readiness.yaml) with defaults applied. */
export interface ReadinessConfig {
  readonly profiles: readonly Profile[];
  readonly role: Role;
  readonly minLevel: Level;
  readonly levels: Readonly<Record<string, Level | 'off'>>;
  readonly allowedIps?: AllowedIps;
  /** The DNS resolvers the clients use, when the user names them. */
  readonly resolvers?: AllowedIps;
  readonly turnServers: readonly TurnServer[];
  readonly ignore: readonly string[];
  /** The configuration file, when there is one. */
  readonly file?: string;
}

export const DEFAULT_CONFIG: ReadinessConfig = {
  profiles: ['opentok'],
  role: 'client-network',
  minLevel: 'recommended',
  levels: {},
  turnServers: [],
  ignore: [],
};
