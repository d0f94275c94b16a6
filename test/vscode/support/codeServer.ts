// Starts a real VS Code (code-server) on loopback with the packaged extension and a
// copy of a fixture workspace, and a Debian Chromium driven by playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoPath } from '../../support/shared';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const VSIX = repoPath('opentok-readiness.vsix');
export const FIXTURE_WORKSPACE = repoPath('test/fixtures/workspace');

interface Installed {
  readonly node: string;
  readonly entry: string;
}

/** What the suite needs from the machine, or why it cannot run. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(CHROMIUM)) return `Chromium at ${CHROMIUM} (Debian package chromium)`;
  return undefined;
}

/** Installs code-server when missing (scripts/code-server.mjs, idempotent) and returns how to run it. */
export function ensureCodeServer(): Installed {
  const r = spawnSync(process.execPath, [repoPath('scripts/code-server.mjs'), 'install'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('code-server could not be installed: see the output above (node scripts/code-server.mjs install)');
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Installed;
}

/** Builds the production bundle and packages it with vsce into `target`. */
export function packageVsix(target: string): string {
  const b = spawnSync(process.execPath, [repoPath('scripts/build.mjs'), '--production'], { cwd: repoPath(), stdio: 'inherit' });
  if (b.status !== 0) throw new Error('the production build failed');
  const p = spawnSync(process.execPath, [repoPath('node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', target], { cwd: repoPath(), stdio: ['ignore', 'ignore', 'inherit'] });
  if (p.status !== 0) throw new Error('vsce package failed');
  return target;
}

/** Packages the extension when no VSIX is there (npm run test:vscode packages it first). */
export function ensureVsix(): string {
  return existsSync(VSIX) ? VSIX : packageVsix(VSIX);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartOptions {
  /** false: workspace trust on and the folder not trusted (Restricted Mode). */
  readonly trusted: boolean;
  /** User settings on top of the quiet defaults. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Files to add to the workspace copy, by relative path. */
  readonly extraFiles?: Readonly<Record<string, string>>;
  /** Files to leave out of the workspace copy, by relative path. */
  readonly removeFiles?: readonly string[];
  /** The VSIX to install; by default the repository's opentok-readiness.vsix (packaged when missing). */
  readonly vsix?: string;
}

/** Settings that keep the workbench quiet and its layout stable for the tests. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // Other programs listening on the machine must not raise port-forwarding notifications.
  'remote.autoForwardPorts': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'editor.hover.delay': 150,
  'editor.minimap.enabled': false,
  'problems.defaultViewMode': 'tree',
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
};

export class CodeServer {
  private constructor(
    readonly root: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    readonly url: string,
    private readonly server: ChildProcess,
    readonly browser: Browser,
    readonly page: Page,
    readonly log: () => string,
  ) {}

  static async start(options: StartOptions): Promise<CodeServer> {
    const installed = ensureCodeServer();
    const vsix = options.vsix ?? ensureVsix();
    const root = mkdtempSync(join(tmpdir(), 'opentok-vscode-'));
    const workspace = join(root, 'workspace');
    const userDataDir = join(root, 'user-data');
    const extensionsDir = join(root, 'extensions');
    cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
    for (const [rel, text] of Object.entries(options.extraFiles ?? {})) {
      mkdirSync(join(workspace, rel, '..'), { recursive: true });
      writeFileSync(join(workspace, rel), text);
    }
    for (const rel of options.removeFiles ?? []) rmSync(join(workspace, rel), { force: true, recursive: true });
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    const trust = options.trusted ? {} : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' };
    writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...options.settings }, null, 2));
    const configFile = join(root, 'config.yaml');
    writeFileSync(configFile, 'auth: none\ncert: false\n');
    const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
    // A copy: the repository's VSIX may be rewritten by a packaging run meanwhile.
    let report = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 3000));
      const copy = join(root, 'opentok-readiness.vsix');
      cpSync(vsix, copy);
      const inst = spawnSync(installed.node, [installed.entry, ...common, '--install-extension', copy], { encoding: 'utf8' });
      report = `${inst.stdout}${inst.stderr}`;
      if (inst.status === 0 && /successfully installed/.test(inst.stdout)) {
        report = '';
        break;
      }
    }
    if (report) throw new Error(`installing the VSIX failed: ${report}`);

    const port = await freePort();
    const args = [installed.entry, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override'];
    if (options.trusted) args.push('--disable-workspace-trust');
    args.push(workspace);
    let output = '';
    const server = spawn(installed.node, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${output}`)), 60_000);
      const check = (): void => {
        if (/HTTP server listening/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout!.on('data', check);
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited with ${code}:\n${output}`));
      });
    });

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1600 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
    const page = await context.newPage();
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    return new CodeServer(root, workspace, userDataDir, extensionsDir, url, server, browser, page, () => output);
  }

  /** Installs another VSIX into this code-server (it starts with the next window). */
  installExtension(vsix: string): void {
    const installed = ensureCodeServer();
    const r = spawnSync(installed.node, [installed.entry, '--config', join(this.root, 'config.yaml'), '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir, '--install-extension', vsix], {
      encoding: 'utf8',
    });
    if (r.status !== 0 || !/successfully installed/.test(r.stdout)) throw new Error(`installing ${vsix} failed: ${r.stdout}${r.stderr}`);
  }

  /** Saves a screenshot under test-results/ (for failures). */
  async screenshot(name: string): Promise<string> {
    const dir = repoPath('test-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    return file;
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    if (this.server.exitCode === null) {
      const exited = new Promise((r) => this.server.once('exit', r));
      this.server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.server.exitCode === null) this.server.kill('SIGKILL');
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
