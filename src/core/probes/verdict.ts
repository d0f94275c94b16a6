// One verdict a network admin can act on, from the probe results: full quality over
// UDP, works only relayed over TCP/TLS 443, or blocked, and why. Pure.
import type { Finding } from '../model/finding';
import { REQUIREMENTS } from '../requirements/catalog';
import type { Citation, Level, Profile } from '../requirements/types';
import { isIpLiteral } from './plan';
import { remediationFor, type Remediation } from './remediation';
import type { ProbeResult, ProbeSpec } from './types';

export type VerdictLevel = 'ready' | 'degraded' | 'blocked' | 'unknown';
export type MediaPath = 'udp-direct' | 'turn-udp' | 'turn-tcp' | 'turn-tls' | 'none' | 'unknown';

export interface Problem {
  readonly probeId: string;
  readonly label: string;
  readonly requirementId?: string;
  readonly requirementTitle?: string;
  readonly level?: Level;
  /** `error` breaks the verdict, `warning` lowers quality or a recommended path, `note` informs. */
  readonly severity: 'error' | 'warning' | 'note';
  readonly message: string;
  readonly citation?: Citation;
  readonly remediation?: Remediation;
}

export interface ProbeVerdict {
  readonly level: VerdictLevel;
  readonly path: MediaPath;
  readonly viaProxy: boolean;
  /** The one line. */
  readonly headline: string;
  readonly problems: readonly Problem[];
  /** Where the linted configuration and the probes disagree. */
  readonly reconciliation: readonly string[];
  readonly counts: Readonly<Record<'pass' | 'warn' | 'fail' | 'unknown' | 'skipped', number>>;
}

export interface VerdictInput {
  readonly specs: readonly ProbeSpec[];
  readonly results: readonly ProbeResult[];
  readonly profiles?: readonly Profile[];
  /** Findings from linting the workspace's configurations, to reconcile with. */
  readonly lintFindings?: readonly Finding[];
}

const works = (r: ProbeResult | undefined): boolean => r !== undefined && (r.status === 'pass' || r.status === 'warn');
const NETWORK_DROP = new Set(['dropped', 'refused', 'unreachable', 'timeout', 'no-response', 'reset']);

export function synthesizeVerdict(input: VerdictInput): ProbeVerdict {
  const specById = new Map(input.specs.map((s) => [s.id, s]));
  const results = input.results;
  const counts = { pass: 0, warn: 0, fail: 0, unknown: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  const addressesOf = (host: string | undefined): string[] => {
    if (host && isIpLiteral(host)) return [host];
    const d = results.find((r) => r.kind === 'dns' && specById.get(r.id)?.host === host);
    const a = d?.evidence.addresses;
    return Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
  };

  // Signalling and API: any HTTP answer proves the path (issue: "any HTTP answer proves reachability").
  const essential = results.filter((r) => (r.kind === 'https' || r.kind === 'websocket') && (r.role === 'api' || r.role === 'signalling'));
  const decided = (r: ProbeResult): boolean => r.status === 'pass' || r.status === 'warn' || r.status === 'fail';
  // A session needs both: the API (HTTPS) and the signalling server (WebSocket). One of
  // each kind that was probed must work; a reachable API does not make up for signalling.
  const apiResults = essential.filter((r) => r.kind === 'https');
  const signalResults = essential.filter((r) => r.kind === 'websocket');
  const apiDown = apiResults.some(decided) && !apiResults.some(works);
  const signalDown = signalResults.some(decided) && !signalResults.some(works);
  const essentialOk = essential.some(works) && !apiDown && !signalDown;
  const essentialKnown = essential.some(decided);
  const proxyAuth = results.find((r) => r.cause === 'proxy-auth-required');
  const essentialHosts = new Set(essential.map((r) => specById.get(r.id)?.host));
  const essentialDns = results.filter((r) => r.kind === 'dns' && essentialHosts.has(specById.get(r.id)?.host));
  const dnsBlocked = essentialDns.length > 0 && essentialDns.every((r) => r.status === 'fail');

  // Media: custom-only deployments (Configurable TURN with includeServers 'custom', seed 003) count only their own servers.
  const customOnly = input.profiles !== undefined && input.profiles.includes('custom-turn') && !input.profiles.includes('opentok');
  const media = results.filter((r) => (r.kind === 'stun' || r.kind === 'turn') && (!customOnly || (r.kind === 'turn' && r.requirementId === 'custom-turn-reachable')));
  const udpDirect = media.some((r) => r.kind === 'stun' && r.requirementId === 'udp-media-range' && works(r));
  const udpRelay = media.some((r) => works(r) && (r.kind === 'stun' ? r.requirementId !== 'udp-media-range' : r.evidence.transport === 'udp'));
  const tlsRelay = media.find((r) => r.kind === 'turn' && r.evidence.transport === 'tls' && works(r));
  const tcpRelay = media.find((r) => r.kind === 'turn' && r.evidence.transport === 'tcp' && works(r));
  const mediaKnown = media.some((r) => r.status === 'pass' || r.status === 'warn' || r.status === 'fail');
  // "UDP is blocked" is said only when a UDP probe (STUN, TURN over UDP) got an answer either way.
  const udpKnown = media.some((r) => (r.kind === 'stun' || r.evidence.transport === 'udp') && (r.status === 'pass' || r.status === 'warn' || r.status === 'fail'));
  const quality = results.find((r) => r.kind === 'quality');

  let path: MediaPath;
  if (customOnly) path = udpRelay ? 'turn-udp' : tlsRelay ? 'turn-tls' : tcpRelay ? 'turn-tcp' : mediaKnown ? 'none' : 'unknown';
  else path = udpDirect ? 'udp-direct' : udpRelay ? 'turn-udp' : tlsRelay ? 'turn-tls' : tcpRelay ? 'turn-tcp' : mediaKnown ? 'none' : 'unknown';
  const relayUsed = path === 'turn-tls' ? tlsRelay : path === 'turn-tcp' ? tcpRelay : undefined;
  const viaProxy = Boolean((relayUsed && specById.get(relayUsed.id)?.viaProxy) || essential.some((r) => works(r) && specById.get(r.id)?.viaProxy));
  // Inspection of the API or signalling hosts blocks; of a TURN server's TLS only when media
  // would depend on TURN over TLS (no UDP path): with UDP working it breaks the fallback only.
  const mediaNeedsTls = path === 'turn-tls' || path === 'none';
  const interception =
    results.find((r) => r.cause === 'tls-interception' && essentialHosts.has(specById.get(r.id)?.host)) ??
    (mediaNeedsTls ? results.find((r) => r.cause === 'tls-interception' && r.role === 'media') : undefined);

  // A certificate that browsers refuse (expired, not for the name, …) on the API or signalling hosts.
  const invalidCertificate = results.find((r) => r.kind === 'tls' && r.cause === 'certificate-invalid' && essentialHosts.has(specById.get(r.id)?.host));

  let level: VerdictLevel;
  let headline: string;
  const issuer = typeof interception?.evidence.issuer === 'string' ? interception.evidence.issuer : 'an unknown issuer';
  if (proxyAuth) {
    level = 'blocked';
    headline = 'Blocked: the proxy requires authentication (HTTP 407), which WebRTC cannot answer; exempt the platform\'s hosts from proxy authentication.';
  } else if (dnsBlocked) {
    level = 'blocked';
    headline = `Blocked: the platform's names do not resolve (${essentialDns.map((r) => r.cause ?? 'failed').filter((v, i, a) => a.indexOf(v) === i).join(', ')}); fix DNS for *.opentok.com and *.tokbox.com.`;
  } else if (interception) {
    level = 'blocked';
    headline = `Blocked: TLS to the platform is intercepted by "${issuer}"; turn off TLS inspection for *.opentok.com and *.tokbox.com.`;
  } else if (invalidCertificate) {
    level = 'blocked';
    const host = specById.get(invalidCertificate.id)?.host ?? 'the platform';
    const why = typeof invalidCertificate.evidence.authorizationError === 'string' ? invalidCertificate.evidence.authorizationError : 'not valid';
    headline = `Blocked: the certificate of ${host} is not valid (${why}), so browsers and the SDKs refuse the connection; find what serves it (a proxy, a captive portal, the server).`;
  } else if (essentialKnown && !essentialOk) {
    level = 'blocked';
    if (apiDown === signalDown) headline = 'Blocked: the API and signalling servers cannot be reached on TCP 443; allow HTTPS and WebSocket to *.opentok.com and *.tokbox.com.';
    else if (signalDown) {
      const refused = signalResults.find((r) => r.cause === 'upgrade-refused');
      headline = refused
        ? 'Blocked: the WebSocket upgrade to the signalling server is refused in the path (the API answers); let the proxy pass WebSocket (HTTP/1.1 Upgrade) on 443 to *.tokbox.com and *.opentok.com.'
        : 'Blocked: the signalling server cannot be reached over WebSocket on TCP 443 (the API answers); allow WSS to *.tokbox.com and *.opentok.com.';
    } else headline = 'Blocked: the API servers cannot be reached over HTTPS on TCP 443 (signalling answers); allow HTTPS to *.opentok.com.';
  } else if (path === 'none') {
    level = 'blocked';
    headline = customOnly
      ? 'Blocked: no custom TURN server gives a relay (unreachable or credentials refused); media cannot flow.'
      : 'Blocked: no media path: UDP is blocked and TURN over TCP and TLS is unreachable; allow UDP 3478 or at least TCP 443 to the TURN servers.';
  } else if ((path === 'turn-tls' || path === 'turn-tcp') && !udpKnown) {
    level = 'unknown';
    const r = relayUsed ? specById.get(relayUsed.id) : undefined;
    headline = `Unknown: media can be relayed over TURN ${path === 'turn-tls' ? 'TLS' : 'TCP'}${r?.port ? ` ${r.port}` : ''}${viaProxy ? ' through the proxy' : ''}, but UDP was not probed (no STUN or UDP TURN target), so whether full quality over UDP is possible is not known.`;
  } else if (path === 'turn-tls' || path === 'turn-tcp') {
    level = 'degraded';
    const r = relayUsed ? specById.get(relayUsed.id) : undefined;
    headline = `Degraded: works only relayed over TURN ${path === 'turn-tls' ? 'TLS' : 'TCP'}${r?.port ? ` ${r.port}` : ''}${viaProxy ? ' through the proxy' : ''}: UDP is blocked, so expect delay under loss; open UDP 3478 for full quality.`;
  } else if (path === 'unknown' || !essentialKnown) {
    level = 'unknown';
    headline = !essentialKnown ? 'Unknown: the API and signalling servers were not probed.' : 'Unknown: no media probe gave an answer either way (no STUN or TURN target).';
  } else if (quality && quality.status === 'warn' && quality.cause === 'poor-quality') {
    level = 'degraded';
    headline = `Degraded: UDP works but the path is poor (${quality.summary}).`;
  } else {
    level = 'ready';
    const mediaRangeBlocked = media.some((r) => r.kind === 'stun' && r.requirementId === 'udp-media-range' && r.status === 'fail');
    headline =
      path === 'udp-direct'
        ? 'Ready: full quality over UDP (direct media).'
        : `Ready: full quality over UDP, relayed through TURN on UDP 3478${mediaRangeBlocked ? '; direct UDP to the media ports (1025-65535) is blocked' : ''}.`;
    if (viaProxy) headline = headline.replace(/\.$/, '; signalling goes through the proxy.');
    // The path is proven; its quality was measured but could not be judged (see the burst's result).
    if (quality?.status === 'unknown') headline = headline.replace(/\.$/, '; the quality burst could not be judged.');
  }

  const proxied = (r: ProbeResult): boolean => r.kind === 'tcp' && essential.some((e) => works(e) && specById.get(e.id)?.viaProxy && specById.get(e.id)?.host === specById.get(r.id)?.host);
  // One blocked port is one problem: later probes on the same host and port that fail the
  // same way (TLS, HTTPS, TURN over TCP) are listed with it rather than repeated.
  const dropKey = (r: ProbeResult): string | undefined => {
    const spec = specById.get(r.id);
    if (!spec?.host || spec.port === undefined || spec.viaProxy || !r.cause || !NETWORK_DROP.has(r.cause)) return undefined;
    if (r.kind === 'stun' || (r.kind === 'turn' && r.evidence.transport === 'udp') || r.kind === 'quality' || r.kind === 'dns') return undefined;
    return `${spec.host}|${spec.port}`;
  };
  const firstByKey = new Map<string, number>();
  const alsoByKey = new Map<string, string[]>();
  const pending: { r: ProbeResult; problem: Problem; key?: string }[] = [];
  for (const r of results) {
    if (r.status !== 'fail' && r.status !== 'warn') continue;
    const spec = specById.get(r.id);
    const key = dropKey(r);
    if (key !== undefined && firstByKey.has(key)) {
      alsoByKey.set(key, [...(alsoByKey.get(key) ?? []), r.label]);
      continue;
    }
    const req = r.requirementId ? REQUIREMENTS.find((q) => q.id === r.requirementId) : undefined;
    let severity: Problem['severity'] = r.status === 'warn' ? 'warning' : req?.level === 'required' ? 'error' : req?.level === 'informational' ? 'note' : 'warning';
    let message = `${r.label}: ${r.summary}`;
    // A direct TCP failure where the proxy carries the traffic is how proxied networks look, not a fault.
    if (proxied(r)) {
      severity = 'note';
      message += ' The proxy carries this traffic.';
    }
    // Media failures are errors only when no media path is left.
    if ((r.kind === 'stun' || r.kind === 'turn' || (r.kind === 'tcp' && r.role === 'media')) && severity === 'error' && path !== 'none') severity = 'warning';
    if (r.kind === 'dns' && severity === 'error' && !essentialHosts.has(spec?.host)) severity = 'warning';
    if (r.kind === 'tls' && r.role === 'media' && severity === 'error' && !mediaNeedsTls) {
      severity = 'warning';
      message += ' Media flows over UDP meanwhile; this breaks only the fallback over TLS.';
    }
    const remediation = remediationFor(r, spec?.host, spec?.port, addressesOf(spec?.host));
    if (key !== undefined) firstByKey.set(key, pending.length);
    pending.push({
      r,
      ...(key !== undefined ? { key } : {}),
      problem: {
        probeId: r.id,
        label: r.label,
        ...(req ? { requirementId: req.id, requirementTitle: req.title, level: req.level, ...(req.citations[0] ? { citation: req.citations[0] } : {}) } : {}),
        severity,
        message,
        ...(remediation ? { remediation } : {}),
      },
    });
  }
  const problems: Problem[] = pending.map(({ problem, key }) => {
    const also = key !== undefined ? alsoByKey.get(key) : undefined;
    return also?.length ? { ...problem, message: `${problem.message} (also fails: ${also.join('; ')})` } : problem;
  });
  if (input.profiles?.includes('custom-turn') && !results.some((r) => r.requirementId === 'custom-turn-reachable')) {
    const req = REQUIREMENTS.find((q) => q.id === 'custom-turn-reachable')!;
    problems.push({
      probeId: 'plan', label: 'Custom TURN', requirementId: req.id, requirementTitle: req.title, level: req.level, severity: 'note',
      message: 'The custom-turn profile is selected but no custom TURN server is configured (probe.customTurn or turnServers): their reachability is unknown.',
      ...(req.citations[0] ? { citation: req.citations[0] } : {}),
    });
  }
  const rank = { error: 0, warning: 1, note: 2 };
  problems.sort((a, b) => rank[a.severity] - rank[b.severity]);

  return { level, path, viaProxy, headline, problems, reconciliation: reconcile(results, input.lintFindings ?? []), counts };
}

/**
 * Where a linted file and a probe disagree on the same requirement: the file allows a
 * flow the probe finds dropped (something upstream blocks it), or blocks a flow the
 * probe finds open (this machine's traffic does not pass that filter).
 */
function reconcile(results: readonly ProbeResult[], findings: readonly Finding[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (!r.requirementId || (r.kind !== 'tcp' && r.kind !== 'stun' && r.kind !== 'turn')) continue;
    for (const f of findings) {
      if (f.ruleId !== r.requirementId || f.suppressed) continue;
      const where = `${f.file}:${f.range.start.line}`;
      const key = `${r.id}|${where}`;
      if (seen.has(key)) continue;
      const what = REQUIREMENTS.find((q) => q.id === r.requirementId)?.title ?? r.requirementId;
      if (f.verdict === 'met' && r.status === 'fail' && r.cause && NETWORK_DROP.has(r.cause)) {
        seen.add(key);
        out.push(`${where} allows ${what}, but the probe ${r.label} was ${r.cause === 'refused' ? 'refused' : 'dropped'}: something upstream of that firewall blocks it.`);
      } else if (f.verdict === 'unmet' && r.status === 'pass') {
        seen.add(key);
        out.push(`${where} blocks ${what}, but the probe ${r.label} passed: this machine's traffic does not go through that filter, or the file is not what is deployed.`);
      }
    }
  }
  return out;
}

/** 0 ready, 1 degraded, blocked or unknown (exit codes of `opentok-readiness probe`). */
export function exitCodeFor(level: VerdictLevel): 0 | 1 {
  return level === 'ready' ? 0 : 1;
}
