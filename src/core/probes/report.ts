// Probe reports as text, JSON, Markdown and HTML. Every string that came from the
// network or a configuration is escaped for the target: control characters out of
// terminal text, Markdown's punctuation, HTML's markup.
import { CATALOG_VERSION } from '../requirements/catalog';
import type { ProbeResult, ProbeSpec } from './types';
import type { ProbeVerdict } from './verdict';

export interface ProbeReport {
  readonly tool: 'opentok-readiness';
  readonly catalogVersion: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cancelled: boolean;
  /** The proxy in use, without any user information. */
  readonly proxy?: string;
  readonly specs: readonly ProbeSpec[];
  readonly results: readonly ProbeResult[];
  readonly verdict: ProbeVerdict;
}

export function makeReport(parts: Omit<ProbeReport, 'tool' | 'catalogVersion'>): ProbeReport {
  return { tool: 'opentok-readiness', catalogVersion: CATALOG_VERSION, ...parts };
}

/** Removes terminal control sequences and other control characters from untrusted text. */
export function plain(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, '\uFFFD');
}

export function escapeHtml(s: string): string {
  return plain(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markdown-safe inline text: punctuation that Markdown or HTML would act on is escaped, lines are joined. */
export function escapeMarkdown(s: string): string {
  return plain(s)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-!|~"']/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function evidenceText(r: ProbeResult): string {
  return Object.entries(r.evidence)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

const STATUS_WORD = { pass: 'pass', warn: 'warn', fail: 'FAIL', unknown: 'unknown', skipped: 'skipped' } as const;

export function renderProbeText(report: ProbeReport, opts: { color: boolean; verbose?: boolean } = { color: false }): string {
  const paint = (code: string, s: string): string => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const colorOf = { pass: '32', warn: '33', fail: '31', unknown: '36', skipped: '2' } as const;
  const v = report.verdict;
  const out: string[] = [];
  const levelColor = v.level === 'ready' ? '32' : v.level === 'degraded' ? '33' : v.level === 'blocked' ? '31' : '36';
  out.push(paint(`1;${levelColor}`, plain(v.headline)), '');
  for (const r of report.results) {
    out.push(`  ${paint(colorOf[r.status], STATUS_WORD[r.status].padEnd(7))} ${plain(r.label)}  ${paint('2', `${Math.round(r.durationMs)} ms`)}`);
    if (r.status !== 'pass' || opts.verbose) out.push(`          ${plain(r.summary)}${r.requirementId && r.status !== 'pass' ? paint('2', `  [${r.requirementId}]`) : ''}`);
    if (opts.verbose) out.push(paint('2', `          ${plain(evidenceText(r))}`));
  }
  if (v.problems.length) {
    out.push('', paint('1', 'What to change:'));
    for (const p of v.problems) {
      out.push(`  ${p.severity === 'error' ? paint('31', 'error') : p.severity === 'warning' ? paint('33', 'warning') : paint('36', 'note')}  ${plain(p.message)}${p.requirementId ? paint('2', `  [${p.requirementId}]`) : ''}`);
      if (p.citation) out.push(paint('2', `      ${plain(p.citation.source)}: "${plain(p.citation.fact)}"`));
      if (p.remediation) {
        out.push(`      fix: ${plain(p.remediation.text)}`);
        for (const s of p.remediation.snippets) {
          out.push(paint('2', `      ${s.format}:`));
          for (const line of s.code.split('\n')) out.push(`        ${plain(line)}`);
        }
      }
    }
  }
  if (v.reconciliation.length) {
    out.push('', paint('1', 'Configuration versus probes:'));
    for (const line of v.reconciliation) out.push(`  ${plain(line)}`);
  }
  const c = v.counts;
  out.push('', `${report.results.length} probes in ${(report.durationMs / 1000).toFixed(1)} s: ${c.pass} pass, ${c.warn} warn, ${c.fail} fail, ${c.unknown} unknown, ${c.skipped} skipped${report.cancelled ? ' (cancelled)' : ''}; media path ${v.path}${report.proxy ? `; proxy ${plain(report.proxy)}` : ''}.`);
  return `${out.join('\n')}\n`;
}

export function renderProbeJson(report: ProbeReport): string {
  return JSON.stringify(report, (_k, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
}

export function renderProbeMarkdown(report: ProbeReport): string {
  const v = report.verdict;
  const e = escapeMarkdown;
  const out: string[] = [];
  out.push('# OpenTok connectivity report', '');
  out.push(`**${e(v.headline)}**`, '');
  out.push(`Started ${e(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s, media path \`${v.path}\`${report.proxy ? `, proxy ${e(report.proxy)}` : ''}${report.cancelled ? ', cancelled' : ''}. Requirement catalog ${e(report.catalogVersion)}.`, '');
  out.push('| Status | Probe | Result | Requirement | Time |', '|---|---|---|---|---|');
  for (const r of report.results) {
    out.push(`| ${r.status} | ${e(r.label)} | ${e(r.summary)} | ${r.requirementId ? e(r.requirementId) : ''} | ${Math.round(r.durationMs)} ms |`);
  }
  if (v.problems.length) {
    out.push('', '## What to change', '');
    for (const p of v.problems) {
      out.push(`- **${p.severity}** ${e(p.message)}${p.requirementId ? ` (${e(p.requirementId)})` : ''}`);
      if (p.citation) out.push(`  - Source: ${e(p.citation.source)}: “${e(p.citation.fact)}”`);
      if (p.remediation) {
        out.push(`  - Fix: ${e(p.remediation.text)}`);
        for (const s of p.remediation.snippets) {
          const fence = s.code.includes('```') ? '~~~~' : '```';
          out.push('', `    ${fence}${s.format === 'networkpolicy' ? 'yaml' : s.format === 'iptables' ? 'sh' : ''}`, ...s.code.split('\n').map((l) => `    ${plain(l)}`), `    ${fence}`, '');
        }
      }
    }
  }
  if (v.reconciliation.length) {
    out.push('', '## Configuration versus probes', '');
    for (const line of v.reconciliation) out.push(`- ${e(line)}`);
  }
  out.push('', '## Evidence', '');
  for (const r of report.results) out.push(`- ${e(r.label)}: ${e(evidenceText(r))}`);
  return `${out.join('\n')}\n`;
}

export function renderProbeHtml(report: ProbeReport): string {
  const v = report.verdict;
  const h = escapeHtml;
  const rows = report.results
    .map((r) => `<tr class="${r.status}"><td>${r.status}</td><td>${h(r.label)}</td><td>${h(r.summary)}</td><td>${r.requirementId ? h(r.requirementId) : ''}</td><td>${Math.round(r.durationMs)} ms</td><td><code>${h(evidenceText(r))}</code></td></tr>`)
    .join('\n');
  const problems = v.problems
    .map(
      (p) =>
        `<li class="${p.severity}"><strong>${p.severity}</strong> ${h(p.message)}${p.requirementId ? ` <code>${h(p.requirementId)}</code>` : ''}` +
        (p.citation ? `<br><small>${h(p.citation.source)}: “${h(p.citation.fact)}”</small>` : '') +
        (p.remediation ? `<p>${h(p.remediation.text)}</p>${p.remediation.snippets.map((s) => `<pre data-format="${s.format}">${h(s.code)}</pre>`).join('')}` : '') +
        '</li>',
    )
    .join('\n');
  const recon = v.reconciliation.map((l) => `<li>${h(l)}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>OpenTok connectivity report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
tr.fail td:first-child{color:#b00}tr.warn td:first-child{color:#a60}tr.pass td:first-child{color:#070}pre{background:#f4f4f4;padding:8px;overflow:auto}
.verdict{font-size:1.2em;font-weight:bold}.verdict.ready{color:#070}.verdict.degraded{color:#a60}.verdict.blocked{color:#b00}</style></head>
<body>
<h1>OpenTok connectivity report</h1>
<p class="verdict ${v.level}">${h(v.headline)}</p>
<p>Started ${h(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s, media path ${h(v.path)}${report.proxy ? `, proxy ${h(report.proxy)}` : ''}${report.cancelled ? ', cancelled' : ''}. Requirement catalog ${h(report.catalogVersion)}.</p>
<table><thead><tr><th>Status</th><th>Probe</th><th>Result</th><th>Requirement</th><th>Time</th><th>Evidence</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${problems ? `<h2>What to change</h2>\n<ul>\n${problems}\n</ul>` : ''}
${recon ? `<h2>Configuration versus probes</h2>\n<ul>\n${recon}\n</ul>` : ''}
</body></html>
`;
}

export type ProbeReportFormat = 'text' | 'json' | 'markdown' | 'html';

export function renderProbeReport(report: ProbeReport, format: ProbeReportFormat, opts: { color: boolean; verbose?: boolean } = { color: false }): string {
  switch (format) {
    case 'json':
      return `${renderProbeJson(report)}\n`;
    case 'markdown':
      return renderProbeMarkdown(report);
    case 'html':
      return renderProbeHtml(report);
    default:
      return renderProbeText(report, opts);
  }
}
