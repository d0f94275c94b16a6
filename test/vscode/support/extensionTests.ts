// Runs the mocha suite of test/electron (written for @vscode/test-electron) inside
// code-server's extension host: a small test-only extension, packaged here and never
// part of the product, requires the suite when the workbench has started and writes
// each result to a file this side reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../support/shared';
import type { CodeServer } from './codeServer';

export interface MochaResult {
  readonly passed: readonly string[];
  /** "full title: error" per failed test. */
  readonly failed: readonly string[];
  /** Set when the run itself failed (the suite did not load, or mocha reported failures). */
  readonly error?: string;
}

function runnerSource(suite: string, results: string): string {
  return `const fs = require('fs');
const results = ${JSON.stringify(results)};
const log = (line) => fs.appendFileSync(results, JSON.stringify(line) + '\\n');
exports.activate = function () {
  const Mocha = require(${JSON.stringify(repoPath('node_modules', 'mocha'))});
  const run = Mocha.prototype.run;
  Mocha.prototype.run = function (fn) {
    const runner = run.call(this, fn);
    runner.on('pass', (t) => log({ pass: t.fullTitle() }));
    runner.on('fail', (t, e) => log({ fail: t.fullTitle() + ': ' + (e && (e.stack || e.message)) }));
    return runner;
  };
  setTimeout(() => {
    Promise.resolve()
      .then(() => require(${JSON.stringify(suite)}).run())
      .then(() => log({ done: true }), (e) => log({ done: true, error: String(e && (e.stack || e.message)) }));
  }, 1000);
};
`;
}

/** Packages the runner for `suite` (the suite's index.js) and installs it; returns where results go. */
function installRunner(cs: CodeServer, suite: string): { results: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'opentok-mocha-runner-'));
  const ext = join(dir, 'extension');
  const results = join(dir, 'results.jsonl');
  mkdirSync(ext);
  writeFileSync(
    join(ext, 'package.json'),
    JSON.stringify({
      name: 'mocha-suite-runner',
      publisher: 'opentok-readiness-tests',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.90.0' },
      main: './index.js',
      activationEvents: ['onStartupFinished'],
      repository: { type: 'git', url: 'https://github.com/opentok-readiness/opentok-readiness.git' },
    }),
  );
  writeFileSync(join(ext, 'index.js'), runnerSource(suite, results));
  writeFileSync(join(ext, 'LICENSE'), 'MIT\n');
  writeFileSync(join(ext, 'README.md'), 'Runs a mocha suite in the extension host.\n');
  const vsix = join(dir, 'runner.vsix');
  const p = spawnSync(process.execPath, [repoPath('node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--skip-license', '-o', vsix], { cwd: ext, encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`packaging the mocha runner failed: ${p.stderr}${p.stdout}`);
  cs.installExtension(vsix);
  return { results, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Installs the runner, reloads the window so that it starts, and waits for the suite to finish. */
export async function runMochaSuite(cs: CodeServer, suite: string, timeoutMs = 5 * 60_000): Promise<MochaResult> {
  if (!existsSync(suite)) throw new Error(`${suite} is missing: build the tests first (node scripts/build.mjs --tests)`);
  const { results, cleanup } = installRunner(cs, suite);
  try {
    await cs.page.reload();
    await cs.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    const end = Date.now() + timeoutMs;
    for (;;) {
      const lines = existsSync(results)
        ? readFileSync(results, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { pass?: string; fail?: string; done?: boolean; error?: string })
        : [];
      const done = lines.find((l) => l.done);
      if (done) {
        return {
          passed: lines.flatMap((l) => (l.pass ? [l.pass] : [])),
          failed: lines.flatMap((l) => (l.fail ? [l.fail] : [])),
          ...(done.error ? { error: done.error } : {}),
        };
      }
      if (Date.now() > end) throw new Error(`the mocha suite did not finish in ${timeoutMs} ms; so far: ${JSON.stringify(lines)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    cleanup();
  }
}
