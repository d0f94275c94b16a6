// DNS for the probes: addresses, time, NXDOMAIN versus refusal versus silence, and
// sinkholes (an answer of 0.0.0.0, loopback, or a private address for a public name).
import * as dns from 'node:dns';
import { isIP } from 'node:net';
import { abortable, ProbeError } from './net';

export interface Resolution {
  readonly addresses: string[];
  /** `dns` (the resolver) or `hosts` (the system's lookup, /etc/hosts). */
  readonly source: 'literal' | 'dns' | 'hosts';
  readonly servers: string[];
}

function dnsError(e: unknown, host: string): ProbeError {
  if (e instanceof ProbeError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === dns.NOTFOUND || code === 'ENOTFOUND') return new ProbeError('nxdomain', `${host} does not exist (NXDOMAIN)`, { rcode: code });
  if (code === dns.NODATA) return new ProbeError('nxdomain', `${host} has no address records`, { rcode: code });
  if (code === dns.REFUSED) return new ProbeError('dns-refused', `the resolver refused to answer for ${host}`, { rcode: code });
  if (code === dns.SERVFAIL) return new ProbeError('dns-refused', `the resolver failed for ${host} (SERVFAIL)`, { rcode: code });
  if (code === dns.TIMEOUT || code === dns.CANCELLED || code === dns.CONNREFUSED) return new ProbeError('dns-timeout', `no DNS answer for ${host} (${code})`, { rcode: code });
  return new ProbeError('dns-timeout', `DNS for ${host} failed: ${code || String(e)}`, code ? { rcode: code } : {});
}

/** Resolves A and AAAA through c-ares (cancellable), then the system lookup for names only /etc/hosts knows. */
export async function resolveHost(host: string, servers: readonly string[] | undefined, timeoutMs: number, signal: AbortSignal): Promise<Resolution> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return { addresses: [bare], source: 'literal', servers: [] };
  if (bare === 'localhost' || bare.endsWith('.localhost')) {
    const found = await systemLookup(bare, signal).catch((e: unknown) => {
      throw dnsError(e, host);
    });
    return { addresses: found, source: 'hosts', servers: [] };
  }
  const resolver = new dns.promises.Resolver({ timeout: Math.max(50, Math.floor(timeoutMs / 2)), tries: 2 });
  if (servers && servers.length) resolver.setServers([...servers]);
  const used = resolver.getServers();
  const onAbort = (): void => resolver.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  let firstError: unknown;
  try {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(bare), resolver.resolve6(bare)]);
    if (signal.aborted) throw new ProbeError('dns-timeout', `no DNS answer for ${host} in time`);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (addresses.length) return { addresses, source: 'dns', servers: used };
    firstError = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : undefined;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const code = (firstError as NodeJS.ErrnoException | undefined)?.code;
  // Names from /etc/hosts (localhost, lab entries) are not in DNS; the system lookup knows them.
  if (!servers?.length && (code === dns.NOTFOUND || code === dns.NODATA || bare === 'localhost' || bare.endsWith('.localhost'))) {
    try {
      const found = await systemLookup(bare, signal);
      if (found.length) return { addresses: found, source: 'hosts', servers: used };
    } catch {
      // fall through to the resolver's own answer
    }
  }
  throw dnsError(firstError ?? Object.assign(new Error('no address'), { code: dns.NODATA }), host);
}

function systemLookup(host: string, signal: AbortSignal): Promise<string[]> {
  return abortable<string[]>(signal, (resolve, reject) => {
    dns.lookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs.map((a) => a.address))));
    return () => undefined;
  });
}

function v4Int(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inV4(a: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (v4Int(a) & mask) >>> 0 === (v4Int(base!) & mask) >>> 0;
}

const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

/** Why an answer looks like a sinkhole, or undefined when it looks genuine. */
export function sinkholeReason(host: string, address: string, allowPrivate: boolean): string | undefined {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || isIP(h.replace(/^\[|\]$/g, ''))) return undefined;
  const local = /\.(local|lan|internal|home\.arpa|corp|intranet|test)$/.test(h);
  const a = address.toLowerCase();
  if (a === '0.0.0.0' || a === '::') return `${address} (unspecified address, a typical DNS block answer)`;
  if (isIP(a) === 4 && inV4(a, '127.0.0.0/8')) return `${address} (loopback)`;
  if (a === '::1') return `${address} (loopback)`;
  if (allowPrivate || local) return undefined;
  if (isIP(a) === 4 && PRIVATE_V4.some((c) => inV4(a, c))) return `${address} (a private address for a public name)`;
  if (isIP(a) === 6 && (/^f[cd]/.test(a) || /^fe[89ab]/.test(a))) return `${address} (a private address for a public name)`;
  return undefined;
}
