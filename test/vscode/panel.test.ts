// The connectivity panel in a real VS Code (code-server): the command opens it, the
// probes run against a closed loopback port (fast and the same on every machine), the
// verdict and the rows show in the webview, the report exports through the save
// dialog, and the status bar keeps the verdict.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { expectationsOf, skipReason, startSession, step, type Session } from './support/session';
import { STATUS_ITEM } from './support/workbench';

const STATUS = '[id="opentok-readiness.opentok-readiness.opentokReadiness.connectivity"]';

/** A loopback TCP port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** The page inside the webview's two frames. */
function panelFrame(s: Session): FrameLocator {
  return s.cs.page.frameLocator('iframe.webview').frameLocator('#active-frame');
}

describe('VS Code: connectivity panel', { skip: skipReason(), timeout: 15 * 60_000 }, () => {
  let s: Session | undefined;
  let port = 0;
  before(async () => {
    port = await closedPort();
    const target = `127.0.0.1:${port}`;
    s = await startSession({
      trusted: true,
      settings: {
        'opentokReadiness.probe.targets': {
          api: [`https://${target}/`],
          logging: [],
          websocket: [`wss://${target}/`],
          stun: [target],
          turn: [],
          customTurn: [`turn:${target}?transport=tcp`],
          certificateStatus: [],
        },
        'opentokReadiness.probe.timeoutMs': 1000,
        'opentokReadiness.probe.proxy': 'none',
      },
    });
  }, { timeout: 15 * 60_000 });
  after(async () => {
    await s?.cs.stop();
  });

  it('"Check OpenTok connectivity" opens the panel and shows the verdict', (t) =>
    step(s, t, async (session) => {
      // The palette lists the extension's commands once the extension host has read its manifest.
      await session.wb.until('the command in the palette', async () => session.wb.runCommand('OpenTok: Check OpenTok connectivity').then(() => true), 90_000);
      await session.cs.page.locator('.tabs-container .tab', { hasText: 'OpenTok connectivity' }).waitFor({ timeout: 30_000 });
      const frame = panelFrame(session);
      const headline = frame.locator('.verdict[data-level="blocked"] .headline');
      await headline.waitFor({ timeout: 60_000 });
      assert.match(await headline.innerText(), /^Blocked: the API and signalling servers cannot be reached on TCP 443/);
      const labels = await frame.locator('button.row-toggle').allInnerTexts();
      assert.ok(labels.includes(`TCP 127.0.0.1:${port}`), labels.join(', '));
      assert.ok(labels.includes(`WebSocket upgrade wss://127.0.0.1:${port}/`));
      assert.equal(await frame.locator(`li.row[data-status="fail"]`).first().isVisible(), true);
      const tcp = frame.locator('li.row', { hasText: `TCP 127.0.0.1:${port}` }).first();
      assert.match(await tcp.innerText(), /refused/);
      // The page took VS Code's theme.
      const bg = await frame.locator('body').evaluate((b) => getComputedStyle(b).getPropertyValue('--vscode-editor-background').trim());
      assert.notEqual(bg, '');
      await session.wb.until('the verdict in the status bar', async () => ((await session.cs.page.locator(STATUS).textContent())?.includes('OpenTok: blocked') ? true : undefined));
      assert.ok(existsSync(await session.cs.screenshot('vscode-connectivity-panel')));
    }));

  it('exports the report as JSON through the save dialog', (t) =>
    step(s, t, async (session) => {
      const frame = panelFrame(session);
      await frame.locator('[data-key="export-json"]').click();
      // The save dialog proposes a file in the workspace named after the run; accept it.
      const input = session.cs.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      const proposed = await session.wb.until('the proposed file name', async () => {
        const v = await input.inputValue();
        return /opentok-connectivity-[\dTZ-]+\.json$/.test(v) ? v : undefined;
      });
      await session.cs.page.keyboard.press('Enter');
      const target = join(session.cs.workspace, proposed.split('/').pop()!);
      await session.wb.until('the exported file', async () => (existsSync(target) ? true : undefined), 15_000);
      const report = JSON.parse(readFileSync(target, 'utf8')) as { tool: string; verdict: { level: string }; results: unknown[] };
      assert.equal(report.tool, 'opentok-readiness');
      assert.equal(report.verdict.level, 'blocked');
      assert.ok(report.results.length >= 5);
      await frame.locator('.notice', { hasText: 'Saved the JSON report' }).waitFor({ timeout: 10_000 });
    }));

  it('after a firewall file is linted, a re-run shows its blocked ranges on the port map', (t) =>
    step(s, t, async (session) => {
      await session.wb.openFile('firewall/egress.rules');
      await session.wb.waitForProblems('firewall/egress.rules', expectationsOf(session.cs.workspace, 'firewall/egress.rules'));
      await session.wb.closePanel();
      await session.cs.page.locator('.tabs-container .tab', { hasText: 'OpenTok connectivity' }).click();
      const frame = panelFrame(session);
      const run = frame.locator('[data-key="run"]');
      await run.waitFor({ timeout: 30_000 });
      await run.click();
      await frame.locator('.verdict[data-level="blocked"]').waitFor({ timeout: 60_000 });
      const blocked = frame.locator('svg.portmap[data-protocol="udp"] rect.blocked');
      await blocked.first().waitFor({ timeout: 15_000 });
      const ranges = await blocked.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}-${e.getAttribute('data-to')}`));
      assert.ok(ranges.includes('1025-65535'), ranges.join(', '));
      assert.match(await frame.locator('.pictures .legend').innerText(), /blocked by the linted configurations \(1 file\)/);
      // The first run is now an earlier run to compare with.
      await frame.locator('.history ol.runs li').first().waitFor({ timeout: 15_000 });
      assert.ok((await frame.locator('select#compare option').count()) >= 2);
    }));

  it('the status bar summary links to the connectivity check', (t) =>
    step(s, t, async (session) => {
      const page = session.cs.page;
      const frame = panelFrame(session);
      const before = await frame.locator('.verdict .meta').innerText();
      // A hover closes when the pointer strays on its way to the link: hover and click again until the check starts.
      await session.wb.until(
        'a new run from the status bar link',
        async () => {
          await page.mouse.move(0, 0);
          await page.locator(STATUS_ITEM).hover();
          const link = page.locator('.monaco-hover a, .workbench-hover a', { hasText: 'Check OpenTok connectivity' }).first();
          await link.waitFor({ state: 'visible', timeout: 10_000 });
          await link.click();
          await frame.locator('.verdict[data-level="running"]').waitFor({ timeout: 5_000 });
          return true;
        },
        60_000,
      );
      await frame.locator('.verdict[data-level="blocked"]').waitFor({ timeout: 60_000 });
      assert.notEqual(await frame.locator('.verdict .meta').innerText(), before, 'a new run');
    }));

  it('a check that finishes while the panel is hidden shows when the panel comes back', (t) =>
    step(s, t, async (session) => {
      const page = session.cs.page;
      const frame = panelFrame(session);
      const before = await frame.locator('.verdict .meta').innerText();
      await frame.locator('[data-key="run"]').click();
      await frame.locator('.verdict[data-level="running"]').waitFor({ timeout: 15_000 });
      // Another editor in front: the panel's page is discarded while the probes run on.
      await session.wb.openFile('firewall/egress.rules');
      await page.waitForTimeout(4000);
      await page.locator('.tabs-container .tab', { hasText: 'OpenTok connectivity' }).click();
      const again = panelFrame(session);
      await again.locator('.verdict[data-level="blocked"]').waitFor({ timeout: 60_000 });
      // The page comes back with what it last showed, then takes the run that finished meanwhile.
      const meta = await session.wb
        .until('the new run in the panel', async () => {
          const now = await again.locator('.verdict .meta').innerText();
          return now !== before ? now : undefined;
        })
        .catch(() => before);
      assert.notEqual(meta, before, 'the new run, not the one before');
      assert.ok((await again.locator('li.row').count()) >= 7);
    }));

  it('after a window reload the panel comes back with what it showed, without probing again', (t) =>
    step(s, t, async (session) => {
      const page = session.cs.page;
      const frame = panelFrame(session);
      const runs = await frame.locator('.history ol.runs li').count();
      const started = await frame.locator('.verdict .meta').innerText();
      await session.wb.runCommand('Developer: Reload Window');
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
      await page.locator('.tabs-container .tab', { hasText: 'OpenTok connectivity' }).waitFor({ timeout: 60_000 });
      await page.locator('.tabs-container .tab', { hasText: 'OpenTok connectivity' }).click();
      const again = panelFrame(session);
      await again.locator('.verdict[data-level="blocked"]').waitFor({ timeout: 60_000 });
      assert.equal(await again.locator('.verdict .meta').innerText(), started, 'the same run, restored');
      // The history is the workspace's: the same runs, and no new one.
      await again.locator('.history ol.runs li').first().waitFor({ timeout: 15_000 });
      assert.equal(await again.locator('.history ol.runs li').count(), runs);
      assert.equal(await again.locator('[data-key="run"]').isDisabled(), false);
      // The restored report still exports.
      await again.locator('[data-key="export-markdown"]').click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      const proposed = await session.wb.until('the proposed file name', async () => {
        const v = await input.inputValue();
        return /opentok-connectivity-[\dTZ-]+\.md$/.test(v) ? v : undefined;
      });
      await page.keyboard.press('Enter');
      const target = join(session.cs.workspace, proposed.split('/').pop()!);
      await session.wb.until('the exported Markdown', async () => (existsSync(target) ? true : undefined), 15_000);
      assert.match(readFileSync(target, 'utf8'), /^# OpenTok connectivity report\n\n\*\*Blocked: the API and signalling servers cannot be reached/);
    }));

  it('TURN credentials go to the secret storage, are used, and appear in no export', (t) =>
    step(s, t, async (session) => {
      const page = session.cs.page;
      const frame = panelFrame(session);
      const secret = 'pw-7Qx9-never-shown';
      await frame.locator('[data-key="creds"]', { hasText: 'TURN credentials' }).click();
      const input = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'TURN credentials (1/2)' }).waitFor({ timeout: 15_000 });
      await input.fill('opentok-user');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'TURN credentials (2/2)' }).waitFor({ timeout: 15_000 });
      assert.equal(await input.getAttribute('type'), 'password');
      await input.fill(secret);
      await page.keyboard.press('Enter');
      await frame.locator('[data-key="creds"]', { hasText: 'Forget TURN credentials' }).waitFor({ timeout: 15_000 });
      await frame.locator('[data-key="run"]').click();
      await frame.locator('.verdict[data-level="running"]').waitFor({ timeout: 15_000 });
      await frame.locator('.verdict[data-level="blocked"]').waitFor({ timeout: 60_000 });
      const labels = await frame.locator('button.row-toggle').allInnerTexts();
      assert.ok(labels.includes(`Custom TURN Allocate TCP 127.0.0.1:${port} (with credentials)`), labels.join(', '));
      assert.doesNotMatch(await frame.locator('body').innerText(), new RegExp(secret));
      await frame.locator('[data-key="export-json"]').click();
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      const proposed = await session.wb.until('the proposed file name', async () => {
        const v = await input.inputValue();
        return /opentok-connectivity-[\dTZ-]+\.json$/.test(v) ? v : undefined;
      });
      await page.keyboard.press('Enter');
      const target = join(session.cs.workspace, proposed.split('/').pop()!);
      await session.wb.until('the exported file', async () => (existsSync(target) ? true : undefined), 15_000);
      const text = readFileSync(target, 'utf8');
      assert.match(text, /\(with credentials\)/);
      assert.ok(!text.includes(secret), 'the credential is in no report');
      await frame.locator('[data-key="creds"]').click();
      await frame.locator('[data-key="creds"]', { hasText: 'TURN credentials…' }).waitFor({ timeout: 15_000 });
    }));
});
