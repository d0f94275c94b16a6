// The `probe` section of .opentok-readiness.yaml, validated into ProbeOptions.
// Every target has a default from the seeds or NOTES.md, so an empty section probes
// the platform's public hosts.
import { TURN_CREDENTIAL_ENV, TURN_USERNAME_ENV, type HostPort, type ProbeOptions, type ProbeTargets, type TurnTarget, type TurnTransport } from './types';

/**
 * TURN servers named in seed 001's `nc` script (2013). The platform assigns TURN
 * servers per session, so a network that must prove today's servers names them in
 * `probe.turn`; these stay as the documented defaults.
 */
const SEED_TURN_HOSTS = ['turn402-oak.tokbox.com', 'turn501-nyc.tokbox.com'];

export const DEFAULT_TARGETS: ProbeTargets = {
  // NOTES.md: `api.opentok.com`, `anvil.opentok.com` (session API) from public SDK code.
  api: ['https://api.opentok.com/', 'https://anvil.opentok.com/'],
  // NOTES.md: `hlg.tokbox.com` (logging, path `/prod/logging/ClientEvent`).
  logging: ['https://hlg.tokbox.com/prod/logging/ClientEvent'],
  // NOTES.md: signalling over `wss://*.tokbox.com:443`; the exact host comes with a session,
  // so the upgrade is tried on a platform host to prove WebSocket passes on 443.
  websocket: ['wss://api.opentok.com/'],
  tcp: [],
  // Seed 000: UDP 3478 recommended.
  stun: SEED_TURN_HOSTS.map((host) => ({ host, port: 3478 })),
  // Seed 001: TCP/443 HTTPS and TURN, TCP/3478 TURN; seed 000: UDP 3478.
  turn: SEED_TURN_HOSTS.flatMap((host): TurnTarget[] => [
    { host, port: 3478, transport: 'udp' },
    { host, port: 443, transport: 'tls' },
  ]),
  customTurn: [],
  // Seed 000: "ocsp.godaddy.com crl.godaddy.com", fetched over plain HTTP.
  certificateStatus: ['http://ocsp.godaddy.com/', 'http://crl.godaddy.com/'],
};

export const DEFAULT_PROBE_OPTIONS: ProbeOptions = {
  targets: DEFAULT_TARGETS,
  allowPrivateAddresses: false,
  timeoutMs: 5000,
  concurrency: 16,
  stunRtoMs: 500,
  quality: { packets: 50, intervalMs: 20 },
  throughputSeconds: 5,
};

export interface ProbeOptionsResult {
  readonly options: ProbeOptions;
  /** One message per invalid entry; the entry falls back to its default. */
  readonly errors: string[];
}

const KNOWN_KEYS = new Set([
  'api', 'logging', 'websocket', 'tcp', 'stun', 'turn', 'customTurn', 'certificateStatus', 'throughput',
  'proxy', 'pac', 'dnsServers', 'ca', 'expectedIssuers', 'allowPrivateAddresses', 'timeoutMs', 'concurrency',
  'stunRtoMs', 'quality', 'throughputSeconds',
]);

/** Validates a plain object (the parsed `probe` section) into options; never throws. */
export function probeOptionsFromConfig(raw: unknown, base: ProbeOptions = DEFAULT_PROBE_OPTIONS): ProbeOptionsResult {
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { options: base, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { options: base, errors: ['probe: must be a map of settings'] };
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!KNOWN_KEYS.has(key)) errors.push(`probe.${key}: unknown setting`);

  const urls = (key: string, schemes: readonly string[], fallback: readonly string[]): readonly string[] => {
    const v = r[key];
    if (v === undefined) return fallback;
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
    if (!list) {
      errors.push(`probe.${key}: expected a URL or a list of URLs`);
      return fallback;
    }
    const out: string[] = [];
    list.forEach((u, i) => {
      const checked = typeof u === 'string' ? checkUrl(u, schemes) : 'expected a string';
      if (checked === undefined) out.push(u as string);
      else errors.push(`probe.${key}[${i}]: ${checked}`);
    });
    return out;
  };
  const hostPorts = (key: string, fallback: readonly HostPort[], defaultPort?: number): readonly HostPort[] => {
    const v = r[key];
    if (v === undefined) return fallback;
    if (!Array.isArray(v)) {
      errors.push(`probe.${key}: expected a list of "host:port" entries`);
      return fallback;
    }
    const out: HostPort[] = [];
    v.forEach((e, i) => {
      const hp = parseHostPort(e, defaultPort);
      if (typeof hp === 'string') errors.push(`probe.${key}[${i}]: ${hp}`);
      else out.push(hp);
    });
    return out;
  };
  const turns = (key: string, fallback: readonly TurnTarget[], custom: boolean): readonly TurnTarget[] => {
    const v = r[key];
    if (v === undefined) return fallback;
    if (!Array.isArray(v)) {
      errors.push(`probe.${key}: expected a list of TURN servers ("turn:host:port?transport=tcp" or {host, port, transport})`);
      return fallback;
    }
    const out: TurnTarget[] = [];
    v.forEach((e, i) => {
      const t = parseTurnTarget(e);
      if (typeof t === 'string') errors.push(`probe.${key}[${i}]: ${t}`);
      else out.push(custom ? { ...t, custom: true } : t);
    });
    return out;
  };
  const int = (key: string, min: number, max: number, fallback: number, src: Record<string, unknown> = r, prefix = 'probe'): number => {
    const v = src[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      errors.push(`${prefix}.${key}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return v;
  };
  const strings = (key: string): readonly string[] | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    const list = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
    if (!list) errors.push(`probe.${key}: expected a string or a list of strings`);
    return list;
  };

  const t = base.targets;
  const throughputList = r.throughput === undefined ? undefined : urls('throughput', ['http:', 'https:'], []);
  const targets: ProbeTargets = {
    api: urls('api', ['https:', 'http:'], t.api),
    logging: urls('logging', ['https:', 'http:'], t.logging),
    websocket: urls('websocket', ['wss:', 'ws:'], t.websocket),
    tcp: hostPorts('tcp', t.tcp),
    stun: hostPorts('stun', t.stun, 3478),
    turn: turns('turn', t.turn, false),
    customTurn: turns('customTurn', t.customTurn, true),
    certificateStatus: urls('certificateStatus', ['http:', 'https:'], t.certificateStatus),
    ...(throughputList ? (throughputList[0] ? { throughput: throughputList[0] } : {}) : t.throughput ? { throughput: t.throughput } : {}),
  };

  let proxy = base.proxy;
  if (r.proxy !== undefined) {
    if (r.proxy === 'none' || r.proxy === false) proxy = 'none';
    else if (typeof r.proxy === 'string' && checkUrl(r.proxy, ['http:']) === undefined) proxy = r.proxy;
    else errors.push('probe.proxy: expected "http://host:port" or "none"');
  }
  let pacUrl = base.pacUrl;
  if (r.pac !== undefined) {
    if (typeof r.pac === 'string' && checkUrl(r.pac, ['http:', 'https:', 'file:']) === undefined) pacUrl = r.pac;
    else errors.push('probe.pac: expected the URL of a PAC file');
  }
  let dnsServers = base.dnsServers;
  const dns = strings('dnsServers');
  if (dns) {
    const bad = dns.filter((s) => !isResolverAddress(s));
    if (bad.length) errors.push(`probe.dnsServers: not an address: ${bad.join(', ')}`);
    else dnsServers = dns;
  }
  const caFiles = strings('ca') ?? base.caFiles;
  const expectedIssuers = strings('expectedIssuers') ?? base.expectedIssuers;
  let allowPrivateAddresses = base.allowPrivateAddresses;
  if (r.allowPrivateAddresses !== undefined) {
    if (typeof r.allowPrivateAddresses === 'boolean') allowPrivateAddresses = r.allowPrivateAddresses;
    else errors.push('probe.allowPrivateAddresses: expected true or false');
  }
  let quality = base.quality;
  if (r.quality !== undefined) {
    if (typeof r.quality === 'object' && r.quality !== null && !Array.isArray(r.quality)) {
      const q = r.quality as Record<string, unknown>;
      for (const k of Object.keys(q)) if (k !== 'packets' && k !== 'intervalMs') errors.push(`probe.quality.${k}: unknown setting`);
      quality = { packets: int('packets', 0, 1000, quality.packets, q, 'probe.quality'), intervalMs: int('intervalMs', 1, 1000, quality.intervalMs, q, 'probe.quality') };
    } else errors.push('probe.quality: expected a map with packets and intervalMs');
  }
  const options: ProbeOptions = {
    targets,
    ...(proxy !== undefined ? { proxy } : {}),
    ...(pacUrl !== undefined ? { pacUrl } : {}),
    ...(dnsServers !== undefined ? { dnsServers } : {}),
    ...(base.ca !== undefined ? { ca: base.ca } : {}),
    ...(caFiles !== undefined ? { caFiles } : {}),
    ...(expectedIssuers !== undefined ? { expectedIssuers } : {}),
    allowPrivateAddresses,
    timeoutMs: int('timeoutMs', 50, 120000, base.timeoutMs),
    concurrency: int('concurrency', 1, 256, base.concurrency),
    stunRtoMs: int('stunRtoMs', 10, 5000, base.stunRtoMs),
    quality,
    throughputSeconds: int('throughputSeconds', 1, 60, base.throughputSeconds),
  };
  return { options, errors };
}

function checkUrl(text: string, schemes: readonly string[]): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return `"${text}" is not a URL`;
  }
  if (!schemes.includes(u.protocol)) return `"${text}": expected a ${schemes.map((s) => s.slice(0, -1)).join(' or ')} URL`;
  if (!u.hostname && u.protocol !== 'file:') return `"${text}" has no host`;
  return undefined;
}

function isResolverAddress(s: string): boolean {
  return /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$/.test(s);
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** `host:port`, `[v6]:port`, or `{ host, port }`. */
export function parseHostPort(e: unknown, defaultPort?: number): HostPort | string {
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
    const o = e as Record<string, unknown>;
    const port = o.port ?? defaultPort;
    if (typeof o.host !== 'string' || o.host === '') return 'expected a host';
    if (typeof port !== 'number' || !validPort(port)) return 'expected a port from 1 to 65535';
    return { host: o.host, port };
  }
  if (typeof e !== 'string') return 'expected "host:port"';
  const m = /^(?:\[([^\]]+)\]|([^:\s]+))(?::(\d+))?$/.exec(e.trim());
  const host = m?.[1] ?? m?.[2];
  const port = m?.[3] !== undefined ? Number(m[3]) : defaultPort;
  if (!host) return `"${e}" is not "host:port"`;
  if (port === undefined || !validPort(port)) return `"${e}": expected a port from 1 to 65535`;
  return { host, port };
}

/**
 * A TURN server as an RFC 7065 URI (`turn:host[:port][?transport=udp|tcp]`,
 * `turns:host[:port]`) as in the client's iceConfig, or `{ host, port, transport }`.
 */
export function parseTurnTarget(e: unknown): TurnTarget | string {
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
    const o = e as Record<string, unknown>;
    // Issue: TURN credentials come from SecretStorage or the environment, never from files.
    // The value is not repeated in the message.
    const secretKey = ['credential', 'password', 'username'].find((k) => k in o);
    if (secretKey) return `"${secretKey}" is not read from files: set ${TURN_USERNAME_ENV} and ${TURN_CREDENTIAL_ENV} in the environment (or use the editor's secret storage)`;
    if (typeof o.url === 'string') return parseTurnTarget(o.url);
    const transport = o.transport ?? 'udp';
    if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') return 'transport must be udp, tcp or tls';
    const hp = parseHostPort({ host: o.host, port: o.port ?? (transport === 'tls' ? 5349 : 3478) });
    return typeof hp === 'string' ? hp : { ...hp, transport };
  }
  if (typeof e !== 'string') return 'expected a TURN URI or {host, port, transport}';
  const m = /^(turns?):(?:\[([^\]]+)\]|([^:?\s]+))(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(e.trim());
  if (!m) return `"${e}" is not a TURN URI (turn:host:port?transport=udp|tcp, turns:host:port)`;
  const secure = m[1]!.toLowerCase() === 'turns';
  const host = (m[2] ?? m[3])!;
  const port = m[4] !== undefined ? Number(m[4]) : secure ? 5349 : 3478;
  if (!validPort(port)) return `"${e}": port out of range`;
  const transport: TurnTransport = secure ? 'tls' : ((m[5]?.toLowerCase() ?? 'udp') as TurnTransport);
  return { host, port, transport };
}
