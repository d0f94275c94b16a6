// Fixtures embed their expected findings next to the lines that cause them:
//   # expect: udp-3478 warning, udp-media-range information
// names the findings (requirement id and editor severity) on the next line that is
// not blank or a comment.
export interface Expected {
  readonly ruleId: string;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  /** 1-based line. */
  readonly line: number;
}

export function expectedFindings(text: string): Expected[] {
  const lines = text.split('\n');
  const out: Expected[] = [];
  lines.forEach((l, i) => {
    const m = /#\s*expect:\s*(.+)$/.exec(l);
    if (!m) return;
    let target = i + 1;
    while (target < lines.length && /^\s*(#|$)/.test(lines[target]!)) target++;
    for (const part of m[1]!.split(',')) {
      const [ruleId, severity] = part.trim().split(/\s+/);
      if (!ruleId || !severity || !['error', 'warning', 'information', 'hint'].includes(severity)) throw new Error(`bad expectation "${part}" on line ${i + 1}`);
      out.push({ ruleId, severity: severity as Expected['severity'], line: target + 1 });
    }
  });
  return out.sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}
