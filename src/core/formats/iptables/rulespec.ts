import { IntervalSet } from '../../model/intervals';
import { familySpace, parseCidr, type Family } from '../../model/addresses';
import { ALL_PORTS, type Protocol } from '../../model/ports';
import { ruleMatch, type ConnState, type InterfaceMatch, type RuleMatch, type Target, type Uncertainty } from '../../model/policy';
import type { Token } from './tokenize';

/**
 * Reads an iptables rule specification (what follows `-A CHAIN`) into the
 * policy model. Options are as in iptables(8) and iptables-extensions(8).
 */
export interface SpecProblem {
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

export interface ParsedSpec {
  readonly match: RuleMatch;
  /** Undefined when the rule has no target (it only counts packets). */
  readonly target?: Target | { readonly kind: 'chain'; readonly chain: string; readonly goto: boolean };
  readonly targetToken?: Token;
  readonly problems: SpecProblem[];
}

const ALL_STATES: readonly ConnState[] = ['new', 'established', 'related', 'invalid', 'untracked'];

/** Targets that let the packet go on to the next rule. */
const CONTINUING_TARGETS = new Set([
  'LOG', 'NFLOG', 'ULOG', 'TRACE', 'MARK', 'CONNMARK', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'HL', 'SECMARK', 'CONNSECMARK',
  'AUDIT', 'SET', 'TCPMSS', 'CT', 'NOTRACK', 'TEE', 'IDLETIMER', 'LED', 'CHECKSUM', 'HMARK', 'RATEEST', 'TCPOPTSTRIP', 'CONNLIMIT',
]);
/** Targets whose verdict the file alone cannot tell. */
const OPAQUE_TARGETS: Record<string, string> = {
  NFQUEUE: 'packets are handed to a user-space program (NFQUEUE) that decides',
  QUEUE: 'packets are handed to a user-space program (QUEUE) that decides',
  SYNPROXY: 'SYNPROXY answers the handshake itself',
  DNAT: 'DNAT is not a filter verdict',
  SNAT: 'SNAT is not a filter verdict',
  MASQUERADE: 'MASQUERADE is not a filter verdict',
  REDIRECT: 'REDIRECT is not a filter verdict',
};

/** Service names iptables resolves through /etc/services, for the ports that matter here. */
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, dns: 53, http: 80, www: 80, pop3: 110, ntp: 123, imap: 143, imap2: 143,
  snmp: 161, ldap: 389, https: 443, smtps: 465, submission: 587, ldaps: 636, imaps: 993, pop3s: 995, openvpn: 1194,
  'ms-sql-s': 1433, mysql: 3306, stun: 3478, 'stun-turn': 3478, turn: 3478, 'turns': 5349, 'stuns': 5349, postgresql: 5432,
  'http-alt': 8080, webcache: 8080,
};

const PROTOCOL_NUMBERS: Record<string, Protocol | 'other'> = { '6': 'tcp', '17': 'udp' };

export function parseRuleSpec(tokens: readonly Token[], family: Family): ParsedSpec {
  const problems: SpecProblem[] = [];
  const uncertain: Uncertainty[] = [];
  let protocols: Set<Protocol> | undefined;
  let dstPorts: IntervalSet | undefined;
  let srcPorts: IntervalSet | undefined;
  let eitherPorts: IntervalSet | undefined;
  let dstAddrs: IntervalSet | undefined;
  let srcAddrs: IntervalSet | undefined;
  let states: Set<ConnState> | undefined;
  let partialStates: { states: Set<ConnState>; reason: string } | undefined;
  let outInterface: InterfaceMatch | undefined;
  let inInterface: InterfaceMatch | undefined;
  let never = false;
  let target: ParsedSpec['target'];
  let targetToken: Token | undefined;
  const modules: string[] = [];

  const space = familySpace(family);
  let i = 0;
  let negate = false;
  const problem = (t: Token | undefined, message: string, last?: Token) => {
    const s = t ?? tokens[tokens.length - 1];
    problems.push({ start: s ? s.start : 0, end: (last ?? s)?.end ?? 0, message });
  };
  const unresolved = (t: Token): boolean => {
    if (t.unresolved && t.unresolved.length > 0) {
      uncertain.push({ reason: `${t.raw} is not resolved (${t.unresolved.map((v) => '$' + v).join(', ')} is set outside this file)` });
      return true;
    }
    return false;
  };
  /** Takes the option's argument, honouring the old `--opt ! value` negation. */
  const arg = (opt: Token): Token | undefined => {
    let a = tokens[i + 1];
    if (a && a.value === '!') {
      negate = !negate;
      i++;
      a = tokens[i + 1];
    }
    if (!a) {
      problem(opt, `${opt.value} needs a value`);
      return undefined;
    }
    i++;
    return a;
  };
  const intersectPorts = (cur: IntervalSet | undefined, next: IntervalSet) => (cur ? cur.intersect(next) : next);

  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    const v = t.value;
    if (v === '!') {
      negate = true;
      continue;
    }
    const neg = negate;
    negate = false;
    switch (v) {
      case '-p':
      case '--protocol': {
        const a = arg(t);
        if (!a) break;
        const negated = neg !== negate;
        negate = false;
        if (unresolved(a)) break;
        const name = a.value.toLowerCase();
        const p: Protocol | 'all' | 'other' = name === 'tcp' || name === 'udp' || name === 'all' ? name : name === '0' ? 'all' : (PROTOCOL_NUMBERS[name] ?? 'other');
        if (!/^[a-z0-9-]+$/.test(name)) {
          problem(a, `"${a.value}" is not a protocol`);
          break;
        }
        let set: Set<Protocol>;
        if (p === 'all') set = new Set(negated ? [] : ['tcp', 'udp']);
        else if (p === 'other') set = new Set(negated ? ['tcp', 'udp'] : []);
        else set = new Set(negated ? (['tcp', 'udp'] as Protocol[]).filter((x) => x !== p) : [p]);
        protocols = protocols ? new Set([...protocols].filter((x) => set.has(x))) : set;
        break;
      }
      case '-s':
      case '--source':
      case '--src':
      case '-d':
      case '--destination':
      case '--dst': {
        const a = arg(t);
        if (!a) break;
        const negated = neg !== negate;
        negate = false;
        if (unresolved(a)) break;
        const set = parseAddressList(a, problems, uncertain);
        if (!set) break;
        const value = negated ? space.subtract(set) : set.intersect(space);
        if (v.startsWith('-s') || v === '--source' || v === '--src') srcAddrs = srcAddrs ? srcAddrs.intersect(value) : value;
        else dstAddrs = dstAddrs ? dstAddrs.intersect(value) : value;
        break;
      }
      case '--src-range':
      case '--dst-range': {
        const a = arg(t);
        if (!a) break;
        const negated = neg !== negate;
        negate = false;
        if (unresolved(a)) break;
        const [lo, hi] = a.value.split('-');
        const l = lo ? parseCidr(lo) : undefined;
        const h = hi ? parseCidr(hi) : undefined;
        if (!l?.ok || !h?.ok) {
          problem(a, `"${a.value}" is not an address range`);
          break;
        }
        const set = IntervalSet.of(l.set.intervals[0]![0], h.set.intervals[0]![1]);
        const value = negated ? space.subtract(set) : set.intersect(space);
        if (v === '--src-range') srcAddrs = srcAddrs ? srcAddrs.intersect(value) : value;
        else dstAddrs = dstAddrs ? dstAddrs.intersect(value) : value;
        break;
      }
      case '-i':
      case '--in-interface':
      case '-o':
      case '--out-interface': {
        const a = arg(t);
        if (!a) break;
        const negated = neg !== negate;
        negate = false;
        if (unresolved(a)) break;
        const m: InterfaceMatch = { name: a.value, negated };
        if (v === '-i' || v === '--in-interface') inInterface = m;
        else outInterface = m;
        break;
      }
      case '--dport':
      case '--destination-port':
      case '--sport':
      case '--source-port':
      case '--dports':
      case '--destination-ports':
      case '--sports':
      case '--source-ports': {
        const a = arg(t);
        if (!a) break;
        const negated = neg !== negate;
        negate = false;
        if (unresolved(a)) break;
        const set = parsePortList(a, v.endsWith('s'), problems);
        if (!set) break;
        const value = negated ? ALL_PORTS.subtract(set) : set;
        if (v === '--dport' || v === '--destination-port' || v === '--dports' || v === '--destination-ports') dstPorts = intersectPorts(dstPorts, value);
        else srcPorts = intersectPorts(srcPorts, value);
        break;
      }
      case '--ports': {
        // iptables-extensions(8), multiport: "match if either the source or the destination ports are equal to one of the given ports".
        const a = arg(t);
        if (!a) break;
        const negated = neg !== negate;
        negate = false;
        if (unresolved(a)) break;
        const set = parsePortList(a, true, problems);
        if (!set) break;
        if (negated) {
          // Neither port is in the list: both are in the complement.
          const rest = ALL_PORTS.subtract(set);
          dstPorts = intersectPorts(dstPorts, rest);
          srcPorts = intersectPorts(srcPorts, rest);
        } else {
          eitherPorts = eitherPorts ? eitherPorts.intersect(set) : set;
        }
        break;
      }
      case '--tcp-flags': {
        // iptables-extensions(8), tcp: "--tcp-flags mask comp": of the flags in mask, exactly those in comp are set.
        const mask = arg(t);
        const comp = mask && tokens[i + 1] && !tokens[i + 1]!.value.startsWith('-') ? tokens[++i]! : undefined;
        const negated = neg !== negate;
        negate = false;
        if (!mask || !comp) {
          problem(t, '--tcp-flags needs a mask and the flags that must be set');
          break;
        }
        if (unresolved(mask) || unresolved(comp)) break;
        const flags = (x: Token) => parseTcpFlags(x, problems);
        const m = flags(mask);
        const c = flags(comp);
        if (!m || !c) break;
        const { can, partial } = tcpFlagStates(m, c, negated);
        states = states ? new Set([...states].filter((s) => can.has(s))) : can;
        if (partial.size > 0) partialStates = { states: partial, reason: `${negated ? '! ' : ''}--tcp-flags ${mask.value} ${comp.value} matches only some of the packets after the first` };
        break;
      }
      case '--state':
      case '--ctstate': {
        const a = arg(t);
        if (!a) break;
        const negated = neg !== negate;
        negate = false;
        if (unresolved(a)) break;
        const set = new Set<ConnState>();
        let bad = false;
        for (const part of a.value.split(',')) {
          const s = part.toLowerCase();
          if (s === 'snat' || s === 'dnat') {
            uncertain.push({ reason: `connection state ${part} is not evaluated` });
            continue;
          }
          if (!(ALL_STATES as readonly string[]).includes(s)) {
            problem(a, `"${part}" is not a connection state`);
            bad = true;
            continue;
          }
          set.add(s as ConnState);
        }
        if (bad) break;
        const value = negated ? new Set(ALL_STATES.filter((s) => !set.has(s))) : set;
        states = states ? new Set([...states].filter((s) => value.has(s))) : value;
        break;
      }
      case '--syn': {
        // SYN with ACK, RST and FIN clear: the first packet of a TCP connection.
        const value = new Set<ConnState>(neg ? ['established', 'related'] : ['new']);
        states = states ? new Set([...states].filter((s) => value.has(s))) : value;
        break;
      }
      case '-f':
      case '--fragment':
        // Second and later fragments only; connection set-up packets are not fragments.
        if (!neg) never = true;
        break;
      case '-m':
      case '--match': {
        const a = arg(t);
        if (a) modules.push(a.value);
        break;
      }
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        const a = arg(t);
        if (!a) break;
        targetToken = a;
        if (unresolved(a)) {
          target = { kind: 'unknown', name: a.raw, reason: `the target ${a.raw} is not resolved` };
        } else {
          target = classifyTarget(a.value, v === '-g' || v === '--goto');
        }
        // Target options (--reject-with, --log-prefix ...) follow; skip them.
        // A quoted word is a value even when it starts with a dash (--log-prefix "-in: ").
        while (i + 1 < tokens.length && tokens[i + 1]!.value.startsWith('--') && !tokens[i + 1]!.quoted) {
          i++;
          const next = tokens[i + 1];
          if (next && (next.quoted || !next.value.startsWith('-')) && !isFlagOnlyTargetOption(tokens[i]!.value)) i++;
        }
        break;
      }
      case '-c':
      case '--set-counters':
        i += 2;
        break;
      case '-4':
      case '-6':
        break;
      case '--comment': {
        arg(t);
        negate = false;
        break;
      }
      case '--icmp-type':
      case '--icmpv6-type':
        arg(t);
        negate = false;
        break;
      default: {
        if (v.startsWith('--')) {
          // An option of a match module this checker does not evaluate: the rule may or may not match.
          const args: string[] = [];
          while (i + 1 < tokens.length && !tokens[i + 1]!.value.startsWith('-') && tokens[i + 1]!.value !== '!') {
            i++;
            args.push(tokens[i]!.value);
          }
          const mod = modules.length > 0 ? ` (module ${modules[modules.length - 1]})` : '';
          uncertain.push({ reason: `${neg ? '! ' : ''}${v}${args.length ? ' ' + args.join(' ') : ''}${mod} is not evaluated` });
        } else if (v.startsWith('-')) {
          problem(t, `unknown option ${v}`);
        } else {
          problem(t, `unexpected word "${v}"`);
        }
      }
    }
  }
  if (negate) problem(tokens[tokens.length - 1], '"!" is not followed by an option');
  if (never) protocols = new Set();

  const match = ruleMatch({
    protocols,
    dstPorts,
    srcPorts,
    eitherPorts,
    dstAddrs,
    srcAddrs,
    states,
    partialStates: partialStates && states ? { states: new Set([...partialStates.states].filter((x) => states!.has(x))), reason: partialStates.reason } : undefined,
    outInterface,
    inInterface,
    uncertain: uncertain.length > 0 ? uncertain : undefined,
  });
  return { match, ...(target && { target }), ...(targetToken && { targetToken }), problems };
}

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const;

function parseTcpFlags(t: Token, problems: SpecProblem[]): Set<string> | undefined {
  const out = new Set<string>();
  if (t.value === 'NONE') return out;
  for (const part of t.value.split(',')) {
    const f = part.toUpperCase();
    if (f === 'ALL') TCP_FLAGS.forEach((x) => out.add(x));
    else if ((TCP_FLAGS as readonly string[]).includes(f)) out.add(f);
    else {
      problems.push({ start: t.start, end: t.end, message: `"${part}" is not a TCP flag` });
      return undefined;
    }
  }
  return out;
}

/**
 * The connection states whose packets a --tcp-flags test can match, and those of them
 * where it matches some packets and not others. The client's first packet carries SYN
 * alone; its later packets carry ACK, with or without PSH.
 */
function tcpFlagStates(mask: Set<string>, comp: Set<string>, negated: boolean): { can: Set<ConnState>; partial: Set<ConnState> } {
  const matches = (set: readonly string[]) => {
    // (flags & mask) == comp: a flag in comp outside the mask can never be matched.
    const hit = [...comp].every((f) => mask.has(f)) && [...mask].every((f) => set.includes(f) === comp.has(f));
    return negated ? !hit : hit;
  };
  const can = new Set<ConnState>();
  const partial = new Set<ConnState>();
  if (matches(['SYN'])) can.add('new');
  const later = [matches(['ACK']), matches(['ACK', 'PSH'])];
  if (later[0] || later[1]) {
    for (const s of ['established', 'related'] as const) {
      can.add(s);
      if (later[0] !== later[1]) partial.add(s);
    }
  }
  return { can, partial };
}

function isFlagOnlyTargetOption(opt: string): boolean {
  return opt === '--log-tcp-sequence' || opt === '--log-tcp-options' || opt === '--log-ip-options' || opt === '--log-uid' || opt === '--log-macdecode' || opt === '--queue-bypass' || opt === '--queue-cpu-fanout' || opt === '--notrack';
}

/** The verdict targets carry nothing of their own: every rule shares one object of each. */
const ACCEPT = { kind: 'accept' } as const;
const DROP = { kind: 'drop' } as const;
const REJECT = { kind: 'reject' } as const;
const RETURN = { kind: 'return' } as const;

function classifyTarget(name: string, goto: boolean): NonNullable<ParsedSpec['target']> {
  switch (name) {
    case 'ACCEPT':
      return ACCEPT;
    case 'DROP':
      return DROP;
    case 'REJECT':
      return REJECT;
    case 'RETURN':
      return RETURN;
  }
  if (CONTINUING_TARGETS.has(name)) return { kind: 'continue', name };
  const opaque = OPAQUE_TARGETS[name];
  if (opaque) return { kind: 'unknown', name, reason: opaque };
  return { kind: 'chain', chain: name, goto };
}

function parseAddressList(t: Token, problems: SpecProblem[], uncertain: Uncertainty[]): IntervalSet | undefined {
  let set = IntervalSet.EMPTY;
  for (const part of t.value.split(',')) {
    const p = parseCidr(part);
    if (p.ok) {
      set = set.union(p.set);
      continue;
    }
    if (/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(part) && /[A-Za-z]/.test(part)) {
      // iptables resolves host names once, when the rule is loaded.
      uncertain.push({ reason: `${part} is a host name; iptables resolves it once when the rule is loaded, so its addresses are not known here` });
      return undefined;
    }
    problems.push({ start: t.start, end: t.end, message: `"${part}" is not an IP address or CIDR block` });
    return undefined;
  }
  return set;
}

/** "443", "1024:65535", ":1023", "https"; with `list`, comma-separated ("80,443,1000:2000"). */
export function parsePortList(t: Token, list: boolean, problems: SpecProblem[]): IntervalSet | undefined {
  const parts = list ? t.value.split(',') : [t.value];
  const ranges: [number, number][] = [];
  for (const part of parts) {
    const m = /^([^:]*)(?::([^:]*))?$/.exec(part);
    const lo = m ? portNumber(m[1]!, 0) : undefined;
    const hi = m ? (m[2] === undefined ? lo : portNumber(m[2], 65535)) : undefined;
    if (lo === undefined || hi === undefined) {
      problems.push({ start: t.start, end: t.end, message: `"${part}" is not a port or port range` });
      return undefined;
    }
    // iptables swaps a reversed range (iptables-extensions(8), tcp --dport).
    ranges.push(lo <= hi ? [lo, hi] : [hi, lo]);
  }
  return IntervalSet.fromNumberIntervals(ranges);
}

function portNumber(text: string, empty: number): number | undefined {
  if (text === '') return empty;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[text.toLowerCase()];
}
