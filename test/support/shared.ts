// The team's shared folder (seeds, notes, corpus, schemas) sits beside the clone.
// Tests that read it skip only when it is absent (a user's clone), never in CI.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

export const REPO = findRepo();

function findRepo(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export const SHARED = resolve(REPO, '..', 'shared');

/** The shared folder, or undefined after marking the test skipped; fails in CI when absent. */
export function sharedOrSkip(t: TestContext, ...parts: string[]): string | undefined {
  const p = join(SHARED, ...parts);
  if (existsSync(p)) return p;
  if (process.env.CI === 'true') throw new Error(`${p} is missing, and suites never skip in CI`);
  t.skip(`${p} is absent`);
  return undefined;
}

/** For suites that need root, a kernel feature or a Debian package: skip outside CI, fail inside. */
export function requireOrSkip(t: TestContext, ok: boolean, what: string): boolean {
  if (ok) return true;
  if (process.env.CI === 'true') throw new Error(`${what} is unavailable, and suites never skip in CI`);
  t.skip(`${what} is unavailable`);
  return false;
}

export function repoPath(...parts: string[]): string {
  return join(REPO, ...parts);
}
