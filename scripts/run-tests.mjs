// Runs a suite's bundled tests with node's test runner:
//   node scripts/run-tests.mjs unit|netns|all
// Tests are TypeScript under test/<suite>/, bundled by scripts/build.mjs --tests.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const suites = process.argv.slice(2);
if (suites.length === 0) suites.push('unit');
const built = spawnSync(process.execPath, ['scripts/build.mjs', '--tests'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.js') ? [p] : [];
  });
}
const outDir = process.env.OPENTOK_OUT ?? 'out';
const files = suites.flatMap((s) => (s === 'all' ? walk(join(outDir, 'test')) : walk(join(outDir, 'test', s)))).sort();
if (files.length === 0) {
  console.error(`no test files for ${suites.join(', ')}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
