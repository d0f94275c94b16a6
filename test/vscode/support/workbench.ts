// Drives the VS Code workbench the way a person does: keyboard, command palette,
// Problems view, hovers and the quick-fix menu. Reads only what is on screen.
import type { Locator, Page } from 'playwright-core';

export interface ProblemRow {
  /** folder/file as the Problems view groups it. */
  readonly file: string;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  readonly message: string;
  readonly source: string;
  readonly code: string;
  readonly line: number;
  readonly column: number;
  /** The related information listed under the problem. */
  readonly related: readonly RelatedRow[];
}

export interface RelatedRow {
  readonly message: string;
  /** The file name as the view shows it. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const SEVERITY: Readonly<Record<string, ProblemRow['severity']>> = { Error: 'error', Warning: 'warning', Info: 'information', Hint: 'hint' };
export const STATUS_ITEM = '[id="opentok-readiness.opentok-readiness.opentokReadiness.summary"]';

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits until the condition holds, polling; the last error explains a timeout. */
  async until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await probe();
        if (v !== undefined) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
      await this.page.waitForTimeout(200);
    }
  }

  async quickInputRow(label: string): Promise<Locator> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    return row;
  }

  /**
   * Moves the mouse to an empty part of the activity bar, so that no row of a picker opened next
   * lies under it and shows a tooltip over the row to be clicked.
   */
  private async parkMouse(): Promise<void> {
    await this.page.mouse.move(5, 1000);
  }

  /** Runs a command from the command palette by its title. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.parkMouse();
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      try {
        await input.fill(`>${title}`, { timeout: 5_000 });
        break;
      } catch (e) {
        // A command run just before may still be moving the focus (to a view it opens), which
        // closes the palette: it is opened again.
        if (attempt >= 3 || (await input.isVisible())) throw e;
        await this.parkMouse();
      }
    }
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const row = rows.filter({ has: this.page.locator('.label-name', { hasText: title }) }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    try {
      await row.click({ timeout: 8_000 });
    } catch (e) {
      // Something still covers the row: it is chosen with the keyboard instead.
      if (!(await input.isVisible())) throw e;
      await this.chooseFocusedRow(rows, title);
    }
  }

  /** Moves the picker's focus down to the row labelled exactly `label`, and chooses it. */
  private async chooseFocusedRow(rows: Locator, label: string): Promise<void> {
    const focused = rows.and(this.page.locator('.focused')).locator('.label-name').first();
    for (let step = 0; step < 30; step++) {
      const text = (await focused.innerText({ timeout: 2_000 }).catch(() => '')).trim();
      if (text === label) {
        const input = this.page.locator('.quick-input-widget input');
        const query = await input.inputValue();
        await this.page.keyboard.press('Enter');
        // The palette closes, or the command opens a picker of its own in its place.
        await this.until(`"${label}" to be chosen`, async () => (!(await input.isVisible()) || (await input.inputValue()) !== query ? true : undefined), 5_000);
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`no row labelled "${label}" in the picker`);
  }

  /** Opens a workspace file with Quick Open and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.parkMouse();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    const name = relativePath.split('/').pop()!;
    const folder = relativePath.split('/').slice(0, -1).join('/');
    // The row of this file in the results for this query (not a stale "recently opened" row).
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: name }) })
      .filter({ hasText: folder })
      .first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    const tab = this.page.locator('.tabs-container .tab.active', { hasText: name });
    // The list can re-render under the click as results arrive, and the click is lost: while the
    // picker is still open, the file's row is clicked again, then chosen with the keyboard.
    for (let attempt = 0; ; attempt++) {
      try {
        await tab.waitFor({ timeout: attempt < 2 ? 5_000 : 15_000 });
        break;
      } catch (e) {
        if (attempt >= 2 || !(await input.isVisible())) throw e;
        await row.waitFor({ state: 'visible', timeout: 5_000 });
        if (attempt === 0) await row.click();
        else await this.page.keyboard.press('Enter');
      }
    }
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').waitFor();
  }

  async closeActiveEditor(): Promise<void> {
    await this.runCommand('View: Close Editor');
  }

  /** Puts the cursor at a 1-based line and column of the active editor. */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** The hover at the cursor, as text. */
  async hoverAtCursor(mustContain: string): Promise<string> {
    await this.runCommand('Show or Focus Hover');
    return this.until(`a hover containing "${mustContain}"`, async () => {
      const texts = await this.page.locator('.monaco-hover:not(.hidden)').allInnerTexts();
      return texts.find((t) => t.includes(mustContain));
    });
  }

  /** Opens the quick-fix menu at the cursor and chooses the action whose title starts with `title`. */
  async applyQuickFix(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.runCommand('Quick Fix...');
    await this.parkMouse();
    const row = this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  }

  /** Answers an input box. */
  async answerInputBox(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  async save(): Promise<void> {
    await this.runCommand('File: Save');
    await this.until('the editor to be saved', async () => ((await this.page.locator('.tabs-container .tab.active.dirty').count()) === 0 ? true : undefined));
  }

  /** Every problem the Problems view lists (the window is tall enough that no row is scrolled away). */
  async problems(): Promise<ProblemRow[]> {
    await this.runCommand('Problems: Focus on Problems View');
    await this.page.locator('.markers-panel').waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300);
    const rows = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((e) => ({ aria: e.getAttribute('aria-label') ?? '', text: e.textContent ?? '' })));
    const out: ProblemRow[] = [];
    let file = '';
    for (const { aria, text } of rows) {
      // "2 problems in file egress.rules of folder firewall"; a file at the root is "of folder .".
      const group = /^\d+ problems? in file (.+?)(?: of folder ?(.*))?$/.exec(aria.trim());
      if (group) {
        const folder = (group[2] ?? '').trim().replace(/^\.$/, '');
        file = folder ? `${folder}/${group[1]}` : group[1]!;
        continue;
      }
      const m = /^(Error|Warning|Info|Hint): ([\s\S]*?) at line (\d+) and character (\d+)\.[\s\S]*generated by (\S+)$/.exec(aria);
      // "iptables OUTPUT: traffic this host sends at line 7 and character 1 in egress.rules"
      const rel = m ? null : /^([\s\S]*) at line (\d+) and character (\d+) in (.+)$/.exec(aria.trim());
      const last = out[out.length - 1];
      if (rel && last && last.file === file) {
        (last.related as RelatedRow[]).push({ message: rel[1]!, line: Number(rel[2]), column: Number(rel[3]), file: rel[4]! });
        continue;
      }
      if (!m) continue;
      const code = new RegExp(`${m[5]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\(?([A-Za-z0-9-]+)\\)?\\s*\\[Ln`).exec(text)?.[1] ?? '';
      out.push({ file, severity: SEVERITY[m[1]!]!, message: m[2]!, source: m[5]!, code, line: Number(m[3]), column: Number(m[4]), related: [] });
    }
    return out;
  }

  /** Waits until our problems for a file are exactly `expected` (ordered by line, then code). */
  async waitForProblems(file: string, expected: readonly { ruleId: string; severity: string; line: number }[], timeoutMs = 30_000): Promise<ProblemRow[]> {
    const want = JSON.stringify(expected.map((e) => `${e.line} ${e.ruleId} ${e.severity}`));
    let seen = '';
    try {
      return await this.until(
        `the problems of ${file} to be ${want}`,
        async () => {
          const rows = (await this.problems()).filter((r) => r.file === file && r.source === 'opentok-readiness');
          const got = rows.map((r) => `${r.line} ${r.code} ${r.severity}`).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
          seen = JSON.stringify(got);
          return seen === want ? rows : undefined;
        },
        timeoutMs,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}; last seen ${seen}`);
    }
  }

  async closePanel(): Promise<void> {
    // The command is offered only while the panel shows.
    if (!(await this.page.locator('.monaco-workbench .part.panel').isVisible())) return;
    await this.runCommand('View: Hide Panel');
    await this.page.locator('.monaco-workbench .part.panel').waitFor({ state: 'hidden' });
  }

  /** The text in the filter box of the panel's visible view, the Problems view here ('' when hidden). */
  async problemsFilterText(): Promise<string> {
    const box = this.page.locator('.part.panel .viewpane-filter input:visible');
    if ((await box.count()) === 0) return '';
    return (await box.first().inputValue()).trim();
  }

  /** Empties the Problems view's filter box. */
  async clearProblemsFilter(): Promise<void> {
    await this.page.locator('.part.panel .viewpane-filter input:visible').first().click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Backspace');
    await this.until('the Problems filter to be empty', async () => ((await this.problemsFilterText()) === '' ? true : undefined));
  }

  async statusText(): Promise<string> {
    return (await this.page.locator(STATUS_ITEM).textContent()) ?? '';
  }

  async notificationContaining(text: string, timeoutMs = 15_000): Promise<string> {
    return this.until(
      `a notification containing "${text}"`,
      async () => {
        const toasts = await this.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
        return toasts.find((t) => t.includes(text));
      },
      timeoutMs,
    );
  }
}
