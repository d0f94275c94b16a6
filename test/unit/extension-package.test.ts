// The VSIX holds only what ships: the bundle, media, grammars, the configuration
// schema, README, LICENSE, CHANGELOG and the manifest. Anything else fails here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../support/shared';

/** Entry names from a zip's central directory (APPNOTE.TXT 4.3.12, 4.3.16). */
function zipEntries(zip: Buffer): string[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'the VSIX is a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

const ALLOWED: readonly RegExp[] = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/LICENSE(\.txt)?$/,
  /^extension\/dist\/extension\.js$/,
  // The linter and the connectivity panel, loaded after activation.
  /^extension\/dist\/services\.js$/,
  // The connectivity panel's page (browser bundle).
  /^extension\/dist\/webview\/panel\.js$/,
  /^extension\/media\/.+/,
  /^extension\/syntaxes\/[^/]+\.json$/,
  /^extension\/schemas\/opentok-readiness\.schema\.json$/,
];
const REQUIRED = ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/services.js', 'extension/schemas/opentok-readiness.schema.json'];

test('the VSIX contains only what ships', { timeout: 120_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vsix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'opentok-readiness.vsix');
  const r = spawnSync(process.execPath, [repoPath('node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--skip-license', '-o', out], { cwd: repoPath(), encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce package failed: ${r.stderr}${r.stdout}`);
  const names = zipEntries(readFileSync(out)).filter((n) => !n.endsWith('/'));
  const unexpected = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
  assert.deepEqual(unexpected, [], 'nothing but what ships');
  for (const n of REQUIRED) assert.ok(names.includes(n), `${n} is in the VSIX (${names.join(', ')})`);
});

/** The production build of the extension's two files, as scripts/build.mjs --production makes them, in memory. */
function productionBundle(): { entry: string; services: number } {
  const script = `
    const esbuild = require('esbuild');
    const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, legalComments: 'none', external: ['vscode'], write: false, logLevel: 'silent' };
    const lazy = { name: 'lazy', setup(b) { b.onResolve({ filter: /^\\.\\/(services|panel)$/ }, () => ({ path: './services.js', external: true })); } };
    Promise.all([
      esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', plugins: [lazy] }),
      esbuild.build({ ...common, entryPoints: ['src/extension/services.ts'], outfile: 'dist/services.js' }),
    ]).then(([e, s]) => console.log(JSON.stringify({ entry: e.outputFiles[0].text, services: s.outputFiles[0].contents.length })));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoPath(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { entry: string; services: number };
}

test('the shipped bundle stays under 1 MB, and activation loads only a small entry file', { timeout: 120_000 }, () => {
  const { entry, services } = productionBundle();
  const entryBytes = Buffer.byteLength(entry);
  assert.ok(entryBytes > 1000 && entryBytes < 32 * 1024, `dist/extension.js is ${entryBytes} bytes`);
  assert.ok(services > 10_000, `dist/services.js is ${services} bytes`);
  assert.ok(entryBytes + services < 1024 * 1024, `the bundle is ${entryBytes + services} bytes`);
  // The entry requires the linter and the panel at run time rather than containing them.
  assert.match(entry, /require\("\.\/services\.js"\)/);
  assert.doesNotMatch(entry, /legacy-2013-ios-control/, 'the requirement catalog is not in the entry file');
});
