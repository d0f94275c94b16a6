// The workspace summary in the status bar; clicking shows our problems.
import * as vscode from 'vscode';
import { addCounts, emptyCounts, statusText, statusTooltip, summarizePolicies } from './adapters/policySummary';
import type { ReadinessDiagnostics } from './diagnostics';

import { CONNECTIVITY_COMMAND, SHOW_PROBLEMS_COMMAND } from './commandIds';

export class ReadinessStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('opentokReadiness.summary', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly diagnostics: ReadinessDiagnostics,
    private enabled: boolean,
  ) {
    this.item.name = 'OpenTok Readiness';
    this.item.command = SHOW_PROBLEMS_COMMAND;
    // Many files change at once during a scan: the text is computed once per burst.
    this.subscription = diagnostics.onDidChange(() => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.update();
      }, 20);
    });
    this.update();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.update();
  }

  update(): void {
    const files = this.diagnostics.all();
    if (!this.enabled || files.length === 0) {
      this.item.hide();
      return;
    }
    const counts = emptyCounts();
    let problems = 0;
    for (const f of files) {
      problems += f.problems;
      for (const p of summarizePolicies(f.result)) addCounts(counts, p.counts);
    }
    this.item.text = statusText(problems, files.length);
    // The summary, and a link to the live connectivity check (the panel's status bar entry point).
    const tooltip = new vscode.MarkdownString().appendText(statusTooltip(counts, problems, files.length)).appendMarkdown(`\n\n[$(pulse) Check OpenTok connectivity](command:${CONNECTIVITY_COMMAND})`);
    tooltip.isTrusted = { enabledCommands: [CONNECTIVITY_COMMAND] };
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.subscription.dispose();
    this.item.dispose();
  }
}
