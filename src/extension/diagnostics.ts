// Holds the lint result of every file the editor knows about and publishes its
// findings as diagnostics. Fixes stay with the findings, keyed by the diagnostic's
// range and rule, so the code-action provider only looks them up.
import * as vscode from 'vscode';
import { decodeInput } from '../core/analysis/input';
import { lintText, type FileResult } from '../core/analysis/lint';
import type { Finding } from '../core/model/finding';
import { DIAGNOSTIC_SOURCE, documentationUrl, shownFindings, type EditorSeverity } from './adapters/findings';
import { rangeKey, toEditorRange, type LineLengths } from './adapters/positions';
import type { Log } from './log';
import { documentLines, textLines, toVscodeRange } from './ranges';
import type { ResourceSettings } from './settings';
import type { LoadedConfig, WorkspaceConfigs } from './workspaceConfig';

export interface Entry {
  readonly finding: Finding;
  readonly diagnostic: vscode.Diagnostic;
}

export interface LintedFile {
  readonly uri: vscode.Uri;
  readonly result: FileResult;
  readonly config: LoadedConfig;
  readonly lines: LineLengths;
  /** Shown findings by `fixKey`. */
  readonly entries: ReadonlyMap<string, Entry>;
  /** Number of diagnostics shown. */
  readonly problems: number;
}

/** Related locations in other files are not clamped: their text is not at hand. */
const UNCLAMPED: LineLengths = { lineCount: Number.MAX_SAFE_INTEGER, lineLength: () => Number.MAX_SAFE_INTEGER };

const SEVERITY: Readonly<Record<Exclude<EditorSeverity, 'off'>, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function fixKey(ruleId: string, range: vscode.Range): string {
  return `${ruleId}@${rangeKey({ startLine: range.start.line, startCharacter: range.start.character, endLine: range.end.line, endCharacter: range.end.character })}`;
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

function toDiagnostic(f: Finding, severity: Exclude<EditorSeverity, 'off'>, file: string, lines: LineLengths, config: LoadedConfig): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toVscodeRange(toEditorRange(f.range, lines)), f.message, SEVERITY[severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.ruleId, target: vscode.Uri.parse(documentationUrl(f.ruleId)) };
  const related = (f.related ?? []).map(
    (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toVscodeRange(toEditorRange(r.range, r.file === file ? lines : UNCLAMPED))), r.message),
  );
  // A level the workspace configuration changed is part of why the problem shows as it does.
  const override = config.config.levels[f.ruleId];
  if (config.path && override) {
    const key = config.levelKeys?.get(f.ruleId);
    const at = key ? new vscode.Range(key.line, key.character, key.line, key.character + f.ruleId.length) : new vscode.Range(0, 0, 0, 0);
    related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(config.path), at), `level set to ${override} in the workspace configuration`));
  }
  if (related.length > 0) d.relatedInformation = related;
  return d;
}

export class ReadinessDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly files = new Map<string, LintedFile>();
  private configUris = new Set<string>();
  private publishedConfigs = new WeakSet<LoadedConfig>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires after a file's results change (undefined: many files). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly configs: WorkspaceConfigs,
    private readonly settings: (uri: vscode.Uri) => ResourceSettings,
    private readonly log: Log,
  ) {}

  get(uri: vscode.Uri): LintedFile | undefined {
    return this.files.get(uri.toString());
  }

  all(): LintedFile[] {
    return [...this.files.values()];
  }

  lintDocument(doc: vscode.TextDocument): LintedFile | undefined {
    return this.lint(doc.uri, doc.getText(), documentLines(doc));
  }

  /** Lints a file's bytes as read from disk (workspace scan). */
  lintBytes(uri: vscode.Uri, bytes: Uint8Array): LintedFile | undefined {
    const input = decodeInput(uri.fsPath, bytes);
    if (!input.ok) {
      this.clear(uri);
      return undefined;
    }
    return this.lint(uri, input.text, textLines(input.text));
  }

  private lint(uri: vscode.Uri, text: string, lines: LineLengths, fire = true): LintedFile | undefined {
    const settings = this.settings(uri);
    if (!settings.enable) {
      this.clear(uri, fire);
      return undefined;
    }
    const started = performance.now();
    const config = this.configs.forUri(uri);
    // A configuration read for the first time shows its own problems.
    if (config.path && !this.publishedConfigs.has(config)) this.publishConfigs();
    const path = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    let result: FileResult;
    try {
      result = lintText({ path, text }, config.config);
    } catch (e) {
      // The core does not throw on user input; this is a defect, logged rather than shown as a problem.
      this.log.error(`linting ${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.clear(uri, fire);
      return undefined;
    }
    if (!result.format) {
      this.clear(uri, fire);
      return undefined;
    }
    const entries = new Map<string, Entry>();
    const diagnostics: vscode.Diagnostic[] = [];
    for (const { finding, severity } of shownFindings(result.findings, config.config.minLevel, settings.severity)) {
      const diagnostic = toDiagnostic(finding, severity, path, lines, config);
      diagnostics.push(diagnostic);
      entries.set(fixKey(finding.ruleId, diagnostic.range), { finding, diagnostic });
    }
    this.collection.set(uri, diagnostics);
    const linted: LintedFile = { uri, result, config, lines, entries, problems: diagnostics.length };
    this.files.set(uri.toString(), linted);
    this.log.debug(`linted ${path} (${result.format}) in ${(performance.now() - started).toFixed(1)} ms: ${diagnostics.length} problems, ${result.findings.length} findings`);
    if (fire) this.changed.fire(uri);
    return linted;
  }

  /** Publishes the diagnostics of the workspace configurations read so far. */
  publishConfigs(): void {
    const now = new Set<string>();
    for (const c of this.configs.all()) {
      if (c.path) now.add(vscode.Uri.file(c.path).toString());
    }
    for (const old of this.configUris) if (!now.has(old)) this.collection.delete(vscode.Uri.parse(old));
    this.configUris = now;
    for (const c of this.configs.all()) {
      this.publishedConfigs.add(c);
      if (!c.path) continue;
      const uri = vscode.Uri.file(c.path);
      const lines = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const lengths = lines ? documentLines(lines) : UNCLAMPED;
      this.collection.set(
        uri,
        c.findings.map((f) => toDiagnostic(f, 'error', c.path!, lengths, c)),
      );
    }
  }

  clear(uri: vscode.Uri, fire = true): void {
    const had = this.files.delete(uri.toString());
    this.collection.delete(uri);
    if (had && fire) this.changed.fire(uri);
  }

  /** Clears a deleted file, or everything below a deleted folder. */
  clearDeleted(uri: vscode.Uri): void {
    const prefix = `${uri.toString()}/`;
    for (const key of [...this.files.keys()]) {
      if (key === uri.toString() || key.startsWith(prefix)) this.clear(vscode.Uri.parse(key));
    }
    this.collection.forEach((u) => {
      if (u.toString() === uri.toString() || u.toString().startsWith(prefix)) this.collection.delete(u);
    });
  }

  clearAll(): void {
    this.files.clear();
    this.collection.clear();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.collection.dispose();
    this.changed.dispose();
  }
}
