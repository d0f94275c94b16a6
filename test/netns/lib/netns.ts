// Two network namespaces of the test's own, a client and a peer, joined by a
// veth pair: the client is the host whose firewall a fixture describes, the
// peer stands for every server it talks to. Names are unique per process and
// call, so parallel runs never meet; everything is torn down by destroy().
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export type Family = 'ipv4' | 'ipv6';

/** Addresses inside the namespaces (documentation prefixes, RFC 5737 and RFC 3849). */
export const TOPOLOGY = {
  ipv4: {
    client: '203.0.113.1',
    prefix: 24,
    /** Two peer addresses: one inside 203.0.113.0/25, one outside it. */
    peers: ['203.0.113.10', '203.0.113.200'],
  },
  ipv6: {
    client: '2001:db8:1::1',
    prefix: 64,
    /** One peer address inside 2001:db8:1::/65, one outside it. */
    peers: ['2001:db8:1::10', '2001:db8:1:0:8000::10'],
  },
} as const;

const CLIENT_MAC = '02:00:5e:10:00:01';
const PEER_MAC = '02:00:5e:10:00:02';

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; input goes to its stdin. */
export function run(cmd: string, args: readonly string[], input?: string, env?: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ status: -1, stdout, stderr: stderr + String(e) }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

async function must(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Whether this process can build namespaces and load rules into them. */
export function namespacesAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  for (const tool of ['ip', 'iptables-restore', 'iptables-save', 'ip6tables-restore', 'ip6tables-save']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return false;
  }
  removeStale();
  const probe = `otr-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  if (spawnSync('ip', ['netns', 'add', probe]).status !== 0) return false;
  try {
    const r = spawnSync('ip', ['netns', 'exec', probe, 'iptables-restore'], { input: '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n' });
    return r.status === 0;
  } finally {
    spawnSync('ip', ['netns', 'del', probe]);
  }
}

/** Namespaces left by an earlier run that was killed before its teardown (its process is gone). */
function removeStale(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of list.split('\n')) {
    const m = /^(otr-(?:c|p|probe)-(\d+)-[0-9a-f]+)\b/.exec(line);
    if (!m || alive(Number(m[2]))) continue;
    spawnSync('ip', ['netns', 'del', m[1]!]);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class NamespacePair {
  private readonly children = new Set<import('node:child_process').ChildProcess>();
  private constructor(
    readonly client: string,
    readonly peer: string,
  ) {}

  /** Creates both namespaces and the link; on any failure what was made is removed. */
  static async create(): Promise<NamespacePair> {
    const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const pair = new NamespacePair(`otr-c-${id}`, `otr-p-${id}`);
    try {
      await must('ip', ['netns', 'add', pair.client]);
      await must('ip', ['netns', 'add', pair.peer]);
      // Both ends are made inside the namespaces, so no name is taken in the host's namespace.
      await must('ip', ['-n', pair.client, 'link', 'add', 'eth0', 'address', CLIENT_MAC, 'type', 'veth', 'peer', 'name', 'eth0', 'address', PEER_MAC, 'netns', pair.peer]);
      const { ipv4, ipv6 } = TOPOLOGY;
      const batch = (ns: string, lines: string[]) => must('ip', ['-n', ns, '-batch', '-'], lines.join('\n') + '\n');
      // Static neighbours: a fixture whose OUTPUT drops ICMPv6 must not break neighbour discovery (RFC 4861).
      await batch(pair.client, [
        `addr add ${ipv4.client}/${ipv4.prefix} dev eth0`,
        `addr add ${ipv6.client}/${ipv6.prefix} dev eth0 nodad`,
        'link set lo up',
        'link set eth0 up',
        ...ipv4.peers.map((a) => `neigh replace ${a} lladdr ${PEER_MAC} dev eth0 nud permanent`),
        ...ipv6.peers.map((a) => `neigh replace ${a} lladdr ${PEER_MAC} dev eth0 nud permanent`),
      ]);
      await batch(pair.peer, [
        ...ipv4.peers.map((a) => `addr add ${a}/${ipv4.prefix} dev eth0`),
        ...ipv6.peers.map((a) => `addr add ${a}/${ipv6.prefix} dev eth0 nodad`),
        'link set lo up',
        'link set eth0 up',
        `neigh replace ${ipv4.client} lladdr ${CLIENT_MAC} dev eth0 nud permanent`,
        `neigh replace ${ipv6.client} lladdr ${CLIENT_MAC} dev eth0 nud permanent`,
      ]);
      await pair.waitForCarrier();
      return pair;
    } catch (e) {
      await pair.destroy();
      throw e;
    }
  }

  private async waitForCarrier(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const states = await Promise.all([this.client, this.peer].map((ns) => run('ip', ['-n', ns, '-o', 'link', 'show', 'eth0'])));
      if (states.every((s) => s.stdout.includes('LOWER_UP'))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the veth link did not come up');
  }

  /** Replaces the filter table of one namespace, as `iptables-restore` reads a saved file. */
  async restore(ns: 'client' | 'peer', family: Family, rules: string): Promise<void> {
    const tool = family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
    await must('ip', ['netns', 'exec', this.ns(ns), tool], rules);
  }

  /** `iptables-save -c` of one namespace. */
  save(ns: 'client' | 'peer', family: Family): Promise<string> {
    const tool = family === 'ipv6' ? 'ip6tables-save' : 'iptables-save';
    return must('ip', ['netns', 'exec', this.ns(ns), tool, '-c']);
  }

  /**
   * Starts a Node program inside a namespace. It gets `config` as JSON in
   * OTR_AGENT_CONFIG; the returned child is killed by destroy() if still alive.
   */
  spawnNode(ns: 'client' | 'peer', source: string, config: unknown): import('node:child_process').ChildProcessWithoutNullStreams {
    const child = spawn('ip', ['netns', 'exec', this.ns(ns), process.execPath, '-e', source], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OTR_AGENT_CONFIG: JSON.stringify(config) },
    });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  private ns(which: 'client' | 'peer'): string {
    return which === 'client' ? this.client : this.peer;
  }

  /** Ends the programs this pair started and deletes both namespaces (the veth pair goes with them). */
  async destroy(): Promise<void> {
    const exits = [...this.children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
    for (const ns of [this.client, this.peer]) {
      const r = await run('ip', ['netns', 'list']);
      if (r.stdout.split('\n').some((l) => l.split(' ')[0] === ns)) await run('ip', ['netns', 'del', ns]);
    }
  }
}
