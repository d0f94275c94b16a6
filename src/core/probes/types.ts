// Live probe targets, options and results. Pure data: the Node implementations
// live in src/probes/, the faces (CLI, panel) only render these shapes.

export type TurnTransport = 'udp' | 'tcp' | 'tls';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface TurnTarget extends HostPort {
  readonly transport: TurnTransport;
  /** A customer's own server (Configurable TURN, seed 003) rather than the platform's. */
  readonly custom?: boolean;
}

/** Where the probes go. Defaults are the platform's public hosts; tests and scenarios point them elsewhere. */
export interface ProbeTargets {
  /** HTTPS endpoints of the REST and session APIs. */
  readonly api: readonly string[];
  /** HTTPS endpoints of the logging server. */
  readonly logging: readonly string[];
  /** WSS (or WS) endpoints standing for the signalling server. */
  readonly websocket: readonly string[];
  /** Extra TCP ports to connect to, beyond those the URLs and TURN servers imply. */
  readonly tcp: readonly HostPort[];
  /** STUN Binding targets over UDP; a port other than 3478 checks the UDP media range. */
  readonly stun: readonly HostPort[];
  /** The platform's TURN servers, per transport. */
  readonly turn: readonly TurnTarget[];
  /** Customer TURN servers (Configurable TURN). */
  readonly customTurn: readonly TurnTarget[];
  /** HTTP URLs of the certificate-status (OCSP / CRL) servers. */
  readonly certificateStatus: readonly string[];
  /** An HTTP(S) URL serving a large body, for the optional throughput check. */
  readonly throughput?: string;
}

export interface QualityOptions {
  /** STUN requests in the burst. */
  readonly packets: number;
  /** Milliseconds between requests (20 ms = one audio frame). */
  readonly intervalMs: number;
}

export interface ProbeOptions {
  readonly targets: ProbeTargets;
  /**
   * `http://host:port` of an HTTP proxy (CONNECT for TLS), `"none"` for none, or
   * undefined to follow HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
   */
  readonly proxy?: string;
  /** A proxy auto-configuration URL in use on the network (reported, not evaluated). */
  readonly pacUrl?: string;
  /** DNS servers to ask instead of the system's resolver (`1.2.3.4` or `1.2.3.4:5353`). */
  readonly dnsServers?: readonly string[];
  /** PEM certificates trusted besides the public roots (a test CA, a private platform CA). */
  readonly ca?: readonly string[];
  /** Files holding such certificates; the Node layer reads them into `ca`. */
  readonly caFiles?: readonly string[];
  /**
   * Substrings of the issuer (O or CN) expected on the platform's certificates. A chain
   * from a trusted root with another issuer is reported as inspection by that issuer.
   */
  readonly expectedIssuers?: readonly string[];
  /** A platform name answered with a private address is normal in a private deployment; otherwise a sinkhole. */
  readonly allowPrivateAddresses: boolean;
  /** Per-probe timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Probes running at once. */
  readonly concurrency: number;
  /** Initial STUN retransmission timeout (RFC 8489 section 6.2.1: 500 ms recommended). */
  readonly stunRtoMs: number;
  readonly quality: QualityOptions;
  /** Seconds the throughput check downloads for at most. */
  readonly throughputSeconds: number;
}

/** Long-term TURN credentials. They come from SecretStorage or the environment, never from files. */
export interface TurnCredentials {
  readonly username: string;
  readonly credential: string;
}

export const TURN_USERNAME_ENV = 'OPENTOK_READINESS_TURN_USERNAME';
export const TURN_CREDENTIAL_ENV = 'OPENTOK_READINESS_TURN_CREDENTIAL';

export type ProbeKind =
  | 'environment'
  | 'dns'
  | 'tcp'
  | 'tls'
  | 'https'
  | 'websocket'
  | 'proxy'
  | 'certificate-status'
  | 'stun'
  | 'turn'
  | 'quality'
  | 'throughput';

/** What a probe is for, so the verdict can weigh it. */
export type ProbeRole = 'signalling' | 'api' | 'logging' | 'media' | 'certificate-status' | 'environment' | 'bandwidth';

/** One planned probe. */
export interface ProbeSpec {
  /** Stable within a plan: `tcp:api.opentok.com:443`. */
  readonly id: string;
  readonly kind: ProbeKind;
  readonly role: ProbeRole;
  /** What a reader sees: `TCP api.opentok.com:443`. */
  readonly label: string;
  /** The requirement a failure breaks. */
  readonly requirementId?: string;
  readonly host?: string;
  readonly port?: number;
  readonly url?: string;
  readonly transport?: TurnTransport;
  /** Set when the probe goes through the HTTP proxy. */
  readonly viaProxy?: string;
  /** For a TLS probe: the requirement broken when its port cannot be reached at all (not an inspection finding). */
  readonly reachRequirementId?: string;
  readonly timeoutMs: number;
}

export type ProbeStatus = 'pass' | 'warn' | 'fail' | 'unknown' | 'skipped';

/**
 * Why a probe did not pass, in words a network admin can act on. The causes a
 * verdict depends on; everything else rides in `detail`.
 */
export type ProbeCause =
  | 'nxdomain'
  | 'dns-refused'
  | 'dns-timeout'
  | 'sinkhole'
  | 'refused'
  | 'dropped'
  | 'unreachable'
  | 'timeout'
  | 'reset'
  | 'tls-handshake'
  | 'tls-interception'
  | 'certificate-invalid'
  | 'proxy-auth-required'
  | 'proxy-refused'
  | 'upgrade-refused'
  | 'http-error'
  | 'malformed-response'
  | 'no-response'
  | 'turn-auth-failed'
  | 'turn-error'
  | 'no-credentials'
  | 'poor-quality'
  | 'low-bandwidth'
  | 'cancelled'
  | 'internal';

export type EvidenceValue = string | number | boolean | readonly string[] | readonly number[];

export interface ProbeResult {
  readonly id: string;
  readonly kind: ProbeKind;
  readonly role: ProbeRole;
  readonly label: string;
  readonly requirementId?: string;
  readonly status: ProbeStatus;
  readonly cause?: ProbeCause;
  /** One sentence: what happened. */
  readonly summary: string;
  /** Timings, addresses, issuer, proxy answer… Never a secret. */
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
  readonly durationMs: number;
  /** Per-sample RTTs of a quality burst, for charts (ms, -1 = lost). */
  readonly samples?: readonly number[];
}

export type ProbeEvent =
  | { readonly type: 'plan'; readonly probes: readonly ProbeSpec[] }
  | { readonly type: 'start'; readonly id: string }
  | { readonly type: 'result'; readonly result: ProbeResult }
  | { readonly type: 'done'; readonly results: readonly ProbeResult[]; readonly cancelled: boolean };
