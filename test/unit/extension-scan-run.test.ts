// The workspace scan's plan and loop without VS Code: the file limit, what is left out,
// progress, cancellation and yielding.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planScan, runScan, SCAN_SLICE_MS, type ScanSteps } from '../../src/extension/adapters/scanRun';

function steps(overrides: Partial<ScanSteps<string>> & { problems?: Record<string, number | undefined> } = {}): ScanSteps<string> & { reports: [string, number][]; linted: string[]; yields: number } {
  const s = {
    reports: [] as [string, number][],
    linted: [] as string[],
    yields: 0,
    lint: async (u: string) => {
      s.linted.push(u);
      return overrides.problems ? overrides.problems[u] : 1;
    },
    isCancelled: () => false,
    report: (m: string, i: number) => void s.reports.push([m, i]),
    label: (u: string) => `rel/${u}`,
    yieldNow: async () => void s.yields++,
    now: () => 0,
    ...overrides,
  };
  return s;
}

describe('planScan', () => {
  test('reads at most maxFiles, and says when the search found more', () => {
    const found = ['a', 'b', 'c', 'd'];
    assert.deepEqual(planScan(found, 3, () => true), { candidates: ['a', 'b', 'c'], leftOut: 0, truncated: true });
    assert.deepEqual(planScan(found, 4, () => true), { candidates: found, leftOut: 0, truncated: false });
  });

  test('counts the files left out among those within the limit', () => {
    assert.deepEqual(planScan(['a', 'node_modules/x', 'b', 'c'], 3, (u) => !u.startsWith('node_modules/')), { candidates: ['a', 'b'], leftOut: 1, truncated: true });
  });
});

describe('runScan', () => {
  test('lints every candidate, counting files a format recognised and their problems, with progress summing to 100', async () => {
    const s = steps({ problems: { a: 2, b: undefined, c: 0 } });
    const r = await runScan(['a', 'b', 'c'], s);
    assert.deepEqual(r, { linted: ['a', 'c'], problems: 2, cancelled: false });
    assert.deepEqual(s.linted, ['a', 'b', 'c']);
    assert.deepEqual(s.reports.map(([m]) => m), ['rel/a', 'rel/b', 'rel/c']);
    assert.ok(Math.abs(s.reports.reduce((n, [, i]) => n + i, 0) - 100) < 1e-9);
  });

  test('stops before the next file once cancelled, and says so', async () => {
    let cancelled = false;
    const s = steps({
      isCancelled: () => cancelled,
      lint: async (u) => {
        s.linted.push(u);
        if (u === 'b') cancelled = true;
        return 1;
      },
    });
    const r = await runScan(['a', 'b', 'c', 'd'], s);
    assert.deepEqual(s.linted, ['a', 'b']);
    assert.deepEqual(r, { linted: ['a', 'b'], problems: 2, cancelled: true });
  });

  test('cancelled before it starts, it reads nothing', async () => {
    const s = steps({ isCancelled: () => true });
    const r = await runScan(['a', 'b'], s);
    assert.deepEqual(s.linted, []);
    assert.deepEqual(r, { linted: [], problems: 0, cancelled: true });
  });

  test('yields whenever a slice of work has run longer than SCAN_SLICE_MS', async () => {
    let clock = 0;
    const s = steps({
      now: () => clock,
      lint: async (u) => {
        s.linted.push(u);
        clock += SCAN_SLICE_MS / 2 + 1;
        return 0;
      },
    });
    await runScan(['a', 'b', 'c', 'd', 'e', 'f'], s);
    // Two files make a slice longer than SCAN_SLICE_MS: a yield after every second file.
    assert.equal(s.yields, 3);
  });

  test('an empty workspace is a scan of nothing', async () => {
    const s = steps();
    assert.deepEqual(await runScan([], s), { linted: [], problems: 0, cancelled: false });
    assert.deepEqual(s.reports, []);
  });
});
