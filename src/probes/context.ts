// What every probe of one run shares: options, proxy environment, credentials and a
// DNS cache, so a name is asked once however many probes need it.
import type { ProxyEnvironment } from '../core/probes/plan';
import { bypassesProxy } from '../core/probes/plan';
import type { EvidenceValue, ProbeCause, ProbeOptions, ProbeStatus, TurnCredentials } from '../core/probes/types';
import { resolveHost, type Resolution } from './dns';

export interface ProbeContext {
  readonly options: ProbeOptions;
  readonly proxy: ProxyEnvironment;
  readonly credentials?: TurnCredentials;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Extra facts about the environment from the host (VS Code's `http.proxy`, …). */
  readonly hostEnvironment?: Readonly<Record<string, string>>;
  resolve(host: string, signal: AbortSignal): Promise<Resolution>;
  proxyFor(host: string): string | undefined;
}

/** What a probe returns; the runner adds identity and timing. */
export interface Outcome {
  readonly status: ProbeStatus;
  readonly cause?: ProbeCause;
  readonly summary: string;
  readonly evidence?: Record<string, EvidenceValue>;
  /** Overrides the spec's requirement; null when the outcome speaks for none. */
  readonly requirementId?: string | null;
  readonly samples?: readonly number[];
}

export function createContext(init: {
  options: ProbeOptions;
  proxy: ProxyEnvironment;
  credentials?: TurnCredentials;
  env: Readonly<Record<string, string | undefined>>;
  hostEnvironment?: Readonly<Record<string, string>>;
}): ProbeContext {
  const cache = new Map<string, Promise<Resolution>>();
  return {
    ...init,
    resolve(host, signal) {
      let p = cache.get(host);
      if (!p) {
        p = resolveHost(host, init.options.dnsServers, init.options.timeoutMs, signal);
        cache.set(host, p);
        // A lookup cut short by one probe's deadline must not poison the cache for the others.
        p.catch(() => {
          if (signal.aborted) cache.delete(host);
        });
      }
      return p;
    },
    proxyFor(host) {
      return init.proxy.proxy && !bypassesProxy(host, init.proxy.noProxy) ? init.proxy.proxy : undefined;
    },
  };
}

/** IPv4 first: the platform's published ranges are IPv4 and most corporate filters are too. */
export function pickAddress(addresses: readonly string[]): string | undefined {
  return addresses.find((a) => !a.includes(':')) ?? addresses[0];
}

export function ms(n: number): number {
  return Math.round(n * 10) / 10;
}
