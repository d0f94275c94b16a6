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
  // The linter, when the build puts it in a file of its own (loaded after activation).
  /^extension\/dist\/services\.js$/,
  // The connectivity panel's page (browser bundle).
  /^extension\/dist\/webview\/panel\.js$/,
  /^extension\/media\/.+/,
  /^extension\/syntaxes\/[^/]+\.json$/,
  /^extension\/schemas\/opentok-readiness\.schema\.json$/,
];
const REQUIRED = ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/schemas/opentok-readiness.schema.json'];

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

test('the shipped bundle stays under 1 MB', () => {
  // The production build, as scripts/build.mjs --production makes it, measured in memory.
  const script = `require('esbuild').build({ entryPoints: ['src/extension/extension.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: ['vscode'], write: false, logLevel: 'silent' }).then((r) => console.log(r.outputFiles[0].contents.length))`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoPath(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const size = Number(r.stdout.trim());
  assert.ok(size > 10_000 && size < 1024 * 1024, `bundle is ${size} bytes`);
});
