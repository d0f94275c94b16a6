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
