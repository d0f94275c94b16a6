import { REQUIREMENTS } from './catalog';
import { LEVELS, type Level, type Profile, type Requirement, type Role } from './types';

export interface Selection {
  readonly profiles: readonly Profile[];
  readonly role: Role;
  /** Per-requirement level changes; "off" drops the requirement. */
  readonly levels?: Readonly<Record<string, Level | 'off'>>;
}

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** True when `level` is at least as strong as `threshold` (required > recommended > best > informational). */
export function atLeast(level: Level, threshold: Level): boolean {
  return levelRank(level) <= levelRank(threshold);
}

/** The requirements that apply, with level overrides applied. */
export function selectRequirements(sel: Selection, catalog: readonly Requirement[] = REQUIREMENTS): Requirement[] {
  const out: Requirement[] = [];
  for (const r of catalog) {
    if (!r.roles.includes(sel.role)) continue;
    if (!r.profiles.some((p) => sel.profiles.includes(p))) continue;
    const override = sel.levels?.[r.id];
    if (override === 'off') continue;
    out.push(override ? { ...r, level: override } : r);
  }
  return out;
}

export function requirementById(id: string): Requirement | undefined {
  return REQUIREMENTS.find((r) => r.id === id);
}
