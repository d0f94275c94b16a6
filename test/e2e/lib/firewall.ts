// The corporate network's perimeter firewall for each scenario. It filters what the
// client sends where it enters the cloud (the INPUT chain of the cloud namespace, on
// the veth), as a gateway between the two would: a dropped packet leaves the client
// and vanishes, a rejected one comes back as a TCP reset or an ICMP error. (A filter in
// the client's own OUTPUT chain would instead fail every send at once with EPERM,
// which is not what a client behind a corporate firewall sees.) Rules are loaded
// atomically with iptables-restore, so switching scenarios never leaves a half-applied
// set, and they are stateless: the client initiates every flow, replies leave the
// cloud unfiltered, and no conntrack entry of an earlier scenario can let a packet by.
import { must } from './exec';
import { NET, TCP_CAUSE_PORTS } from './topology';

export type FirewallProfile =
  /** Nothing filtered. */
  | 'open'
  /** Every UDP datagram dropped except DNS to the resolvers. */
  | 'udp-dropped'
  /** UDP 3478 allowed, every other UDP port from 1024 up dropped (media ranges, seed 000). */
  | 'udp-high-dropped'
  /** Direct egress dropped; only DNS and TCP to the proxy pass. */
  | 'proxy-only'
  /** Only DNS, the platform's web hosts (TCP 443/80) and the customer's TURN server pass: Configurable TURN only (seed 003). */
  | 'custom-turn-only'
  /** Lossy UDP to the TURN server: every second datagram to UDP 3478 is dropped. */
  | 'udp-lossy'
  /** Nothing filtered, but UDP from the client is source-NATed to NET.natPublic, as a NAT gateway would. */
  | 'udp-nat';

const RESOLVERS = [NET.dns, NET.dnsNxdomain, NET.dnsSinkhole, NET.dnsRefused];

export function firewallRules(profile: FirewallProfile, link: string): string {
  const i = `-A INPUT -i ${link}`;
  // Traffic inside the cloud (Squid to the web host, to dnsmasq) does not cross the perimeter.
  const out: string[] = [`-A INPUT ! -i ${link} -j ACCEPT`];
  // The three ways a TCP connection fails, on the hostile address, in every profile:
  // a reset (rejected), an ICMP host-unreachable, and silence (dropped).
  out.push(
    `${i} -p tcp -d ${NET.hostile} --dport ${TCP_CAUSE_PORTS.refused} -j REJECT --reject-with tcp-reset`,
    `${i} -p tcp -d ${NET.hostile} --dport ${TCP_CAUSE_PORTS.unreachable} -j REJECT --reject-with icmp-host-unreachable`,
    `${i} -p tcp -d ${NET.hostile} --dport ${TCP_CAUSE_PORTS.dropped} -j DROP`,
  );
  const dns = RESOLVERS.flatMap((ip) => [`${i} -p udp -d ${ip} --dport 53 -j ACCEPT`, `${i} -p tcp -d ${ip} --dport 53 -j ACCEPT`]);
  switch (profile) {
    case 'open':
      break;
    case 'udp-dropped':
      out.push(...dns, `${i} -p udp -j DROP`);
      break;
    case 'udp-high-dropped':
      out.push(...dns, `${i} -p udp --dport 3478 -j ACCEPT`, `${i} -p udp --dport 1024:65535 -j DROP`);
      break;
    case 'proxy-only':
      out.push(...dns, `${i} -p tcp -d ${NET.proxy} -j ACCEPT`, `${i} -j DROP`);
      break;
    case 'custom-turn-only':
      out.push(...dns, `${i} -p tcp -d ${NET.web} -m multiport --dports 80,443 -j ACCEPT`, `${i} -d ${NET.turnAlt} -j ACCEPT`, `${i} -j DROP`);
      break;
    case 'udp-nat':
      break;
    case 'udp-lossy':
      // The statistic match counts the datagrams it sees: the 1st, 3rd, 5th… are dropped.
      out.push(...dns, `${i} -p udp -d ${NET.turn} --dport 3478 -m statistic --mode nth --every 2 --packet 0 -j DROP`);
      break;
  }
  // The nat table is replaced on every switch too: SNAT in its INPUT chain rewrites the
  // source of what the cloud receives, so the STUN server sees (and maps) another address.
  const nat = profile === 'udp-nat' ? [`-A INPUT -i ${link} -p udp -s ${NET.client} ! --dport 53 -j SNAT --to-source ${NET.natPublic}`] : [];
  return [
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...out, 'COMMIT',
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ...nat, 'COMMIT', '',
  ].join('\n');
}

/**
 * The client machine's own packet filter (a host firewall): `udp-dropped` drops every UDP
 * datagram but DNS in its OUTPUT chain, where a send fails at once with EPERM.
 */
export type HostFirewall = 'none' | 'udp-dropped';

export function hostFirewallRules(profile: HostFirewall): string {
  const out = profile === 'udp-dropped' ? ['-A OUTPUT -p udp --dport 53 -j ACCEPT', '-A OUTPUT -o lo -j ACCEPT', '-A OUTPUT -p udp -j DROP'] : [];
  return ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...out, 'COMMIT', ''].join('\n');
}

export function applyHostFirewall(clientNs: string, profile: HostFirewall): void {
  must('ip', ['netns', 'exec', clientNs, 'iptables-restore'], { input: hostFirewallRules(profile) });
}

/** Loads the profile into the cloud namespace, filtering what arrives on `link` from the client. */
export function applyFirewall(cloudNs: string, link: string, profile: FirewallProfile): void {
  must('ip', ['netns', 'exec', cloudNs, 'iptables-restore'], { input: firewallRules(profile, link) });
}
