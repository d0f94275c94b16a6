// The client namespace's egress filter for each scenario, loaded atomically with
// iptables-restore so switching scenarios never leaves a half-applied rule set.
import { must } from './exec';
import { NET } from './topology';

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
  | 'custom-turn-only';

const RESOLVERS = [NET.dns, NET.dnsNxdomain, NET.dnsSinkhole];

export function firewallRules(profile: FirewallProfile): string {
  const out: string[] = ['-A OUTPUT -o lo -j ACCEPT', '-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'];
  const dns = RESOLVERS.flatMap((ip) => [`-A OUTPUT -p udp -d ${ip} --dport 53 -j ACCEPT`, `-A OUTPUT -p tcp -d ${ip} --dport 53 -j ACCEPT`]);
  switch (profile) {
    case 'open':
      break;
    case 'udp-dropped':
      out.push(...dns, '-A OUTPUT -p udp -j DROP');
      break;
    case 'udp-high-dropped':
      out.push(...dns, '-A OUTPUT -p udp --dport 3478 -j ACCEPT', '-A OUTPUT -p udp --dport 1024:65535 -j DROP');
      break;
    case 'proxy-only':
      out.push(...dns, `-A OUTPUT -p tcp -d ${NET.proxy} -j ACCEPT`, '-A OUTPUT -j DROP');
      break;
    case 'custom-turn-only':
      out.push(...dns, `-A OUTPUT -p tcp -d ${NET.web} -m multiport --dports 80,443 -j ACCEPT`, `-A OUTPUT -d ${NET.turnAlt} -j ACCEPT`, '-A OUTPUT -j DROP');
      break;
  }
  return ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...out, 'COMMIT', ''].join('\n');
}

export function applyFirewall(ns: string, profile: FirewallProfile): void {
  must('ip', ['netns', 'exec', ns, 'iptables-restore'], { input: firewallRules(profile) });
}
