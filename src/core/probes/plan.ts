// The probe plan: which probes run, against what, and which requirement each one
// speaks for. Pure: built from the requirement selection, the options and the
// proxy environment.
import type { Selection } from '../requirements/select';
import type { HostPort, ProbeOptions, ProbeRole, ProbeSpec, TurnTarget } from './types';

export interface ProxyEnvironment {
  /** The proxy URL in force for HTTPS, if any. */
  readonly proxy?: string;
  /** Where it came from: `probe.proxy`, `HTTPS_PROXY`, … */
  readonly source?: string;
  /** NO_PROXY entries. */
  readonly noProxy: readonly string[];
}

/** The proxy the probes use: the option wins over HTTPS_PROXY / HTTP_PROXY (either case). */
export function proxyEnvironment(options: Pick<ProbeOptions, 'proxy'>, env: Readonly<Record<string, string | undefined>>): ProxyEnvironment {
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (options.proxy === 'none') return { noProxy };
  if (options.proxy) return { proxy: options.proxy, source: 'probe.proxy', noProxy };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    const v = env[name];
    if (v) return { proxy: v.includes('://') ? v : `http://${v}`, source: name, noProxy };
  }
  return { noProxy };
}

/** True when NO_PROXY exempts the host (suffix match, `*` for all, ports ignored). */
export function bypassesProxy(host: string, noProxy: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy.some((entry) => {
    const e = entry.replace(/:\d+$/, '').replace(/^\*?\./, '.');
    if (e === '*') return true;
    if (e.startsWith('.')) return h.endsWith(e) || h === e.slice(1);
    return h === e || h.endsWith(`.${e}`);
  });
}

/** The proxy URL for a host, with any user:password removed for display. */
export function displayProxy(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid proxy URL)';
  }
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

export interface PlanInput {
  readonly selection: Selection;
  readonly options: ProbeOptions;
  readonly proxy: ProxyEnvironment;
  /** Whether long-term TURN credentials were supplied (never the credentials themselves). */
  readonly hasTurnCredentials?: boolean;
}

function hostPortOf(url: string): HostPort & { secure: boolean } {
  const u = new URL(url);
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : secure ? 443 : 80, secure };
}

function tcpRequirement(port: number, role: ProbeRole, custom: boolean, appServer: boolean, flexperto: boolean): string | undefined {
  if (custom) return 'custom-turn-reachable';
  if (role === 'certificate-status') return 'certificate-status';
  if (role === 'logging') return 'logging-server';
  if (port === 443) return appServer ? 'app-server-api' : 'tcp-443-platform';
  // TCP 3478 and 5349 are requirements of the Flexperto profile (seed 002) only; for the
  // platform itself TCP 443 is the relay of last resort and these ports are extras.
  if (port === 3478 && flexperto) return 'flexperto-3478';
  if (port === 5349 && flexperto) return 'flexperto-5349';
  return undefined;
}

/** The UDP requirement a STUN or TURN target on this port checks. */
export function udpRequirement(port: number, custom: boolean): string {
  if (custom) return 'custom-turn-reachable';
  return port === 3478 ? 'udp-3478' : port >= 1025 ? 'udp-media-range' : 'udp-3478';
}

const hp = (h: HostPort): string => (h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`);

export function buildProbePlan(input: PlanInput): ProbeSpec[] {
  const { options, selection } = input;
  const t = options.targets;
  const appServer = selection.role === 'app-server';
  const customProfile = selection.profiles.includes('custom-turn');
  const flexperto = selection.profiles.includes('flexperto');
  const timeoutMs = options.timeoutMs;
  const specs: ProbeSpec[] = [];
  const seen = new Set<string>();
  const add = (s: ProbeSpec): void => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    specs.push(s);
  };
  const proxyFor = (host: string): string | undefined =>
    input.proxy.proxy && !bypassesProxy(host, input.proxy.noProxy) ? input.proxy.proxy : undefined;
  const via = (host: string): { viaProxy?: string } => {
    const p = proxyFor(host);
    return p ? { viaProxy: p } : {};
  };

  const web: { url: string; role: ProbeRole }[] = [
    ...t.api.map((url) => ({ url, role: 'api' as const })),
    ...(appServer ? [] : t.logging.map((url) => ({ url, role: 'logging' as const }))),
  ];
  const sockets = appServer ? [] : t.websocket;
  const certStatus = appServer ? [] : t.certificateStatus;
  const turns: TurnTarget[] = appServer ? [] : [...t.turn, ...(customProfile || t.customTurn.length ? t.customTurn : [])];
  const stuns = appServer ? [] : t.stun;

  add({ id: 'environment', kind: 'environment', role: 'environment', label: 'Environment: proxy, resolvers, local addresses', timeoutMs });

  const hosts = new Set<string>();
  for (const w of web) hosts.add(hostPortOf(w.url).host);
  for (const s of sockets) hosts.add(hostPortOf(s).host);
  for (const c of certStatus) hosts.add(hostPortOf(c).host);
  for (const x of [...turns, ...stuns, ...t.tcp]) hosts.add(x.host);
  for (const host of hosts) {
    if (isIpLiteral(host)) continue;
    add({ id: `dns:${host}`, kind: 'dns', role: 'environment', label: `DNS ${host}`, requirementId: 'dns-resolution', host, timeoutMs });
  }

  // Direct TCP to every port in use: with a proxy in the way these show whether a direct path exists too.
  const tcpTargets: { host: string; port: number; role: ProbeRole; custom: boolean }[] = [];
  for (const w of web) tcpTargets.push({ ...hostPortOf(w.url), role: w.role, custom: false });
  for (const s of sockets) tcpTargets.push({ ...hostPortOf(s), role: 'signalling', custom: false });
  for (const c of certStatus) tcpTargets.push({ ...hostPortOf(c), role: 'certificate-status', custom: false });
  for (const x of turns) if (x.transport !== 'udp') tcpTargets.push({ host: x.host, port: x.port, role: 'media', custom: Boolean(x.custom) });
  for (const x of t.tcp) tcpTargets.push({ ...x, role: 'media', custom: false });
  for (const x of tcpTargets) {
    const req = tcpRequirement(x.port, x.role, x.custom, appServer, flexperto);
    add({ id: `tcp:${hp(x)}`, kind: 'tcp', role: x.role, label: `TCP ${hp(x)}`, host: x.host, port: x.port, ...(req ? { requirementId: req } : {}), timeoutMs });
  }

  if (input.proxy.proxy) {
    const first = [...web.map((w) => hostPortOf(w.url)), ...sockets.map(hostPortOf)].find((x) => proxyFor(x.host));
    if (first) {
      add({
        id: `proxy:${hp(first)}`, kind: 'proxy', role: 'environment', label: `Proxy CONNECT ${hp(first)} via ${displayProxy(input.proxy.proxy)}`,
        requirementId: 'proxy-no-auth', host: first.host, port: first.port, viaProxy: input.proxy.proxy, timeoutMs,
      });
    }
  }

  // TLS: the certificate the client really sees, through the proxy when there is one.
  const tlsTargets: { host: string; port: number; role: ProbeRole }[] = [];
  for (const w of web) if (hostPortOf(w.url).secure) tlsTargets.push({ ...hostPortOf(w.url), role: w.role });
  for (const s of sockets) if (hostPortOf(s).secure) tlsTargets.push({ ...hostPortOf(s), role: 'signalling' });
  for (const x of turns) if (x.transport === 'tls') tlsTargets.push({ host: x.host, port: x.port, role: 'media' });
  for (const x of tlsTargets) {
    const reach = tcpRequirement(x.port, x.role, false, appServer, flexperto);
    add({
      id: `tls:${hp(x)}`, kind: 'tls', role: x.role, label: `TLS ${hp(x)}`, requirementId: 'no-tls-inspection', host: x.host, port: x.port, ...via(x.host),
      ...(reach ? { reachRequirementId: reach } : {}), timeoutMs,
    });
  }

  for (const w of web) {
    const h = hostPortOf(w.url);
    add({
      id: `https:${w.url}`, kind: 'https', role: w.role, label: `${h.secure ? 'HTTPS' : 'HTTP'} ${w.role === 'logging' ? 'logging' : 'API'} ${w.url}`,
      requirementId: w.role === 'logging' ? 'logging-server' : appServer ? 'app-server-api' : 'tcp-443-platform',
      host: h.host, port: h.port, url: w.url, ...via(h.host), timeoutMs,
    });
  }
  for (const s of sockets) {
    const h = hostPortOf(s);
    add({ id: `websocket:${s}`, kind: 'websocket', role: 'signalling', label: `WebSocket upgrade ${s}`, requirementId: 'proxy-https', host: h.host, port: h.port, url: s, ...via(h.host), timeoutMs });
  }
  for (const c of certStatus) {
    const h = hostPortOf(c);
    add({ id: `certificate-status:${c}`, kind: 'certificate-status', role: 'certificate-status', label: `Certificate status ${c}`, requirementId: 'certificate-status', host: h.host, port: h.port, url: c, ...via(h.host), timeoutMs });
  }

  for (const s of stuns) {
    add({ id: `stun:${hp(s)}`, kind: 'stun', role: 'media', label: `STUN Binding UDP ${hp(s)}`, requirementId: udpRequirement(s.port, false), host: s.host, port: s.port, transport: 'udp', timeoutMs });
  }
  for (const x of turns) {
    const custom = Boolean(x.custom);
    // A TURN server's UDP port plays the role of UDP 3478 whatever its number; over TCP/TLS it is the relay of last resort (TCP 443).
    const req = custom ? 'custom-turn-reachable' : x.transport === 'udp' ? 'udp-3478' : tcpRequirement(x.port, 'media', false, false, flexperto);
    const proxied = x.transport === 'udp' ? {} : via(x.host);
    add({
      id: `turn:${custom ? 'custom:' : ''}${x.transport}:${hp(x)}`, kind: 'turn', role: 'media',
      label: `${custom ? 'Custom TURN' : 'TURN'} Allocate ${x.transport.toUpperCase()} ${hp(x)}${input.hasTurnCredentials && custom ? ' (with credentials)' : ''}`,
      host: x.host, port: x.port, transport: x.transport, ...(req ? { requirementId: req } : {}), ...proxied, timeoutMs,
    });
  }

  // Quality: a STUN burst over UDP to the first STUN target, or over TCP to a TURN server when UDP fails.
  const burstTarget = stuns[0] ?? turns.find((x) => x.transport === 'udp');
  if (burstTarget && options.quality.packets > 0) {
    const budget = options.quality.packets * options.quality.intervalMs + 2 * options.timeoutMs;
    add({ id: 'quality', kind: 'quality', role: 'media', label: `Quality burst (${options.quality.packets} STUN requests) ${hp(burstTarget)}`, host: burstTarget.host, port: burstTarget.port, transport: 'udp', timeoutMs: budget });
  }
  if (t.throughput) {
    const h = hostPortOf(t.throughput);
    add({
      id: `throughput:${t.throughput}`, kind: 'throughput', role: 'bandwidth', label: `Throughput ${t.throughput}`, requirementId: 'bandwidth-per-stream',
      host: h.host, port: h.port, url: t.throughput, ...via(h.host), timeoutMs: options.throughputSeconds * 1000 + options.timeoutMs,
    });
  }
  return specs;
}

/** The fallback target of the quality burst when UDP fails: the first TURN server over TCP, else over TLS. */
export function qualityTcpFallback(options: ProbeOptions): TurnTarget | undefined {
  return qualityTcpFallbacks(options)[0];
}

/**
 * Every fallback of the quality burst, in the order to try them: TURN over TCP, then
 * over TLS. A proxy may refuse some ports (CONNECT to 443 only is common), so the burst
 * takes the first that connects.
 */
export function qualityTcpFallbacks(options: ProbeOptions): TurnTarget[] {
  const all = [...options.targets.turn, ...options.targets.customTurn];
  return [...all.filter((x) => x.transport === 'tcp'), ...all.filter((x) => x.transport === 'tls')];
}
