// What the e2e suite needs from the machine: root (network namespaces, iptables) and
// Debian's coturn, Squid built with OpenSSL (ssl-bump), dnsmasq, openssl, iproute2 and
// iptables. Missing packages are installed when we are root; in CI anything missing fails.
import type { TestContext } from 'node:test';
import { requireOrSkip } from '../../support/shared';
import { run, which } from './exec';

/** Binary → the Debian package that ships it. */
const PACKAGES: ReadonlyArray<readonly [string, string]> = [
  ['turnserver', 'coturn'],
  ['dnsmasq', 'dnsmasq'],
  ['openssl', 'openssl'],
  ['ip', 'iproute2'],
  ['ss', 'iproute2'],
  ['iptables', 'iptables'],
];

/** Debian's `squid` is built with GnuTLS and cannot ssl-bump; `squid-openssl` (same binary path) can. */
export function squidCanBump(): boolean {
  return /--with-openssl/.test(run('squid', ['-v']).stdout);
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

let checked: string | undefined | null = null;

/** Undefined when everything is there, else what is missing (after trying to install it). */
export function missingPrerequisites(): string | undefined {
  if (checked !== null) return checked;
  checked = findMissing();
  return checked;
}

function findMissing(): string | undefined {
  if (process.platform !== 'linux') return 'Linux network namespaces';
  if (!isRoot()) return 'root (network namespaces and iptables)';
  const want = new Set<string>();
  for (const [bin, pkg] of PACKAGES) if (!which(bin)) want.add(pkg);
  if (!which('squid') || !squidCanBump()) want.add('squid-openssl');
  if (want.size > 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-q'], { timeoutMs: 300_000, env });
    const r = run('apt-get', ['install', '-y', '--no-install-recommends', ...want], { timeoutMs: 600_000, env });
    if (r.status !== 0) return `Debian packages ${[...want].join(' ')} (apt-get install failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')})`;
  }
  const still = PACKAGES.filter(([bin]) => !which(bin)).map(([, pkg]) => pkg);
  if (!which('squid') || !squidCanBump()) still.push('squid-openssl');
  if (still.length > 0) return `Debian packages ${still.join(' ')}`;
  const probe = `ote2e-check-${process.pid}`;
  const add = run('ip', ['netns', 'add', probe]);
  run('ip', ['netns', 'del', probe]);
  if (add.status !== 0) return `network namespaces (${add.stderr.trim()})`;
  return undefined;
}

/** For a suite's before(): true when the suite can run; skips outside CI, fails in CI. */
export function e2eOrSkip(t: TestContext): boolean {
  const missing = missingPrerequisites();
  return requireOrSkip(t, missing === undefined, missing ?? '');
}
