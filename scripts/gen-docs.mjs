// Regenerates the documentation that comes from the catalog:
//   docs/requirements.md            the full catalog page
//   README.md (between markers)     the "what is checked" table
// A unit test fails when the committed copies are stale.
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const dir = mkdtempSync(join(tmpdir(), 'otr-docs-'));
const outfile = join(dir, 'catalog.cjs');
await esbuild.build({ entryPoints: ['src/core/report/catalog.ts'], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'warning' });
const { catalogMarkdown, catalogTable, README_START, README_END } = createRequire(import.meta.url)(outfile);
rmSync(dir, { recursive: true, force: true });

mkdirSync('docs', { recursive: true });
writeFileSync('docs/requirements.md', `${catalogMarkdown()}\n`);
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(README_START);
const end = readme.indexOf(README_END);
if (start < 0 || end < start) {
  console.error(`README.md lacks the markers ${README_START} … ${README_END}`);
  process.exit(1);
}
writeFileSync('README.md', `${readme.slice(0, start + README_START.length)}\n${catalogTable()}\n${readme.slice(end)}`);
console.log('docs/requirements.md and the README table are up to date');
