import * as assert from 'node:assert/strict';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { asExpected, codeOf, diagnosticsWhere, expectations, open, openInEditor, revertActive, workspaceFile } from './helpers';

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

  test('a diagnostic covers exactly the deciding rule', async () => {
    const doc = await open('firewall/egress.rules');
    const ds = await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'udp-3478'));
    const udp = ds.find((x) => codeOf(x) === 'udp-3478')!;
    assert.equal(doc.getText(udp.range), '-A OUTPUT -j DROP');
    assert.equal(udp.source, 'opentok-readiness');
    assert.equal(udp.severity, vscode.DiagnosticSeverity.Warning);
    const related = udp.relatedInformation ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0]!.location.uri.toString(), doc.uri.toString());
    assert.equal(doc.lineAt(related[0]!.location.range.start.line).text, ':OUTPUT DROP [0:0]');
  });

  test('an edit is linted again after the pause, without saving', async () => {
    const doc = await open('firewall/egress.rules');
    const line = doc.getText().split('\n').indexOf('-A OUTPUT -j DROP');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(line, 0), '#');
    assert.ok(await vscode.workspace.applyEdit(edit));
    // With the DROP rule commented out, the OUTPUT chain's policy decides.
    const policyLine = doc.getText().split('\n').indexOf(':OUTPUT DROP [0:0]') + 1;
    const want = JSON.stringify([
      { ruleId: 'udp-3478', severity: 'warning', line: policyLine },
      { ruleId: 'udp-media-range', severity: 'information', line: policyLine },
    ]);
    await diagnosticsWhere(doc.uri, (d) => JSON.stringify(asExpected(d)) === want);
    await revertActive();
    const original = JSON.stringify(expectations('firewall/egress.rules'));
    await diagnosticsWhere(doc.uri, (d) => JSON.stringify(asExpected(d)) === original);
  });

  test('the severity of a requirement level follows the setting', async () => {
    const doc = await open('k8s/networkpolicy.yaml');
    const config = vscode.workspace.getConfiguration('opentokReadiness');
    await config.update('severity', { best: 'warning' }, vscode.ConfigurationTarget.Workspace);
    try {
      await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'udp-media-range' && x.severity === vscode.DiagnosticSeverity.Warning));
    } finally {
      await config.update('severity', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'udp-media-range' && x.severity === vscode.DiagnosticSeverity.Information));
  });

  test('closing a file clears its diagnostics', async () => {
    const doc = await openInEditor('scan/office.rules');
    await diagnosticsWhere(doc.uri, (d) => d.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await diagnosticsWhere(doc.uri, (d) => d.length === 0);
  });

  test('the workspace scan lints files nobody opened, and leaves out ignored ones', async () => {
    await vscode.commands.executeCommand('opentokReadiness.scanWorkspace');
    const office = workspaceFile('scan/office.rules');
    const want = JSON.stringify(expectations('scan/office.rules'));
    await diagnosticsWhere(office, (d) => JSON.stringify(asExpected(d)) === want);
    assert.equal(vscode.languages.getDiagnostics(workspaceFile('ignored/legacy.rules')).length, 0);
    assert.equal(vscode.languages.getDiagnostics(workspaceFile('excluded/old.rules')).length, 0);
  });

  test('deleting a file clears its diagnostics', async () => {
    const copy = workspaceFile('scan/copy.rules');
    await vscode.workspace.fs.copy(workspaceFile('scan/office.rules'), copy, { overwrite: true });
    const doc = await open('scan/copy.rules');
    await diagnosticsWhere(doc.uri, (d) => d.length > 0);
    await vscode.workspace.fs.delete(copy);
    await diagnosticsWhere(copy, (d) => d.length === 0);
  });
});
