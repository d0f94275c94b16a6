// npm run bench: every section in SECTIONS, in order, in one process.
// A missed target prints FAIL but does not fail the run; an error does (exit 1).
import { editorSection } from './lib/editor-section';
import { lintSection } from './lib/lint-section';
import { probeSection } from './lib/probe-section';
import { BenchContext, type BenchSection, collectGarbage, mib } from './lib/section';

export type { BenchSection } from './lib/section';
export { BenchContext } from './lib/section';

/** Sections run in this order; add a section by adding it here. */
export const SECTIONS: BenchSection[] = [lintSection, editorSection, probeSection];

export async function runBench(sections: readonly BenchSection[], only?: ReadonlySet<string>): Promise<{ ctx: BenchContext; errors: number }> {
  const ctx = new BenchContext();
  let errors = 0;
  ctx.log(`opentok-readiness bench — node ${process.version}, ${process.platform}/${process.arch}${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: heap figures include garbage)'}`);
  ctx.log();
  for (const s of sections) {
    if (only && only.size > 0 && !only.has(s.id)) continue;
    ctx.enter(s);
    ctx.log(`[${s.id}] ${s.title}`);
    try {
      await s.run(ctx);
    } catch (e) {
      errors++;
      ctx.log(`  ERROR  ${(e as Error).stack ?? String(e)}`);
      ctx.log();
    }
  }
  collectGarbage();
  const mem = process.memoryUsage();
  ctx.log(`heap used ${mib(mem.heapUsed)} (heap total ${mib(mem.heapTotal)}, rss ${mib(mem.rss)})`);
  const failed = ctx.targets.filter((t) => !t.pass);
  ctx.log();
  ctx.log(`targets: ${ctx.targets.length - failed.length} of ${ctx.targets.length} met${failed.length ? '; missed:' : ''}`);
  for (const t of failed) ctx.log(`  FAIL  [${t.section}] ${t.name}: ${t.detail}`);
  if (errors > 0) ctx.log(`${errors} section(s) failed with an error`);
  return { ctx, errors };
}

if (require.main === module) {
  // Optional section ids on the command line run only those: node out/bench/run.js lint
  const only = new Set(process.argv.slice(2));
  runBench(SECTIONS, only).then(
    ({ errors }) => {
      process.exitCode = errors > 0 ? 1 : 0;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
