// What to change, in the syntax of the rule sets the linter reads (iptables,
// Kubernetes NetworkPolicy) and of Squid for proxy rules. Text only: the reader
// copies what fits the network.
import type { ProbeCause, ProbeResult } from './types';

export interface Snippet {
  readonly format: 'iptables' | 'networkpolicy' | 'squid';
  readonly code: string;
}

export interface Remediation {
  readonly text: string;
  readonly snippets: readonly Snippet[];
}

const PLATFORM_SQUID = 'acl opentok dstdomain .opentok.com .tokbox.com .vonage.com';

/** Addresses safe to paste into a rule: IPv4/IPv6 literals only, nothing from the network verbatim. */
function cleanAddresses(addresses: readonly string[]): string[] {
  return addresses.filter((a) => /^[0-9.]+$/.test(a) || /^[0-9a-fA-F:]+$/.test(a)).slice(0, 8);
}

function sanitizeComment(s: string): string {
  return s.replace(/[^A-Za-z0-9._:\- ]/g, '').slice(0, 60);
}

export function firewallSnippets(protocol: 'tcp' | 'udp', ports: string, host: string, addresses: readonly string[]): Snippet[] {
  const addrs = cleanAddresses(addresses);
  const comment = sanitizeComment(`opentok ${host}`);
  const iptDests = addrs.length ? addrs.filter((a) => !a.includes(':')) : [];
  const dport = ports.includes('-') ? `--dport ${ports.replace('-', ':')}` : `--dport ${ports}`;
  const ipt = (iptDests.length ? iptDests : ['<address of ' + sanitizeComment(host) + '>'])
    .map((a) => `-A OUTPUT -p ${protocol} -d ${a} ${dport} -m comment --comment "${comment}" -j ACCEPT`);
  // Replies come back in on either protocol; a host whose INPUT policy is DROP needs this (tcp-replies, udp-replies).
  ipt.push(`-A INPUT -p ${protocol} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`);
  const [from, to] = ports.split('-');
  const cidrs = addrs.length ? addrs.map((a) => (a.includes(':') ? `${a}/128` : `${a}/32`)) : ['<address>/32'];
  const np = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: allow-opentok-${protocol}-${(from ?? ports)}${to ? `-${to}` : ''}`,
    'spec:',
    '  podSelector: {}',
    '  policyTypes: [Egress]',
    '  egress:',
    '    - to:',
    ...cidrs.map((c) => `        - ipBlock: { cidr: ${c} }`),
    '      ports:',
    `        - protocol: ${protocol.toUpperCase()}`,
    `          port: ${from ?? ports}`,
    ...(to ? [`          endPort: ${to}`] : []),
  ];
  return [
    { format: 'iptables', code: ipt.join('\n') },
    { format: 'networkpolicy', code: np.join('\n') },
  ];
}

const DNS_SNIPPETS: Snippet[] = [
  { format: 'iptables', code: '-A OUTPUT -p udp --dport 53 -j ACCEPT\n-A OUTPUT -p tcp --dport 53 -j ACCEPT' },
  {
    format: 'networkpolicy',
    code: [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: allow-dns',
      'spec:',
      '  podSelector: {}',
      '  policyTypes: [Egress]',
      '  egress:',
      '    - to:',
      '        - namespaceSelector: {}',
      '          podSelector: { matchLabels: { k8s-app: kube-dns } }',
      '      ports:',
      '        - { protocol: UDP, port: 53 }',
      '        - { protocol: TCP, port: 53 }',
    ].join('\n'),
  },
];

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The fix for one failed probe; `addresses` are what DNS answered for its host. */
export function remediationFor(result: ProbeResult, host: string | undefined, port: number | undefined, addresses: readonly string[]): Remediation | undefined {
  const cause: ProbeCause | undefined = result.cause;
  const h = host ?? '';
  const proto: 'tcp' | 'udp' = result.kind === 'stun' || (result.kind === 'turn' && result.evidence.transport === 'udp') || result.kind === 'quality' ? 'udp' : 'tcp';
  switch (cause) {
    case 'nxdomain':
    case 'dns-refused':
    case 'dns-timeout':
    case 'sinkhole':
      return {
        text:
          cause === 'sinkhole'
            ? `The resolver answers ${h} with ${strs(result.evidence.addresses).join(', ') || 'a blocked address'}: remove the platform's names from the DNS filter (RPZ, sinkhole, split horizon) so they resolve to their public addresses.`
            : `Let clients resolve ${h}: allow DNS to the resolver and make sure it forwards *.opentok.com and *.tokbox.com.`,
        snippets: DNS_SNIPPETS,
      };
    case 'refused':
    case 'dropped':
    case 'unreachable':
    case 'timeout':
    case 'no-response':
    case 'reset':
      if (port === undefined) return undefined;
      return {
        text: `Allow ${proto.toUpperCase()} ${port} from the clients to ${h}${cause === 'refused' ? ' (a firewall or the host answered with a reset)' : cause === 'dropped' || cause === 'timeout' || cause === 'no-response' ? ' (packets are dropped silently)' : ''}, and the replies back in.`,
        snippets: firewallSnippets(proto, String(port), h, addresses),
      };
    case 'proxy-auth-required':
      return {
        text: 'Exempt the platform\'s hosts from proxy authentication: WebRTC cannot answer a 407 (seed 000).',
        snippets: [{ format: 'squid', code: `${PLATFORM_SQUID}\nhttp_access allow CONNECT opentok\n# place these lines above the http_access line that requires authentication` }],
      };
    case 'proxy-refused':
    case 'upgrade-refused':
      return {
        text: `Let the proxy tunnel CONNECT to ${h}:${port ?? 443} and pass WebSocket upgrades (HTTP/1.1 Upgrade) to the platform (seeds 000, 002).`,
        snippets: [{ format: 'squid', code: `${PLATFORM_SQUID}\nacl SSL_ports port 443\nhttp_access allow CONNECT opentok SSL_ports` }],
      };
    case 'tls-interception':
      return {
        text: `Turn off TLS inspection for the platform's hosts: the certificate of ${h} was issued by "${str(result.evidence.issuer) || 'an unknown issuer'}", not by the platform's CA (seeds 000, 002). In the inspecting proxy, splice (do not bump) these names.`,
        snippets: [{ format: 'squid', code: `acl opentok_sni ssl::server_name .opentok.com .tokbox.com .vonage.com\nssl_bump splice opentok_sni\nssl_bump bump all` }],
      };
    case 'turn-auth-failed':
      return { text: `The TURN server ${h} rejected the credentials: check ${'OPENTOK_READINESS_TURN_USERNAME'} and the credential in the client's iceConfig.`, snippets: [] };
    case 'poor-quality':
      return { text: 'The path loses or delays packets beyond what real-time media tolerates: check the uplink\'s load, Wi-Fi, VPN and shaping.', snippets: [] };
    case 'low-bandwidth':
      return { text: 'Each stream needs 1,000 kb/s each way (seed 002): raise the bandwidth or lower the number of streams.', snippets: [] };
    default:
      return undefined;
  }
}
