// Editor severities per requirement level, as the user maps them. Kept apart from
// the catalog so that reading settings loads nothing else.
import type { Level } from '../../core/requirements/types';

export type EditorSeverity = 'error' | 'warning' | 'information' | 'hint' | 'off';
export type SeverityMap = Readonly<Record<Level, EditorSeverity>>;

export const DEFAULT_SEVERITIES: SeverityMap = { required: 'error', recommended: 'warning', best: 'information', informational: 'hint' };
export const EDITOR_SEVERITIES: readonly EditorSeverity[] = ['error', 'warning', 'information', 'hint', 'off'];

/** Reads a user's severity setting; unknown values fall back to the default for that level. */
export function severityMapFrom(value: unknown): SeverityMap {
  const given = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const pick = (level: Level): EditorSeverity => {
    const v = given[level];
    return typeof v === 'string' && (EDITOR_SEVERITIES as readonly string[]).includes(v) ? (v as EditorSeverity) : DEFAULT_SEVERITIES[level];
  };
  return { required: pick('required'), recommended: pick('recommended'), best: pick('best'), informational: pick('informational') };
}
