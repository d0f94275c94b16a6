// What the connectivity panel shows besides the probes, computed from the linter's
// findings: the port ranges the workspace's firewall files block, per protocol. Pure.
import type { Finding } from '../core/model/finding';
import type { LintPortRange, LintPorts } from '../webview/protocol';

const MAX_RANGES = 200;

/** Blocked sub-ranges of every unmet or partially met requirement, with where they are decided. */
export function lintPortsOf(findings: readonly Finding[], relative: (file: string) => string): LintPorts {
  const tcp: LintPortRange[] = [];
  const udp: LintPortRange[] = [];
  const files = new Set<string>();
  for (const f of findings) {
    files.add(f.file);
    if (f.suppressed || (f.verdict !== 'unmet' && f.verdict !== 'partially-met')) continue;
    for (const gap of f.blocked ?? []) {
      const by = gap.by[0];
      const why = `${f.ruleId}, ${relative(f.file)}:${by ? by.range.start.line : f.range.start.line}`;
      const list = gap.protocol === 'tcp' ? tcp : udp;
      for (const [from, to] of gap.ports) if (list.length < MAX_RANGES) list.push({ from, to, why });
    }
  }
  return { tcp, udp, files: files.size };
}
