// The panel's probe options: the workspace configuration's `probe` section, refined by
// the editor's settings, validated by the same parser as the CLI's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { panelProbeInput } from '../../src/extension/panelProbe';
import type { ProbeSettings } from '../../src/extension/settings';

const NO_SETTINGS: ProbeSettings = { targets: {}, proxy: '', httpProxy: '', throughputUrl: '', historySize: 20 };

describe('panel probe input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opentok-panel-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, '.opentok-readiness.yaml'),
    ['profiles: [opentok, custom-turn]', 'turnServers:', '  - { host: turn.example.org, port: 443, transport: tls }', 'probe:', '  stun: ["stun.example.org:3478"]', '  timeoutMs: 2000', ''].join('\n'),
  );

  it('reads the probe section and the custom TURN servers of the workspace configuration', () => {
    const input = panelProbeInput(dir, NO_SETTINGS);
    assert.deepEqual(input.errors, []);
    assert.equal(input.configPath, join(dir, '.opentok-readiness.yaml'));
    assert.deepEqual(input.options.targets.stun, [{ host: 'stun.example.org', port: 3478 }]);
    assert.equal(input.options.timeoutMs, 2000);
    assert.deepEqual(input.options.targets.customTurn, [{ host: 'turn.example.org', port: 443, transport: 'tls', custom: true }]);
    assert.deepEqual(input.selection.profiles, ['opentok', 'custom-turn']);
    assert.equal(input.options.proxy, undefined);
  });

  it('settings refine it: targets, timeout, proxy, throughput', () => {
    const input = panelProbeInput(dir, { ...NO_SETTINGS, targets: { stun: ['127.0.0.1:3478'], api: [] }, timeoutMs: 800, proxy: 'none', throughputUrl: 'https://speed.example.org/10MB' });
    assert.deepEqual(input.errors, []);
    assert.deepEqual(input.options.targets.stun, [{ host: '127.0.0.1', port: 3478 }]);
    assert.deepEqual(input.options.targets.api, []);
    assert.ok(input.options.targets.logging.length > 0, 'what the settings leave out keeps its default');
    assert.equal(input.options.timeoutMs, 800);
    assert.equal(input.options.proxy, 'none');
    assert.equal(input.options.targets.throughput, 'https://speed.example.org/10MB');
  });

  it('VS Code\'s http.proxy is used when the probe proxy is not set, and reported to the environment probe', () => {
    const input = panelProbeInput(dir, { ...NO_SETTINGS, httpProxy: 'http://proxy.corp:3128' });
    assert.equal(input.options.proxy, 'http://proxy.corp:3128');
    assert.deepEqual(input.hostEnvironment, { 'http.proxy': 'http://proxy.corp:3128' });
    assert.equal(panelProbeInput(dir, { ...NO_SETTINGS, httpProxy: 'http://proxy.corp:3128', proxy: 'none' }).options.proxy, 'none');
  });

  it('invalid settings stop the check with the reason', () => {
    const input = panelProbeInput(dir, { ...NO_SETTINGS, targets: { stun: ['not a host port'] }, proxy: 'socks5://x' });
    assert.equal(input.errors.length, 2);
    assert.match(input.errors[0]!, /^opentokReadiness\.probe\.targets\.stun\[0\]: "not a host port" is not "host:port"$/);
    assert.match(input.errors[1]!, /^opentokReadiness\.probe\.proxy: expected "http:\/\/host:port" or "none"$/);
  });

  it('a folder without a configuration probes the platform\'s defaults', () => {
    const empty = mkdtempSync(join(tmpdir(), 'opentok-panel-empty-'));
    try {
      const input = panelProbeInput(empty, NO_SETTINGS);
      assert.deepEqual(input.errors, []);
      assert.equal(input.configPath, undefined);
      assert.ok(input.options.targets.api.some((u) => u.includes('opentok.com')));
      assert.deepEqual(input.selection.profiles, ['opentok']);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
