import * as assert from 'node:assert/strict';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { asExpected, codeOf, diagnosticsWhere, expectations, open, revertActive } from './helpers';

const { suite, test } = Mocha;

suite('quick fixes, hovers and CodeLens', () => {
  test('the code actions of a diagnostic: its fix (preferred), suppress with reason, fix all', async () => {
    const doc = await open('firewall/egress.rules');
    const ds = await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'udp-3478'));
    const udp = ds.find((x) => codeOf(x) === 'udp-3478')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, udp.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => a.title.startsWith('Allow UDP 3478'));
    assert.ok(fix, titles.join(' | '));
    assert.equal(fix.isPreferred, true);
    assert.ok(titles.includes('Suppress udp-3478 with a reason…'), titles.join(' | '));
    assert.ok(titles.some((t) => t.startsWith('Fix all OpenTok readiness problems in this file')), titles.join(' | '));

    assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)));
    await diagnosticsWhere(doc.uri, (d) => !d.some((x) => codeOf(x) === 'udp-3478') && d.some((x) => codeOf(x) === 'udp-media-range'));
    await revertActive();
    const want = JSON.stringify(expectations('firewall/egress.rules'));
    await diagnosticsWhere(doc.uri, (d) => JSON.stringify(asExpected(d)) === want);
  });

  test('the fix-all source action applies every preferred fix of the file', async () => {
    const doc = await open('firewall/egress.rules');
    await diagnosticsWhere(doc.uri, (d) => d.length > 0);
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, vscode.CodeActionKind.SourceFixAll.append('opentokReadiness').value);
    assert.equal(actions.length, 1, actions.map((a) => a.title).join(' | '));
    assert.ok(actions[0]!.edit && (await vscode.workspace.applyEdit(actions[0]!.edit)));
    await diagnosticsWhere(doc.uri, (d) => d.length === 0);
    await revertActive();
    await diagnosticsWhere(doc.uri, (d) => d.length > 0);
  });

  test('a hover on the deciding rule lists the requirements it decides', async () => {
    const doc = await open('firewall/egress.rules');
    const line = doc.getText().split('\n').indexOf('-A OUTPUT -j DROP');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /this rule decides/);
    assert.match(text, /udp-media-range/);
  });

  test('a CodeLens above each policy counts its requirements', async () => {
    const doc = await open('firewall/egress.rules');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('OpenTok: 4 met · 0 partially met · 2 unmet · 0 unknown'), titles.join(' | '));
  });
});
