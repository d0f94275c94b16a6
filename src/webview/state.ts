// The page's state and how host messages change it. Pure, so it is tested without a
// browser; the page keeps it with setState/getState and renders from it.
import type { ProbeReport } from '../core/probes/report';
import type { ProbeResult, ProbeSpec, ProbeStatus } from '../core/probes/types';
import type { HistoryEntry, HostMessage, LintPorts } from './protocol';

export type RowStatus = 'pending' | 'running' | ProbeStatus;

export interface Row {
  readonly spec: ProbeSpec;
  readonly status: RowStatus;
  readonly result?: ProbeResult;
}

export type Phase = 'idle' | 'running' | 'done';

export interface Notice {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

export interface PanelState {
  readonly version: 1;
  readonly phase: Phase;
  readonly rows: readonly Row[];
  readonly report?: ProbeReport;
  readonly cancelled: boolean;
  readonly history: readonly HistoryEntry[];
  readonly lint: LintPorts;
  readonly credentials: boolean;
  /** Ids of the rows whose evidence is open. */
  readonly expanded: readonly string[];
  /** `startedAt` of the earlier run compared with the current one. */
  readonly compareWith?: string;
  readonly notice?: Notice;
}

export const EMPTY_LINT: LintPorts = { tcp: [], udp: [], files: 0 };

export const INITIAL_STATE: PanelState = { version: 1, phase: 'idle', rows: [], cancelled: false, history: [], lint: EMPTY_LINT, credentials: false, expanded: [] };

/** A state read back from getState, or the initial state when it is missing or from another version. */
export function restoreState(saved: unknown): PanelState {
  if (typeof saved !== 'object' || saved === null) return INITIAL_STATE;
  const s = saved as Partial<PanelState>;
  if (s.version !== 1 || !Array.isArray(s.rows) || !Array.isArray(s.history) || !Array.isArray(s.expanded)) return INITIAL_STATE;
  const restored = { ...INITIAL_STATE, ...s } as PanelState;
  if (restored.phase !== 'running') return restored;
  // A run cannot survive a reload of the page: the host says in `init` whether one goes on,
  // and replays its events. Until then the page shows the last finished report, if any.
  return restored.report ? { ...restored, phase: 'done', rows: rowsOf(restored.report), cancelled: restored.report.cancelled } : { ...restored, phase: 'idle', rows: [] };
}

function rowsOf(report: ProbeReport): Row[] {
  const byId = new Map(report.results.map((r) => [r.id, r]));
  const rows: Row[] = report.specs.map((spec) => {
    const result = byId.get(spec.id);
    return result ? { spec, status: result.status, result } : { spec, status: 'skipped' };
  });
  // Results of probes the plan does not list (none today) still show.
  for (const r of report.results) {
    if (!report.specs.some((s) => s.id === r.id)) rows.push({ spec: { id: r.id, kind: r.kind, role: r.role, label: r.label, timeoutMs: 0 }, status: r.status, result: r });
  }
  return rows;
}

export function reduce(state: PanelState, msg: HostMessage): PanelState {
  switch (msg.type) {
    case 'init': {
      let next: PanelState = { ...state, history: msg.history, lint: msg.lint, credentials: msg.credentials };
      if (msg.running) next = { ...next, phase: 'running' };
      else if (state.phase === 'running') next = { ...next, phase: state.report ? 'done' : 'idle' };
      // A run that finished while the page was hidden (or before it loaded) replaces an older one.
      if (msg.report && !msg.running && (!next.report || msg.report.startedAt > next.report.startedAt)) {
        next = { ...next, report: msg.report, rows: rowsOf(msg.report), phase: 'done', cancelled: msg.report.cancelled };
      }
      return keepCompare(next);
    }
    case 'probe': {
      const e = msg.event;
      switch (e.type) {
        case 'plan': {
          const { report: _drop, notice: _n, ...rest } = state;
          return { ...rest, phase: 'running', cancelled: false, expanded: [], rows: e.probes.map((spec) => ({ spec, status: 'pending' })) };
        }
        case 'start':
          return { ...state, rows: state.rows.map((r) => (r.spec.id === e.id && r.status === 'pending' ? { ...r, status: 'running' } : r)) };
        case 'result':
          return { ...state, rows: state.rows.map((r) => (r.spec.id === e.result.id ? { ...r, status: e.result.status, result: e.result } : r)) };
        case 'done':
          return { ...state, cancelled: e.cancelled };
        default:
          return state;
      }
    }
    case 'report':
      return { ...state, phase: 'done', report: msg.report, rows: rowsOf(msg.report), cancelled: msg.report.cancelled };
    case 'history':
      return keepCompare({ ...state, history: msg.history });
    case 'lint':
      return { ...state, lint: msg.lint };
    case 'credentials':
      return { ...state, credentials: msg.set };
    case 'exported':
      return { ...state, notice: { kind: 'info', text: `Saved the ${msg.format === 'markdown' ? 'Markdown' : msg.format.toUpperCase()} report to ${msg.path}` } };
    case 'error': {
      const stopped = state.phase === 'running' && !state.rows.some((r) => r.status === 'running' || r.status === 'pending');
      return { ...state, notice: { kind: 'error', text: msg.message }, ...(stopped ? { phase: state.report ? 'done' : 'idle' } : {}) };
    }
    default:
      return state;
  }
}

function keepCompare(s: PanelState): PanelState {
  if (s.compareWith === undefined || s.history.some((h) => h.startedAt === s.compareWith)) return s;
  const { compareWith: _c, ...rest } = s;
  return rest;
}

/** The page's own actions. */
export function toggleExpanded(state: PanelState, id: string): PanelState {
  return { ...state, expanded: state.expanded.includes(id) ? state.expanded.filter((x) => x !== id) : [...state.expanded, id] };
}

export function selectCompare(state: PanelState, startedAt: string | undefined): PanelState {
  if (startedAt === undefined || !state.history.some((h) => h.startedAt === startedAt)) {
    const { compareWith: _c, ...rest } = state;
    return rest;
  }
  return { ...state, compareWith: startedAt };
}

export function dismissNotice(state: PanelState): PanelState {
  const { notice: _n, ...rest } = state;
  return rest;
}

/** "12 of 30 probes done". */
export function progressOf(state: PanelState): { done: number; total: number; running: number } {
  let done = 0;
  let running = 0;
  for (const r of state.rows) {
    if (r.status === 'running') running++;
    else if (r.status !== 'pending') done++;
  }
  return { done, total: state.rows.length, running };
}
