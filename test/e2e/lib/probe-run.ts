// Runs the shipped CLI's `probe` inside the client namespace and reads its JSON report.
import type { ProbeReport } from '../../../src/core/probes/report';
import type { ProbeResult } from '../../../src/core/probes/types';
import { enterScenario, probeArgv, probeEnv, type Scenario } from './scenarios';
import type { World } from './world';

export interface ProbeRun {
  readonly exitCode: number | null;
  readonly report: ProbeReport;
  readonly wallMs: number;
  readonly stderr: string;
  /** Headline and one line per result: the message of a failed assertion. */
  readonly explain: string;
}

export async function runProbeIn(world: World, s: Scenario, timeoutMs = 60_000): Promise<ProbeRun> {
  const config = enterScenario(world, s);
  const r = await world.inClient(probeArgv(config), { env: probeEnv(s), timeoutMs });
  let report: ProbeReport;
  try {
    report = JSON.parse(r.stdout) as ProbeReport;
  } catch {
    throw new Error(`probe (${s.name}) printed no JSON report; exit ${String(r.status)}\nstdout: ${r.stdout.slice(0, 3000)}\nstderr: ${r.stderr.slice(0, 3000)}`);
  }
  return { exitCode: r.status, report, wallMs: r.ms, stderr: r.stderr, explain: explain(report) };
}

export function explain(report: ProbeReport): string {
  const lines = [`verdict: ${report.verdict.level} / ${report.verdict.path}: ${report.verdict.headline}`];
  for (const x of report.results) lines.push(`  ${x.status.padEnd(7)} ${x.label} ${x.cause ?? ''} (${Math.round(x.durationMs)} ms) ${x.summary}`);
  return lines.join('\n');
}

export function resultsOf(report: ProbeReport, pick: (r: ProbeResult) => boolean): ProbeResult[] {
  return report.results.filter(pick);
}
