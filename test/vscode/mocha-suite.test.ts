// The mocha suite of test/electron, which @vscode/test-electron runs in a downloaded
// VS Code, run here in code-server's extension host so that CI keeps it passing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runMochaSuite } from './support/extensionTests';
import { skipReason, startSession, step, type Session } from './support/session';

describe('VS Code: the test/electron mocha suite in the extension host', { skip: skipReason(), timeout: 15 * 60_000 }, () => {
  let s: Session | undefined;
  before(async () => {
    s = await startSession({ trusted: true });
  }, { timeout: 15 * 60_000 });
  after(async () => {
    await s?.cs.stop();
  });

  it('every spec passes', (t) =>
    step(s, t, async ({ cs }) => {
      // This file is bundled to <out>/test/vscode/; the suite to <out>/test/electron/suite/.
      const r = await runMochaSuite(cs, join(__dirname, '..', 'electron', 'suite', 'index.js'));
      assert.deepEqual(r.failed, [], r.failed.join('\n\n'));
      assert.equal(r.error, undefined);
      assert.ok(r.passed.length >= 11, `${r.passed.length} specs passed: ${r.passed.join(' | ')}`);
    }));
});
