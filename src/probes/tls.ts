// TLS on 443 and 5349: handshake, version, chain, validity, host match and interception.
// Seeds 000 and 002 require TLS inspection off: a chain that does not end in a public
// root (or a trusted test CA), or whose issuer is not the expected one, is reported with
// the issuer's name.
import type { PeerCertificate, DetailedPeerCertificate } from 'node:tls';
import * as tls from 'node:tls';
import type { ProbeSpec } from '../core/probes/types';
import { ms, type Outcome, type ProbeContext } from './context';
import { openStream, ProbeError, startTls } from './net';
import { resolveOrUnknown } from './tcp';

const UNTRUSTED_CHAIN = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

export function nameOf(n: PeerCertificate['issuer'] | undefined): string {
  if (!n) return 'unknown';
  const pick = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const cn = pick(n.CN);
  const o = pick(n.O);
  return cn && o && !cn.includes(o) ? `${cn} (${o})` : (cn ?? o ?? 'unknown');
}

/** Subjects from the leaf up to the last certificate the peer sent or the store supplied. */
function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const out: DetailedPeerCertificate[] = [];
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && !out.includes(c) && out.length < 10) {
    out.push(c);
    c = c.issuerCertificate && c.issuerCertificate !== c ? c.issuerCertificate : undefined;
  }
  return out;
}

export interface CertificateVerdict {
  readonly status: 'pass' | 'fail';
  readonly cause?: 'tls-interception' | 'certificate-invalid';
  readonly summary: string;
  readonly issuer: string;
}

/** Judges a handshake's certificate; pure over the certificate data. */
export function judgeCertificate(host: string, leaf: DetailedPeerCertificate, authorized: boolean, authorizationError: string | undefined, expectedIssuers: readonly string[] | undefined, now = Date.now()): CertificateVerdict {
  const issuer = nameOf(leaf.issuer);
  const chain = chainOf(leaf);
  const top = chain[chain.length - 1]!;
  const anchor = nameOf(top.issuer);
  if (!authorized && authorizationError && [...UNTRUSTED_CHAIN].some((c) => authorizationError.includes(c) || authorizationError.toLowerCase().includes(c.toLowerCase().replace(/_/g, ' ')))) {
    return { status: 'fail', cause: 'tls-interception', issuer, summary: `the certificate is issued by "${issuer}" and its chain ends at "${anchor}", not a public root: TLS inspection (interception) is likely` };
  }
  if (!authorized && authorizationError && /self[- ]signed|issuer/i.test(authorizationError)) {
    return { status: 'fail', cause: 'tls-interception', issuer, summary: `the certificate is issued by "${issuer}", which is not trusted (${authorizationError}): TLS inspection (interception) is likely` };
  }
  if (!authorized && authorizationError && /ALTNAME|does not match|not in the cert/i.test(authorizationError)) {
    const why = tls.checkServerIdentity(host, leaf)?.message ?? authorizationError;
    return { status: 'fail', cause: 'certificate-invalid', issuer, summary: `the certificate issued by "${issuer}" is not for ${host} (${why}): a misconfigured server, or something answering in the platform's place` };
  }
  const validTo = Date.parse(leaf.valid_to);
  const validFrom = Date.parse(leaf.valid_from);
  if (!authorized || now > validTo || now < validFrom) {
    return { status: 'fail', cause: 'certificate-invalid', issuer, summary: `the certificate is not valid: ${authorizationError ?? (now > validTo ? `expired ${leaf.valid_to}` : `not valid before ${leaf.valid_from}`)}` };
  }
  const mismatch = tls.checkServerIdentity(host, leaf);
  if (mismatch) {
    return { status: 'fail', cause: 'tls-interception', issuer, summary: `the certificate issued by "${issuer}" is not for ${host} (${mismatch.message}): something answers in the platform's place` };
  }
  if (expectedIssuers?.length) {
    const names = [issuer, anchor, ...chain.map((c) => nameOf(c.subject))].join(' | ').toLowerCase();
    if (!expectedIssuers.some((e) => names.includes(e.toLowerCase()))) {
      return { status: 'fail', cause: 'tls-interception', issuer, summary: `the certificate is issued by "${issuer}", not by the expected CA (${expectedIssuers.join(', ')}): a trusted inspecting proxy is likely` };
    }
  }
  return { status: 'pass', issuer, summary: `valid certificate from "${issuer}"` };
}

function pathRequirement(spec: ProbeSpec, cause: string): { requirementId: string | null } {
  if (cause === 'proxy-auth-required') return { requirementId: 'proxy-no-auth' };
  if (cause === 'proxy-refused') return { requirementId: 'proxy-https' };
  // The plan names the reachability requirement of this port for the selected profiles, or none.
  return { requirementId: spec.reachRequirementId ?? null };
}

export async function probeTls(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const host = spec.host ?? '';
  const port = spec.port ?? 443;
  const proxy = spec.viaProxy;
  let target = host;
  if (!proxy) {
    const r = await resolveOrUnknown(ctx, host, signal);
    if ('status' in r) return r;
    target = r.address;
  }
  const t0 = performance.now();
  let stream;
  try {
    stream = await openStream(target, port, proxy, signal);
  } catch (e) {
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    // Not reaching the port is the TCP requirement's failure, not an inspection finding.
    return { status: 'fail', cause: err.probeCause, summary: err.message, evidence: { ...err.evidence }, ...pathRequirement(spec, err.probeCause) };
  }
  const connectMs = ms(performance.now() - t0);
  try {
    const session = await startTls(stream.socket, host, ctx.options.ca, signal);
    const handshakeMs = ms(performance.now() - t0 - connectMs);
    const leaf = session.socket.getPeerCertificate(true) as DetailedPeerCertificate;
    const protocol = session.socket.getProtocol() ?? 'unknown';
    const cipher = session.socket.getCipher()?.name ?? 'unknown';
    session.socket.destroy();
    if (!leaf || !leaf.subject) return { status: 'fail', cause: 'tls-handshake', summary: 'the server sent no certificate', evidence: { protocol } };
    const v = judgeCertificate(host, leaf, session.authorized, session.authorizationError, ctx.options.expectedIssuers);
    const evidence = {
      protocol,
      cipher,
      subject: nameOf(leaf.subject),
      issuer: v.issuer,
      chain: chainOf(leaf).map((c) => nameOf(c.subject)),
      validTo: leaf.valid_to,
      fingerprint256: leaf.fingerprint256,
      connectMs,
      handshakeMs,
      ...(session.authorizationError ? { authorizationError: session.authorizationError } : {}),
      ...(proxy ? { viaProxy: true } : {}),
    };
    const old = protocol === 'TLSv1' || protocol === 'TLSv1.1';
    if (v.status === 'pass') return { status: old ? 'warn' : 'pass', summary: `${protocol}, ${v.summary}${old ? '; the protocol version is obsolete' : ''}`, evidence };
    return { status: 'fail', ...(v.cause ? { cause: v.cause } : {}), summary: v.summary, evidence };
  } catch (e) {
    stream.socket.destroy();
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    return { status: 'fail', cause: err.probeCause, summary: err.message, evidence: { connectMs, ...err.evidence } };
  }
}
