import IPCIDR from 'ip-cidr';
import { getOrMake, newMap } from '../memo';
import { IntervalSet } from './intervals';

/**
 * One address space for both families: IPv4 addresses live in the
 * IPv4-mapped IPv6 block ::ffff:0:0/96 (RFC 4291 section 2.5.5.2), so a
 * single interval set holds a policy's IPv4 and IPv6 addresses.
 */
const V4_BASE = 0xffff00000000n;
const V4_MAX = 0xffffffffn;
const V6_MAX = (1n << 128n) - 1n;

export type Family = 'ipv4' | 'ipv6';

export const ALL_V4 = IntervalSet.of(V4_BASE, V4_BASE + V4_MAX);
export const ALL_V6 = IntervalSet.of(0n, V6_MAX).subtract(ALL_V4);
export const ALL_ADDRESSES = IntervalSet.of(0n, V6_MAX);

export type CidrParse = { ok: true; set: IntervalSet; family: Family } | { ok: false; error: string };

/** Parsed addresses by their text: firewall files repeat the same few blocks many times. */
const PARSED = new Map<string, CidrParse>();
const PARSED_MAX = 50_000;

/** Parses "10.0.0.0/8", "1.2.3.4", "2001:db8::/32" or "10.0.0.0/255.0.0.0". */
export function parseCidr(text: string): CidrParse {
  let known = PARSED.get(text);
  if (!known) {
    known = parseIpv4Fast(text) ?? parseCidrGeneral(text);
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(text, known);
  }
  return known;
}

/** Dotted-quad IPv4 with an optional prefix length, the common case, without the general parser. */
function parseIpv4Fast(text: string): CidrParse | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map((x) => Number(x));
  // Leading zeros ("010") and out-of-range values go to the general parser, which decides.
  if (octets.some((o, k) => o > 255 || (m[k + 1]!.length > 1 && m[k + 1]!.startsWith('0')))) return undefined;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32 || (m[5] !== undefined && m[5].length > 1 && m[5].startsWith('0'))) return undefined;
  const value = BigInt(((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!);
  const hostBits = BigInt(32 - prefix);
  const start = (value >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  return { ok: true, set: IntervalSet.of(V4_BASE + start, V4_BASE + end), family: 'ipv4' };
}

/** The general parser, for every form; parseCidr takes a direct path for dotted-quad IPv4. */
export function parseCidrGeneral(text: string): CidrParse {
  let t = text.trim();
  if (t === '') return { ok: false, error: 'empty address' };
  const slash = t.indexOf('/');
  if (slash > 0) {
    const mask = t.slice(slash + 1);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(mask)) {
      const bits = dottedMaskToPrefix(mask);
      if (bits === undefined) return { ok: false, error: `"${mask}" is not a contiguous netmask` };
      t = `${t.slice(0, slash)}/${bits}`;
    }
  } else {
    t = t.includes(':') ? `${t}/128` : `${t}/32`;
  }
  if (!IPCIDR.isValidCIDR(t)) return { ok: false, error: `"${text}" is not an IP address or CIDR block` };
  const isV6 = t.includes(':');
  const cidr = new IPCIDR(t);
  // A host address with a prefix (10.1.2.3/8) means its network, as iptables and Kubernetes read it.
  const prefix = Number(t.slice(t.indexOf('/') + 1));
  const width = isV6 ? 128n : 32n;
  const hostBits = width - BigInt(prefix);
  const start = (cidr.start<bigint>({ type: 'bigInteger' }) >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  if (isV6) return { ok: true, set: IntervalSet.of(start, end), family: 'ipv6' };
  return { ok: true, set: IntervalSet.of(V4_BASE + start, V4_BASE + end), family: 'ipv4' };
}

function dottedMaskToPrefix(mask: string): number | undefined {
  const n = mask.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part) & 255), 0n);
  let bits = 0;
  let seenZero = false;
  for (let i = 31n; i >= 0n; i--) {
    const one = (n >> i) & 1n;
    if (one === 1n) {
      if (seenZero) return undefined;
      bits++;
    } else seenZero = true;
  }
  return bits;
}

/** Builds a set from CIDR strings known to be valid (catalog data). */
export function cidrSet(cidrs: readonly string[]): IntervalSet {
  let set = IntervalSet.EMPTY;
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (!p.ok) throw new Error(`invalid CIDR in catalog data: ${c}: ${p.error}`);
    set = set.union(p.set);
  }
  return set;
}

/**
 * Special-purpose blocks (RFC 6890 and the IANA registries): a public
 * platform host is never in them, so a rule that only reaches these
 * cannot carry traffic to the platform.
 */
const NON_PUBLIC_V4 = cidrSet([
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
  '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
]);
export const PUBLIC_V4 = ALL_V4.subtract(NON_PUBLIC_V4);
/** Global unicast (RFC 4291), less documentation space. */
export const PUBLIC_V6 = cidrSet(['2000::/3']).subtract(cidrSet(['2001:db8::/32']));
export const PUBLIC_ADDRESSES = PUBLIC_V4.union(PUBLIC_V6);
export const LOOPBACK = cidrSet(['127.0.0.0/8', '::1/128']);

export function familySpace(family: Family | 'any'): IntervalSet {
  return family === 'ipv4' ? ALL_V4 : family === 'ipv6' ? ALL_V6 : ALL_ADDRESSES;
}

const IN_FAMILY = new WeakMap<IntervalSet, Map<string, IntervalSet>>();

function familyPart(family: Family | 'any', set: IntervalSet): IntervalSet {
  return set.intersect(familySpace(family));
}

/** The set's addresses of one family; the same set object for the same inputs, so later operations can short-cut. */
export function inFamily(set: IntervalSet, family: Family | 'any'): IntervalSet {
  return getOrMake(getOrMake(IN_FAMILY, set, newMap<string, IntervalSet>), family, familyPart, set);
}

function formatV6(n: bigint): string {
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((n >> s) & 0xffffn).toString(16));
  return joinIpv6Groups(groups);
}

/** Eight hexadecimal groups as IPv6 text, the longest run of two or more zero groups written "::" (RFC 5952). */
export function joinIpv6Groups(groups: readonly string[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  const head = groups.slice(0, bestStart).join(':');
  const tail = groups.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Splits an IPv4 interval (as numbers, which hold 32 bits exactly) into the fewest CIDR blocks, up to `max` of them. */
function v4Cidrs(lo: number, hi: number, out: string[], max: number): void {
  let cur = lo;
  while (cur <= hi && out.length < max) {
    let size = 0;
    while (size < 32) {
      const block = 2 ** (size + 1);
      if (cur % block !== 0 || cur + block - 1 > hi) break;
      size++;
    }
    out.push(`${Math.floor(cur / 16777216)}.${Math.floor(cur / 65536) % 256}.${Math.floor(cur / 256) % 256}.${cur % 256}/${32 - size}`);
    cur += 2 ** size;
  }
}

/** Splits an interval into the fewest CIDR blocks. */
function intervalToCidrs(lo: bigint, hi: bigint, width: bigint, fmt: (n: bigint) => string): string[] {
  const out: string[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 0n;
    while (size < width && (cur & ((1n << (size + 1n)) - 1n)) === 0n && cur + (1n << (size + 1n)) - 1n <= hi) size++;
    out.push(`${fmt(cur)}/${width - size}`);
    cur += 1n << size;
  }
  return out;
}

/** CIDR strings for a set; IPv4 parts are printed in dotted form. */
export function formatAddresses(set: IntervalSet, limit = 8): string {
  if (set.isEmpty()) return 'no addresses';
  if (set.equals(ALL_ADDRESSES)) return 'any address';
  if (set.equals(ALL_V4)) return '0.0.0.0/0';
  if (set.equals(ALL_V6)) return '::/0';
  if (set.equals(PUBLIC_V4)) return 'any public IPv4 address';
  if (set.equals(PUBLIC_ADDRESSES)) return 'any public address';
  const parts: string[] = [];
  const flat = set.smallEndpoints();
  if (flat) {
    // Every value a safe integer: IPv4 blocks without bigints, which is nearly always.
    const v4lo = Number(V4_BASE);
    const v4hi = Number(V4_BASE + V4_MAX);
    for (let k = 0; k < flat.length && parts.length <= limit; k += 2) {
      const lo = flat[k]!;
      const hi = flat[k + 1]!;
      if (lo < v4lo) parts.push(...intervalToCidrs(BigInt(lo), BigInt(Math.min(hi, v4lo - 1)), 128n, formatV6));
      if (Math.max(lo, v4lo) <= Math.min(hi, v4hi)) v4Cidrs(Math.max(lo, v4lo) - v4lo, Math.min(hi, v4hi) - v4lo, parts, limit + 1);
      if (hi > v4hi) parts.push(...intervalToCidrs(BigInt(Math.max(lo, v4hi + 1)), BigInt(hi), 128n, formatV6));
    }
    return parts.length > limit ? `${parts.slice(0, limit).join(', ')} and more` : parts.join(', ');
  }
  for (const [lo, hi] of set.intervals) {
    const v4 = ALL_V4.intervals[0]!;
    const a = lo > v4[0] ? lo : v4[0];
    const b = hi < v4[1] ? hi : v4[1];
    if (lo < v4[0]) parts.push(...intervalToCidrs(lo, hi < v4[0] ? hi : v4[0] - 1n, 128n, formatV6));
    if (a <= b) v4Cidrs(Number(a - V4_BASE), Number(b - V4_BASE), parts, limit + 1);
    if (hi > v4[1]) parts.push(...intervalToCidrs(lo > v4[1] ? lo : v4[1] + 1n, hi, 128n, formatV6));
    if (parts.length > limit) break;
  }
  if (parts.length > limit) return `${parts.slice(0, limit).join(', ')} and more`;
  return parts.join(', ');
}
