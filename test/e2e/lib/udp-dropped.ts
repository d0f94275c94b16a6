// The "all UDP dropped" network for the benchmark: the same cloud and firewall as the
// e2e scenario, with the probe configuration and the targets the seeds' sequential
// `nc` script (seed 001) would check, so both can be timed on identical ground.
import type { HostPort } from '../../../src/core/probes/types';
import { HOSTS } from './cloud';
import { enterScenario, probeArgv, probeEnv, scenario } from './scenarios';
import { MEDIA_STUN_PORT } from './topology';
import { startWorld, type World } from './world';

export interface UdpDroppedSetup {
  /** The running network; `world.inClient(argv)` runs a command in the client namespace. */
  readonly world: World;
  readonly clientNs: string;
  /** The .opentok-readiness.yaml for `opentok-readiness probe --config`. */
  readonly configFile: string;
  /** `node dist/cli.js probe --config <file> --format json`: run it inside the client namespace. */
  readonly probeArgv: readonly string[];
  /** The environment for that command (no proxy variables, no credentials). */
  readonly env: NodeJS.ProcessEnv;
  /** The same targets for the seed 001 script: `nc -vz host port` for tcp, `nc -vzu host port` for udp. */
  readonly ncTargets: { readonly tcp: readonly HostPort[]; readonly udp: readonly HostPort[] };
  /** Kills the servers, deletes the namespaces and the temp dir. */
  stop(): Promise<void>;
}

/** Needs root and the e2e suite's Debian packages (see missingPrerequisites() in ./prereq). */
export async function setupAllUdpDropped(): Promise<UdpDroppedSetup> {
  const world = await startWorld();
  try {
    const s = scenario(world, 'udp-dropped');
    const configFile = enterScenario(world, s);
    // Seed 001's script: TCP 443/80 to the web hosts, TCP 443/3478 and UDP 1025/50000/65535 to TURN and media, UDP 3478.
    const tcp: HostPort[] = [
      ...[HOSTS.api, HOSTS.anvil, HOSTS.signalling, HOSTS.logging].flatMap((host) => [443, 80].map((port) => ({ host, port }))),
      { host: HOSTS.turn, port: 443 },
      { host: HOSTS.turn, port: 3478 },
      { host: HOSTS.turn, port: 5349 },
    ];
    const udp: HostPort[] = [
      { host: HOSTS.turn, port: 3478 },
      ...[1025, MEDIA_STUN_PORT, 65535].flatMap((port) => [HOSTS.turn, HOSTS.media].map((host) => ({ host, port }))),
    ];
    return { world, clientNs: world.clientNs, configFile, probeArgv: probeArgv(configFile), env: probeEnv(s), ncTargets: { tcp, udp }, stop: () => world.stop() };
  } catch (e) {
    await world.stop();
    throw e;
  }
}
