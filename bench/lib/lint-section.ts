import { performance } from 'node:perf_hooks';
import { lintText } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../../src/core/config/types';
import { formatById } from '../../src/core/formats/registry';
import type { SourceFile } from '../../src/core/model/source';
import { PROFILES } from '../../src/core/requirements/types';
import { generateBlockList, generateIptablesSave, generateNetworkPolicies } from './generate';
import { type BenchContext, type BenchSection, collectGarbage, median, mib, ms } from './section';

/** Targets from the product's definition of done. */
export const RATIO_TARGET = 1.5;
export const IPTABLES_RULES = 5000;
export const IPTABLES_TARGET_MS = 100;
export const NETWORK_POLICY_DOCUMENTS = 2000;
/** Runs are timed in batches of about this long (see measurePair). */
const STEADY_BATCH_MS = 400;
/**
 * Batches per file with a target, fewer when they would take over a minute. The machine's
 * speed drifts over a run; the more batches, the less one slow stretch moves a median.
 */
const TARGET_BATCHES = 25;
/** Not a target: how a long list of single-host rules scales. */
export const BLOCK_LIST_HOSTS = 20_000;

/** Every profile, and a custom TURN server so the custom-turn requirement has a flow to check. */
export const ALL_PROFILES_CONFIG: ReadinessConfig = {
  ...DEFAULT_CONFIG,
  profiles: PROFILES,
  turnServers: [
    { host: '203.0.113.10', port: 3478, transport: 'udp' },
    { host: 'turn.example.com', port: 443, transport: 'tls' },
  ],
};

interface Case {
  readonly label: string;
  readonly formatId: string;
  readonly file: SourceFile;
  readonly size: string;
  /** The absolute parse+evaluate bound, when the target names one. */
  readonly absoluteMs?: number;
  /** Reported only: no target names this file. */
  readonly reportOnly?: boolean;
}

function retainedHeap(make: () => unknown): { bytes: number; value: unknown } {
  // Twice: what one collection leaves for the next (weak entries, finalizers) is gone before
  // either reading, so that the difference is what the value keeps alive.
  collectGarbage();
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const value = make();
  collectGarbage();
  collectGarbage();
  return { bytes: process.memoryUsage().heapUsed - before, value };
}

/**
 * A finding's fixes are made when first read (an editor reads those at the cursor), so the
 * lint times hold none of them: this is the time to read every finding's fixes after a lint.
 */
function fixTime(lint: () => ReturnType<typeof lintText>): { count: number; median: number; runs: number } {
  const times: number[] = [];
  let count = 0;
  const runs = 5;
  for (let i = 0; i < runs; i++) {
    const result = lint();
    const t0 = performance.now();
    count = 0;
    for (const f of result.findings) count += f.fixes?.length ?? 0;
    times.push(performance.now() - t0);
  }
  return { count, median: median(times.sort((a, b) => a - b)), runs };
}

export const lintSection: BenchSection = {
  id: 'lint',
  title: 'Linting: parse alone vs parse and evaluate every requirement (all profiles)',
  run(ctx: BenchContext) {
    const ipt = generateIptablesSave(IPTABLES_RULES);
    const k8s = generateNetworkPolicies(NETWORK_POLICY_DOCUMENTS);
    const blocks = generateBlockList(BLOCK_LIST_HOSTS);
    const cases: Case[] = [
      {
        label: `iptables-save, ${ipt.rules} rules`,
        formatId: 'iptables-save',
        file: { path: 'bench/gateway.rules', text: ipt.text },
        size: `${ipt.lines} lines, ${(ipt.text.length / 1024).toFixed(0)} KiB`,
        absoluteMs: IPTABLES_TARGET_MS,
      },
      {
        label: `NetworkPolicy, ${k8s.documents} documents`,
        formatId: 'k8s-networkpolicy',
        file: { path: 'bench/tenants.yaml', text: k8s.text },
        size: `${k8s.lines} lines, ${(k8s.text.length / 1024).toFixed(0)} KiB`,
      },
      {
        label: `block list, ${blocks.rules} rules for ${BLOCK_LIST_HOSTS} single hosts`,
        formatId: 'iptables-save',
        file: { path: 'bench/threats.rules', text: blocks.text },
        size: `${blocks.lines} lines, ${(blocks.text.length / 1024).toFixed(0)} KiB`,
        reportOnly: true,
      },
    ];
    for (const c of cases) {
      const format = formatById(c.formatId);
      if (!format) throw new Error(`format ${c.formatId} is not registered`);
      ctx.log(`  ${c.label} (${c.size})`);
      // What each result keeps alive, measured first and then let go, so that the timings
      // below run in a heap that holds no earlier result.
      const heap = { parse: 0, lint: 0 };
      const policies = ((): number => {
        const parsed = retainedHeap(() => format.parse(c.file));
        const linted = retainedHeap(() => lintText(c.file, ALL_PROFILES_CONFIG, c.formatId));
        heap.parse = parsed.bytes;
        heap.lint = linted.bytes;
        const parseResult = parsed.value as ReturnType<typeof format.parse>;
        const lintResult = linted.value as ReturnType<typeof lintText>;
        const verdicts = lintResult.findings.filter((f) => f.verdict).length;
        ctx.log(`    ${parseResult.policies.length} policies, ${parseResult.diagnostics.length} diagnostics; ${lintResult.findings.length} findings, ${verdicts} with a verdict`);
        return parseResult.policies.length;
      })();
      if (policies === 0) ctx.log('    note: the parser returned no policy, so nothing was evaluated');

      // Alternated batch by batch, so that both see the machine alike: the ratio is of one run's
      // medians. No GC is forced between runs: each pays for the collection its allocation
      // brings, where it falls, as when file after file is linted.
      const parseOnce = () => format.parse(c.file);
      const lintOnce = () => lintText(c.file, ALL_PROFILES_CONFIG, c.formatId);
      const [parse, lint] = ctx.measurePair(parseOnce, lintOnce, { iterations: c.reportOnly ? 5 : TARGET_BATCHES, steadyBatchMs: STEADY_BATCH_MS, budgetMs: c.reportOnly ? 30_000 : 60_000 });
      const ratio = lint.median / parse.median;
      const runs = (t: typeof parse) => `${t.iterations} batches of ${t.batch} run${t.batch === 1 ? '' : 's'}`;
      ctx.log(`    parse alone          median ${ms(parse.median)}  (min ${ms(parse.min)}, max ${ms(parse.max)}, ${runs(parse)})`);
      ctx.log(`    parse + evaluate     median ${ms(lint.median)}  (min ${ms(lint.min)}, max ${ms(lint.max)}, ${runs(lint)})`);
      ctx.log(`    ratio                ${ratio.toFixed(2)}`);
      if (!c.reportOnly) {
        // Shown, with no target: each run alone, right after a forced full GC. Both runs are
        // slower so, evaluation most, and the ratio moves with where the young-generation
        // collections fall.
        const [coldParse, coldLint] = ctx.measurePair(parseOnce, lintOnce, { iterations: 9 });
        ctx.log(
          `    after a forced GC    parse ${ms(coldParse.median)}, parse + evaluate ${ms(coldLint.median)}, ratio ${(coldLint.median / coldParse.median).toFixed(2)} (medians of ${coldParse.iterations}; no target)`,
        );
      }
      ctx.log(`    heap retained        parse result ${mib(heap.parse)}, lint result ${mib(heap.lint)}`);
      const fixes = fixTime(lintOnce);
      ctx.log(`    fixes                ${fixes.count} made when first read, after the lint: median ${ms(fixes.median)} (${fixes.runs} runs; not in the times above)`);
      if (c.reportOnly) {
        ctx.log('    no target: shown for how a long list of single-host rules scales');
        ctx.log();
        continue;
      }
      const empty = policies === 0 ? ' — not meaningful: nothing was evaluated' : '';
      ctx.target(`${c.label}: parse+evaluate / parse <= ${RATIO_TARGET}`, empty === '' && ratio <= RATIO_TARGET, `${ratio.toFixed(2)} (${ms(lint.median)} / ${ms(parse.median)})${empty}`);
      if (c.absoluteMs !== undefined) {
        ctx.target(`${c.label}: parse+evaluate < ${c.absoluteMs} ms`, lint.median < c.absoluteMs, ms(lint.median));
      }
      ctx.log();
    }
  },
};
