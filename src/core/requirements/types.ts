import type { Protocol } from '../model/ports';

export type Level = 'required' | 'recommended' | 'best' | 'informational';
export const LEVELS: readonly Level[] = ['required', 'recommended', 'best', 'informational'];

export type Role = 'client-network' | 'app-server';
export const ROLES: readonly Role[] = ['client-network', 'app-server'];

export type Profile = 'opentok' | 'opentok-2013' | 'flexperto' | 'custom-turn';
export const PROFILES: readonly Profile[] = ['opentok', 'opentok-2013', 'flexperto', 'custom-turn'];

/**
 * How a requirement is checked:
 * - `flow`: packet filters (the linter) and live probes decide it;
 * - `proxy`: proxy configurations and live probes decide it;
 * - `probe`: only a live probe can tell;
 * - `advice`: listed for the reader, nothing can check it.
 */
export type RequirementKind = 'flow' | 'proxy' | 'probe' | 'advice';

/**
 * `egress`: the first packet of a connection the client opens.
 * `reply`: the answer coming back on that connection (state ESTABLISHED).
 */
export type FlowDirection = 'egress' | 'reply';

export interface FlowSpec {
  readonly protocol: Protocol;
  /** Ports on the platform's side, as inclusive ranges. */
  readonly ports: readonly (readonly [number, number])[];
}

export interface Destinations {
  /** Host name patterns; `*.x` means any name below x. */
  readonly domains?: readonly string[];
  /** Published address blocks: when present the verdict is exact. */
  readonly cidrs?: readonly string[];
  /** The flow goes to whatever DNS resolver the client uses, inside or outside the network. */
  readonly resolver?: boolean;
}

export interface Citation {
  /** A seed's file name, or NOTES.md for the newer public facts. */
  readonly source: string;
  /** The words of the source the requirement rests on, verbatim (white space aside). */
  readonly fact: string;
  /** Where NOTES.md took the fact from. */
  readonly origin?: string;
}

export interface Requirement {
  readonly id: string;
  readonly title: string;
  readonly kind: RequirementKind;
  readonly level: Level;
  readonly roles: readonly Role[];
  readonly profiles: readonly Profile[];
  readonly direction?: FlowDirection;
  readonly flows?: readonly FlowSpec[];
  readonly destinations?: Destinations;
  readonly rationale: string;
  readonly citations: readonly Citation[];
}
