// The manifest and the code agree: every setting read is declared with a scope,
// every command registered is contributed, activation stays on cheap events, and
// the modules unit-tested here never load VS Code.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../support/shared';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { scope?: string; description?: string }> };
    yamlValidation?: { fileMatch: string; url: string }[];
  };
  capabilities: { untrustedWorkspaces: { supported: boolean | string; restrictedConfigurations?: string[] } };
}
const manifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as Manifest;
const src = (f: string) => readFileSync(repoPath('src/extension', f), 'utf8');
const extensionSources = readdirSync(repoPath('src/extension')).filter((f) => f.endsWith('.ts'));

test('every setting has a scope and a description, and every setting read is declared', () => {
  const props = manifest.contributes.configuration.properties;
  for (const [key, p] of Object.entries(props)) {
    assert.ok(key.startsWith('opentokReadiness.'), `${key} is under the one prefix`);
    assert.ok(p.scope && ['application', 'machine', 'window', 'resource', 'language-overridable', 'machine-overridable'].includes(p.scope), `${key} has a scope`);
    assert.ok(p.description, `${key} has a description`);
  }
  const settings = src('settings.ts');
  const read = [...settings.matchAll(/\.get<[^>]+>\('([^']+)'/g)].map((m) => `opentokReadiness.${m[1]}`);
  assert.ok(read.length >= 5);
  for (const key of read) assert.ok(props[key], `${key} is declared in the manifest`);
  assert.deepEqual(Object.keys(props).sort(), [...new Set(read)].sort(), 'nothing is declared that is not read');
  // Settings are read in one module only.
  for (const f of extensionSources.filter((x) => x !== 'settings.ts')) assert.doesNotMatch(src(f), /getConfiguration\('opentokReadiness'/, `${f} reads settings through settings.ts`);
});

test('every command the extension registers is contributed', () => {
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const all = extensionSources.map(src).join('\n');
  const constants = Object.fromEntries([...src('commandIds.ts').matchAll(/export const ([A-Z_]+) = '(opentokReadiness\.[A-Za-z]+)'/g)].map((m) => [m[1]!, m[2]!]));
  const registered = [...all.matchAll(/registerCommand\(([A-Z_]+)/g)].map((m) => constants[m[1]!]);
  assert.ok(registered.length >= 6);
  for (const id of registered) assert.ok(id && contributed.has(id), `${id} is contributed`);
  for (const c of contributed) assert.ok(all.includes(`'${c}'`), `${c} is implemented`);
  assert.ok(contributed.has('opentokReadiness.scanWorkspace'));
  assert.equal(manifest.contributes.commands.find((c) => c.command === 'opentokReadiness.scanWorkspace')?.title, 'Scan workspace for OpenTok readiness');
});

test('activation is on the languages, the configuration file and the commands only', () => {
  assert.equal(manifest.main, './dist/extension.js');
  assert.ok(!manifest.activationEvents.includes('*'));
  assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  for (const e of ['onLanguage:iptables', 'onLanguage:nftables', 'onLanguage:squid', 'onLanguage:yaml', 'workspaceContains:**/.opentok-readiness.yaml']) assert.ok(manifest.activationEvents.includes(e), e);
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
});

test('in an untrusted workspace, its settings cannot choose probe targets', () => {
  // VS Code ignores workspace values of restricted settings until the folder is trusted.
  const restricted = new Set(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []);
  const probe = Object.keys(manifest.contributes.configuration.properties).filter((k) => k.startsWith('opentokReadiness.probe.'));
  assert.ok(probe.length > 0, 'the probe settings are declared');
  for (const key of probe) assert.ok(restricted.has(key), `${key} is a restricted configuration`);
  for (const key of restricted) assert.ok(manifest.contributes.configuration.properties[key], `${key} is declared`);
});

test('the workspace configuration gets schema validation in YAML editors', () => {
  const v = manifest.contributes.yamlValidation?.[0];
  assert.equal(v?.fileMatch, '.opentok-readiness.yaml');
  assert.equal(v?.url, './schemas/opentok-readiness.schema.json');
  JSON.parse(readFileSync(repoPath(v.url), 'utf8'));
});

test('the adapters unit-tested without VS Code never import it', () => {
  const dir = repoPath('src/extension/adapters');
  for (const f of readdirSync(dir)) {
    assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /from 'vscode'|require\('vscode'\)/, `${f} does not import vscode`);
  }
});

test('no telemetry: the extension sends nothing anywhere', () => {
  const all = extensionSources.map(src).join('\n');
  assert.doesNotMatch(all, /createTelemetryLogger|TelemetrySender|applicationinsights|telemetryLevel/);
  assert.doesNotMatch(all, /from 'node:(http|https|net|dgram|tls)'/);
});
