// One code-server per describe block, with a screenshot under test-results/ for
// every step that fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { CodeServer, missingPrerequisite, type StartOptions } from './codeServer';
import { expectedFindings, type Expected } from './expectations';
import { Workbench } from './workbench';

export interface Session {
  cs: CodeServer;
  wb: Workbench;
}

/** Why the suite cannot run here; in CI (CI=true) nothing may be missing. */
export function skipReason(): string | false {
  const missing = missingPrerequisite();
  if (!missing) return false;
  if (process.env.CI === 'true') throw new Error(`${missing} is unavailable, and suites never skip in CI`);
  return `${missing} is unavailable`;
}

export async function startSession(options: StartOptions): Promise<Session> {
  const cs = await CodeServer.start(options);
  return { cs, wb: new Workbench(cs.page) };
}

/** Runs a step; on failure saves a screenshot named after the test and rethrows. */
export async function step<T>(s: Session | undefined, t: TestContext, fn: (s: Session) => Promise<T>): Promise<T> {
  if (!s) throw new Error('code-server did not start');
  try {
    return await fn(s);
  } catch (e) {
    const shot = await s.cs.screenshot(t.name);
    const log = s.cs.log().split('\n').slice(-20).join('\n');
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { message: `${(e as Error).message}\nscreenshot: ${shot}\ncode-server log (tail):\n${log}` });
  }
}

export function expectationsOf(workspace: string, relativePath: string): Expected[] {
  return expectedFindings(readFileSync(join(workspace, relativePath), 'utf8'));
}
