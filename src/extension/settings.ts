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

/**
 * The connectivity panel's settings (scope `window`), read when a check starts. They
 * refine the `probe` section of .opentok-readiness.yaml; TURN credentials are never a
 * setting (SecretStorage or the environment only).
 */
export interface ProbeSettings {
  /** Target lists with the keys of the `probe` section (api, logging, websocket, tcp, stun, turn, customTurn, certificateStatus). */
  readonly targets: Readonly<Record<string, unknown>>;
  /** Per-probe timeout; undefined keeps the configuration's or the default. */
  readonly timeoutMs?: number;
  /** `http://host:port`, `none`, or empty to follow VS Code's http.proxy and then HTTPS_PROXY / HTTP_PROXY. */
  readonly proxy: string;
  /** VS Code's own http.proxy, used when `proxy` is empty. */
  readonly httpProxy: string;
  /** URL of a large download for the optional throughput check; empty: no check. */
  readonly throughputUrl: string;
  /** Earlier runs kept for comparison. */
  readonly historySize: number;
}

export const PROBE_TARGET_KEYS: readonly string[] = ['api', 'logging', 'websocket', 'tcp', 'stun', 'turn', 'customTurn', 'certificateStatus'];

export function readProbeSettings(): ProbeSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const raw = c.get<unknown>('probe.targets');
  const targets: Record<string, unknown> = {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (PROBE_TARGET_KEYS.includes(k)) targets[k] = v;
  }
  const timeout = c.get<unknown>('probe.timeoutMs');
  const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  return {
    targets,
    ...(typeof timeout === 'number' && timeout > 0 ? { timeoutMs: bounded(timeout, 50, 120_000, 5000) } : {}),
    proxy: str(c.get<unknown>('probe.proxy')),
    // VS Code's own proxy setting, outside our prefix.
    httpProxy: str(vscode.workspace.getConfiguration('http').get('proxy')),
    throughputUrl: str(c.get<unknown>('probe.throughputUrl')),
    historySize: bounded(c.get<unknown>('probe.historySize'), 0, 100, 20),
  };
}

export function affectsUs(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
