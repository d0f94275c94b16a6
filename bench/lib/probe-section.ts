// Live probing against the seeds' way of checking a network: on the all-UDP-dropped
// network (network namespaces, real coturn, Squid, dnsmasq and HTTPS/WebSocket servers;
// root only), the full `opentok-readiness probe` against seed 001's sequential `nc`
// script over the same stand-in hosts, then the full probe on the open network.
import { readFileSync } from 'node:fs';
import type { ProbeReport } from '../../src/core/probes/report';
import { run, which } from '../../test/e2e/lib/exec';
import { missingPrerequisites } from '../../test/e2e/lib/prereq';
import { setupAllUdpDropped, type UdpDroppedSetup } from '../../test/e2e/lib/udp-dropped';
import { type BenchContext, type BenchSection, median } from './section';

/** Targets from the product's definition of done. */
export const SPEEDUP_TARGET = 10;
export const OPEN_NETWORK_TARGET_MS = 3000;
/** Runs of our probe per network; the median is reported (the nc script runs once: it takes half a minute). */
const PROBE_RUNS = 3;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timeProbe(setup: UdpDroppedSetup): Promise<{ ms: number; report: ProbeReport }> {
  const r = await setup.world.inClient(setup.probeArgv, { env: setup.env, timeoutMs: 120_000 });
  let report: ProbeReport;
  try {
    report = JSON.parse(r.stdout) as ProbeReport;
  } catch {
    throw new Error(`the probe printed no report (exit ${String(r.status)}): ${r.stderr.slice(0, 2000)}`);
  }
  return { ms: r.ms, report };
}

async function medianProbe(setup: UdpDroppedSetup): Promise<{ ms: number; all: number[]; report: ProbeReport }> {
  const all: number[] = [];
  let report: ProbeReport | undefined;
  for (let i = 0; i < PROBE_RUNS; i++) {
    const r = await timeProbe(setup);
    all.push(r.ms);
    report = r.report;
  }
  return { ms: median([...all].sort((a, b) => a - b)), all, report: report! };
}

const isOpenBsdNc = (): boolean => Boolean(which('nc')) && /OpenBSD netcat/.test(run('nc', ['-h']).stderr + run('nc', ['-h']).stdout);

/**
 * Why the section cannot run here, or undefined: root, the e2e suite's Debian packages,
 * and the netcat the seed's script was written for (netcat-openbsd), installed with
 * apt-get when missing, as the e2e suite installs its own packages.
 */
function unavailable(): string | undefined {
  const missing = missingPrerequisites();
  if (missing) return missing;
  if (!isOpenBsdNc()) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = run('apt-get', ['install', '-y', '--no-install-recommends', 'netcat-openbsd'], { timeoutMs: 600_000, env });
    if (r.status !== 0) {
      run('apt-get', ['update', '-q'], { timeoutMs: 300_000, env });
      r = run('apt-get', ['install', '-y', '--no-install-recommends', 'netcat-openbsd'], { timeoutMs: 600_000, env });
    }
    if (!isOpenBsdNc()) return `nc from Debian's netcat-openbsd (apt-get install failed: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''})`;
  }
  return undefined;
}

export const probeSection: BenchSection = {
  id: 'probe',
  title: 'Live probe vs the seeds\' sequential nc script, all UDP dropped (network namespaces)',
  async run(ctx: BenchContext) {
    const why = unavailable();
    if (why) {
      // Missing dependencies fail in CI; elsewhere the targets are reported as not measured.
      if (process.env.CI === 'true') throw new Error(`${why} is unavailable, and the bench never skips in CI`);
      ctx.log(`  not measured: ${why} is unavailable`);
      ctx.target(`full probe >= ${SPEEDUP_TARGET}x faster than the nc script (all UDP dropped)`, false, `not measured (${why})`);
      ctx.target(`open network fully probed < ${OPEN_NETWORK_TARGET_MS / 1000} s`, false, `not measured (${why})`);
      ctx.log();
      return;
    }
    const setup = await setupAllUdpDropped();
    try {
      // All UDP dropped at the perimeter: our probe, then seed 001's script on the same hosts.
      setup.dropUdp();
      const ours = await medianProbe(setup);
      const v = ours.report.verdict;
      const cfg = JSON.parse(readFileSync(setup.configFile, 'utf8')) as { probe: { timeoutMs: number; stunRtoMs: number } };
      ctx.log(`  opentok-readiness probe   ${ours.report.results.length} probes, median ${seconds(ours.ms)} wall (${ours.all.map(seconds).join(', ')}), process start to exit`);
      ctx.log(`                            timeout ${cfg.probe.timeoutMs} ms per probe, STUN RTO ${cfg.probe.stunRtoMs} ms (the e2e scenario's configuration)`);
      ctx.log(`                            verdict: ${v.headline}`);
      const nc = await setup.world.inClient(['sh', '-c', setup.ncScript], { timeoutMs: 900_000 });
      const said = (udp: boolean): number => (nc.stdout + nc.stderr).split('\n').filter((l) => l.includes(udp ? '[udp/' : '[tcp/') && l.includes('succeeded!')).length;
      ctx.log(`  seed 001 nc script        ${setup.ncChecks.tcp} TCP + ${setup.ncChecks.udp} UDP checks, one after another: ${seconds(nc.ms)} wall`);
      ctx.log(`                            nc said "succeeded" for ${said(false)} of ${setup.ncChecks.tcp} TCP and ${said(true)} of ${setup.ncChecks.udp} UDP checks, though every UDP datagram is dropped`);
      const ratio = nc.ms / ours.ms;
      ctx.log(`  ratio                     ${ratio.toFixed(1)}x`);
      ctx.target(`full probe >= ${SPEEDUP_TARGET}x faster than the nc script (all UDP dropped)`, ratio >= SPEEDUP_TARGET, `${ratio.toFixed(1)}x (${seconds(nc.ms)} / ${seconds(ours.ms)})`);
      if (v.level !== 'degraded' || v.path !== 'turn-tls') ctx.log(`  note: expected a degraded verdict relayed over TURN TLS, got ${v.level} / ${v.path}`);

      // The open network, same configuration and targets.
      setup.openNetwork();
      const open = await medianProbe(setup);
      ctx.log(`  open network              ${open.report.results.length} probes, median ${seconds(open.ms)} wall (${open.all.map(seconds).join(', ')}); verdict: ${open.report.verdict.headline}`);
      ctx.target(`open network fully probed < ${OPEN_NETWORK_TARGET_MS / 1000} s`, open.ms < OPEN_NETWORK_TARGET_MS, `${seconds(open.ms)} wall, process start to exit`);
      if (open.report.verdict.level !== 'ready') ctx.log(`  note: expected ready on the open network, got ${open.report.verdict.level}`);
      ctx.log();
    } finally {
      await setup.stop();
    }
  },
};
