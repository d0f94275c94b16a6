import type { Citation, Level } from '../requirements/types';
import type { SourceRange } from './source';

export type Verdict = 'met' | 'partially-met' | 'unmet' | 'unknown';
export type Severity = 'error' | 'warning' | 'note';

export interface TextEdit {
  readonly file: string;
  readonly range: SourceRange;
  readonly newText: string;
}

/** A fix is data: edits in the file's own syntax, made by the file's format from the linted policy. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  readonly preferred?: boolean;
}

export interface RelatedLocation {
  readonly file: string;
  readonly range: SourceRange;
  readonly message: string;
}

/** A part of a requirement that is blocked or undecided. */
export interface Gap {
  readonly protocol: 'tcp' | 'udp';
  /** Inclusive port ranges. */
  readonly ports: readonly (readonly [number, number])[];
  /** "UDP 10000-19999". */
  readonly text: string;
  /** Set when only some addresses are concerned. */
  readonly addresses?: string;
  /** What about the connection is blocked, when it is not every packet (blocked gaps). */
  readonly note?: string;
  /** Why the evaluator cannot decide (unknown gaps only). */
  readonly reasons?: readonly string[];
  /** The rules (or chain defaults) that decide this part. */
  readonly by: readonly { readonly range: SourceRange; readonly text: string }[];
}

export interface Finding {
  /** A requirement id, or a diagnostic id such as `parse-error`. */
  readonly ruleId: string;
  readonly level: Level;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly range: SourceRange;
  readonly verdict?: Verdict;
  readonly policy?: { readonly name: string; readonly scope: string; readonly range: SourceRange };
  readonly blocked?: readonly Gap[];
  readonly unknown?: readonly Gap[];
  /** Rules that allow parts of the requirement (for hovers). */
  readonly allowedBy?: readonly { readonly range: SourceRange; readonly text: string }[];
  readonly related?: readonly RelatedLocation[];
  /** A requirement's finding makes them when they are first read (see checkRequirement). */
  readonly fixes?: readonly Fix[];
  readonly citations?: readonly Citation[];
  readonly suppressed?: { readonly reason: string; readonly range: SourceRange };
}

/**
 * The finding as a plain object, with its fixes: for copies with a field added and for
 * output. A requirement's finding makes its fixes only when they are read (checkRequirement),
 * so a spread of it alone would leave them out.
 */
export function plainFinding(f: Finding): Finding {
  const fixes = f.fixes;
  return fixes === undefined ? { ...f } : { ...f, fixes };
}

export function severityOf(level: Level): Severity {
  return level === 'required' ? 'error' : level === 'recommended' ? 'warning' : 'note';
}
