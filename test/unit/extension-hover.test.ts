import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG } from '../../src/core/config/types';
import { decisionsAt, hoverMarkdown } from '../../src/extension/adapters/hoverText';
import { repoPath } from '../support/shared';

const text = readFileSync(repoPath('examples/hospital-egress.rules'), 'utf8');
const result = lintText({ path: 'hospital-egress.rules', text }, DEFAULT_CONFIG);
const lineOf = (s: string) => text.split('\n').findIndex((l) => l === s);

test('a hover on a blocking rule lists the requirements it blocks, with the blocked ports', () => {
  const line = lineOf('-A LOG_DROP -j DROP');
  const d = decisionsAt(result.findings, line, 3);
  const byId = Object.fromEntries(d.map((x) => [x.ruleId, x]));
  assert.deepEqual(Object.keys(byId).sort(), ['udp-3478', 'udp-media-range']);
  assert.equal(byId['udp-3478']!.how, 'blocks UDP 3478');
  assert.equal(byId['udp-3478']!.verdict, 'unmet');
  assert.equal(byId['udp-media-range']!.how, 'blocks UDP 1025-65535');
  assert.deepEqual(byId['udp-3478']!.range.start, { line: line + 1, column: 1 });
  const md = hoverMarkdown(d)!;
  assert.match(md, /this rule decides 2 requirements/);
  assert.match(md, /\[`udp-3478`\]\(https:\/\/github\.com\/opentok-readiness\/opentok-readiness\/blob\/main\/docs\/requirements\.md#udp-3478\)/);
  assert.match(md, /\*\*not met\*\*; this rule blocks UDP 3478/);
});

test('a hover on an allowing rule says it allows, and on an undecided one why', () => {
  const allow = decisionsAt(result.findings, lineOf('-A OUTPUT -p tcp -m multiport --dports 80,443 -j ACCEPT'), 0);
  assert.deepEqual(allow.map((x) => `${x.ruleId}:${x.how}`).sort(), ['certificate-status:allows it', 'tcp-443-platform:allows it', 'vonage-domains:allows it']);
  const dns = decisionsAt(result.findings, lineOf('-A OUTPUT -d 10.20.0.53/32 -p udp -m udp --dport 53 -j ACCEPT'), 0);
  assert.equal(dns.length, 1);
  assert.equal(dns[0]!.verdict, 'unknown');
  assert.match(dns[0]!.how, /^leaves UDP 53 undecided \(.*resolver/);
});

test('a line that decides nothing has no hover', () => {
  const d = decisionsAt(result.findings, lineOf('*filter'), 0);
  assert.deepEqual(d, []);
  assert.equal(hoverMarkdown(d), undefined);
});
