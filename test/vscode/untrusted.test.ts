// Restricted Mode: linting works in an untrusted workspace, the opt-in startup scan
// included; live probes do not run and the command says why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectationsOf, skipReason, startSession, step, type Session } from './support/session';

const IPTABLES = 'firewall/egress.rules';

describe('VS Code: untrusted workspace', { skip: skipReason(), timeout: 10 * 60_000 }, () => {
  let s: Session | undefined;
  before(async () => {
    s = await startSession({ trusted: false, settings: { 'opentokReadiness.scanOnStartup': true } });
  }, { timeout: 15 * 60_000 });
  after(async () => {
    await s?.cs.stop();
  });

  it('the workspace is in Restricted Mode', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.until('the Restricted Mode indicator', async () => ((await cs.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) > 0 ? true : undefined));
    }));

  it('gets diagnostics', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(IPTABLES);
      await wb.waitForProblems(IPTABLES, expectationsOf(cs.workspace, IPTABLES));
      await wb.closePanel();
    }));

  it('the opt-in scan on startup lints files nobody opened', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.waitForProblems('scan/office.rules', expectationsOf(cs.workspace, 'scan/office.rules'));
      const files = new Set((await wb.problems()).map((r) => r.file));
      assert.ok(!files.has('ignored/legacy.rules'), 'the ignore glob of .opentok-readiness.yaml applies');
      assert.ok(!files.has('excluded/old.rules'), 'files.exclude applies');
      assert.ok(files.has('firewall/gateway-save'), `every file a format detects: ${[...files].join(', ')}`);
      await wb.closePanel();
    }));

  it('runs no probes: the connectivity command says why', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.runCommand('OpenTok: Check OpenTok connectivity');
      const text = await wb.notificationContaining('Restricted Mode');
      assert.match(text, /connectivity checks are disabled in Restricted Mode: they make network connections/);
      assert.equal(await cs.page.locator('.webview, iframe.webview').count(), 0, 'no panel opened');
    }));
});
