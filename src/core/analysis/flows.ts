import { cidrSet, PUBLIC_ADDRESSES, ALL_ADDRESSES, parseCidr } from '../model/addresses';
import { portRange, portRanges } from '../model/ports';
import type { ReadinessConfig } from '../config/types';
import type { Requirement } from '../requirements/types';
import type { FlowContext } from './evaluate';

const PLATFORM_DOMAINS = new Set(['*.opentok.com', '*.tokbox.com']);

/** Whether the user's allowed-IP list stands for this requirement's hosts. */
function usesAllowedIps(req: Requirement): boolean {
  return !!req.destinations?.domains?.some((d) => PLATFORM_DOMAINS.has(d)) && !req.destinations.cidrs;
}

/** What the evaluator checks for a requirement: one context per protocol and destination. */
export function flowContexts(req: Requirement, config: ReadinessConfig): FlowContext[] {
  const direction = req.direction ?? 'egress';
  if (req.id === 'custom-turn-reachable') {
    return config.turnServers.map((s) => {
      const ip = parseCidr(s.host);
      return {
        protocol: s.transport === 'udp' ? 'udp' : 'tcp',
        direction,
        remotePorts: portRange(s.port),
        universe: ip.ok ? ip.set : PUBLIC_ADDRESSES,
        universeKind: ip.ok ? 'cidrs' : 'platform',
        label: `${s.transport.toUpperCase()} ${s.port} to ${s.host}`,
      } satisfies FlowContext;
    });
  }
  if (!req.flows) return [];
  const d = req.destinations ?? {};
  let universe = PUBLIC_ADDRESSES;
  let universeKind: FlowContext['universeKind'] = 'platform';
  if (d.cidrs) {
    universe = cidrSet(d.cidrs);
    universeKind = 'cidrs';
  } else if (d.resolver && config.resolvers) {
    // The user named the resolvers the clients use: the verdict is exact.
    universe = config.resolvers.set;
    universeKind = 'cidrs';
  } else if (d.resolver) {
    universe = ALL_ADDRESSES;
    universeKind = 'resolver';
  } else if (config.allowedIps && usesAllowedIps(req)) {
    universe = config.allowedIps.set;
    universeKind = 'cidrs';
  }
  return req.flows.map((f) => ({ protocol: f.protocol, direction, remotePorts: portRanges(f.ports), universe, universeKind }));
}
