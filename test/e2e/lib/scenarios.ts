// The corporate networks the probe is judged in: each scenario is a firewall profile in
// the client namespace, a resolver, a probe configuration (.opentok-readiness.yaml
// pointing every target at the cloud's stand-ins) and the TURN credentials in the
// environment (never in the file: seed 003 credentials come from SecretStorage or env).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TURN_CREDENTIAL_ENV, TURN_USERNAME_ENV } from '../../../src/core/probes/types';
import { repoPath } from '../../support/shared';
import { HOSTS } from './cloud';
import type { FirewallProfile, HostFirewall } from './firewall';
import { MEDIA_STUN_PORT, NET, PROXY_PORTS, TCP_CAUSE_PORTS } from './topology';
import type { World } from './world';

export type ScenarioName =
  | 'open'
  | 'udp-dropped'
  | 'udp-high-dropped'
  | 'proxy-only'
  | 'proxy-auth'
  | 'tls-interception'
  | 'dns-nxdomain'
  | 'dns-sinkhole'
  | 'custom-turn-right'
  | 'custom-turn-wrong'
  | 'tcp-causes'
  | 'udp-lossy'
  | 'udp-delayed'
  | 'udp-nat'
  | 'tls-inspection-trusted'
  | 'host-udp-dropped'
  | 'proxy-narrow'
  | 'tls-wrong-host'
  | 'tls-expired'
  | 'dns-refused';

export interface Scenario {
  readonly name: ScenarioName;
  readonly firewall: FirewallProfile;
  /** The client machine's own firewall; none by default. */
  readonly hostFirewall?: HostFirewall;
  /** The client's system resolver (resolv.conf of the namespace). */
  readonly resolver: string;
  /** The whole .opentok-readiness.yaml (JSON is YAML). */
  readonly config: Record<string, unknown>;
  /** Extra environment for the probe process. */
  readonly env: Readonly<Record<string, string>>;
}

/** Probe settings every scenario shares: the stand-in targets, the test CA, short timeouts. */
export function baseProbeSection(world: World): Record<string, unknown> {
  return {
    api: [`https://${HOSTS.api}/`, `https://${HOSTS.anvil}/`],
    logging: [`https://${HOSTS.logging}/prod/logging/ClientEvent`],
    websocket: [`wss://${HOSTS.signalling}/rumorwebsocketsv2`],
    // Seed 000: UDP 3478 (TURN/STUN) and the media range; the high port stands for 1025-65535.
    stun: [`${HOSTS.turn}:3478`, `${HOSTS.media}:${MEDIA_STUN_PORT}`],
    // TLS 443 first: it is the path of last resort the verdict names (seed 000, seed 001).
    turn: [
      { host: HOSTS.turn, port: 443, transport: 'tls' },
      { host: HOSTS.turn, port: 3478, transport: 'udp' },
      { host: HOSTS.turn, port: 3478, transport: 'tcp' },
      { host: HOSTS.turn, port: 5349, transport: 'tls' },
    ],
    certificateStatus: [`http://${HOSTS.ocsp}/`, `http://${HOSTS.crl}/`],
    dnsServers: [NET.dns],
    ca: [world.ca.cert],
    expectedIssuers: [world.ca.name],
    proxy: 'none',
    allowPrivateAddresses: false,
    timeoutMs: 2000,
    stunRtoMs: 250,
    quality: { packets: 25, intervalMs: 20 },
  };
}

export function scenario(world: World, name: ScenarioName): Scenario {
  const probe = baseProbeSection(world);
  const creds = (user: string, password: string): Record<string, string> => ({ [TURN_USERNAME_ENV]: user, [TURN_CREDENTIAL_ENV]: password });
  const base = { name, resolver: NET.dns, env: {} as Record<string, string> };
  const cfg = (p: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ profiles: ['opentok'], ...extra, probe: p });
  const proxy = (port: number): string => `http://${NET.proxy}:${port}`;
  switch (name) {
    case 'open':
      // The optional throughput check, against an endless body on the API host.
      return { ...base, firewall: name, config: cfg({ ...probe, throughput: `https://${HOSTS.api}/large`, throughputSeconds: 1 }) };
    case 'udp-dropped':
    case 'udp-high-dropped':
      return { ...base, firewall: name, config: cfg(probe) };
    case 'proxy-only': {
      // The proxy comes from the environment, as on a managed desktop, with a user and
      // password in the URL (the plain port ignores them); a PAC file is announced too.
      const { proxy: _none, ...rest } = probe;
      const url = `http://${world.proxyUser}:${world.proxyPassword}@${NET.proxy}:${PROXY_PORTS.plain}`;
      return {
        ...base, firewall: 'proxy-only',
        // coturn also takes plain TCP on 443: TURN over TCP through the proxy's CONNECT (to 443 only).
        config: cfg({ ...rest, turn: [...(rest.turn as unknown[]), { host: HOSTS.turn, port: 443, transport: 'tcp' }], pac: 'http://wpad.corp.example/proxy.pac' }),
        // NO_PROXY sends the certificate-status hosts direct (where the perimeter drops them).
        env: { HTTPS_PROXY: url, NO_PROXY: 'localhost,.corp.example,.godaddy.com' },
      };
    }
    case 'proxy-narrow':
      return { ...base, firewall: 'proxy-only', config: cfg({ ...probe, proxy: proxy(PROXY_PORTS.narrow) }) };
    case 'proxy-auth':
      return { ...base, firewall: 'proxy-only', config: cfg({ ...probe, proxy: proxy(PROXY_PORTS.auth) }) };
    case 'tls-interception':
      return { ...base, firewall: 'proxy-only', config: cfg({ ...probe, proxy: proxy(PROXY_PORTS.bump) }) };
    case 'tls-inspection-trusted':
      // The corporate inspection CA is installed as trusted (as managed desktops do): the chain
      // verifies, but its issuer is not the platform's expected CA.
      return { ...base, firewall: 'proxy-only', config: cfg({ ...probe, proxy: proxy(PROXY_PORTS.bump), ca: [world.ca.cert, world.mitmCa.cert] }) };
    case 'tls-wrong-host':
      // coturn's second address serves the same certificate, whose names do not include that address.
      return { ...base, firewall: 'open', config: cfg({ ...probe, turn: [...(probe.turn as unknown[]), { host: NET.turnAlt, port: 5349, transport: 'tls' }] }) };
    case 'tls-expired':
      return { ...base, firewall: 'open', config: cfg({ ...probe, api: [`https://${HOSTS.expired}/`, `https://${HOSTS.anvil}/`] }) };
    case 'udp-nat':
      return { ...base, firewall: 'udp-nat', config: cfg(probe) };
    case 'host-udp-dropped':
      // The perimeter is open; the client's own firewall drops UDP.
      return { ...base, firewall: 'open', hostFirewall: 'udp-dropped', config: cfg(probe) };
    case 'dns-nxdomain': {
      // The system resolver (no dnsServers override): what the client's own stack would see.
      const { dnsServers: _drop, ...rest } = probe;
      return { ...base, resolver: NET.dnsNxdomain, firewall: 'open', config: cfg(rest) };
    }
    case 'dns-refused':
      return { ...base, resolver: NET.dnsRefused, firewall: 'open', config: cfg({ ...probe, dnsServers: [NET.dnsRefused] }) };
    case 'dns-sinkhole':
      return { ...base, resolver: NET.dnsSinkhole, firewall: 'open', config: cfg({ ...probe, dnsServers: [NET.dnsSinkhole] }) };
    case 'custom-turn-right':
    case 'custom-turn-wrong': {
      // Configurable TURN with includeServers 'custom' (seed 003): media only through the customer's server.
      const customTurn = [
        { host: HOSTS.customTurn, port: 3478, transport: 'udp' },
        { host: HOSTS.customTurn, port: 3478, transport: 'tcp' },
        { host: HOSTS.customTurn, port: 5349, transport: 'tls' },
      ];
      const config = cfg(
        { ...probe, stun: [], customTurn, quality: { packets: 0, intervalMs: 20 } },
        { profiles: ['custom-turn'], turnServers: customTurn },
      );
      const env = name === 'custom-turn-right' ? creds(world.turnUser, world.turnPassword) : creds(world.turnUser, `${world.turnPassword}-wrong`);
      return { ...base, firewall: 'custom-turn-only', config, env };
    }
    case 'tcp-causes':
      // Four TCP ports that fail four ways: nothing listening (the host resets), a perimeter
      // reset, a perimeter ICMP host-unreachable, and a perimeter drop.
      return {
        ...base, firewall: 'open',
        config: cfg({
          ...probe, stun: [], turn: [{ host: HOSTS.turn, port: 443, transport: 'tls' }], quality: { packets: 0, intervalMs: 20 },
          tcp: [`${NET.web}:5560`, ...Object.values(TCP_CAUSE_PORTS).map((port) => `${NET.hostile}:${port}`)],
        }),
      };
    case 'udp-lossy':
      // One probe at a time, so the STUN Binding's first datagram is the first the lossy rule
      // sees (and drops): only its retransmission can be answered. A slow throughput endpoint.
      return {
        ...base, firewall: 'udp-lossy',
        config: cfg({
          ...probe, stun: [`${HOSTS.turn}:3478`], turn: [{ host: HOSTS.turn, port: 443, transport: 'tls' }], concurrency: 1,
          quality: { packets: 40, intervalMs: 10 }, throughput: `https://${HOSTS.api}/large?kbps=400`, throughputSeconds: 1,
        }),
      };
    case 'udp-delayed':
      // UDP 3478 through the delaying forwarder (started by the test, see udp-delay.ts) first:
      // the quality burst goes to the first STUN target, 50 requests so its jitter (RFC 3550,
      // smoothed over 16) settles. The media range stays direct.
      return {
        ...base, firewall: 'open',
        config: cfg({ ...probe, stun: [`${NET.delay}:3478`, `${HOSTS.media}:${MEDIA_STUN_PORT}`], quality: { packets: 50, intervalMs: 20 } }),
      };
  }
}

export function writeScenarioConfig(world: World, s: Scenario): string {
  const file = join(world.dir, `scenario-${s.name}.yaml`);
  writeFileSync(file, `${JSON.stringify(s.config, null, 2)}\n`);
  return file;
}

/** Switches the client namespace to the scenario's network and writes its configuration. */
export function enterScenario(world: World, s: Scenario): string {
  world.firewall(s.firewall);
  world.hostFirewall(s.hostFirewall ?? 'none');
  world.resolver(s.resolver);
  return writeScenarioConfig(world, s);
}

/** The command that runs the shipped CLI; `dist/cli.js` is built by scripts/build.mjs. */
export function probeArgv(configFile: string, format: 'json' | 'text' | 'markdown' | 'html' = 'json', extra: readonly string[] = []): string[] {
  return [process.execPath, repoPath('dist', 'cli.js'), 'probe', '--config', configFile, '--format', format, ...extra];
}

/** A clean environment for the probe: no proxy variables from the machine running the tests. */
export function probeEnv(s: Scenario): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(https?|no|all)_proxy$/i.test(k) && !k.startsWith('OPENTOK_READINESS_')) env[k] = v;
  return { ...env, ...s.env };
}
