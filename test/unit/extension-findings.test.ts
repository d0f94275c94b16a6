import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG } from '../../src/core/config/types';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';
import { DEFAULT_SEVERITIES, DOCS_BASE, documentationUrl, severityMapFrom, shownFindings } from '../../src/extension/adapters/findings';
import { repoPath } from '../support/shared';

const hospital = () => lintText({ path: 'hospital-egress.rules', text: readFileSync(repoPath('examples/hospital-egress.rules'), 'utf8') }, DEFAULT_CONFIG);

test('met and suppressed findings are not shown; the threshold is the configuration minLevel', () => {
  const r = hospital();
  const shown = shownFindings(r.findings, 'best', DEFAULT_SEVERITIES);
  assert.ok(shown.length > 0);
  assert.ok(shown.every((s) => s.finding.verdict !== 'met' && !s.finding.suppressed));
  assert.deepEqual(shown.map((s) => s.finding.ruleId).sort(), ['dns-resolution', 'udp-3478', 'udp-media-range']);
  // udp-media-range is a best-practice requirement: below the default threshold.
  assert.deepEqual(shownFindings(r.findings, 'recommended', DEFAULT_SEVERITIES).map((s) => s.finding.ruleId).sort(), ['dns-resolution', 'udp-3478']);
});

test('severity follows the level, as the user maps it; off hides the level', () => {
  const r = hospital();
  const bySeverity = (m = DEFAULT_SEVERITIES) => Object.fromEntries(shownFindings(r.findings, 'best', m).map((s) => [s.finding.ruleId, s.severity]));
  assert.deepEqual(bySeverity(), { 'dns-resolution': 'error', 'udp-3478': 'warning', 'udp-media-range': 'information' });
  const custom = severityMapFrom({ recommended: 'error', best: 'off', required: 'nonsense' });
  assert.deepEqual(custom, { required: 'error', recommended: 'error', best: 'off', informational: 'hint' });
  assert.deepEqual(bySeverity(custom), { 'dns-resolution': 'error', 'udp-3478': 'error' });
  assert.deepEqual(severityMapFrom(undefined), DEFAULT_SEVERITIES);
});

test('every requirement id links to a heading of docs/requirements.md', () => {
  const doc = readFileSync(repoPath('docs/requirements.md'), 'utf8');
  const anchors = new Set([...doc.matchAll(/^#+\s+(.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
  for (const r of REQUIREMENTS) {
    assert.equal(documentationUrl(r.id), `${DOCS_BASE}#${r.id}`);
    assert.ok(anchors.has(r.id), `docs/requirements.md has a heading for ${r.id}`);
  }
});
