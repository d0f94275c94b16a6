import type { Finding } from '../model/finding';
import type { SourceRange } from '../model/source';

/** Diagnostics every format emits; their ids are stable and documented in the README. */
export const DIAGNOSTIC_RULES = {
  'parse-error': { level: 'recommended', title: 'A line or document could not be read', help: 'The rest of the file is still checked; flows the unreadable part might decide are reported as unknown.' },
  'not-evaluated': { level: 'informational', title: 'Part of the file is not evaluated', help: 'Tables, chains or objects that do not filter the traffic the requirements describe are noted and skipped.' },
  'file-skipped': { level: 'informational', title: 'A file was skipped', help: 'Binary, unreadable, oversized or unrecognised files are skipped with a notice.' },
  'config-error': { level: 'required', title: 'The workspace configuration is invalid', help: 'The .opentok-readiness.yaml file does not match its schema; the defaults are used for the invalid parts.' },
  'suppression-error': { level: 'recommended', title: 'A suppression comment is malformed', help: 'Write `opentok-readiness-disable-next-line <id> -- <reason>`; a suppression needs a requirement id and a reason.' },
} as const;

export type DiagnosticId = keyof typeof DIAGNOSTIC_RULES;

export function diagnostic(id: DiagnosticId, file: string, range: SourceRange, message: string): Finding {
  const level = DIAGNOSTIC_RULES[id].level;
  return {
    ruleId: id,
    level,
    severity: level === 'required' ? 'error' : level === 'recommended' ? 'warning' : 'note',
    message,
    file,
    range,
  };
}
