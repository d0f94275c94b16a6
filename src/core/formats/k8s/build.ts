import type { Family } from '../../model/addresses';
import { IntervalSet } from '../../model/intervals';
import { portRange, type Protocol } from '../../model/ports';
import { ruleMatch, type Chain, type Direction, type Policy, type Rule, type Uncertainty } from '../../model/policy';
import type { SourceRange } from '../../model/source';
import type { NetworkPolicyDoc, PeerSpec, PortSpec, RuleItem } from './read';
import { describePods, relate, type Selector } from './selectors';

/**
 * NetworkPolicies to the policy model. Kubernetes combines the policies of
 * a namespace by union (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * once any policy selects a pod for a direction, that direction is denied
 * unless some rule of some policy selecting the pod allows it. So there is
 * one Policy per namespace, direction and distinct podSelector (the "pod
 * set"), in allow-union mode: one chain of allow rules over a deny default.
 *
 * - Another policy of the namespace whose selector certainly covers the pod
 *   set (an empty selector, or a subset of the labels) adds its rules as
 *   they are; one whose selector cannot match the same pods adds nothing;
 *   one that may match some of them adds its rules as "maybe", with the
 *   reason, so what they allow is unknown rather than met.
 * - The deciding range of a blocked part is the default deny of the first
 *   policy (in file order) with exactly this pod selector: its policyTypes
 *   `Egress` (or `Ingress`) entry when listed, else its `egress:` (or
 *   `ingress:`) key, else its podSelector. The deciding range of an allowed
 *   part is the rule item (the `- to: ... ports: ...` entry) that allows it.
 * - Replies are allowed: NetworkPolicy is enforced statefully.
 * - Addresses: a policy whose ipBlocks are all IPv4 (or all IPv6) is checked
 *   in that family only, as most clusters are single-stack; a policy with
 *   both, or none, is checked over both.
 * - Peers chosen by podSelector or namespaceSelector are pods of the
 *   cluster, never internet hosts; only the DNS resolver may be one.
 * - Documents without metadata.namespace go to the namespace they are
 *   applied to, which the file does not tell; they combine with each other.
 */

const FORMAT_ID = 'k8s-networkpolicy';
/** Policies whose selectors may overlap a pod set, evaluated rule by rule; more are summed up. */
const MAX_OVERLAPPING = 32;

interface PodSet {
  readonly namespace?: string;
  readonly selector: Selector;
  readonly docs: NetworkPolicyDoc[];
}

export interface BuildOptions {
  readonly file: string;
  /** NetworkPolicy documents that could not be read, by namespace ('' = unknown); they may allow anything. */
  readonly unreadable: ReadonlyMap<string | undefined, readonly SourceRange[]>;
  /** Fix anchors, computed for the policies that get a Policy of their own. */
  readonly fixContext: (doc: NetworkPolicyDoc) => Readonly<Record<string, string | number | boolean>> | undefined;
}

export function buildPolicies(docs: readonly NetworkPolicyDoc[], opts: BuildOptions): Policy[] {
  const byNamespace = new Map<string | undefined, NetworkPolicyDoc[]>();
  for (const d of docs) {
    const list = byNamespace.get(d.namespace);
    if (list) list.push(d);
    else byNamespace.set(d.namespace, [d]);
  }
  const out: Policy[] = [];
  const ruleCache = new Map<string, Rule[]>();
  for (const [namespace, nsDocs] of byNamespace) {
    for (const direction of ['egress', 'ingress'] as const) {
      const selecting = nsDocs.filter((d) => d[direction].selected);
      const sets = new Map<string, PodSet>();
      for (const d of selecting) {
        const set = sets.get(d.selector.key);
        if (set) set.docs.push(d);
        else sets.set(d.selector.key, { ...(namespace !== undefined && { namespace }), selector: d.selector, docs: [d] });
      }
      for (const set of sets.values()) out.push(policyFor(set, selecting, direction, opts, ruleCache));
    }
  }
  return out;
}

function qualified(d: NetworkPolicyDoc): string {
  return d.namespace !== undefined ? `${d.namespace}/${d.name}` : d.name;
}

function namespaceText(ns: string | undefined): string {
  return ns !== undefined ? `in namespace ${ns}` : 'in the namespace the file is applied to';
}

function policyFor(set: PodSet, selecting: readonly NetworkPolicyDoc[], direction: 'egress' | 'ingress', opts: BuildOptions, cache: Map<string, Rule[]>): Policy {
  const first = set.docs[0]!;
  const rules: Rule[] = [];
  const families = new Set<Family>();
  let anyAddressRule = false;
  const also: string[] = [];
  const crowd: NetworkPolicyDoc[] = [];
  for (const d of selecting) {
    const rel = relate(set.selector, d.selector);
    if (rel === 'disjoint') continue;
    if (rel === 'overlap') {
      if (also.length >= MAX_OVERLAPPING) {
        crowd.push(d);
        continue;
      }
      also.push(qualified(d));
    }
    const key = `${direction}\u0000${rel}\u0000${d.ctx.yaml.base}\u0000${d.range.start.line}:${d.range.start.column}`;
    let own = cache.get(key);
    if (!own) {
      const maybe: Uncertainty | undefined =
        rel === 'overlap'
          ? { reason: `NetworkPolicy ${qualified(d)} applies only to the pods that also match ${d.selector.text || 'its podSelector'}`, range: d.selectorRange }
          : undefined;
      own = d[direction].rules.flatMap((item) => itemRules(d, item, direction, maybe));
      cache.set(key, own);
    }
    for (const item of d[direction].rules) {
      for (const p of item.peers ?? []) if (p.kind === 'ipBlock') for (const f of p.families) families.add(f);
      if (!item.peers || item.peers.some((p) => p.kind === 'unreadable')) anyAddressRule = true;
    }
    rules.push(...own);
  }
  if (crowd.length > 0) {
    // Beyond this many, the policies that may apply are summed up as one "maybe anything", keeping the work linear.
    const at = crowd[0]!.selectorRange;
    const reason = `${crowd.length} more NetworkPolicies of this namespace (from ${qualified(crowd[0]!)} on) may select some of these pods; they are not evaluated one by one`;
    rules.push({ range: at, match: ruleMatch({ uncertain: [{ reason, range: at }] }), target: { kind: 'accept' }, text: `${crowd.length} more NetworkPolicies that may apply` });
    anyAddressRule = true;
  }
  const unreadable = [...(opts.unreadable.get(set.namespace) ?? []), ...(set.namespace !== undefined ? (opts.unreadable.get(undefined) ?? []) : [])];
  for (const r of unreadable) {
    rules.push({
      range: r,
      match: ruleMatch({ uncertain: [{ reason: 'a NetworkPolicy document of this namespace could not be read and may allow this', range: r }] }),
      target: { kind: 'accept' },
      text: `the unreadable NetworkPolicy document at line ${r.start.line}`,
    });
  }
  const family: Family | 'any' = !anyAddressRule && families.size === 1 ? [...families][0]! : 'any';
  const chain: Chain = {
    name: direction,
    rules,
    default: {
      action: 'drop',
      range: first[direction].denyRange,
      text: `the default deny of ${direction} for the pods NetworkPolicy ${qualified(first)} selects`,
    },
    range: first.selectorRange,
  };
  const others = set.docs.slice(1).map(qualified);
  const scope =
    `${describePods(set.selector)} ${namespaceText(set.namespace)}` +
    (others.length ? `; ${direction} rules also from ${others.join(', ')}` : '') +
    (also.length ? `; may also get rules from ${also.join(', ')}` : '') +
    (crowd.length ? ` and ${crowd.length} more` : '');
  const fixContext = direction === 'egress' ? opts.fixContext(first) : undefined;
  return {
    format: FORMAT_ID,
    name: `NetworkPolicy ${qualified(first)}`,
    file: opts.file,
    range: first.range,
    mode: 'allow-union',
    direction: direction as Direction,
    family,
    stateful: true,
    entry: direction,
    chains: new Map([[direction, chain]]),
    scope,
    ...(fixContext && { fixContext }),
  };
}

function describeItem(d: NetworkPolicyDoc, item: RuleItem, direction: 'egress' | 'ingress'): string {
  const peers = item.peers ? item.peers.map((p) => (p.kind === 'unreadable' ? 'an unreadable peer' : p.text)).join('; ') : 'anywhere';
  const ports = item.ports ? item.ports.map(portText).join(', ') : 'all ports';
  return `${qualified(d)} ${direction} rule ${item.index + 1}: ${direction === 'egress' ? 'to' : 'from'} ${peers}, ${ports}`;
}

function portText(p: PortSpec): string {
  switch (p.kind) {
    case 'numbers':
      return `${p.protocol.toUpperCase()} ${p.lo === p.hi ? p.lo : `${p.lo}-${p.hi}`}`;
    case 'all':
      return `all ${p.protocol.toUpperCase()}`;
    case 'named':
      return `${p.protocol.toUpperCase()} port ${p.name}`;
    case 'sctp':
      return 'SCTP';
    case 'unreadable':
      return 'an unreadable port';
  }
}

interface PeerGroup {
  readonly addrs?: IntervalSet;
  readonly clusterPeers?: Uncertainty;
  readonly uncertain?: Uncertainty;
}

interface PortGroup {
  readonly protocols?: ReadonlySet<Protocol>;
  readonly ports?: IntervalSet;
  readonly uncertain?: Uncertainty;
}

const TCP: ReadonlySet<Protocol> = new Set(['tcp']);
const UDP: ReadonlySet<Protocol> = new Set(['udp']);

/** One rule item becomes at most a few model rules: per kind of peer, per protocol. */
function itemRules(d: NetworkPolicyDoc, item: RuleItem, direction: 'egress' | 'ingress', maybe: Uncertainty | undefined): Rule[] {
  const peerGroups: PeerGroup[] = [];
  if (!item.peers) peerGroups.push({});
  else {
    let addrs = IntervalSet.EMPTY;
    const cluster: string[] = [];
    for (const p of item.peers as readonly PeerSpec[]) {
      if (p.kind === 'ipBlock') addrs = addrs.union(p.addrs);
      else if (p.kind === 'selector') cluster.push(p.text);
      else peerGroups.push({ uncertain: { reason: p.reason, range: p.range } });
    }
    if (!addrs.isEmpty()) peerGroups.push({ addrs });
    if (cluster.length) {
      peerGroups.push({
        clusterPeers: {
          reason: `${cluster.join('; ')}: pods of the cluster, which the file cannot tell are the resolver`,
          range: item.range,
        },
      });
    }
  }
  const portGroups: PortGroup[] = [];
  if (!item.ports) portGroups.push({});
  else {
    let tcp = IntervalSet.EMPTY;
    let udp = IntervalSet.EMPTY;
    for (const p of item.ports) {
      if (p.kind === 'numbers' || p.kind === 'all') {
        const set = p.kind === 'all' ? portRange(0, 65535) : portRange(p.lo, p.hi);
        if (p.protocol === 'tcp') tcp = tcp.union(set);
        else udp = udp.union(set);
      } else if (p.kind === 'named') {
        portGroups.push({ protocols: p.protocol === 'tcp' ? TCP : UDP, uncertain: { reason: `named port ${p.name} resolves per pod`, range: p.range } });
      } else if (p.kind === 'unreadable') {
        portGroups.push({ uncertain: { reason: p.reason, range: p.range } });
      }
      // SCTP carries none of the flows the requirements name.
    }
    if (!tcp.isEmpty()) portGroups.push({ protocols: TCP, ports: tcp });
    if (!udp.isEmpty()) portGroups.push({ protocols: UDP, ports: udp });
  }
  const text = describeItem(d, item, direction);
  const rules: Rule[] = [];
  for (const pg of peerGroups) {
    for (const po of portGroups) {
      const uncertain = [pg.uncertain, po.uncertain, maybe].filter((u): u is Uncertainty => !!u);
      const match = ruleMatch({
        protocols: po.protocols,
        // Egress ports are the remote pod's or host's; ingress ports are the selected pod's own: dstPorts both ways.
        dstPorts: po.ports,
        ...(direction === 'egress' ? { dstAddrs: pg.addrs } : { srcAddrs: pg.addrs }),
        clusterPeers: pg.clusterPeers,
        uncertain: uncertain.length ? uncertain : undefined,
      });
      rules.push({ range: item.range, match, target: { kind: 'accept' }, text });
    }
  }
  return rules;
}
