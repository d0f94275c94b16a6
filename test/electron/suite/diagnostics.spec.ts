import * as assert from 'node:assert/strict';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { asExpected, diagnosticsWhere, expectations, open } from './helpers';

const { suite, test } = Mocha;

suite('diagnostics', () => {
  for (const file of ['firewall/egress.rules', 'k8s/networkpolicy.yaml']) {
    test(`${file} gets the diagnostics its comments expect`, async () => {
      const doc = await open(file);
      const want = JSON.stringify(expectations(file));
      const ds = await diagnosticsWhere(doc.uri, (d) => JSON.stringify(asExpected(d)) === want);
      for (const d of ds) {
        assert.equal(typeof d.code, 'object');
        const target = (d.code as { target: vscode.Uri }).target.toString();
        assert.ok(target.startsWith('https://github.com/opentok-readiness/opentok-readiness/blob/main/docs/requirements.md#'), target);
        assert.ok((d.relatedInformation ?? []).length > 0, 'related information points at the policy');
      }
    });
  }

  test('closing a file clears its diagnostics', async () => {
    const doc = await open('scan/office.rules');
    await diagnosticsWhere(doc.uri, (d) => d.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await diagnosticsWhere(doc.uri, (d) => d.length === 0);
  });

  test('the workspace scan lints files nobody opened, and leaves out ignored ones', async () => {
    await vscode.commands.executeCommand('opentokReadiness.scanWorkspace');
    const office = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'scan/office.rules');
    const want = JSON.stringify(expectations('scan/office.rules'));
    await diagnosticsWhere(office, (d) => JSON.stringify(asExpected(d)) === want);
    const ignored = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'ignored/legacy.rules');
    assert.equal(vscode.languages.getDiagnostics(ignored).length, 0);
  });
});
