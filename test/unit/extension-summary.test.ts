import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { lintText } from '../../src/core/analysis/lint';
import { DEFAULT_CONFIG } from '../../src/core/config/types';
import { addCounts, emptyCounts, itemLabel, lensTitle, statusText, summarizePolicies } from '../../src/extension/adapters/policySummary';
import { repoPath } from '../support/shared';

const lint = (file: string) => lintText({ path: file, text: readFileSync(repoPath(file), 'utf8') }, DEFAULT_CONFIG);

test('one summary per policy with its requirement verdicts, in file order', () => {
  const s = summarizePolicies(lint('examples/hospital-egress.rules'));
  assert.deepEqual(
    s.map((p) => [p.name, p.counts]),
    [
      ['iptables INPUT', { met: 2, 'partially-met': 0, unmet: 0, unknown: 0, suppressed: 0 }],
      ['iptables OUTPUT', { met: 3, 'partially-met': 0, unmet: 2, unknown: 1, suppressed: 0 }],
    ],
  );
  assert.equal(lensTitle(s[1]!.counts), 'OpenTok: 3 met · 0 partially met · 2 unmet · 1 unknown');
  const udp = s[1]!.items.find((i) => i.ruleId === 'udp-3478')!;
  assert.equal(itemLabel(udp), 'udp-3478: not met');
  assert.equal(udp.title, 'UDP 3478 to the platform (STUN/TURN)');
});

test('partially met and suppressed are counted apart', () => {
  const s = summarizePolicies(lint('examples/bank-egress.sh'));
  const total = s.reduce((acc, p) => addCounts(acc, p.counts), emptyCounts());
  assert.equal(total['partially-met'], 1);
  assert.equal(total.unknown, 1);
  assert.ok(lensTitle({ ...total, suppressed: 2 }).endsWith('· 2 suppressed'));
});

test('the status text names the problems, or says ready', () => {
  assert.equal(statusText(0, 0), 'OpenTok');
  assert.equal(statusText(0, 3), '$(pass) OpenTok ready');
  assert.equal(statusText(1, 3), '$(warning) OpenTok: 1 problem');
  assert.equal(statusText(4, 3), '$(warning) OpenTok: 4 problems');
});
