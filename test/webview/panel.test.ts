// The connectivity panel's page in Debian Chromium, driven by playwright-core: the built
// dist/webview/panel.js in the panel's own HTML shell (same CSP), served from loopback,
// with a stand-in host API that records what the page posts and sends what the
// extension would.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { makeNonce, panelHtml } from '../../src/extension/panelHtml';
import type { HostMessage } from '../../src/webview/protocol';
import { repoPath, requireOrSkip } from '../support/shared';
import { EARLIER, EVIL_IMG, EVIL_SCRIPT, fixtureReport, LINT, RESULTS, SPECS } from './fixture';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCRIPT = repoPath('dist/webview/panel.js');
const STYLE = repoPath('media/panel.css');

/** The stand-in for VS Code's webview host: acquireVsCodeApi, once, with state kept across reloads by the test. */
const STAND_IN = `
window.__sent = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
let acquired = 0;
let state = window.__initialState;
window.acquireVsCodeApi = () => {
  if (++acquired > 1) throw new Error('acquireVsCodeApi called twice');
  return {
    postMessage: (m) => window.__sent.push(JSON.parse(JSON.stringify(m))),
    getState: () => state,
    setState: (s) => { state = s; window.__state = JSON.parse(JSON.stringify(s)); },
  };
};
window.__host = (m) => window.postMessage(m, '*');
`;

/** VS Code's Dark Modern colours for the variables the page uses. */
const THEME = `:root {
  --vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f; --vscode-descriptionForeground: #9d9d9d;
  --vscode-panel-border: #2b2b2b; --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c;
  --vscode-editorWarning-foreground: #cca700; --vscode-editorInfo-foreground: #3794ff; --vscode-textCodeBlock-background: #2b2b2b;
  --vscode-focusBorder: #0078d4; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1; --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c; --vscode-textLink-foreground: #4daafc; --vscode-font-family: system-ui, sans-serif;
  --vscode-font-size: 13px; --vscode-editor-font-family: monospace; --vscode-dropdown-background: #313131; --vscode-dropdown-foreground: #cccccc;
}`;

async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
}

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(req.url ?? '/', origin);
    const send = (type: string, body: string): void => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') {
      const nonce = makeNonce();
      const html = panelHtml({ cspSource: origin, nonce, scriptUri: `${origin}/panel.js`, styleUri: `${origin}/panel.css` })
        // The harness adds the stand-in host and a theme, under the same policy.
        .replace('<script nonce', `<script nonce="${nonce}" src="${origin}/stand-in.js"></script>\n<script nonce`)
        .replace('</head>', `<link rel="stylesheet" href="${origin}/theme.css">\n</head>`);
      send('text/html; charset=utf-8', html);
    } else if (url.pathname === '/panel.js') send('text/javascript', readFileSync(SCRIPT, 'utf8'));
    else if (url.pathname === '/panel.css') send('text/css', readFileSync(STYLE, 'utf8'));
    else if (url.pathname === '/stand-in.js') send('text/javascript', STAND_IN);
    else if (url.pathname === '/theme.css') send('text/css', THEME);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function sent(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __sent: { type: string }[] }).__sent);
}

async function waitForMessage(page: Page, type: string, extra: Record<string, unknown> = {}): Promise<void> {
  await page.waitForFunction(
    ([t, x]) => (window as unknown as { __sent: Record<string, unknown>[] }).__sent.some((m) => m.type === t && Object.entries(x as Record<string, unknown>).every(([k, v]) => m[k] === v)),
    [type, extra] as const,
    { timeout: 5000 },
  );
}

async function host(page: Page, m: HostMessage): Promise<void> {
  await page.evaluate((msg) => (window as unknown as { __host: (m: unknown) => void }).__host(msg), m as unknown);
}

async function clearSent(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __sent: unknown[] }).__sent.length = 0;
  });
}

describe('connectivity panel page in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let origin = '';
  let page: Page;
  let available = true;

  before(async () => {
    available = existsSync(CHROMIUM) && existsSync(SCRIPT);
    if (!available) return;
    server = await serve();
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    page = await context.newPage();
    await page.goto(`${origin}/`);
    await waitForMessage(page, 'ready');
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });
  const ready = (t: TestContext): boolean => requireOrSkip(t, available, `Chromium at ${CHROMIUM} and the built page (${SCRIPT})`);

  it('says ready once, with nothing run yet', async (t) => {
    if (!ready(t)) return;
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'ready').length, 1);
    assert.match(await page.locator('.verdict').innerText(), /No check has run yet/);
    assert.equal(await page.locator('[data-key="cancel"]').isDisabled(), true);
    assert.equal(await page.locator('[data-key="export-json"]').isDisabled(), true);
  });

  it('rows stream in as probes start and finish', async (t) => {
    if (!ready(t)) return;
    await host(page, { type: 'init', running: false, history: [EARLIER], lint: LINT, credentials: false });
    await host(page, { type: 'probe', event: { type: 'plan', probes: SPECS } });
    await page.locator('li.row').nth(SPECS.length - 1).waitFor();
    assert.equal(await page.locator('li.row[data-status="pending"]').count(), SPECS.length);
    assert.match(await page.locator('.verdict').innerText(), new RegExp(`0 of ${SPECS.length} probes done`));
    assert.equal(await page.locator('[data-key="cancel"]').isDisabled(), false);
    assert.equal(await page.locator('[data-key="run"]').isDisabled(), true);
    for (const s of SPECS.slice(0, 4)) await host(page, { type: 'probe', event: { type: 'start', id: s.id } });
    await page.waitForFunction(() => document.querySelectorAll('li.row[data-status="running"]').length === 4);
    const half = Math.floor(RESULTS.length / 2);
    for (const r of RESULTS.slice(0, half)) await host(page, { type: 'probe', event: { type: 'result', result: r } });
    await page.waitForFunction((n) => document.querySelectorAll('li.row:not([data-status="pending"]):not([data-status="running"])').length === n, half);
    assert.match(await page.locator('.verdict').innerText(), new RegExp(`${half} of ${SPECS.length} probes done`));
    const failed = RESULTS.slice(0, half).filter((r) => r.status === 'fail').length;
    assert.equal(await page.locator('li.row[data-status="fail"]').count(), failed);
    for (const r of RESULTS.slice(half)) await host(page, { type: 'probe', event: { type: 'result', result: r } });
    await page.waitForFunction(() => document.querySelectorAll('li.row[data-status="pending"], li.row[data-status="running"]').length === 0);
    for (const status of ['pass', 'warn', 'fail'] as const) assert.equal(await page.locator(`li.row[data-status="${status}"]`).count(), RESULTS.filter((r) => r.status === status).length, status);
    assert.match(await page.locator('li.row[data-status="warn"] .status').innerText(), /warn/);
    await host(page, { type: 'probe', event: { type: 'done', results: RESULTS, cancelled: false } });
    await host(page, { type: 'report', report: fixtureReport() });
    await page.locator('.verdict[data-level="ready"]').waitFor();
  });

  it('shows the verdict on top, then the pictures, the fixes and the history', async (t) => {
    if (!ready(t)) return;
    const report = fixtureReport();
    assert.equal(await page.locator('.verdict .headline').innerText(), report.verdict.headline);
    assert.match(report.verdict.headline, /^Ready: full quality over UDP, relayed through TURN on UDP 3478; direct UDP to the media ports/);
    const order = await page.locator('#app > *').evaluateAll((els) => els.map((e) => e.className.split(' ')[0]));
    assert.deepEqual(order, ['toolbar', 'verdict', 'pictures', 'probes', 'remediation', 'history']);
    // Port maps: the lint's blocked UDP ranges, the probed ports marked by status.
    const udp = page.locator('svg.portmap[data-protocol="udp"]');
    assert.deepEqual(await udp.locator('rect.blocked').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}-${e.getAttribute('data-to')}`)), ['1025-3477', '3479-65535']);
    assert.deepEqual(await udp.locator('g.marker').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-port')}:${e.getAttribute('class')}`)), ['3478:marker fail', '40000:marker fail']);
    assert.match((await udp.getAttribute('aria-label')) ?? '', /Blocked by the linted configurations: 1025-3477, 3479-65535\./);
    assert.ok((await page.locator('svg.portmap[data-protocol="tcp"] g.marker.pass[data-port="443"]').count()) === 1);
    // The media path in use.
    assert.equal(await page.locator('svg.paths g.lane.chosen').getAttribute('data-path'), 'turn-udp');
    assert.equal(await page.locator('svg.paths g.lane[data-path="signalling"]').getAttribute('data-state'), 'works');
    assert.equal(await page.locator('svg.paths g.lane[data-path="udp-direct"]').getAttribute('data-state'), 'blocked');
    // The quality chart: an RTT line and the two lost requests.
    assert.equal(await page.locator('svg.quality polyline.rtt').count(), 1);
    assert.equal(await page.locator('svg.quality line.lost').count(), 2);
    assert.match(await page.locator('figure.chart figcaption').innerText(), /loss 5 %, RTT p50 40 ms/);
    assert.ok((await page.locator('.problem').count()) >= 2);
    // Where the linted file and the probes disagree.
    assert.match(await page.locator('ul.reconciliation').innerText(), /^firewall\/egress\.rules:15 allows UDP 1025-65535 to the platform \(direct media\), but the probe STUN Binding UDP turn\.tokbox\.com:40000 was dropped: something upstream of that firewall blocks it\.$/);
    // Screen readers hear the verdict once, from the one live region.
    assert.equal(await page.locator('#announce').innerText(), report.verdict.headline);
    assert.equal(await page.locator('[aria-live]').count(), 1);
  });

  it('shows the host\'s errors and announces them', async (t) => {
    if (!ready(t)) return;
    await host(page, { type: 'error', message: 'The check cannot start: opentokReadiness.probe.targets.stun[0]: "x" is not "host:port"' });
    await page.locator('.notice[data-kind="error"]', { hasText: 'The check cannot start' }).waitFor();
    assert.match(await page.locator('#announce').innerText(), /^The check cannot start/);
    await page.locator('.notice [data-key="dismiss"]').click();
    await page.locator('.notice').waitFor({ state: 'detached' });
  });

  it('opens a probe\'s evidence on click', async (t) => {
    if (!ready(t)) return;
    const fail = RESULTS.find((r) => r.cause === 'no-response')!;
    const row = page.locator(`li.row[data-id="${fail.id}"]`);
    const toggle = row.locator('button.row-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    await row.locator('.evidence').waitFor();
    assert.equal(await row.locator('button.row-toggle').getAttribute('aria-expanded'), 'true');
    const text = await row.locator('.evidence').innerText();
    assert.match(text, /cause\s+no-response/);
    assert.match(text, /port\s+40000/);
    assert.match(text, /requirement\s+udp-media-range/);
    await row.locator('button.row-toggle').click();
    await row.locator('.evidence').waitFor({ state: 'detached' });
  });

  it('copy buttons send the snippet to the host', async (t) => {
    if (!ready(t)) return;
    await clearSent(page);
    const report = fixtureReport();
    const snippet = report.verdict.problems.find((p) => p.remediation?.snippets.length)!.remediation!.snippets[0]!;
    const button = page.locator('button.copy').first();
    assert.equal(await button.innerText(), `Copy ${snippet.format}`);
    await button.click();
    const copies = (await sent(page)).filter((m) => m.type === 'copy');
    assert.deepEqual(copies, [{ type: 'copy', text: snippet.code }]);
    assert.equal(await page.locator('button.copy').first().innerText(), 'Copied');
  });

  it('export buttons ask the host for each format', async (t) => {
    if (!ready(t)) return;
    await clearSent(page);
    for (const f of ['markdown', 'json', 'html']) await page.locator(`[data-key="export-${f}"]`).click();
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'export'), [
      { type: 'export', format: 'markdown' },
      { type: 'export', format: 'json' },
      { type: 'export', format: 'html' },
    ]);
    await host(page, { type: 'exported', format: 'json', path: '/tmp/opentok-connectivity.json' });
    await page.locator('.notice', { hasText: 'Saved the JSON report to /tmp/opentok-connectivity.json' }).waitFor();
    await page.locator('[data-key="dismiss"]').click();
    await page.locator('.notice').waitFor({ state: 'detached' });
  });

  it('compares with an earlier run', async (t) => {
    if (!ready(t)) return;
    await page.locator('select#compare').selectOption(EARLIER.startedAt);
    await page.locator('table.diff').waitFor();
    assert.match(await page.locator('.diff-summary').innerText(), /1 worse, 1 better, \d+ unchanged/);
    const first = await page.locator('table.diff tbody tr').first().innerText();
    assert.match(first, /TCP <img src=x onerror="window.__pwned=1">\.example:5349\s+pass\s+fail\s+worse/);
    assert.match(await page.locator('table.diff tr[data-change="better"]').innerText(), /STUN Binding UDP turn\.tokbox\.com:3478\s+fail\s+pass\s+better/);
  });

  it('shows markup and script from hostnames and evidence as text, and runs none of it', async (t) => {
    if (!ready(t)) return;
    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
    assert.equal(pwned, undefined);
    assert.equal(await page.locator('#app img').count(), 0);
    assert.equal(await page.locator('#app script').count(), 0);
    const labels = await page.locator('button.row-toggle').allInnerTexts();
    assert.ok(labels.includes(`DNS ${EVIL_IMG}.example`), 'the hostname shows as written');
    assert.ok(labels.includes(`STUN Binding UDP ${EVIL_SCRIPT}:3478`));
    const evil = RESULTS.find((r) => r.evidence.answer === EVIL_SCRIPT)!;
    await page.locator(`li.row[data-id="${evil.id}"] button.row-toggle`).click();
    assert.match(await page.locator(`li.row[data-id="${evil.id}"] .evidence`).innerText(), /answer\s+<script>window\.__pwned=2<\/script>/);
    // And the policy holds even if markup ever got in: an injected inline script is refused.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 3';
      document.body.appendChild(s);
    });
    await page.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.some((v) => v.startsWith('script-src')));
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.locator(`li.row[data-id="${evil.id}"] button.row-toggle`).click();
  });

  it('the page itself needs nothing the policy forbids', async (t) => {
    if (!ready(t)) return;
    const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    assert.deepEqual(violations.filter((v) => !v.startsWith('script-src') || !v.endsWith('inline')), []);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /^default-src 'none'; style-src http:\/\/127\.0\.0\.1:\d+; .*script-src 'nonce-[A-Za-z0-9+/=]+'$/);
  });

  it('is used from the keyboard: Tab to a probe, arrows between probes, Enter opens it', async (t) => {
    if (!ready(t)) return;
    await page.locator('[data-key="run"]').focus();
    await page.keyboard.press('Tab');
    // Cancel is disabled when nothing runs, so Tab goes on to the first export button.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-key')), 'export-markdown');
    const firstRow = page.locator('button.row-toggle').first();
    await firstRow.focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-row')), SPECS[1]!.id);
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-row')), SPECS[SPECS.length - 1]!.id);
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.locator(`li.row[data-id="${SPECS[0]!.id}"] .evidence`).waitFor();
    // Focus stays on the probe across the re-render.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-row')), SPECS[0]!.id);
    await page.keyboard.press('Space');
    await page.locator(`li.row[data-id="${SPECS[0]!.id}"] .evidence`).waitFor({ state: 'detached' });
    // Every control is a focusable button or select with a name.
    const unnamed = await page.locator('#app button, #app select').evaluateAll((els) => els.filter((e) => !(e.getAttribute('aria-label') || e.textContent?.trim())).length);
    assert.equal(unnamed, 0);
  });

  it('saves a screenshot of the finished check', async (t) => {
    if (!ready(t)) return;
    await page.locator(`li.row[data-id="${RESULTS.find((r) => r.cause === 'no-response')!.id}"] button.row-toggle`).click();
    await page.locator(`li.row .evidence`).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    mkdirSync(repoPath('test-results'), { recursive: true });
    const file = join(repoPath('test-results'), 'webview-panel.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(readFileSync(file).length > 10_000);
    // The top of the panel at full size: the verdict and the pictures.
    const top = join(repoPath('test-results'), 'webview-panel-top.png');
    await page.screenshot({ path: top, clip: { x: 0, y: 0, width: 1100, height: 560 } });
    assert.ok(readFileSync(top).length > 10_000);
  });

  it('re-run and cancel send their messages; a new plan clears the old report', async (t) => {
    if (!ready(t)) return;
    await clearSent(page);
    await page.locator('[data-key="run"]').click();
    await waitForMessage(page, 'run');
    await host(page, { type: 'probe', event: { type: 'plan', probes: SPECS.slice(0, 3) } });
    await page.locator('.verdict[data-level="running"]').waitFor();
    assert.equal(await page.locator('li.row').count(), 3);
    assert.equal(await page.locator('[data-key="export-json"]').isDisabled(), true);
    await page.locator('[data-key="cancel"]').click();
    await waitForMessage(page, 'cancel');
    const cancelled = { ...fixtureReport('2026-12-01T11:00:00.000Z', RESULTS.slice(0, 1)), cancelled: true };
    await host(page, { type: 'report', report: { ...cancelled, specs: SPECS.slice(0, 3) } });
    await page.locator('.verdict .meta', { hasText: '(cancelled)' }).waitFor();
    assert.equal(await page.locator('li.row[data-status="skipped"]').count(), 2);
  });

  it('keeps its state through getState/setState across a reload', async (t) => {
    if (!ready(t)) return;
    const saved = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    const context = page.context();
    const again = await context.newPage();
    await again.addInitScript((s) => {
      (window as unknown as { __initialState: unknown }).__initialState = s;
    }, saved);
    await again.goto(`${origin}/`);
    await again.locator('.verdict .meta', { hasText: '(cancelled)' }).waitFor();
    assert.equal(await again.locator('li.row').count(), 3);
    // The host's init says no run goes on: the page shows the stored result, not a spinner.
    await host(again, { type: 'init', running: false, history: [EARLIER], lint: LINT, credentials: true });
    await again.locator('[data-key="creds"]', { hasText: 'Forget TURN credentials' }).waitFor();
    await again.locator('[data-key="creds"]').click();
    await waitForMessage(again, 'clearCredentials');
    await again.close();
  });
});
