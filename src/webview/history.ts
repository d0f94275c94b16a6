// Earlier runs: what is kept of a report, and how two runs compare. Pure; the host
// stores entries, the page shows the comparison.
import type { ProbeReport } from '../core/probes/report';
import type { ProbeStatus } from '../core/probes/types';
import type { HistoryEntry, HistoryResult } from './protocol';

export const DEFAULT_HISTORY_SIZE = 20;

/** What a history entry keeps: identity and outcome of each probe, never its evidence. */
export function historyEntryOf(report: ProbeReport): HistoryEntry {
  return {
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    cancelled: report.cancelled,
    level: report.verdict.level,
    path: report.verdict.path,
    headline: report.verdict.headline,
    results: report.results.map((r): HistoryResult => ({ id: r.id, label: r.label, status: r.status, ...(r.cause ? { cause: r.cause } : {}), durationMs: r.durationMs })),
  };
}

/** Newest first, at most `max` entries, one per start time. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry, max: number): HistoryEntry[] {
  return [entry, ...history.filter((h) => h.startedAt !== entry.startedAt)].slice(0, Math.max(0, max));
}

/** Entries read back from storage: anything malformed is dropped. */
export function validHistory(raw: unknown, max: number): HistoryEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((h): h is HistoryEntry => typeof h === 'object' && h !== null && typeof (h as HistoryEntry).startedAt === 'string' && typeof (h as HistoryEntry).headline === 'string' && Array.isArray((h as HistoryEntry).results))
    .slice(0, max);
}

const RANK: Readonly<Record<ProbeStatus, number>> = { pass: 3, warn: 2, unknown: 1, skipped: 1, fail: 0 };

export type Change = 'better' | 'worse' | 'same' | 'new' | 'gone';

export interface RunDiff {
  readonly id: string;
  readonly label: string;
  readonly before?: ProbeStatus;
  readonly after?: ProbeStatus;
  readonly change: Change;
}

/** Probe by probe, the current run against an earlier one, changes first. */
export function diffRuns(current: readonly HistoryResult[], earlier: readonly HistoryResult[]): RunDiff[] {
  const before = new Map(earlier.map((r) => [r.id, r]));
  const out: RunDiff[] = [];
  for (const r of current) {
    const b = before.get(r.id);
    before.delete(r.id);
    if (!b) out.push({ id: r.id, label: r.label, after: r.status, change: 'new' });
    else {
      const d = RANK[r.status] - RANK[b.status];
      out.push({ id: r.id, label: r.label, before: b.status, after: r.status, change: d > 0 ? 'better' : d < 0 ? 'worse' : 'same' });
    }
  }
  for (const b of before.values()) out.push({ id: b.id, label: b.label, before: b.status, change: 'gone' });
  const order: Readonly<Record<Change, number>> = { worse: 0, better: 1, new: 2, gone: 3, same: 4 };
  return out.map((d, i) => ({ d, i })).sort((a, b) => order[a.d.change] - order[b.d.change] || a.i - b.i).map((x) => x.d);
}

export function summarizeDiff(diff: readonly RunDiff[]): string {
  const n = (c: Change): number => diff.filter((d) => d.change === c).length;
  const parts = [`${n('worse')} worse`, `${n('better')} better`, `${n('same')} unchanged`];
  if (n('new')) parts.push(`${n('new')} new`);
  if (n('gone')) parts.push(`${n('gone')} no longer probed`);
  return parts.join(', ');
}
