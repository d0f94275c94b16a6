// The workspace scan's plan and loop, apart from VS Code: which of the files found are
// read (at most maxFiles, less those left out), and reading them one by one with
// progress, stopping at once when cancelled and yielding now and then so that the
// extension host stays responsive.

export interface ScanPlan<U> {
  readonly candidates: readonly U[];
  /** Found but left out (ignore globs, dependency folders, configuration files). */
  readonly leftOut: number;
  /** More files than maxFiles were found; the rest are not read. */
  readonly truncated: boolean;
}

/** `found` comes from a search limited to maxFiles + 1 results, so one more means there are more. */
export function planScan<U>(found: readonly U[], maxFiles: number, keep: (u: U) => boolean): ScanPlan<U> {
  const truncated = found.length > maxFiles;
  const first = found.slice(0, maxFiles);
  const candidates = first.filter(keep);
  return { candidates, leftOut: first.length - candidates.length, truncated };
}

export interface ScanSteps<U> {
  /** Lints one file: its problem count, or undefined when no format recognises it (or it cannot be read). */
  lint(uri: U): Promise<number | undefined>;
  isCancelled(): boolean;
  /** Progress as VS Code's withProgress takes it: increments summing to 100. */
  report(message: string, increment: number): void;
  label(uri: U): string;
  /** Lets other work run (setImmediate in the extension host). */
  yieldNow(): Promise<void>;
  now(): number;
}

export interface ScanCounts<U> {
  /** Files a format recognised. */
  readonly linted: readonly U[];
  readonly problems: number;
  readonly cancelled: boolean;
}

/** How long the loop may run before it yields, in milliseconds. */
export const SCAN_SLICE_MS = 30;

export async function runScan<U>(candidates: readonly U[], steps: ScanSteps<U>): Promise<ScanCounts<U>> {
  const linted: U[] = [];
  let problems = 0;
  let sliceStart = steps.now();
  for (const uri of candidates) {
    if (steps.isCancelled()) break;
    steps.report(steps.label(uri), 100 / candidates.length);
    const n = await steps.lint(uri);
    if (n !== undefined) {
      linted.push(uri);
      problems += n;
    }
    if (steps.now() - sliceStart > SCAN_SLICE_MS) {
      await steps.yieldNow();
      sliceStart = steps.now();
    }
  }
  return { linted, problems, cancelled: steps.isCancelled() };
}
