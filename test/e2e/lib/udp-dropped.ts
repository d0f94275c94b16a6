// The "all UDP dropped" network for the benchmark: the same cloud and perimeter firewall
// as the e2e scenario, with the probe configuration, and the seeds' sequential `nc`
// script (seed 001) over the same stand-in hosts, so both can be timed on identical
// ground. The same configuration on the open network gives the open-network timing.
import { enterScenario, probeArgv, probeEnv, scenario } from './scenarios';
import { HOSTS } from './cloud';
import { startWorld, type World } from './world';

/** One loop of seed 001's script: `for i in <hosts>; do for j in <ports>; do … nc -vz[u] $i $j …`. */
export interface SeedLoop {
  readonly hosts: readonly string[];
  readonly ports: readonly number[];
  readonly udp: boolean;
  /** The separator the seed's loop echoes after each check. */
  readonly rule: string;
}

/**
 * Seed 001's five loops with its ports, each group of its 2013 server names replaced by
 * the cloud's stand-in for that role: the session and media servers (oms…, mantis…) by
 * the signalling and media hosts, the TURN servers (turn…) by the TURN host, and the
 * proxy, logging and API servers by the logging and API hosts.
 */
export const SEED_SCRIPT: readonly SeedLoop[] = [
  { hosts: [HOSTS.signalling, HOSTS.media], ports: [443, 80, 5560], udp: false, rule: '-----' },
  { hosts: [HOSTS.signalling, HOSTS.media], ports: [1025, 50000, 65535], udp: true, rule: '-----' },
  { hosts: [HOSTS.turn], ports: [443, 3478], udp: false, rule: '----' },
  { hosts: [HOSTS.turn], ports: [1025, 50000, 65535], udp: true, rule: '----' },
  { hosts: [HOSTS.logging, HOSTS.api], ports: [80], udp: false, rule: '----' },
];

/**
 * The script as seed 001 prints it: sequential loops, `nc -vz` for TCP and `nc -vzu`
 * for UDP, with no timeout option, so nc's own defaults apply (the kernel's connect
 * timeout for TCP; for UDP, Debian's netcat-openbsd waits a few seconds for an error
 * and otherwise reports success).
 */
export function seedScript(loops: readonly SeedLoop[] = SEED_SCRIPT): string {
  return loops
    .map((l) => `for i in ${l.hosts.join(' ')}; do for j in ${l.ports.join(' ')}; do echo $i $j; nc ${l.udp ? '-vzu' : '-vz'} $i $j; echo '${l.rule}'; done; done`)
    .join('\n');
}

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
  /** Seed 001's script over the same stand-ins: run it with `sh -c` inside the client namespace. */
  readonly ncScript: string;
  /** How many `nc` checks the script makes, over TCP and over UDP. */
  readonly ncChecks: { readonly tcp: number; readonly udp: number };
  /** Switches the perimeter to all UDP dropped (the state after setup). */
  dropUdp(): void;
  /** Switches the perimeter to the open network; the probe configuration stays the same. */
  openNetwork(): void;
  /** Kills the servers, deletes the namespaces and the temp dir. */
  stop(): Promise<void>;
}

/** Needs root and the e2e suite's Debian packages (see missingPrerequisites() in ./prereq). */
export async function setupAllUdpDropped(): Promise<UdpDroppedSetup> {
  const world = await startWorld();
  try {
    const s = scenario(world, 'udp-dropped');
    const configFile = enterScenario(world, s);
    const count = (udp: boolean): number => SEED_SCRIPT.filter((l) => l.udp === udp).reduce((n, l) => n + l.hosts.length * l.ports.length, 0);
    return {
      world,
      clientNs: world.clientNs,
      configFile,
      probeArgv: probeArgv(configFile),
      env: probeEnv(s),
      ncScript: seedScript(),
      ncChecks: { tcp: count(false), udp: count(true) },
      dropUdp: () => world.firewall('udp-dropped'),
      openNetwork: () => world.firewall('open'),
      stop: () => world.stop(),
    };
  } catch (e) {
    await world.stop();
    throw e;
  }
}
