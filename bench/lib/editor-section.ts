// The extension in a real VS Code: code-server in Debian Chromium, the VSIX packaged
// from the sources (test/vscode/bench.ts does the measuring).
import { skipReason } from '../../test/vscode/support/session';
import { benchVscode, bundleBreakdown } from '../../test/vscode/bench';
import type { BenchContext, BenchSection } from './section';

/** Targets from the editor's definition of done. */
export const ACTIVATION_TARGET_MS = 50;
export const AFTER_DEBOUNCE_TARGET_MS = 100;
export const BUNDLE_LIMIT_BYTES = 1024 * 1024;

export const editorSection: BenchSection = {
  id: 'editor',
  title: 'Editor: activation, edit to diagnostics and bundle size in VS Code (code-server + Chromium)',
  async run(ctx: BenchContext) {
    // Outside CI a machine without Chromium reports why; in CI (CI=true) this throws.
    const skip = skipReason();
    if (skip) {
      ctx.log(`  not measured: ${skip}`);
      ctx.log();
      return;
    }
    const b = await benchVscode();
    ctx.log(`  activation (VS Code's figure: code loading + activate), samples ${b.activationSamplesMs.join(', ')} ms`);
    ctx.log(`  keystroke to updated problems on a ${b.lines}-line iptables-save file, samples ${b.editToDiagnosticsMs.join(', ')} ms (debounce ${b.debounceMs} ms; first edits, not sampled: ${b.warmupEditsMs.join(', ')} ms)`);
    ctx.log(`  shipped JavaScript in the installed VSIX ${(b.bundleBytes / 1024).toFixed(1)} KiB: ${bundleBreakdown(b)}`);
    ctx.target(`activation < ${ACTIVATION_TARGET_MS} ms`, b.activationMs < ACTIVATION_TARGET_MS, `${b.activationMs} ms (median; fastest ${b.activationMinMs} ms)`);
    ctx.target(
      `diagnostics within ${AFTER_DEBOUNCE_TARGET_MS} ms of the debounce ending (${b.lines} lines)`,
      b.afterDebounceMs < AFTER_DEBOUNCE_TARGET_MS,
      `${b.afterDebounceMs.toFixed(0)} ms after the ${b.debounceMs} ms debounce (median)`,
    );
    ctx.target(`bundle < ${BUNDLE_LIMIT_BYTES / 1024} KiB (WebAssembly aside)`, b.bundleBytes < BUNDLE_LIMIT_BYTES, `${(b.bundleBytes / 1024).toFixed(1)} KiB`);
    ctx.log();
  },
};
