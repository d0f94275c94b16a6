// Small process helpers for the e2e suite: commands in the root namespace or in a
// network namespace, daemons with their output kept for failure messages.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; never throws (the caller decides what a status means). */
export function run(cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    env: opts.env ?? process.env,
    maxBuffer: 32 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') };
}

/** Runs a command and throws with its output when it fails: for setup steps that must work. */
export function must(cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${String(r.status)}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Runs a command to completion without blocking the event loop (servers of this process keep answering). */
export function runAsync(cmd: string, args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs ?? 120_000} ms]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.on('error', (e) => (stderr += `\n${e.message}`));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function which(bin: string): string | undefined {
  const r = run('sh', ['-c', `command -v ${bin}`]);
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

/** A long-running program; its output is kept (bounded) to explain a failure. */
export class Daemon {
  readonly child: ChildProcess;
  private out = '';
  private exited: number | null | undefined;

  constructor(
    readonly name: string,
    cmd: string,
    args: readonly string[],
  ) {
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer): void => {
      this.out = (this.out + d.toString('utf8')).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('exit', (code) => (this.exited = code));
    this.child.on('error', (e) => {
      this.out += `\n${e.message}`;
      this.exited = -1;
    });
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  get output(): string {
    return this.out;
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.alive || this.child.pid === undefined) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until check() is true or the time is up. */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000, explain?: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${explain ? `\n${explain()}` : ''}`);
}
