// Every setting the extension reads, typed, in one place. The manifest's
// contributes.configuration declares the same keys with their scopes.
import * as vscode from 'vscode';
import { severityMapFrom, type SeverityMap } from './adapters/severity';

export const SECTION = 'opentokReadiness';

/** Settings that may differ per file (scope `resource`). */
export interface ResourceSettings {
  readonly enable: boolean;
  readonly severity: SeverityMap;
  readonly codeLens: boolean;
}

/** Settings for the window (scope `window`). */
export interface WindowSettings {
  readonly debounceMs: number;
  readonly scanOnStartup: boolean;
  readonly statusBar: boolean;
  readonly scanMaxFiles: number;
}

export interface Settings extends WindowSettings {
  resource(uri: vscode.Uri | undefined): ResourceSettings;
}

function bounded(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

export function readResourceSettings(uri: vscode.Uri | undefined): ResourceSettings {
  const c = vscode.workspace.getConfiguration(SECTION, uri);
  return {
    enable: c.get<boolean>('enable', true),
    severity: severityMapFrom(c.get<unknown>('severity')),
    codeLens: c.get<boolean>('codeLens.enable', true),
  };
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    debounceMs: bounded(c.get<unknown>('lint.debounceMs'), 0, 5000, 300),
    scanOnStartup: c.get<boolean>('scanOnStartup', false),
    statusBar: c.get<boolean>('statusBar.enable', true),
    scanMaxFiles: bounded(c.get<unknown>('scan.maxFiles'), 1, 100_000, 5000),
    resource: readResourceSettings,
  };
}

export function affectsUs(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
