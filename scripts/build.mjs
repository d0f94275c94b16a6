// One esbuild script for everything that ships and everything that tests it:
//   node scripts/build.mjs [--production] [--watch] [--tests]
// dist/extension.js  the VS Code extension (Node, CommonJS, `vscode` external)
// dist/cli.js        the command-line tool (same core)
// dist/webview/panel.js  the connectivity panel's page (browser, IIFE; styles in media/panel.css)
// out/               test and benchmark bundles (with --tests)
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const tests = args.has('--tests');
// Test bundles go to out/ unless OPENTOK_OUT names another folder (parallel runs of different suites).
const outDir = process.env.OPENTOK_OUT ?? 'out';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

function walk(dir, pick) {
  let out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p, pick));
    else if (pick(p)) out.push(p);
  }
  return out;
}

// Activation loads only dist/extension.js. The linter and the connectivity panel are one
// file of their own, dist/services.js, which extension.js requires on first use (as
// './services' or './panel'), so that code is not even parsed while VS Code waits for activate().
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\/(services|panel)$/ }, () => ({ path: './services.js', external: true }));
  },
};
const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [lazyModules] },
  { ...common, entryPoints: ['src/extension/services.ts'], outfile: 'dist/services.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview/panel.js', platform: 'browser', format: 'iife', target: ['chrome114'] },
];
if (tests) {
  rmSync(outDir, { recursive: true, force: true });
  // test/electron: the runner and the mocha suite that @vscode/test-electron loads into VS Code.
  const entries = [...walk('test', (p) => p.endsWith('.test.ts')), ...walk('test/electron', (p) => p.endsWith('.ts')), ...walk('bench', (p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))];
  builds.push({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: entries.map((p) => ({ in: p, out: relative('.', p).replace(/\.ts$/, '') })),
    outdir: outDir,
    // Test tools stay outside the bundles; the code under test is bundled as it ships.
    external: ['vscode', 'fast-check', 'ajv', 'ajv-draft-04', 'playwright-core', '@vscode/test-electron', 'mocha'],
  });
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  try {
    chmodSync('dist/cli.js', 0o755);
  } catch {}
}
