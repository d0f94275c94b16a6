// SARIF 2.1.0 as GitHub code scanning reads it: every rule with help text and
// helpUri, results with exact regions (1-based, end column exclusive, as our
// positions are), fixes as artifact changes, suppressed findings as in-source
// suppressions with their justification.
import { createHash } from 'node:crypto';
import { DIAGNOSTIC_RULES } from '../formats/diagnostics';
import type { Finding } from '../model/finding';
import type { SourceRange } from '../model/source';
import { REQUIREMENTS } from '../requirements/catalog';
import { severityOf } from '../model/finding';
import { helpUri, REPOSITORY_URL, TOOL_NAME, TOOL_VERSION } from './docs';
import { destinationText, flowText } from './catalog';
import { isReportable, relativePath, type LintRun } from './results';

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; precision: string; 'problem.severity': string };
}

function rules(): SarifRule[] {
  const reqs = REQUIREMENTS.map((r): SarifRule => {
    const sources = r.citations.map((c) => `"${c.fact}" (${c.source})`).join(' ');
    return {
      id: r.id,
      name: pascal(r.id),
      shortDescription: { text: r.title },
      fullDescription: { text: r.rationale },
      help: {
        text: `${r.title}. ${r.rationale} Flows: ${flowText(r)}. To: ${destinationText(r)}. Sources: ${sources}`,
        markdown: `**${r.title}**\n\n${r.rationale}\n\n- Flows: ${flowText(r)}\n- To: ${destinationText(r)}\n\n${r.citations.map((c) => `> ${c.fact}\n>\n> — \`${c.source}\``).join('\n\n')}`,
      },
      helpUri: helpUri(r.id),
      defaultConfiguration: { level: severityOf(r.level) },
      properties: { tags: [...new Set(['network', r.level, ...r.profiles])], precision: 'high', 'problem.severity': severityOf(r.level) === 'note' ? 'recommendation' : severityOf(r.level) },
    };
  });
  const diags = Object.entries(DIAGNOSTIC_RULES).map(([id, d]): SarifRule => ({
    id,
    name: pascal(id),
    shortDescription: { text: d.title },
    fullDescription: { text: d.help },
    help: { text: d.help, markdown: d.help },
    helpUri: helpUri(id),
    defaultConfiguration: { level: severityOf(d.level) },
    properties: { tags: ['opentok', 'diagnostic'], precision: 'very-high', 'problem.severity': severityOf(d.level) === 'note' ? 'recommendation' : severityOf(d.level) },
  }));
  return [...reqs, ...diags];
}

const pascal = (id: string): string => id.split('-').map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('');

function region(r: SourceRange): Record<string, number> {
  return { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

function location(cwd: string, file: string, r: SourceRange, message?: string, id?: number): Record<string, unknown> {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: { uri: encodeURI(relativePath(cwd, file)), uriBaseId: '%SRCROOT%' }, region: region(r) },
    ...(message ? { message: { text: message } } : {}),
  };
}

export function renderSarif(run: LintRun): string {
  const ruleList = rules();
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const results: Record<string, unknown>[] = [];
  for (const file of run.files) {
    for (const f of file.findings) {
      if (f.verdict === 'met') continue;
      if (!f.suppressed && !isReportable(f, run.threshold)) continue;
      results.push(result(run.cwd, f, index.get(f.ruleId) ?? -1));
    }
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: TOOL_VERSION, semanticVersion: TOOL_VERSION, informationUri: REPOSITORY_URL, rules: ruleList } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${encodeURI(run.cwd.replace(/\\/g, '/').replace(/\/?$/, '/'))}` } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

function result(cwd: string, f: Finding, ruleIndex: number): Record<string, unknown> {
  const gaps = [...(f.blocked ?? []).map((g) => `Blocked: ${g.text}.`), ...(f.unknown ?? []).map((g) => `Unknown: ${g.text}${g.reasons?.length ? ` (${g.reasons.join('; ')})` : ''}.`)];
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: f.severity,
    kind: 'fail',
    message: { text: [f.message, ...gaps].join(' ') },
    locations: [location(cwd, f.file, f.range)],
    partialFingerprints: { primaryLocationLineHash: fingerprint(f) },
    properties: { verdict: f.verdict ?? 'diagnostic', level: f.level },
  };
  if (f.related?.length) out.relatedLocations = f.related.map((r, i) => location(cwd, r.file, r.range, r.message, i + 1));
  if (f.fixes?.length) {
    out.fixes = f.fixes.map((x) => ({
      description: { text: x.title },
      artifactChanges: groupByFile(x.edits).map(([file, edits]) => ({
        artifactLocation: { uri: encodeURI(relativePath(cwd, file)), uriBaseId: '%SRCROOT%' },
        replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
      })),
    }));
  }
  if (f.suppressed) out.suppressions = [{ kind: 'inSource', justification: f.suppressed.reason }];
  return out;
}

function groupByFile<T extends { file: string }>(edits: readonly T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const e of edits) m.set(e.file, [...(m.get(e.file) ?? []), e]);
  return [...m];
}

/** Stable across runs and line moves: the rule, the file and the deciding text. */
function fingerprint(f: Finding): string {
  const by = f.blocked?.[0]?.by[0]?.text ?? f.unknown?.[0]?.by[0]?.text ?? f.policy?.name ?? '';
  return createHash('sha256').update(`${f.ruleId}\0${f.policy?.name ?? ''}\0${by}\0${f.message.replace(/\d+/g, '#')}`).digest('hex').slice(0, 32);
}
