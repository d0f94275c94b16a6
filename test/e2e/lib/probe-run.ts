// Runs the shipped CLI's `probe` inside the client namespace and reads its JSON report.
import type { ProbeReport } from '../../../src/core/probes/report';
import type { ProbeResult } from '../../../src/core/probes/types';
import { enterScenario, probeArgv, probeEnv, type Scenario } from './scenarios';
import type { World } from './world';

export interface ProbeRun {
  readonly exitCode: number | null;
  readonly report: ProbeReport;
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Headline and one line per result: the message of a failed assertion. */
  readonly explain: string;
}

export interface RawRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** The CLI in the scenario's network, in any format, with extra arguments (e.g. `--lint file`). */
export async function runCliIn(world: World, s: Scenario, format: 'json' | 'text' | 'markdown' | 'html', extra: readonly string[] = [], timeoutMs = 60_000): Promise<RawRun> {
  const config = enterScenario(world, s);
  const r = await world.inClient(probeArgv(config, format, extra), { env: probeEnv(s), timeoutMs });
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr, wallMs: r.ms };
}

export async function runProbeIn(world: World, s: Scenario, extra: readonly string[] = [], timeoutMs = 60_000): Promise<ProbeRun> {
  const r = await runCliIn(world, s, 'json', extra, timeoutMs);
  let report: ProbeReport;
  try {
    report = JSON.parse(r.stdout) as ProbeReport;
  } catch {
    throw new Error(`probe (${s.name}) printed no JSON report; exit ${String(r.exitCode)}\nstdout: ${r.stdout.slice(0, 3000)}\nstderr: ${r.stderr.slice(0, 3000)}`);
  }
  return { exitCode: r.exitCode, report, wallMs: r.wallMs, stdout: r.stdout, stderr: r.stderr, explain: explain(report) };
}

export function explain(report: ProbeReport): string {
  const lines = [`verdict: ${report.verdict.level} / ${report.verdict.path}: ${report.verdict.headline}`];
  for (const x of report.results) lines.push(`  ${x.status.padEnd(7)} ${x.label} ${x.cause ?? ''} (${Math.round(x.durationMs)} ms) ${x.summary}`);
  return lines.join('\n');
}

export function resultsOf(report: ProbeReport, pick: (r: ProbeResult) => boolean): ProbeResult[] {
  return report.results.filter(pick);
}

/**
 * Runs the shipped CLI's main() inside the client namespace from a small wrapper that,
 * once the command has returned and its output is written, lists the handles still
 * open (sockets, timers…) beyond those it had before: the run must leave none.
 */
export async function runWithLeftovers(world: World, s: Scenario): Promise<{ exitCode: number | null; report: ProbeReport; leftovers: string[]; stderr: string }> {
  const config = enterScenario(world, s);
  const [node, cli, ...args] = probeArgv(config);
  const code = `
const { main } = require(${JSON.stringify(cli)});
const count = () => { const m = {}; for (const r of process.getActiveResourcesInfo()) m[r] = (m[r] || 0) + 1; return m; };
const io = {
  stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, color: false, isTTY: false,
  write: (st, t) => new Promise((res, rej) => (t ? st.write(t, (e) => (e ? rej(e) : res())) : res())),
  writeFile: async () => { throw new Error('unused'); },
};
// After process.stdout and process.stderr exist: their pipes are the wrapper's, not the run's.
const before = count();
main(${JSON.stringify(args)}, io).then((exit) => {
  // Closed sockets release their handles within a few turns of the loop.
  let tries = 0;
  const check = () => {
    const now = count();
    const extra = Object.entries(now).filter(([k, n]) => n > (before[k] || 0) + (k === 'Timeout' ? 1 : 0)).map(([k, n]) => k + ' x' + (n - (before[k] || 0)));
    if (extra.length && ++tries < 20) return setTimeout(check, 50);
    process.stderr.write('LEFTOVERS ' + JSON.stringify(extra) + '\\n');
    process.exitCode = exit;
  };
  setTimeout(check, 50);
});`;
  const r = await world.inClient([node!, '-e', code], { env: probeEnv(s), timeoutMs: 60_000 });
  const m = /LEFTOVERS (\[.*\])/.exec(r.stderr);
  let report: ProbeReport;
  try {
    report = JSON.parse(r.stdout) as ProbeReport;
  } catch {
    throw new Error(`no JSON report (${s.name}); exit ${String(r.status)}\nstderr: ${r.stderr.slice(0, 3000)}`);
  }
  if (!m) throw new Error(`the wrapper did not report (${s.name}); exit ${String(r.status)}\nstderr: ${r.stderr.slice(0, 3000)}`);
  return { exitCode: r.status, report, leftovers: JSON.parse(m[1]!) as string[], stderr: r.stderr };
}
