// TCP connect: success, refused (a reset: rejected), dropped (no answer) or unreachable.
import type { ProbeSpec } from '../core/probes/types';
import { ms, pickAddress, type Outcome, type ProbeContext } from './context';
import { connectTcp, ProbeError } from './net';

export async function probeTcp(spec: ProbeSpec, ctx: ProbeContext, signal: AbortSignal): Promise<Outcome> {
  const host = spec.host ?? '';
  const port = spec.port ?? 0;
  const r = await resolveOrUnknown(ctx, host, signal);
  if ('status' in r) return r;
  const t0 = performance.now();
  try {
    const socket = await connectTcp(r.address, port, signal);
    socket.destroy();
    const connectMs = ms(performance.now() - t0);
    return { status: 'pass', summary: `connected in ${connectMs} ms`, evidence: { address: r.address, port, connectMs } };
  } catch (e) {
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    const what =
      err.probeCause === 'refused' ? 'refused (TCP reset): rejected by a firewall, or nothing listens'
      : err.probeCause === 'dropped' ? `no answer in ${Math.round(performance.now() - t0)} ms: dropped by a firewall`
      : err.probeCause === 'unreachable' ? 'unreachable: no route to the host'
      : err.message;
    return { status: 'fail', cause: err.probeCause, summary: what, evidence: { address: r.address, port, afterMs: ms(performance.now() - t0), ...err.evidence } };
  }
}

/** The address to use, or an `unknown` outcome when the name does not resolve (the DNS probe reports why). */
export async function resolveOrUnknown(ctx: ProbeContext, host: string, signal: AbortSignal): Promise<{ address: string } | Outcome> {
  try {
    const res = await ctx.resolve(host, signal);
    const address = pickAddress(res.addresses);
    if (address) return { address };
    return { status: 'unknown', cause: 'nxdomain', summary: `not tried: ${host} has no address`, evidence: {} };
  } catch (e) {
    const err = e instanceof ProbeError ? e : new ProbeError('internal', String(e));
    if (err.probeCause === 'cancelled') throw err;
    return { status: 'unknown', cause: err.probeCause, summary: `not tried: ${err.message}`, evidence: {} };
  }
}
