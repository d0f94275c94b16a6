import { performance } from 'node:perf_hooks';

/**
 * A bench section measures one part of the product and states its targets.
 * Sections report through the context; a missed target is printed, never
 * thrown: only an error in a section makes the bench exit non-zero.
 */
export interface BenchSection {
  readonly id: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<void> | void;
}

export interface TargetResult {
  readonly section: string;
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

export interface Timing {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Samples taken. */
  readonly iterations: number;
  /** Runs per sample (each sample is their mean). */
  readonly batch: number;
}

export interface MeasureOptions {
  readonly warmup?: number;
  readonly iterations?: number;
  /** Fewer runs when the first one shows the default count would take longer than this. */
  readonly budgetMs?: number;
  /**
   * measurePair only: no GC is forced between runs, and runs are timed in batches of about
   * this long (one run at least), each sample being a batch's mean. The collector's work is
   * then counted where it falls, as in a process that lints file after file.
   */
  readonly steadyBatchMs?: number;
}

export class BenchContext {
  readonly targets: TargetResult[] = [];
  private section = '';

  constructor(private readonly write: (line: string) => void = (l) => console.log(l)) {}

  enter(section: BenchSection): void {
    this.section = section.id;
  }

  log(line = ''): void {
    this.write(line);
  }

  /** Records a target and prints it with PASS or FAIL. */
  target(name: string, pass: boolean, detail: string): void {
    this.targets.push({ section: this.section, name, pass, detail });
    this.write(`  target  ${pass ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
  }

  /** Runs `fn` `warmup` times unmeasured, then `iterations` times; a GC before each measured run when exposed. */
  measure(fn: () => unknown, options: MeasureOptions = {}): Timing {
    let warmup = options.warmup ?? 3;
    let iterations = options.iterations ?? 9;
    const t = performance.now();
    let sink: unknown = fn();
    const first = performance.now() - t;
    // Keep a slow case to about half a minute, still with a median of at least three runs.
    if (first * (warmup + iterations) > (options.budgetMs ?? 30_000)) {
      warmup = 1;
      iterations = Math.max(3, Math.min(iterations, Math.floor((options.budgetMs ?? 30_000) / Math.max(first, 1))) | 1);
    }
    for (let i = 1; i < warmup; i++) sink = fn();
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      collectGarbage();
      const t0 = performance.now();
      sink = fn();
      times.push(performance.now() - t0);
    }
    keep(sink);
    return timing(times);
  }

  /**
   * Measures two functions whose times are to be compared, alternating them run by run
   * (a GC before each when exposed), so that a machine that slows down or speeds up
   * during the measurement weighs on both alike. Warmup and budget as in measure().
   */
  measurePair(a: () => unknown, b: () => unknown, options: MeasureOptions = {}): [Timing, Timing] {
    let warmup = options.warmup ?? 3;
    let iterations = options.iterations ?? 9;
    const t = performance.now();
    let sink: unknown = a();
    const t1 = performance.now();
    sink = b();
    const first = performance.now() - t;
    const steady = options.steadyBatchMs !== undefined;
    // Runs per batch: enough for the slower of the two to fill a batch.
    const batch = steady ? Math.max(1, Math.round(options.steadyBatchMs! / Math.max(t1 - t, performance.now() - t1, 1))) : 1;
    if (first * batch * (warmup + iterations) > (options.budgetMs ?? 30_000)) {
      // A slow pair still gets a second warm run: the first ones run while the engine compiles.
      warmup = Math.min(warmup, 2);
      iterations = Math.max(3, Math.min(iterations, Math.floor((options.budgetMs ?? 30_000) / Math.max(first * batch, 1)) - warmup) | 1);
    }
    for (let i = 1; i < warmup; i++) {
      sink = a();
      sink = b();
    }
    const ta: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < iterations; i++) {
      for (const [fn, times] of [[a, ta], [b, tb]] as const) {
        if (!steady) collectGarbage();
        const t0 = performance.now();
        for (let k = 0; k < batch; k++) sink = fn();
        times.push((performance.now() - t0) / batch);
      }
    }
    keep(sink);
    return [timing(ta, batch), timing(tb, batch)];
  }
}

function timing(times: number[], batch = 1): Timing {
  times.sort((x, y) => x - y);
  return { median: median(times), min: times[0]!, max: times[times.length - 1]!, iterations: times.length, batch };
}

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? sorted[(n - 1) >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

let kept: unknown;
/** Keeps a result alive so the engine cannot drop the work that made it. */
function keep(value: unknown): void {
  kept = value;
  void kept;
}

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
