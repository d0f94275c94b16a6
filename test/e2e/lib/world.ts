// One simulated network per suite: the namespaces, the certificates, the cloud's servers.
// Scenarios switch the client's firewall and resolver; servers start once.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTS, startCloud, type Cloud, type CloudSecrets } from './cloud';
import { runAsync } from './exec';
import { applyFirewall, applyHostFirewall, type FirewallProfile, type HostFirewall } from './firewall';
import { makeCa, makeExpiredServerCert, makeServerCert, type Ca } from './pki';
import { createTopology, NET, type Topology } from './topology';

export interface World extends CloudSecrets {
  readonly topology: Topology;
  readonly clientNs: string;
  readonly cloudNs: string;
  /** Per-run temp dir: certificates, configs, logs. */
  readonly dir: string;
  /** The test root CA that signs the stand-in platform servers. */
  readonly ca: Ca;
  /** The intercepting proxy's own CA. */
  readonly mitmCa: Ca;
  readonly cloud: Cloud;
  firewall(profile: FirewallProfile): void;
  /** The client machine's own firewall (none unless a scenario says otherwise). */
  hostFirewall(profile: HostFirewall): void;
  resolver(ip: string): void;
  /** Runs argv inside the client namespace (async: this process's own servers keep answering). */
  inClient(argv: readonly string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): ReturnType<typeof runAsync>;
  stop(): Promise<void>;
}

function secret(): string {
  return randomBytes(12).toString('hex');
}

export async function startWorld(): Promise<World> {
  const id = randomBytes(3).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'otr-e2e-'));
  const topology = createTopology();
  let cloud: Cloud | undefined;
  try {
    const ca = makeCa(dir, 'test-ca', `OpenTok Readiness Test Root CA ${id}`);
    const mitmCa = makeCa(dir, 'mitm-ca', `Corporate Inspection CA ${id}`);
    const server = makeServerCert(dir, 'platform', ca, [...Object.values(HOSTS), '*.opentok.com', '*.tokbox.com'], [NET.web, NET.turn]);
    const expired = makeExpiredServerCert(dir, 'expired', ca, [HOSTS.expired]);
    // Squid drops to the proxy user and coturn reads its key after start: test keys, readable.
    for (const f of readdirSync(dir)) if (statSync(join(dir, f)).isFile()) chmodSync(join(dir, f), 0o644);
    chmodSync(dir, 0o755);
    const secrets: CloudSecrets = { turnUser: `u${id}`, turnPassword: secret(), proxyUser: `p${id}`, proxyPassword: secret() };
    cloud = await startCloud(topology.cloudNs, dir, ca, mitmCa, server, expired, secrets);
    const c = cloud;
    let stopped = false;
    return {
      ...secrets,
      topology,
      clientNs: topology.clientNs,
      cloudNs: topology.cloudNs,
      dir,
      ca,
      mitmCa,
      cloud,
      firewall: (p) => applyFirewall(topology.cloudNs, topology.cloudLink, p),
      hostFirewall: (p) => applyHostFirewall(topology.clientNs, p),
      resolver: (ip) => topology.setResolver(ip),
      inClient: (argv, opts = {}) => runAsync('ip', ['netns', 'exec', topology.clientNs, ...argv], opts),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await c.stop();
        topology.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await cloud?.stop();
    topology.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
