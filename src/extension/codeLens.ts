// A CodeLens above each policy with its requirement counts; clicking lists them.
import * as vscode from 'vscode';
import { itemLabel, lensTitle, summarizePolicies, type PolicySummary } from './adapters/policySummary';
import { VERDICT_WORDS } from './adapters/findings';
import type { ReadinessDiagnostics } from './diagnostics';
import { toRange } from './ranges';
import type { ResourceSettings } from './settings';

import { SHOW_POLICY_COMMAND } from './commandIds';

export class ReadinessCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly diagnostics: ReadinessDiagnostics,
    private readonly settings: (uri: vscode.Uri) => ResourceSettings,
  ) {
    this.subscription = diagnostics.onDidChange(() => this.changed.fire());
  }

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const linted = this.diagnostics.get(doc.uri);
    if (!linted || !this.settings(doc.uri).codeLens) return [];
    return summarizePolicies(linted.result).map((s, index) => {
      const range = toRange(s.range, linted.lines);
      return new vscode.CodeLens(new vscode.Range(range.start, range.start), {
        title: lensTitle(s.counts),
        tooltip: `${s.name}: ${s.scope}`,
        command: SHOW_POLICY_COMMAND,
        arguments: [doc.uri.toString(), index],
      });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

const ICON: Readonly<Record<string, string>> = { met: '$(pass)', 'partially-met': '$(warning)', unmet: '$(error)', unknown: '$(question)' };

/** Lists a policy's requirements in a quick pick; choosing one reveals the deciding rule. */
export async function showPolicyRequirements(diagnostics: ReadinessDiagnostics, uriText: string, index: number): Promise<void> {
  const uri = vscode.Uri.parse(uriText);
  const linted = diagnostics.get(uri);
  const summary: PolicySummary | undefined = linted ? summarizePolicies(linted.result)[index] : undefined;
  if (!linted || !summary) return;
  type Item = vscode.QuickPickItem & { range: vscode.Range };
  const items: Item[] = summary.items.map((i) => ({
    label: `${ICON[i.verdict] ?? ''} ${itemLabel(i)}`,
    description: i.title,
    detail: i.suppressed ? `suppressed: ${i.suppressed}` : i.message,
    range: toRange(i.range, linted.lines),
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `${summary.name}: ${summary.items.length} requirements (${Object.entries(summary.counts)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${n} ${VERDICT_WORDS[v as keyof typeof VERDICT_WORDS] ?? v}`)
      .join(', ')})`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return;
  const editor = await vscode.window.showTextDocument(uri);
  editor.selection = new vscode.Selection(picked.range.start, picked.range.end);
  editor.revealRange(picked.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
