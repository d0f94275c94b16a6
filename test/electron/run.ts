// The checks that need no UI, inside VS Code itself, with @vscode/test-electron:
// downloads a VS Code build, starts it on a copy of the fixture workspace with this
// extension in development mode, and runs the mocha suite in suite/.
//   npm run test:electron   (needs a machine that can download VS Code)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoPath } from '../support/shared';

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'opentok-electron-'));
  const workspace = join(root, 'workspace');
  cpSync(repoPath('test/fixtures/workspace'), workspace, { recursive: true });
  try {
    await runTests({
      extensionDevelopmentPath: repoPath(),
      extensionTestsPath: join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
