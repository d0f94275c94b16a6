// The extension in a real VS Code (code-server) driven through Chromium: what a
// person sees in the Problems view, hovers, the quick-fix menu, CodeLens and the
// status bar, for an iptables file and a Kubernetes NetworkPolicy.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectationsOf, skipReason, startSession, step, type Session } from './support/session';
import { STATUS_ITEM } from './support/workbench';

const IPTABLES = 'firewall/egress.rules';
const POLICY = 'k8s/networkpolicy.yaml';
const SCANNED = 'scan/office.rules';
const NO_EXTENSION = 'firewall/gateway-save';
const LANGUAGE_STATUS = '[id="status.editor.mode"]';

describe('VS Code: editor', { skip: skipReason(), timeout: 20 * 60_000 }, () => {
  let s: Session | undefined;
  before(async () => {
    s = await startSession({ trusted: true });
  }, { timeout: 15 * 60_000 });
  after(async () => {
    await s?.cs.stop();
  });

  it('shows the expected diagnostics of an iptables file in the Problems view', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(IPTABLES);
      const rows = await wb.waitForProblems(IPTABLES, expectationsOf(cs.workspace, IPTABLES));
      const udp = rows.find((r) => r.code === 'udp-3478')!;
      assert.match(udp.message, /^UDP 3478 to the platform \(STUN\/TURN\): not met in iptables OUTPUT\. UDP 3478 is blocked by "-A OUTPUT -j DROP"/);
      assert.equal(udp.column, 1);
      // Related information: the policy (chain) the verdict is about.
      assert.deepEqual(
        udp.related.map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`),
        ['egress.rules:7:1 iptables OUTPUT: traffic this host sends (OUTPUT)'],
      );
      assert.match(await wb.statusText(), /OpenTok: \d+ problems?/);
      assert.equal((await cs.page.locator(LANGUAGE_STATUS).innerText()).trim(), 'iptables');
      await wb.closePanel();
    }));

  it('a file without extension is iptables by its first line, and is linted', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(NO_EXTENSION);
      await wb.until('the iptables language', async () => ((await cs.page.locator(LANGUAGE_STATUS).innerText()).trim() === 'iptables' ? true : undefined));
      await wb.waitForProblems(NO_EXTENSION, expectationsOf(cs.workspace, NO_EXTENSION));
      await wb.closePanel();
      // The grammar colours it: without one, a rule line would be a single plain span.
      const line = cs.page.locator('.editor-group-container.active .view-line', { hasText: '-A OUTPUT -p udp -j DROP' }).first();
      const classes = await line.locator('span span').evaluateAll((els) => [...new Set(els.map((e) => e.className))]);
      assert.ok(classes.length >= 3, `token classes on the rule line: ${classes.join(', ')}`);
    }));

  it('shows the expected diagnostics of a Kubernetes NetworkPolicy', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(POLICY);
      await wb.waitForProblems(POLICY, expectationsOf(cs.workspace, POLICY));
      await wb.closePanel();
    }));

  it('the severity of a requirement level follows the setting', (t) =>
    step(s, t, async ({ cs, wb }) => {
      const file = join(cs.workspace, '.vscode', 'settings.json');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, JSON.stringify({ ...(JSON.parse(original) as object), 'opentokReadiness.severity': { best: 'warning' } }, null, 2));
      const expected = expectationsOf(cs.workspace, POLICY);
      assert.ok(expected.some((e) => e.ruleId === 'udp-media-range' && e.severity === 'information'));
      await wb.waitForProblems(POLICY, expected.map((e) => (e.ruleId === 'udp-media-range' ? { ...e, severity: 'warning' } : e)));
      await wb.closePanel();
      writeFileSync(file, original);
      await wb.waitForProblems(POLICY, expected);
      await wb.closePanel();
    }));

  it('a hover on the blocking rule says which requirements it decides and how', (t) =>
    step(s, t, async ({ wb }) => {
      await wb.openFile(IPTABLES);
      await wb.goTo(15, 4);
      const text = await wb.hoverAtCursor('this rule decides');
      assert.match(text, /OpenTok readiness: this rule decides 2 requirements/);
      assert.match(text, /udp-3478 UDP 3478 to the platform \(STUN\/TURN\): not met; this rule blocks UDP 3478/);
      assert.match(text, /udp-media-range UDP 1025-65535 to the platform \(direct media\): not met; this rule blocks UDP 1025-65535/);
      await wb.page.keyboard.press('Escape');
    }));

  it('a CodeLens above the policy counts its requirements, and lists them when clicked', (t) =>
    step(s, t, async ({ wb, cs }) => {
      await wb.openFile(IPTABLES);
      const lens = cs.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'OpenTok: 4 met · 0 partially met · 2 unmet · 0 unknown' });
      await lens.waitFor({ timeout: 15_000 });
      await lens.click();
      const row = await wb.quickInputRow('udp-3478: not met');
      assert.match(await row.innerText(), /UDP 3478 to the platform/);
      const labels = await cs.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
      assert.equal(labels.length, 6, labels.join(' | '));
      await cs.page.keyboard.press('Escape');
    }));

  it('an edit is linted again after the pause, and saving keeps the result', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(IPTABLES);
      await wb.goTo(15, 1);
      await cs.page.keyboard.type('#');
      // With the DROP rule commented out, the OUTPUT chain's policy (line 7) decides.
      await wb.waitForProblems(IPTABLES, [
        { ruleId: 'udp-3478', severity: 'warning', line: 7 },
        { ruleId: 'udp-media-range', severity: 'information', line: 7 },
      ]);
      await wb.closePanel();
      await wb.goTo(15, 1);
      await cs.page.keyboard.press('Delete');
      await wb.waitForProblems(IPTABLES, expectationsOf(cs.workspace, IPTABLES));
      await wb.closePanel();
      await wb.save();
      await wb.waitForProblems(IPTABLES, expectationsOf(cs.workspace, IPTABLES));
      await wb.closePanel();
    }));

  it('the preferred quick fix adds the rule, and the diagnostic goes', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(IPTABLES);
      await wb.goTo(15, 1);
      await wb.applyQuickFix('Allow UDP 3478');
      // The rule goes in at the top of OUTPUT, so the DROP rule moves down a line.
      await wb.waitForProblems(IPTABLES, [{ ruleId: 'udp-media-range', severity: 'information', line: 16 }]);
      await wb.closePanel();
      await wb.save();
      const text = readFileSync(join(cs.workspace, IPTABLES), 'utf8');
      assert.match(text, /\n-A OUTPUT -p udp -m udp --dport 3478 -j ACCEPT\n/);
    }));

  it('"Suppress with reason" writes the comment with the reason, and the diagnostic goes', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(IPTABLES);
      await wb.goTo(16, 1);
      await wb.applyQuickFix('Suppress udp-media-range with a reason');
      await wb.answerInputBox('media is relayed over TCP 443 by policy');
      await wb.waitForProblems(IPTABLES, []);
      await wb.closePanel();
      await wb.save();
      const lines = readFileSync(join(cs.workspace, IPTABLES), 'utf8').split('\n');
      assert.equal(lines[15], '# opentok-readiness-disable-next-line udp-media-range -- media is relayed over TCP 443 by policy');
      assert.equal(lines[16], '-A OUTPUT -j DROP');
    }));

  it('the status bar item opens the Problems view with its filter focused, and says what to type', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.closePanel();
      await cs.page.locator(STATUS_ITEM).click();
      await cs.page.locator('.markers-panel').waitFor({ state: 'visible' });
      await wb.until('the Problems filter to have focus', async () => ((await cs.page.evaluate(() => !!document.activeElement?.closest('.viewpane-filter'))) ? true : undefined));
      await wb.until('the hint in the status bar', async () => {
        const t = await cs.page.locator('.statusbar-item', { hasText: 'in the filter to show only OpenTok readiness problems' }).allInnerTexts();
        return t.find((x) => x.includes('@source:opentok-readiness'));
      });
      // What the hint says to type selects exactly our problems.
      await cs.page.keyboard.type('@source:opentok-readiness');
      await wb.until('the filter to apply', async () => ((await wb.problemsFilterText()) === '@source:opentok-readiness' ? true : undefined));
      const rows = await wb.problems();
      assert.ok(rows.length > 0 && rows.every((r) => r.source === 'opentok-readiness'), JSON.stringify(rows));
      await wb.clearProblemsFilter();
      await wb.closePanel();
    }));

  it('closing a file clears its diagnostics', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.openFile(SCANNED);
      await wb.waitForProblems(SCANNED, expectationsOf(cs.workspace, SCANNED));
      await wb.closePanel();
      await wb.closeActiveEditor();
      await wb.waitForProblems(SCANNED, []);
      await wb.closePanel();
    }));

  it('the workspace scan lints unopened files, leaving out files.exclude and the ignore globs', (t) =>
    step(s, t, async ({ cs, wb }) => {
      await wb.runCommand('OpenTok: Scan workspace for OpenTok readiness');
      await wb.waitForProblems(SCANNED, expectationsOf(cs.workspace, SCANNED), 60_000);
      const files = new Set((await wb.problems()).map((r) => r.file));
      assert.ok(!files.has('ignored/legacy.rules'), 'the ignore glob of .opentok-readiness.yaml applies');
      assert.ok(!files.has('excluded/old.rules'), 'files.exclude applies');
      await wb.closePanel();
      await wb.until('the scan summary', async () => {
        const t = await cs.page.locator('.statusbar-item', { hasText: 'files checked' }).allInnerTexts();
        return t[0];
      });
    }));

  it('the log channel says what the extension did', (t) =>
    step(s, t, async ({ cs, wb }) => {
      // The channel list is offered once the Output view is open.
      await wb.runCommand('Output: Focus on Output View');
      await wb.runCommand('Output: Show Output Channels...');
      await (await wb.quickInputRow('OpenTok Readiness')).click();
      await wb.until('the activation and the scan in the log', async () => {
        const text = (await cs.page.locator('.part.panel .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
        return /\[info\] activated in [\d.]+ ms/.test(text) && /\[info\] scan done in \d+ ms: \d+ files with a known format/.test(text) ? true : undefined;
      });
      await wb.closePanel();
    }));

  it('"Fix all" applies the preferred fix of every problem in the file', (t) =>
    step(s, t, async ({ cs, wb }) => {
      const file = join(cs.workspace, SCANNED);
      const original = readFileSync(file, 'utf8');
      await wb.openFile(SCANNED);
      await wb.runCommand('OpenTok: Fix all OpenTok readiness problems in this file');
      await wb.waitForProblems(SCANNED, []);
      await wb.closePanel();
      await wb.save();
      const text = readFileSync(file, 'utf8');
      for (const rule of ['-A OUTPUT -p udp -m udp --dport 53 -j ACCEPT', '-A OUTPUT -p udp -m udp --dport 3478 -j ACCEPT', '-A OUTPUT -p udp -m udp --dport 1025:65535 -j ACCEPT']) {
        assert.ok(text.split('\n').includes(rule), `${rule} is in the file:\n${text}`);
      }
      // Back to the original on disk: the open editor follows, and so do the diagnostics.
      writeFileSync(file, original);
      await wb.waitForProblems(SCANNED, expectationsOf(cs.workspace, SCANNED));
      await wb.closePanel();
      await wb.closeActiveEditor();
      // A scanned file keeps its problems after its editor closes.
      await wb.waitForProblems(SCANNED, expectationsOf(cs.workspace, SCANNED));
      await wb.closePanel();
    }));

  it('an invalid workspace configuration is reported at the offending key', (t) =>
    step(s, t, async ({ cs, wb }) => {
      const config = join(cs.workspace, '.opentok-readiness.yaml');
      const original = readFileSync(config, 'utf8');
      appendFileSync(config, 'profile: opentok\n');
      const line = original.split('\n').length;
      const rows = await wb.waitForProblems('.opentok-readiness.yaml', [{ ruleId: 'config-error', severity: 'error', line }]);
      assert.match(rows[0]!.message, /unknown key "profile"/);
      await wb.closePanel();
      writeFileSync(config, original);
      await wb.waitForProblems('.opentok-readiness.yaml', []);
      await wb.closePanel();
    }));

  it('a level set in the workspace configuration changes the severity, and the problem points at it', (t) =>
    step(s, t, async ({ cs, wb }) => {
      const config = join(cs.workspace, '.opentok-readiness.yaml');
      const original = readFileSync(config, 'utf8');
      appendFileSync(config, 'levels:\n  udp-3478: required\n');
      const keyLine = original.split('\n').length + 1;
      const expected = expectationsOf(cs.workspace, SCANNED);
      assert.ok(expected.some((e) => e.ruleId === 'udp-3478' && e.severity === 'warning'));
      const rows = await wb.waitForProblems(SCANNED, expected.map((e) => (e.ruleId === 'udp-3478' ? { ...e, severity: 'error' } : e)));
      const udp = rows.find((r) => r.code === 'udp-3478')!;
      assert.ok(
        udp.related.some((r) => r.file === '.opentok-readiness.yaml' && r.line === keyLine && r.column === 3 && r.message === 'level set to required in the workspace configuration'),
        JSON.stringify(udp.related),
      );
      await wb.closePanel();
      writeFileSync(config, original);
      await wb.waitForProblems(SCANNED, expected);
      await wb.closePanel();
    }));

  it('deleting a file clears its diagnostics', (t) =>
    step(s, t, async ({ cs, wb }) => {
      const file = join(cs.workspace, SCANNED);
      assert.ok(existsSync(file));
      rmSync(file);
      await wb.waitForProblems(SCANNED, []);
      await wb.closePanel();
    }));
});
