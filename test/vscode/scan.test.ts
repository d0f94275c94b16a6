// The workspace scan on a workspace large enough to watch: its progress names the file
// being read, and Cancel in the notification stops it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { largeRules } from './bench';
import { skipReason, startSession, step, type Session } from './support/session';

const FILES = 400;
const LINES = 600;

describe('VS Code: workspace scan progress and cancellation', { skip: skipReason(), timeout: 15 * 60_000 }, () => {
  let s: Session | undefined;
  before(async () => {
    const rules = largeRules(LINES);
    const extraFiles = Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`sites/site-${String(i).padStart(3, '0')}.rules`, rules]));
    s = await startSession({ trusted: true, extraFiles });
  }, { timeout: 15 * 60_000 });
  after(async () => {
    await s?.cs.stop();
  });

  it('shows the file being read, and Cancel stops the scan', (t) =>
    step(s, t, async ({ cs, wb }) => {
      // Once a file shows its problems, the extension is running.
      await wb.openFile('firewall/egress.rules');
      await wb.until('the status bar summary', async () => ((await wb.statusText()).includes('problem') ? true : undefined), 60_000);
      await wb.runCommand('OpenTok: Scan workspace for OpenTok readiness');
      const toast = cs.page.locator('.notifications-toasts .notification-toast', { hasText: 'Scanning workspace for OpenTok readiness' });
      await toast.waitFor({ timeout: 30_000 });
      // The progress message is the workspace-relative path of the file being read.
      await wb.until('a file name in the progress', async () => ((await toast.innerText()).match(/sites\/site-\d{3}\.rules/) ? true : undefined));
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      const summary = await wb.until('the scan summary', async () => {
        const texts = await cs.page.locator('.statusbar-item', { hasText: 'scan cancelled' }).allInnerTexts();
        return texts[0];
      });
      const m = /scan cancelled; (\d+) files? checked/.exec(summary);
      assert.ok(m, summary);
      assert.ok(Number(m[1]) < FILES, `stopped before the end: ${summary}`);
      await toast.waitFor({ state: 'hidden', timeout: 10_000 });
    }));
});
