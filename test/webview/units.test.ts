// The panel's pure parts: messages, the page's state, history, picture geometry, the
// lint port ranges and the HTML shell with its Content-Security-Policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/model/finding';
import { lintPortsOf } from '../../src/extension/panelData';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../src/extension/panelHtml';
import { addToHistory, diffRuns, historyEntryOf, summarizeDiff, validHistory } from '../../src/webview/history';
import { chartGeometry, mediaLanes, mergeRanges, niceCeil, portMarkers, portX, probedPort, rangeRect, signallingLane } from '../../src/webview/pictures';
import { readFileSync } from 'node:fs';
import { isHostMessage, parsePageMessage, VIEW_TYPE } from '../../src/webview/protocol';
import { repoPath } from '../support/shared';
import { INITIAL_STATE, progressOf, reduce, restoreState, selectCompare, toggleExpanded, type PanelState } from '../../src/webview/state';
import { EARLIER, fixtureReport, LINT, RESULTS, SPECS } from './fixture';

function streamed(): PanelState {
  let s = reduce(INITIAL_STATE, { type: 'probe', event: { type: 'plan', probes: SPECS } });
  for (const spec of SPECS) s = reduce(s, { type: 'probe', event: { type: 'start', id: spec.id } });
  return s;
}

describe('page messages', () => {
  it('the view type is the one the manifest activates on', () => {
    const manifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { activationEvents: string[] };
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${VIEW_TYPE}`));
  });

  it('accepts the page messages the host acts on, and nothing else', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'export', format: 'json', extra: 1 }), { type: 'export', format: 'json' });
    assert.equal(parsePageMessage({ type: 'export', format: 'pdf' }), undefined);
    assert.equal(parsePageMessage({ type: 'export' }), undefined);
    assert.deepEqual(parsePageMessage({ type: 'copy', text: 'iptables -A OUTPUT' }), { type: 'copy', text: 'iptables -A OUTPUT' });
    assert.equal(parsePageMessage({ type: 'copy', text: 'x'.repeat(100_001) }), undefined);
    assert.equal(parsePageMessage({ type: 'eval', code: '1' }), undefined);
    assert.equal(parsePageMessage('ready'), undefined);
    assert.equal(parsePageMessage(null), undefined);
    assert.deepEqual(parsePageMessage({ type: 'cancel', run: 3 }), { type: 'cancel' });
  });

  it('the page recognises host messages by shape', () => {
    assert.equal(isHostMessage({ type: 'report', report: fixtureReport() }), true);
    assert.equal(isHostMessage({ type: 'report', report: {} }), false);
    assert.equal(isHostMessage({ type: 'init', running: false, history: [], lint: LINT, credentials: false }), true);
    assert.equal(isHostMessage({ type: 'probe', event: { type: 'start', id: 'x' } }), true);
    assert.equal(isHostMessage({ type: 'navigate', url: 'https://example.org' }), false);
    assert.equal(isHostMessage({ data: 1 }), false);
  });
});

describe('page state', () => {
  it('rows are pending after the plan, running after start, then take their result', () => {
    let s = reduce(INITIAL_STATE, { type: 'probe', event: { type: 'plan', probes: SPECS } });
    assert.equal(s.phase, 'running');
    assert.equal(s.rows.length, SPECS.length);
    assert.ok(s.rows.every((r) => r.status === 'pending'));
    s = reduce(s, { type: 'probe', event: { type: 'start', id: SPECS[1]!.id } });
    assert.equal(s.rows[1]!.status, 'running');
    const fail = RESULTS.find((r) => r.status === 'fail')!;
    s = reduce(s, { type: 'probe', event: { type: 'result', result: fail } });
    const row = s.rows.find((r) => r.spec.id === fail.id)!;
    assert.equal(row.status, 'fail');
    assert.equal(row.result?.summary, fail.summary);
    assert.deepEqual(progressOf(s), { done: 1, total: SPECS.length, running: 1 });
  });

  it('the report ends the run and replaces the rows; a new plan clears the last report', () => {
    let s = reduce(streamed(), { type: 'report', report: fixtureReport() });
    assert.equal(s.phase, 'done');
    assert.equal(s.report?.verdict.level, 'ready');
    assert.ok(s.rows.every((r) => r.result !== undefined));
    s = toggleExpanded(s, SPECS[0]!.id);
    assert.deepEqual(s.expanded, [SPECS[0]!.id]);
    s = reduce(s, { type: 'probe', event: { type: 'plan', probes: SPECS.slice(0, 2) } });
    assert.equal(s.report, undefined);
    assert.deepEqual(s.expanded, []);
    assert.equal(s.rows.length, 2);
  });

  it('a restored state never claims a run is going on; init says whether one is', () => {
    const saved = JSON.parse(JSON.stringify(streamed())) as unknown;
    const restored = restoreState(saved);
    assert.equal(restored.phase, 'idle');
    assert.equal(restored.rows.length, 0, 'no rows left pending forever');
    const withReport = restoreState(JSON.parse(JSON.stringify({ ...streamed(), report: fixtureReport() })) as unknown);
    assert.equal(withReport.phase, 'done');
    assert.ok(withReport.rows.every((r) => r.status !== 'pending' && r.status !== 'running'));
    assert.equal(reduce(restored, { type: 'init', running: true, history: [], lint: LINT, credentials: true }).phase, 'running');
    assert.deepEqual(restoreState({ version: 2 }), INITIAL_STATE);
    assert.deepEqual(restoreState(undefined), INITIAL_STATE);
    assert.deepEqual(restoreState({ version: 1, rows: 'x', history: [], expanded: [] }), INITIAL_STATE);
  });

  it('init brings the host\'s last report to a page that has none or an older one', () => {
    const report = fixtureReport();
    const fresh = reduce(INITIAL_STATE, { type: 'init', running: false, history: [], lint: LINT, credentials: false, report });
    assert.equal(fresh.report?.startedAt, report.startedAt);
    assert.equal(fresh.phase, 'done');
    const own = reduce(INITIAL_STATE, { type: 'report', report: fixtureReport('2026-12-02T00:00:00.000Z') });
    assert.equal(reduce(own, { type: 'init', running: false, history: [], lint: LINT, credentials: false, report }).report?.startedAt, '2026-12-02T00:00:00.000Z');
    // A newer report of the host (finished while the page was hidden) replaces the page's older one.
    const older = reduce(INITIAL_STATE, { type: 'report', report: fixtureReport('2026-11-01T00:00:00.000Z') });
    assert.equal(reduce(older, { type: 'init', running: false, history: [], lint: LINT, credentials: false, report }).report?.startedAt, report.startedAt);
  });

  it('compare selects only a run in the history, and forgets it when the history drops it', () => {
    let s = reduce(INITIAL_STATE, { type: 'history', history: [EARLIER] });
    s = selectCompare(s, 'no such run');
    assert.equal(s.compareWith, undefined);
    s = selectCompare(s, EARLIER.startedAt);
    assert.equal(s.compareWith, EARLIER.startedAt);
    s = reduce(s, { type: 'history', history: [] });
    assert.equal(s.compareWith, undefined);
  });

  it('errors and exports become notices', () => {
    assert.deepEqual(reduce(INITIAL_STATE, { type: 'error', message: 'no' }).notice, { kind: 'error', text: 'no' });
    assert.match(reduce(INITIAL_STATE, { type: 'exported', format: 'markdown', path: '/tmp/r.md' }).notice!.text, /Markdown report to \/tmp\/r\.md/);
  });
});

describe('history', () => {
  it('keeps no evidence, newest first, bounded, one entry per run', () => {
    const e = historyEntryOf(fixtureReport());
    assert.equal(e.results.length, RESULTS.length);
    assert.ok(e.results.every((r) => !('evidence' in r) && !('summary' in r)));
    let h = addToHistory([], e, 3);
    h = addToHistory(h, EARLIER, 3);
    h = addToHistory(h, e, 3);
    assert.deepEqual(h.map((x) => x.startedAt), [e.startedAt, EARLIER.startedAt]);
    for (let i = 0; i < 5; i++) h = addToHistory(h, { ...EARLIER, startedAt: `2026-10-0${i + 1}T00:00:00.000Z` }, 3);
    assert.equal(h.length, 3);
    assert.equal(addToHistory(h, e, 0).length, 0);
  });

  it('drops malformed stored entries', () => {
    assert.deepEqual(validHistory('x', 5), []);
    assert.deepEqual(validHistory([{ startedAt: 1 }, EARLIER, null], 5), [EARLIER]);
  });

  it('diffs runs probe by probe, changes first', () => {
    const diff = diffRuns(
      [
        { id: 'a', label: 'A', status: 'pass', durationMs: 1 },
        { id: 'b', label: 'B', status: 'fail', durationMs: 1 },
        { id: 'c', label: 'C', status: 'pass', durationMs: 1 },
        { id: 'n', label: 'N', status: 'warn', durationMs: 1 },
      ],
      [
        { id: 'a', label: 'A', status: 'fail', durationMs: 1 },
        { id: 'b', label: 'B', status: 'pass', durationMs: 1 },
        { id: 'c', label: 'C', status: 'pass', durationMs: 1 },
        { id: 'g', label: 'G', status: 'pass', durationMs: 1 },
      ],
    );
    assert.deepEqual(diff.map((d) => `${d.id}:${d.change}`), ['b:worse', 'a:better', 'n:new', 'g:gone', 'c:same']);
    assert.equal(summarizeDiff(diff), '1 worse, 1 better, 1 unchanged, 1 new, 1 no longer probed');
  });
});

describe('picture geometry', () => {
  it('places ports on a logarithmic 1-65535 bar', () => {
    assert.equal(portX(1, 600), 0);
    assert.ok(Math.abs(portX(65535, 600) - 600) < 0.01);
    assert.ok(portX(443, 600) < portX(3478, 600) && portX(3478, 600) < portX(40000, 600));
    assert.equal(portX(0, 600), 0);
    assert.ok(portX(70000, 600) <= 600);
  });

  it('a range covers its ports, a single port stays visible, the end stays on the bar', () => {
    const r = rangeRect(1025, 65535, 600);
    assert.ok(Math.abs(r.x + r.width - 600) < 1e-9);
    assert.ok(Math.abs(r.x - portX(1025, 600)) < 1e-9);
    const one = rangeRect(3478, 3478, 600);
    assert.equal(one.width, 2);
    const last = rangeRect(65535, 65535, 600);
    assert.ok(last.x + last.width <= 600 + 1e-9 && last.width >= 2);
    assert.deepEqual(rangeRect(20, 10, 600), rangeRect(10, 20, 600));
  });

  it('merges overlapping and adjacent blocked ranges with their reasons', () => {
    assert.deepEqual(mergeRanges([{ from: 3479, to: 65535, why: 'b' }, { from: 1025, to: 3477, why: 'a' }, { from: 3478, to: 3478, why: 'a' }]), [{ from: 1025, to: 65535, why: 'a; b' }]);
    assert.deepEqual(mergeRanges([{ from: 10, to: 5, why: 'bad' }]), []);
  });

  it('marks each directly probed port per protocol with its worst status', () => {
    const s = reduce(streamed(), { type: 'report', report: fixtureReport() });
    const m = portMarkers(s.rows);
    assert.deepEqual(m.udp.map((x) => `${x.port}:${x.status}`), ['3478:fail', '40000:fail']);
    assert.ok(m.tcp.some((x) => x.port === 443 && x.status === 'pass'));
    assert.ok(m.tcp.some((x) => x.port === 5349 && x.status === 'fail'));
    assert.equal(probedPort({ id: 'x', kind: 'https', role: 'api', label: 'x', port: 443, timeoutMs: 1 }), undefined);
    assert.equal(probedPort({ id: 'x', kind: 'tcp', role: 'api', label: 'x', port: 443, viaProxy: 'http://p:3128', timeoutMs: 1 }), undefined);
    assert.deepEqual(probedPort({ id: 'x', kind: 'turn', role: 'media', label: 'x', port: 443, transport: 'tls', timeoutMs: 1 }), { protocol: 'tcp', port: 443 });
  });

  it('media lanes follow the probes and the verdict\'s path', () => {
    const report = fixtureReport();
    const s = reduce(streamed(), { type: 'report', report });
    const lanes = mediaLanes(s.rows, report.verdict.path);
    assert.deepEqual(lanes.map((l) => `${l.path}:${l.state}${l.chosen ? '*' : ''}`), ['udp-direct:blocked', 'turn-udp:partial*', 'turn-tcp:untested', 'turn-tls:works']);
    assert.equal(report.verdict.path, 'turn-udp');
    const running = mediaLanes(streamed().rows, undefined);
    assert.ok(running.filter((l) => l.path !== 'turn-tcp').every((l) => l.state === 'running'));
  });

  it('a TURN relay reached through the proxy is drawn through it', () => {
    const spec = { id: 'turn:tls:t:443', kind: 'turn' as const, role: 'media' as const, label: 'TURN Allocate TLS t:443', host: 't', port: 443, transport: 'tls' as const, viaProxy: 'http://proxy:3128', timeoutMs: 1 };
    const lanes = mediaLanes([{ spec, status: 'pass' }], 'turn-tls');
    assert.deepEqual(lanes.map((l) => `${l.path}:${l.state}:${l.viaProxy}:${l.chosen}`), ['udp-direct:untested:false:false', 'turn-udp:untested:false:false', 'turn-tcp:untested:false:false', 'turn-tls:works:true:true']);
    assert.equal(lanes[3]!.label, 'TURN over TLS 443');
    assert.equal(mediaLanes([{ spec: { ...spec, port: 5349, viaProxy: undefined }, status: 'fail' }], 'none')[3]!.label, 'TURN over TLS 5349');
  });

  it('the signalling lane: HTTPS and WebSocket to the API and signalling servers, and their proxy', () => {
    const spec = (kind: 'https' | 'websocket', viaProxy?: string) => ({ id: `${kind}:x`, kind, role: kind === 'https' ? ('api' as const) : ('signalling' as const), label: kind, port: 443, timeoutMs: 1, ...(viaProxy ? { viaProxy } : {}) });
    assert.deepEqual(signallingLane([{ spec: spec('https', 'http://proxy:3128'), status: 'pass' }, { spec: spec('websocket', 'http://proxy:3128'), status: 'warn' }]), { state: 'works', proxy: 'http://proxy:3128' });
    assert.deepEqual(signallingLane([{ spec: spec('https'), status: 'fail' }, { spec: spec('websocket'), status: 'pass' }]), { state: 'partial' });
    assert.deepEqual(signallingLane([{ spec: spec('https'), status: 'fail' }, { spec: spec('websocket'), status: 'running' }]), { state: 'running' });
    assert.deepEqual(signallingLane([{ spec: spec('https'), status: 'fail' }]), { state: 'blocked' });
    assert.deepEqual(signallingLane([]), { state: 'untested' });
  });

  it('charts RTT and jitter, with lost requests apart', () => {
    const g = chartGeometry([10, 20, -1, 15], 300, 100);
    assert.equal(g.sent, 4);
    assert.equal(g.received, 3);
    assert.deepEqual(g.lost, [200]);
    assert.equal(g.maxMs, 50);
    assert.equal(g.rtt, '0,80 100,60 300,70');
    assert.equal(g.jitter, '100,80 300,90');
    assert.deepEqual(g.limits.map((l) => l.label), ['jitter 30 ms']);
    assert.equal(g.limits[0]!.y, 40);
    assert.deepEqual(chartGeometry([150, 20], 300, 100).limits.map((l) => l.label), ['RTT 100 ms', 'jitter 30 ms']);
    assert.equal(chartGeometry([], 300, 100).rtt, '');
    assert.equal(chartGeometry([-1], 300, 100).maxMs, 1);
    assert.deepEqual([niceCeil(0), niceCeil(0.3), niceCeil(7), niceCeil(120)], [1, 0.5, 10, 200]);
  });
});

describe('lint ranges for the port map', () => {
  const range = (line: number) => ({ start: { line, column: 1 }, end: { line, column: 10 } });
  const finding = (over: Partial<Finding>): Finding => ({ ruleId: 'udp-media-range', level: 'best', severity: 'note', message: 'm', file: '/w/firewall/egress.rules', range: range(3), ...over });
  it('takes blocked gaps of unmet and partially met requirements, with the deciding line', () => {
    const ports = lintPortsOf(
      [
        finding({ verdict: 'partially-met', blocked: [{ protocol: 'udp', ports: [[1025, 3477], [3479, 65535]], text: 'UDP', by: [{ range: range(15), text: '-A OUTPUT -j DROP' }] }] }),
        finding({ ruleId: 'tcp-443-platform', verdict: 'met' }),
        finding({ verdict: 'unmet', suppressed: { reason: 'relayed', range: range(2) }, blocked: [{ protocol: 'tcp', ports: [[443, 443]], text: 'TCP 443', by: [] }] }),
        finding({ file: '/w/k8s/np.yaml', verdict: 'unmet', blocked: [{ protocol: 'tcp', ports: [[5349, 5349]], text: 'TCP 5349', by: [] }] }),
      ],
      (f) => f.replace('/w/', ''),
    );
    assert.deepEqual(ports.udp, [
      { from: 1025, to: 3477, why: 'udp-media-range, firewall/egress.rules:15' },
      { from: 3479, to: 65535, why: 'udp-media-range, firewall/egress.rules:15' },
    ]);
    assert.deepEqual(ports.tcp, [{ from: 5349, to: 5349, why: 'udp-media-range, k8s/np.yaml:3' }]);
    assert.equal(ports.files, 2);
  });
});

describe('panel HTML', () => {
  const input = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css' };
  it('has a default-src none policy, a nonce on the one script, and nothing inline', () => {
    const nonce = makeNonce();
    const html = panelHtml({ ...input, nonce });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp, 'a CSP meta tag');
    assert.equal(csp, contentSecurityPolicy(input.cspSource, nonce));
    assert.match(csp!, /^default-src 'none'; /);
    assert.match(csp!, new RegExp(`script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
    assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!file\+\.vscode-resource)/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce.replace(/[+/]/g, '\\$&')}"`));
    assert.equal(scripts[0]![2], '', 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=/i);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/panel\.css">/);
  });

  it('a fresh nonce for every render', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => makeNonce()));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.ok(Buffer.from(n, 'base64').length === 16);
  });

  it('escapes the URIs it is given and refuses a nonce that could break the policy', () => {
    const html = panelHtml({ ...input, scriptUri: 'x"><script>alert(1)</script>', nonce: makeNonce() });
    assert.doesNotMatch(html, /<script>alert/);
    assert.throws(() => panelHtml({ ...input, nonce: "abc' 'unsafe-inline" }));
  });
});
