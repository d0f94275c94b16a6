// The fixture workspace of the editor tests says what each file should show; this
// checks those expectations against the core without VS Code, so a failure in the
// real-editor suite points at the editor, not at the fixture.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import { parseConfigText } from '../../src/core/config/load';
import { DEFAULT_SEVERITIES, shownFindings } from '../../src/extension/adapters/findings';
import { ignoredBy } from '../../src/extension/adapters/scanFilter';
import { repoPath } from '../support/shared';
import { expectedFindings } from '../vscode/support/expectations';

const ws = repoPath('test/fixtures/workspace');
const configPath = join(ws, '.opentok-readiness.yaml');
const loaded = parseConfigText(configPath, readFileSync(configPath, 'utf8'), (p) => readFileSync(join(ws, p), 'utf8'));

test('the fixture workspace configuration is valid', () => {
  assert.deepEqual(loaded.findings, []);
  assert.equal(loaded.config.minLevel, 'best');
});

for (const file of ['firewall/egress.rules', 'firewall/gateway-save', 'k8s/networkpolicy.yaml', 'scan/office.rules']) {
  test(`${file}: the findings shown are those its comments expect`, () => {
    const text = readFileSync(join(ws, file), 'utf8');
    const expected = expectedFindings(text);
    assert.ok(expected.length > 0);
    const result = lintText({ path: join(ws, file), text }, loaded.config);
    const shown = shownFindings(result.findings, loaded.config.minLevel, DEFAULT_SEVERITIES)
      .map((s) => ({ ruleId: s.finding.ruleId, severity: s.severity, line: s.finding.range.start.line }))
      .sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
    assert.deepEqual(shown, expected);
  });
}

test('the ignore glob leaves out ignored/ and nothing else', () => {
  const ignored = ignoredBy(loaded.config.ignore, dirname(configPath));
  assert.equal(ignored(join(ws, 'ignored/legacy.rules')), true);
  assert.equal(ignored(join(ws, 'scan/office.rules')), false);
});
