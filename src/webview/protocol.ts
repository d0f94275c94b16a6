// The messages between the connectivity panel's host (src/extension/panel.ts) and its
// page (src/webview/main.ts). Pure types and checks: imported by both sides, so it
// imports neither `vscode` nor the DOM.
import type { ProbeReport } from '../core/probes/report';
import type { ProbeEvent, ProbeStatus } from '../core/probes/types';
import type { MediaPath, VerdictLevel } from '../core/probes/verdict';

export const VIEW_TYPE = 'opentokReadiness.connectivity';

export type ExportFormat = 'markdown' | 'json' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['markdown', 'json', 'html'];

/** One probe of an earlier run, as much as a comparison needs. */
export interface HistoryResult {
  readonly id: string;
  readonly label: string;
  readonly status: ProbeStatus;
  readonly cause?: string;
  readonly durationMs: number;
}

/** An earlier run, kept (bounded) in the workspace's state. */
export interface HistoryEntry {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cancelled: boolean;
  readonly level: VerdictLevel;
  readonly path: MediaPath;
  readonly headline: string;
  readonly results: readonly HistoryResult[];
}

/** Port ranges a linted configuration blocks, per protocol: the port map's shading. */
export interface LintPortRange {
  readonly from: number;
  readonly to: number;
  /** The requirement and where it is decided: "udp-media-range, firewall/egress.rules:15". */
  readonly why: string;
}

export interface LintPorts {
  readonly tcp: readonly LintPortRange[];
  readonly udp: readonly LintPortRange[];
  /** Files that were linted (for the legend). */
  readonly files: number;
}

/** Host to page. */
export type HostMessage =
  | {
      readonly type: 'init';
      /** Whether a run is going on right now (a reopened page then waits for its events). */
      readonly running: boolean;
      readonly history: readonly HistoryEntry[];
      readonly lint: LintPorts;
      readonly credentials: boolean;
      /** The last finished report of this window, when the page has none of its own. */
      readonly report?: ProbeReport;
    }
  | { readonly type: 'probe'; readonly event: ProbeEvent }
  | { readonly type: 'report'; readonly report: ProbeReport }
  | { readonly type: 'history'; readonly history: readonly HistoryEntry[] }
  | { readonly type: 'lint'; readonly lint: LintPorts }
  | { readonly type: 'credentials'; readonly set: boolean }
  | { readonly type: 'exported'; readonly format: ExportFormat; readonly path: string }
  | { readonly type: 'error'; readonly message: string };

/** Page to host. */
export type PageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'run' }
  | { readonly type: 'cancel' }
  | { readonly type: 'export'; readonly format: ExportFormat }
  | { readonly type: 'copy'; readonly text: string }
  | { readonly type: 'setCredentials' }
  | { readonly type: 'clearCredentials' }
  | { readonly type: 'clearHistory' }
  | { readonly type: 'openSettings' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The page's messages are checked before the host acts on them: the page renders
 * network data, so the host treats what comes back as untrusted input.
 */
export function parsePageMessage(raw: unknown): PageMessage | undefined {
  if (!isObject(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'run':
    case 'cancel':
    case 'setCredentials':
    case 'clearCredentials':
    case 'clearHistory':
    case 'openSettings':
      return { type: raw.type };
    case 'export':
      return typeof raw.format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(raw.format) ? { type: 'export', format: raw.format as ExportFormat } : undefined;
    case 'copy':
      return typeof raw.text === 'string' && raw.text.length <= 100_000 ? { type: 'copy', text: raw.text } : undefined;
    default:
      return undefined;
  }
}

/** The host's messages, checked by the page (a stand-in host in tests sends the same shapes). */
export function isHostMessage(raw: unknown): raw is HostMessage {
  if (!isObject(raw) || typeof raw.type !== 'string') return false;
  switch (raw.type) {
    case 'init':
      return Array.isArray(raw.history) && isObject(raw.lint) && typeof raw.running === 'boolean';
    case 'probe':
      return isObject(raw.event) && typeof raw.event.type === 'string';
    case 'report':
      return isObject(raw.report) && isObject(raw.report.verdict) && Array.isArray(raw.report.results);
    case 'history':
      return Array.isArray(raw.history);
    case 'lint':
      return isObject(raw.lint);
    case 'credentials':
      return typeof raw.set === 'boolean';
    case 'exported':
      return typeof raw.format === 'string' && typeof raw.path === 'string';
    case 'error':
      return typeof raw.message === 'string';
    default:
      return false;
  }
}

export const FILE_EXTENSION: Readonly<Record<ExportFormat, string>> = { markdown: 'md', json: 'json', html: 'html' };
