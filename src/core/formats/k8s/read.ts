import { isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Family } from '../../model/addresses';
import type { IntervalSet } from '../../model/intervals';
import type { SourceRange } from '../../model/source';
import { asMap, asSeq, isNull, kindOf, pairOf, scalarValue, type DocContext } from './yamlDocs';
import { makeSelector, type LabelRequirement, type Selector } from './selectors';

/**
 * One NetworkPolicy object as written (networking.k8s.io/v1,
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/),
 * every part with its range. A part of the wrong shape is a parse-error
 * finding at its node; the part is then kept as "may match anything", so a
 * verdict never rests on what could not be read.
 */

export type PeerSpec =
  | { readonly kind: 'ipBlock'; readonly addrs: IntervalSet; readonly families: ReadonlySet<Family>; readonly text: string; readonly range: SourceRange }
  | { readonly kind: 'selector'; readonly text: string; readonly range: SourceRange }
  | { readonly kind: 'unreadable'; readonly reason: string; readonly range: SourceRange };

export type PortSpec =
  | { readonly kind: 'numbers'; readonly protocol: 'tcp' | 'udp'; readonly lo: number; readonly hi: number; readonly range: SourceRange }
  /** A protocol without a port: every port of it. */
  | { readonly kind: 'all'; readonly protocol: 'tcp' | 'udp'; readonly range: SourceRange }
  | { readonly kind: 'named'; readonly protocol: 'tcp' | 'udp'; readonly name: string; readonly range: SourceRange }
  | { readonly kind: 'sctp'; readonly range: SourceRange }
  | { readonly kind: 'unreadable'; readonly reason: string; readonly range: SourceRange };

export interface RuleItem {
  readonly index: number;
  readonly range: SourceRange;
  /** undefined: every peer (no `to`/`from`, or an empty list). */
  readonly peers?: readonly PeerSpec[];
  /** undefined: every port and protocol. */
  readonly ports?: readonly PortSpec[];
}

export interface DirectionSpec {
  /** Whether the policy selects its pods for this direction. */
  readonly selected: boolean;
  /** What makes the default deny: the policyTypes entry, the rule list's key, or the podSelector. */
  readonly denyRange: SourceRange;
  readonly rules: readonly RuleItem[];
}

export interface NetworkPolicyDoc {
  readonly name: string;
  readonly namespace?: string;
  /** The policy's name in the file (or its kind when unnamed). */
  readonly range: SourceRange;
  readonly selector: Selector;
  readonly selectorRange: SourceRange;
  readonly egress: DirectionSpec;
  readonly ingress: DirectionSpec;
  /** Nodes the fixer edits. */
  readonly specPair?: Pair<Node, Node | null>;
  readonly spec?: YAMLMap<unknown, unknown>;
  readonly egressPair?: Pair<Node, Node | null>;
  readonly ctx: DocContext;
}

const API_VERSIONS = new Set(['networking.k8s.io/v1']);

/** Whether a document is a NetworkPolicy this format reads; other kinds are ignored silently. */
export function isNetworkPolicy(root: unknown): root is YAMLMap<unknown, unknown> {
  const m = asMap(root);
  return !!m && scalarValue(pairOf(m, 'kind')?.value) === 'NetworkPolicy' && API_VERSIONS.has(String(scalarValue(pairOf(m, 'apiVersion')?.value)));
}

/** The NetworkPolicy objects of a document: the document itself, or the items of a List. */
export function policyNodes(root: unknown): YAMLMap<unknown, unknown>[] {
  if (isNetworkPolicy(root)) return [root];
  const m = asMap(root);
  const kind = scalarValue(pairOf(m, 'kind')?.value);
  if (m && (kind === 'List' || kind === 'NetworkPolicyList')) {
    const items = asSeq(pairOf(m, 'items')?.value);
    return (items?.items ?? []).filter(isNetworkPolicy);
  }
  return [];
}

export function readPolicy(ctx: DocContext, root: YAMLMap<unknown, unknown>): NetworkPolicyDoc {
  const kindPair = pairOf(root, 'kind')!;
  const metadata = asMap(ctx.resolve(pairOf(root, 'metadata')?.value));
  const namePair = pairOf(metadata, 'name');
  const nsPair = pairOf(metadata, 'namespace');
  const nameValue = scalarValue(namePair?.value);
  const name = typeof nameValue === 'string' && nameValue !== '' ? nameValue : '(unnamed)';
  if (name === '(unnamed)') ctx.problem(kindPair, 'a NetworkPolicy needs metadata.name');
  const nsValue = scalarValue(nsPair?.value);
  const namespace = typeof nsValue === 'string' && nsValue !== '' ? nsValue : undefined;
  if (nsPair && namespace === undefined && !isNull(nsPair.value)) ctx.problem(nsPair.value, `metadata.namespace is a name, not ${kindOf(nsPair.value)}`);
  const range = ctx.range(namePair?.value ?? kindPair.value ?? kindPair);

  const specPair = pairOf(root, 'spec');
  const spec = asMap(ctx.resolve(specPair?.value));
  if (!spec) ctx.problem(specPair?.value ?? kindPair, specPair ? `spec is a mapping, not ${kindOf(specPair.value)}` : 'a NetworkPolicy needs a spec');

  const podSelectorPair = pairOf(spec, 'podSelector');
  const selectorRange = ctx.range(podSelectorPair ?? specPair ?? kindPair);
  // The API reads a missing podSelector as the empty selector: every pod in the namespace.
  const selector = podSelectorPair ? readSelector(ctx, ctx.resolve(podSelectorPair.value), 'podSelector') : makeSelector([]);

  const egressPair = pairOf(spec, 'egress');
  const ingressPair = pairOf(spec, 'ingress');
  const egressRules = readRules(ctx, egressPair, 'egress');
  const ingressRules = readRules(ctx, ingressPair, 'ingress');

  const typesPair = pairOf(spec, 'policyTypes');
  let egressType: SourceRange | undefined;
  let ingressType: SourceRange | undefined;
  let selectedEgress: boolean;
  let selectedIngress: boolean;
  if (typesPair && !isNull(typesPair.value)) {
    const types = asSeq(ctx.resolve(typesPair.value));
    if (!types) ctx.problem(typesPair.value, `policyTypes is a list of Ingress and Egress, not ${kindOf(typesPair.value)}`);
    for (const t of types?.items ?? []) {
      const v = scalarValue(t);
      if (v === 'Egress') egressType ??= ctx.range(t as Node);
      else if (v === 'Ingress') ingressType ??= ctx.range(t as Node);
      else ctx.problem(t as Node, `policyTypes lists Ingress and Egress, not ${kindOf(t)}`);
    }
    selectedEgress = !!egressType;
    selectedIngress = !!ingressType;
    if (!selectedEgress && egressRules.length > 0 && egressPair) {
      ctx.problem(egressPair.key, 'these egress rules have no effect: policyTypes does not list Egress');
    }
    if (!selectedIngress && ingressRules.length > 0 && ingressPair) {
      ctx.problem(ingressPair.key, 'these ingress rules have no effect: policyTypes does not list Ingress');
    }
  } else {
    // Without policyTypes: Ingress always, Egress when the policy has egress rules (NetworkPolicySpec.policyTypes).
    selectedIngress = true;
    selectedEgress = egressRules.length > 0;
  }
  return {
    name,
    ...(namespace !== undefined && { namespace }),
    range,
    selector,
    selectorRange,
    egress: { selected: selectedEgress, denyRange: egressType ?? (egressPair ? ctx.range(egressPair.key) : selectorRange), rules: egressRules },
    ingress: { selected: selectedIngress, denyRange: ingressType ?? (ingressPair ? ctx.range(ingressPair.key) : selectorRange), rules: ingressRules },
    ...(spec && specPair && { spec, specPair }),
    ...(egressPair && { egressPair }),
    ctx,
  };
}

export function readSelector(ctx: DocContext, node: Node | null, what: string): Selector {
  if (isNull(node)) return makeSelector([]);
  const m = asMap(node);
  if (!m) {
    ctx.problem(node, `${what} is a label selector (a mapping), not ${kindOf(node)}`);
    return makeSelector([], `${what} at ${ctx.range(node).start.line}`);
  }
  const reqs: LabelRequirement[] = [];
  let unreadable: string | undefined;
  const bad = (n: Node | Pair | null | undefined, message: string) => {
    const r = ctx.problem(n, message, ctx.range(m));
    unreadable ??= `${what} at line ${r.start.line}`;
  };
  for (const p of m.items) {
    const key = scalarValue(p.key);
    if (key === 'matchLabels') {
      const labels = asMap(ctx.resolve(p.value));
      if (isNull(p.value)) continue;
      if (!labels) {
        bad(p.value as Node, `matchLabels is a mapping of label names to values, not ${kindOf(p.value)}`);
        continue;
      }
      for (const lp of labels.items) {
        const k = scalarValue(lp.key);
        const v = scalarValue(lp.value);
        if (typeof k !== 'string' || !(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
          bad(lp as Pair<Node, Node>, 'a label is a name and a value');
          continue;
        }
        reqs.push({ key: k, op: 'In', values: [String(v)] });
      }
    } else if (key === 'matchExpressions') {
      const exprs = asSeq(ctx.resolve(p.value));
      if (isNull(p.value)) continue;
      if (!exprs) {
        bad(p.value as Node, `matchExpressions is a list, not ${kindOf(p.value)}`);
        continue;
      }
      for (const e of exprs.items) {
        const em = asMap(ctx.resolve(e));
        const k = scalarValue(pairOf(em, 'key')?.value);
        const op = scalarValue(pairOf(em, 'operator')?.value);
        const valuesNode = asSeq(ctx.resolve(pairOf(em, 'values')?.value));
        const values = (valuesNode?.items ?? []).map((v) => scalarValue(v)).filter((v) => v !== undefined && v !== null).map(String);
        if (!em || typeof k !== 'string') {
          bad(e as Node, 'a match expression has a key, an operator and, for In and NotIn, values');
          continue;
        }
        if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
          bad(pairOf(em, 'operator')?.value ?? (e as Node), `the operator is In, NotIn, Exists or DoesNotExist, not ${kindOf(pairOf(em, 'operator')?.value)}`);
          continue;
        }
        if ((op === 'In' || op === 'NotIn') && values.length === 0) {
          bad(e as Node, `${op} needs at least one value`);
          continue;
        }
        if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
          bad(pairOf(em, 'values')!, `${op} takes no values`);
          continue;
        }
        reqs.push({ key: k, op, values });
      }
    } else {
      bad(p as Pair<Node, Node>, `a label selector has matchLabels and matchExpressions, not ${kindOf(p.key)}`);
    }
  }
  return makeSelector(reqs, unreadable);
}

function readRules(ctx: DocContext, pair: Pair<Node, Node | null> | undefined, direction: 'egress' | 'ingress'): RuleItem[] {
  if (!pair || isNull(pair.value)) return [];
  const list = asSeq(ctx.resolve(pair.value));
  if (!list) {
    const r = ctx.problem(pair.value, `${direction} is a list of rules, not ${kindOf(pair.value)}`);
    // Unreadable rules may allow anything.
    return [{ index: 0, range: r, peers: [{ kind: 'unreadable', reason: `the ${direction} rules could not be read`, range: r }] }];
  }
  return list.items.map((item, index) => readRule(ctx, ctx.resolve(item), index, direction));
}

function readRule(ctx: DocContext, node: Node | null, index: number, direction: 'egress' | 'ingress'): RuleItem {
  const range = ctx.range(node);
  const m = asMap(node);
  if (isNull(node)) return { index, range };
  if (!m) {
    ctx.problem(node, `an ${direction} rule is a mapping with ${direction === 'egress' ? 'to' : 'from'} and ports, not ${kindOf(node)}`);
    return { index, range, peers: [{ kind: 'unreadable', reason: `${direction} rule ${index + 1} could not be read`, range }] };
  }
  const peerKey = direction === 'egress' ? 'to' : 'from';
  let peers: PeerSpec[] | undefined;
  let ports: PortSpec[] | undefined;
  for (const p of m.items) {
    const key = scalarValue(p.key);
    const value = ctx.resolve(p.value);
    if (key === peerKey) {
      if (isNull(value)) continue;
      const list = asSeq(value);
      if (!list) {
        const r = ctx.problem(value, `${peerKey} is a list of peers, not ${kindOf(value)}`);
        peers = [{ kind: 'unreadable', reason: `"${peerKey}" could not be read`, range: r }];
        continue;
      }
      peers = list.items.map((x) => readPeer(ctx, ctx.resolve(x)));
      if (peers.length === 0) peers = undefined;
    } else if (key === 'ports') {
      if (isNull(value)) continue;
      const list = asSeq(value);
      if (!list) {
        const r = ctx.problem(value, `ports is a list of entries such as "- protocol: TCP\\n  port: 443", not ${kindOf(value)}`);
        ports = [{ kind: 'unreadable', reason: '"ports" could not be read', range: r }];
        continue;
      }
      ports = list.items.map((x) => readPort(ctx, ctx.resolve(x)));
      if (ports.length === 0) ports = undefined;
    } else {
      ctx.problem(p as Pair<Node, Node>, `an ${direction} rule has ${peerKey} and ports, not ${kindOf(p.key)}`);
    }
  }
  return { index, range, ...(peers && { peers }), ...(ports && { ports }) };
}

function readPeer(ctx: DocContext, node: Node | null): PeerSpec {
  const range = ctx.range(node);
  const m = asMap(node);
  const unreadable = (message: string, at: Node | Pair | null = node): PeerSpec => {
    const r = ctx.problem(at, message, range);
    return { kind: 'unreadable', reason: `a peer could not be read (${message})`, range: r };
  };
  if (!m) return unreadable(`a peer is a mapping with ipBlock, podSelector or namespaceSelector, not ${kindOf(node)}`);
  const ipBlock = pairOf(m, 'ipBlock');
  const podSel = pairOf(m, 'podSelector');
  const nsSel = pairOf(m, 'namespaceSelector');
  for (const p of m.items) {
    const k = scalarValue(p.key);
    if (k !== 'ipBlock' && k !== 'podSelector' && k !== 'namespaceSelector') return unreadable(`a peer has ipBlock, podSelector or namespaceSelector, not ${kindOf(p.key)}`, p as Pair<Node, Node>);
  }
  if (ipBlock && (podSel || nsSel)) return unreadable('ipBlock cannot be combined with podSelector or namespaceSelector in one peer');
  if (ipBlock) {
    const b = asMap(ctx.resolve(ipBlock.value));
    if (!b) return unreadable(`ipBlock is a mapping with cidr and except, not ${kindOf(ipBlock.value)}`, ipBlock.value);
    const cidrNode = pairOf(b, 'cidr')?.value ?? null;
    const cidrText = scalarValue(cidrNode);
    if (typeof cidrText !== 'string') return unreadable('ipBlock needs a cidr such as 0.0.0.0/0', cidrNode ?? ipBlock.value);
    const cidr = ctx.cidr(cidrText);
    if (!cidr.ok || !cidrText.includes('/')) return unreadable(cidr.ok ? `"${cidrText}" needs a prefix length, such as ${cidrText}/32` : cidr.error, cidrNode);
    let addrs = cidr.set;
    const excepts: string[] = [];
    const exceptPair = pairOf(b, 'except');
    if (exceptPair && !isNull(exceptPair.value)) {
      const list = asSeq(ctx.resolve(exceptPair.value));
      if (!list) return unreadable(`except is a list of CIDRs, not ${kindOf(exceptPair.value)}`, exceptPair.value);
      for (const x of list.items) {
        const t = scalarValue(x);
        const e = typeof t === 'string' ? ctx.cidr(t) : undefined;
        if (!e || !e.ok) return unreadable(e && !e.ok ? e.error : `an except entry is a CIDR, not ${kindOf(x)}`, x as Node);
        if (!cidr.set.covers(e.set)) return unreadable(`except ${t as string} is not inside ${cidrText}`, x as Node);
        addrs = addrs.subtract(e.set);
        excepts.push(t as string);
      }
    }
    return {
      kind: 'ipBlock',
      addrs,
      families: new Set([cidr.family]),
      text: excepts.length ? `${cidrText} except ${excepts.join(', ')}` : cidrText,
      range,
    };
  }
  if (!podSel && !nsSel) return unreadable('a peer needs ipBlock, podSelector or namespaceSelector');
  const pods = podSel ? readSelector(ctx, ctx.resolve(podSel.value), 'podSelector') : undefined;
  const nss = nsSel ? readSelector(ctx, ctx.resolve(nsSel.value), 'namespaceSelector') : undefined;
  const podText = pods ? (pods.requirements.length ? `pods matching ${pods.text}` : 'all pods') : 'all pods';
  const nsText = nss ? (nss.requirements.length ? `in namespaces matching ${nss.text}` : 'in every namespace') : 'in this namespace';
  return { kind: 'selector', text: `${podText} ${nsText}`, range };
}

const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function readPort(ctx: DocContext, node: Node | null): PortSpec {
  const range = ctx.range(node);
  const unreadable = (message: string, at: Node | Pair | null = node): PortSpec => {
    const r = ctx.problem(at, message, range);
    return { kind: 'unreadable', reason: `a port entry could not be read (${message})`, range: r };
  };
  const m = asMap(node);
  if (!m) return unreadable(`a ports entry is a mapping such as "protocol: TCP, port: 443", not ${kindOf(node)}`);
  for (const p of m.items) {
    const k = scalarValue(p.key);
    if (k !== 'protocol' && k !== 'port' && k !== 'endPort') return unreadable(`a ports entry has protocol, port and endPort, not ${kindOf(p.key)}`, p as Pair<Node, Node>);
  }
  const protoNode = pairOf(m, 'protocol')?.value ?? null;
  const protoText = isNull(protoNode) ? 'TCP' : scalarValue(protoNode);
  if (protoText !== 'TCP' && protoText !== 'UDP' && protoText !== 'SCTP') return unreadable(`the protocol is TCP, UDP or SCTP, not ${kindOf(protoNode)}`, protoNode);
  const portNode = pairOf(m, 'port')?.value ?? null;
  const endNode = pairOf(m, 'endPort')?.value ?? null;
  const port = scalarValue(portNode);
  const end = scalarValue(endNode);
  const protocol = protoText === 'UDP' ? 'udp' : 'tcp';
  const validPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
  if (isNull(portNode)) {
    if (!isNull(endNode)) return unreadable('endPort needs a numeric port', endNode);
    return protoText === 'SCTP' ? { kind: 'sctp', range } : { kind: 'all', protocol, range };
  }
  if (typeof port === 'string' && !isScalarNumberLike(portNode)) {
    if (!PORT_NAME.test(port) || port.length > 15 || !/[a-z]/.test(port)) {
      return unreadable(/^\d+$/.test(port) ? `a port number is written without quotes: ${port}` : `"${port}" is neither a port number nor a port name (IANA_SVC_NAME)`, portNode);
    }
    if (!isNull(endNode)) return unreadable('endPort needs a numeric port, not a named one', endNode);
    return protoText === 'SCTP' ? { kind: 'sctp', range } : { kind: 'named', protocol, name: port, range };
  }
  if (!validPort(port)) return unreadable(`a port is a number from 1 to 65535 or a port name, not ${kindOf(portNode)}`, portNode);
  let hi = port;
  if (!isNull(endNode)) {
    if (!validPort(end)) return unreadable(`endPort is a number from 1 to 65535, not ${kindOf(endNode)}`, endNode);
    if (end < port) return unreadable(`endPort ${end} is below port ${port}`, endNode);
    hi = end;
  }
  return protoText === 'SCTP' ? { kind: 'sctp', range } : { kind: 'numbers', protocol, lo: port, hi, range };
}

function isScalarNumberLike(node: Node | null): boolean {
  return isScalar(node) && typeof node.value === 'number';
}

