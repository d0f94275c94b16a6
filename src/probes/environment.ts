// The client's environment as the probes see it: proxy settings, resolvers, addresses.
import * as dns from 'node:dns';
import * as os from 'node:os';
import { displayProxy } from '../core/probes/plan';
import type { ProbeContext, Outcome } from './context';

export async function probeEnvironment(ctx: ProbeContext): Promise<Outcome> {
  const evidence: Record<string, string | number | boolean | string[]> = {};
  const proxyVars = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
  for (const v of proxyVars) {
    const value = ctx.env[v];
    if (value) evidence[v] = /proxy$/i.test(v) && !/^no_/i.test(v) ? displayProxy(value.includes('://') ? value : `http://${value}`) : value;
  }
  if (ctx.proxy.proxy) evidence.proxyInUse = `${displayProxy(ctx.proxy.proxy)} (from ${ctx.proxy.source ?? 'settings'})`;
  for (const [k, v] of Object.entries(ctx.hostEnvironment ?? {})) evidence[k] = k.toLowerCase().includes('proxy') ? displayProxy(v) : v;
  if (ctx.options.pacUrl) evidence.pacUrl = ctx.options.pacUrl;
  evidence.dnsServers = ctx.options.dnsServers?.length ? [...ctx.options.dnsServers] : dns.getServers();
  const addrs: string[] = [];
  for (const [name, list] of Object.entries(os.networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal) addrs.push(`${name} ${a.address}`);
  }
  evidence.localAddresses = addrs;
  const proxyText = ctx.proxy.proxy ? `proxy ${displayProxy(ctx.proxy.proxy)}` : 'no proxy';
  const summary = `${proxyText}; resolvers ${(evidence.dnsServers as string[]).join(', ') || 'none'}; ${addrs.length} local address${addrs.length === 1 ? '' : 'es'}`;
  if (ctx.options.pacUrl) {
    // Seed 000: "iOS does not support proxy configurations that use .pac files".
    return { status: 'warn', summary: `${summary}; a PAC file is in use, which iOS clients ignore`, evidence, requirementId: 'pac-ios' };
  }
  return { status: 'pass', summary, evidence };
}
