// The catalog as a reader sees it: a Markdown page (README table and
// docs/requirements.md are generated from this) and JSON for tools.
import { DIAGNOSTIC_RULES } from '../formats/diagnostics';
import { CATALOG_VERSION, REQUIREMENTS } from '../requirements/catalog';
import { LEVELS, PROFILES, type Requirement } from '../requirements/types';

export function flowText(r: Requirement): string {
  if (!r.flows || r.flows.length === 0) return '—';
  return r.flows.map((f) => `${f.protocol.toUpperCase()} ${f.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}`).join('; ');
}

export function destinationText(r: Requirement): string {
  const d = r.destinations;
  if (!d) return '—';
  const parts: string[] = [];
  if (d.domains?.length) parts.push(d.domains.map((x) => `\`${x}\``).join(', '));
  if (d.cidrs?.length) parts.push(d.cidrs.map((x) => `\`${x}\``).join(', '));
  if (d.resolver) parts.push('the DNS resolver');
  return parts.join('; ') || '—';
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The short table for the README: one row per requirement. */
export function catalogTable(): string {
  const rows = [
    '| Id | What | Level | Profiles | Roles | Checked by |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of REQUIREMENTS) {
    rows.push(`| [\`${r.id}\`](docs/requirements.md#${r.id}) | ${cell(r.title)} | ${r.level} | ${r.profiles.join(', ')} | ${r.roles.join(', ')} | ${checkedBy(r)} |`);
  }
  return rows.join('\n');
}

function checkedBy(r: Requirement): string {
  switch (r.kind) {
    case 'flow':
      return 'linter, probes';
    case 'proxy':
      return 'proxy configs, probes';
    case 'probe':
      return 'probes';
    case 'advice':
      return 'listed only';
  }
}

/** The full page: every requirement with its rationale and the words it rests on. */
export function catalogMarkdown(): string {
  const out: string[] = [
    '# What opentok-readiness checks',
    '',
    `Catalog version ${CATALOG_VERSION}. Generated from \`src/core/requirements/catalog.ts\` by \`npm run docs\`; do not edit by hand.`,
    '',
    `Levels, strongest first: ${LEVELS.map((l) => `\`${l}\``).join(', ')}. Profiles: ${PROFILES.map((p) => `\`${p}\``).join(', ')}.`,
    '',
    catalogTable().replace(/\(docs\/requirements\.md#/g, '(#'),
    '',
  ];
  for (const r of REQUIREMENTS) {
    out.push(`## ${r.id}`, '', `**${r.title}**`, '', `- Level: \`${r.level}\``, `- Profiles: ${r.profiles.join(', ')}`, `- Roles: ${r.roles.join(', ')}`);
    if (r.direction) out.push(`- Direction: ${r.direction === 'egress' ? 'outbound, opened from inside' : 'replies coming back in'}`);
    if (r.flows?.length) out.push(`- Flows: ${flowText(r)}`);
    if (r.destinations) out.push(`- To: ${destinationText(r)}`);
    out.push(`- Checked by: ${checkedBy(r)}`, '', r.rationale, '', 'Sources:', '');
    for (const c of r.citations) out.push(`> ${c.fact.replace(/\r?\n/g, ' ')}`, `>`, `> — \`${c.source}\`${c.origin ? `, from ${c.origin}` : ''}`, '');
  }
  out.push('## Diagnostics', '', 'Besides the requirements, every format reports these:', '');
  for (const [id, d] of Object.entries(DIAGNOSTIC_RULES)) {
    out.push(`### ${id}`, '', `**${d.title}** (level \`${d.level}\`)`, '', d.help, '');
  }
  return out.join('\n');
}

export function catalogJson(): string {
  return JSON.stringify({ version: CATALOG_VERSION, requirements: REQUIREMENTS, diagnostics: DIAGNOSTIC_RULES }, null, 2);
}

