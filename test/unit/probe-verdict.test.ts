import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../src/core/model/finding';
import { range } from '../../src/core/model/source';
import { probeOptionsFromConfig } from '../../src/core/probes/options';
import { buildProbePlan } from '../../src/core/probes/plan';
import { makeReport, renderProbeHtml, renderProbeMarkdown, renderProbeText, renderProbeJson } from '../../src/core/probes/report';
import type { ProbeResult, ProbeSpec, ProbeStatus, ProbeCause } from '../../src/core/probes/types';
import { exitCodeFor, synthesizeVerdict } from '../../src/core/probes/verdict';
import { firewallSnippets } from '../../src/core/probes/remediation';

const { options } = probeOptionsFromConfig({
  api: ['https://api.example.test/'],
  logging: ['https://hlg.example.test/prod/logging/ClientEvent'],
  websocket: ['wss://api.example.test/'],
  stun: ['turn.example.test:3478', 'media.example.test:40000'],
  turn: ['turn:turn.example.test:3478', 'turn:turn.example.test:443?transport=tcp', 'turns:turn.example.test:443'],
  certificateStatus: ['http://ocsp.example.test/'],
});
const specs: ProbeSpec[] = buildProbePlan({ selection: { profiles: ['opentok'], role: 'client-network' }, options, proxy: { noProxy: [] } });

type Override = { status: ProbeStatus; cause?: ProbeCause; evidence?: Record<string, string | number | boolean | string[]> };

/** Results for the plan: everything passes unless overridden by id prefix. */
function results(over: Record<string, Override> = {}): ProbeResult[] {
  return specs.map((s) => {
    const key = Object.keys(over).find((k) => s.id.startsWith(k));
    const o = key ? over[key]! : { status: 'pass' as const };
    return {
      id: s.id, kind: s.kind, role: s.role, label: s.label, ...(s.requirementId ? { requirementId: s.requirementId } : {}),
      status: o.status, ...(o.cause ? { cause: o.cause } : {}), summary: o.cause ?? 'ok',
      evidence: { ...(s.transport ? { transport: s.transport } : {}), ...(s.kind === 'dns' ? { addresses: ['203.0.113.5'] } : {}), ...(o.evidence ?? {}) },
      durationMs: 5,
    };
  });
}

const drop: Override = { status: 'fail', cause: 'no-response' };

test('everything open: ready, full quality over UDP (direct media)', () => {
  const v = synthesizeVerdict({ specs, results: results() });
  assert.equal(v.level, 'ready');
  assert.equal(v.path, 'udp-direct');
  assert.match(v.headline, /^Ready: full quality over UDP/);
  assert.equal(exitCodeFor(v.level), 0);
  assert.deepEqual(v.problems, []);
});

test('UDP 3478 open, high UDP ports dropped: ready through TURN on UDP 3478, the media range named', () => {
  const v = synthesizeVerdict({ specs, results: results({ 'stun:media.example.test:40000': drop }) });
  assert.equal(v.level, 'ready');
  assert.equal(v.path, 'turn-udp');
  assert.match(v.headline, /relayed through TURN on UDP 3478; direct UDP to the media ports \(1025-65535\) is blocked/);
  const p = v.problems.find((x) => x.requirementId === 'udp-media-range')!;
  assert.equal(p.severity, 'warning');
  assert.match(p.remediation!.snippets[0]!.code, /-A OUTPUT -p udp -d 203\.0\.113\.5 --dport 40000/);
  assert.match(p.remediation!.snippets[0]!.code, /^-A INPUT -p udp -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT$/m);
});

test('all UDP dropped, TURN over TLS 443 works: degraded, relayed only over TLS 443', () => {
  const v = synthesizeVerdict({ specs, results: results({ 'stun:': drop, 'turn:udp:': drop, 'quality': { status: 'pass' } }) });
  assert.equal(v.level, 'degraded');
  assert.equal(v.path, 'turn-tls');
  assert.match(v.headline, /works only relayed over TURN TLS 443/);
  assert.equal(exitCodeFor(v.level), 1);
  const udp = v.problems.find((x) => x.requirementId === 'udp-3478')!;
  assert.equal(udp.citation?.source, '000_8a5580ce9dd0cbe9.txt');
  assert.match(udp.remediation!.snippets.find((s) => s.format === 'iptables')!.code, /-p udp -d 203\.0\.113\.5 --dport 3478/);
  const np = udp.remediation!.snippets.find((s) => s.format === 'networkpolicy')!.code;
  assert.match(np, /kind: NetworkPolicy/);
  assert.match(np, /cidr: 203\.0\.113\.5\/32/);
  assert.match(np, /protocol: UDP\n {10}port: 3478/);
});

test('TURN over TLS works but no UDP target was probed: unknown, never "UDP is blocked"', () => {
  const noUdp = specs.filter((s) => s.kind !== 'stun' && s.kind !== 'quality' && !(s.kind === 'turn' && s.transport === 'udp'));
  const v = synthesizeVerdict({ specs: noUdp, results: results().filter((r) => noUdp.some((s) => s.id === r.id)) });
  assert.equal(v.level, 'unknown');
  assert.equal(v.path, 'turn-tls');
  assert.match(v.headline, /relayed over TURN TLS 443, but UDP was not probed/);
  assert.doesNotMatch(v.headline, /UDP is blocked/);
  assert.equal(exitCodeFor(v.level), 1);
});

test('the API answers but signalling does not: blocked, and the headline says which', () => {
  const dropped = synthesizeVerdict({ specs, results: results({ 'websocket:': { status: 'fail', cause: 'dropped' } }) });
  assert.equal(dropped.level, 'blocked');
  assert.match(dropped.headline, /signalling server cannot be reached over WebSocket .*\(the API answers\)/);
  const refused = synthesizeVerdict({ specs, results: results({ 'websocket:': { status: 'fail', cause: 'upgrade-refused' } }) });
  assert.equal(refused.level, 'blocked');
  assert.match(refused.headline, /WebSocket upgrade to the signalling server is refused in the path/);
  // A server that answers the upgrade without switching (warn) is still reachable: not blocked on that.
  assert.equal(synthesizeVerdict({ specs, results: results({ 'websocket:': { status: 'warn', cause: 'upgrade-refused' } }) }).level, 'ready');
  const api = synthesizeVerdict({ specs, results: results({ 'https:': { status: 'fail', cause: 'refused' } }) });
  assert.equal(api.level, 'blocked');
  assert.match(api.headline, /API servers cannot be reached over HTTPS .*\(signalling answers\)/);
});

test('no UDP and no TURN over TCP or TLS: blocked, no media path', () => {
  const v = synthesizeVerdict({ specs, results: results({ 'stun:': drop, 'turn:': { status: 'fail', cause: 'dropped' }, 'tcp:turn': { status: 'fail', cause: 'dropped' } }) });
  assert.equal(v.level, 'blocked');
  assert.equal(v.path, 'none');
  assert.match(v.headline, /no media path/);
  assert.ok(v.problems.some((p) => p.severity === 'error' && p.requirementId === 'tcp-443-platform'));
});

test('a proxy answering 407 blocks, tied to proxy-no-auth with a Squid fix', () => {
  const v = synthesizeVerdict({ specs, results: results({ 'https:': { status: 'fail', cause: 'proxy-auth-required' }, 'websocket:': { status: 'fail', cause: 'proxy-auth-required' } }) });
  assert.equal(v.level, 'blocked');
  assert.match(v.headline, /proxy requires authentication \(HTTP 407\)/);
  assert.ok(v.problems.some((p) => p.remediation?.snippets.some((s) => s.format === 'squid' && /http_access allow CONNECT opentok/.test(s.code))));
});

test('TLS interception blocks and names the issuer', () => {
  const v = synthesizeVerdict({ specs, results: results({ 'tls:api.example.test': { status: 'fail', cause: 'tls-interception', evidence: { issuer: 'Corporate Inspection CA (Example Corp)' } } }) });
  assert.equal(v.level, 'blocked');
  assert.match(v.headline, /intercepted by "Corporate Inspection CA \(Example Corp\)"/);
  const p = v.problems.find((x) => x.requirementId === 'no-tls-inspection')!;
  assert.equal(p.severity, 'error');
  assert.match(p.remediation!.text, /Corporate Inspection CA/);
});

test('an intercepted TURN server: blocking only when media depends on TURN over TLS', () => {
  const intercepted: Override = { status: 'fail', cause: 'tls-interception', evidence: { issuer: 'Corp Inspection CA' } };
  const withUdp = synthesizeVerdict({ specs, results: results({ 'tls:turn.example.test': intercepted }) });
  assert.equal(withUdp.level, 'ready', withUdp.headline);
  const p = withUdp.problems.find((x) => x.requirementId === 'no-tls-inspection')!;
  assert.equal(p.severity, 'warning');
  assert.match(p.message, /breaks only the fallback over TLS/);
  const noUdp = synthesizeVerdict({ specs, results: results({ 'tls:turn.example.test': intercepted, 'stun:': drop, 'turn:udp:': drop, 'turn:tcp:': drop }) });
  assert.equal(noUdp.level, 'blocked');
  assert.match(noUdp.headline, /intercepted by "Corp Inspection CA"/);
});

test('a certificate browsers refuse on the API host blocks, with the reason', () => {
  const v = synthesizeVerdict({ specs, results: results({ 'tls:api.example.test': { status: 'fail', cause: 'certificate-invalid', evidence: { authorizationError: 'CERT_HAS_EXPIRED' } } }) });
  assert.equal(v.level, 'blocked');
  assert.match(v.headline, /certificate of api\.example\.test is not valid \(CERT_HAS_EXPIRED\)/);
});

test('platform names not resolving blocks with the DNS cause', () => {
  const v = synthesizeVerdict({ specs, results: results({ 'dns:': { status: 'fail', cause: 'nxdomain' }, 'https:': { status: 'unknown', cause: 'nxdomain' }, 'websocket:': { status: 'unknown', cause: 'nxdomain' } }) });
  assert.equal(v.level, 'blocked');
  assert.match(v.headline, /do not resolve \(nxdomain\)/);
  assert.ok(v.problems.some((p) => p.requirementId === 'dns-resolution' && p.remediation?.snippets.some((s) => /--dport 53/.test(s.code))));
});

test('a quality burst that could not be judged leaves the path\'s verdict, and says so', () => {
  const v = synthesizeVerdict({ specs, results: results({ quality: { status: 'unknown' } }) });
  assert.equal(v.level, 'ready');
  assert.match(v.headline, /^Ready: full quality over UDP \(direct media\); the quality burst could not be judged\.$/);
});

test('poor quality over UDP degrades', () => {
  const v = synthesizeVerdict({ specs, results: results({ quality: { status: 'warn', cause: 'poor-quality' } }) });
  assert.equal(v.level, 'degraded');
});

test('custom TURN only: wrong credentials block, right ones make it ready', () => {
  const { options: o } = probeOptionsFromConfig({ api: ['https://api.example.test/'], websocket: ['wss://api.example.test/'], stun: [], turn: [], customTurn: ['turn:t.example.test:3478', 'turns:t.example.test:443'] });
  const sel = { profiles: ['custom-turn'] as const, role: 'client-network' as const };
  const s = buildProbePlan({ selection: sel, options: o, proxy: { noProxy: [] } });
  const mk = (status: ProbeStatus, cause?: ProbeCause): ProbeResult[] =>
    s.map((x) => ({ id: x.id, kind: x.kind, role: x.role, label: x.label, ...(x.requirementId ? { requirementId: x.requirementId } : {}), status: x.kind === 'turn' ? status : 'pass', ...(x.kind === 'turn' && cause ? { cause } : {}), summary: '', evidence: x.transport ? { transport: x.transport } : ({} as Record<string, string>), durationMs: 1 }));
  const bad = synthesizeVerdict({ specs: s, results: mk('fail', 'turn-auth-failed'), profiles: sel.profiles });
  assert.equal(bad.level, 'blocked');
  assert.match(bad.headline, /no custom TURN server gives a relay/);
  assert.ok(bad.problems.every((p) => p.requirementId !== 'custom-turn-reachable' || /credentials/.test(p.remediation?.text ?? '')));
  const good = synthesizeVerdict({ specs: s, results: mk('pass'), profiles: sel.profiles });
  assert.equal(good.level, 'ready');
  assert.equal(good.path, 'turn-udp');
});

test('reconciliation: a firewall file allowing UDP 3478 while the probe is dropped points upstream', () => {
  const finding: Finding = { ruleId: 'udp-3478', level: 'recommended', severity: 'warning', message: 'met', file: 'firewall/egress.rules', range: range(12, 1, 12, 40), verdict: 'met' };
  const v = synthesizeVerdict({ specs, results: results({ 'stun:turn.example.test:3478': drop, 'turn:udp:': drop }), lintFindings: [finding] });
  assert.ok(v.reconciliation.some((l) => /^firewall\/egress\.rules:12 allows UDP 3478 .* but the probe .* was dropped: something upstream/.test(l)), v.reconciliation.join('\n'));
});

test('reports escape network strings: HTML, Markdown and terminal control sequences', () => {
  const evil = '<script>alert(1)</script>\u001b[31m|**x**';
  const rs = results({ 'tls:api.example.test': { status: 'fail', cause: 'tls-interception', evidence: { issuer: evil } } }).map((r) => (r.id.startsWith('tls:api') ? { ...r, summary: evil, label: `TLS ${evil}` } : r));
  const v = synthesizeVerdict({ specs, results: rs });
  const report = makeReport({ startedAt: '2026-01-01T00:00:00.000Z', durationMs: 10, cancelled: false, specs, results: rs, verdict: v });
  const html = renderProbeHtml(report);
  assert.ok(!html.includes('<script>'), 'no live script tag');
  assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  const md = renderProbeMarkdown(report);
  assert.ok(!md.includes('<script>'));
  assert.ok(md.includes('&lt;script&gt;alert\\(1\\)&lt;/script&gt;'));
  assert.ok(!md.includes('|**x**'), 'table pipes and emphasis are escaped');
  const text = renderProbeText(report, { color: false });
  assert.ok(!text.includes('\u001b'), 'no escape sequence from the network reaches the terminal');
  const json = JSON.parse(renderProbeJson(report)) as { verdict: { level: string } };
  assert.equal(json.verdict.level, 'blocked');
});

test('iptables fixes let the replies back in, for TCP as for UDP', () => {
  for (const protocol of ['tcp', 'udp'] as const) {
    const ipt = firewallSnippets(protocol, '443', 'api.opentok.com', ['203.0.113.7']).find((s) => s.format === 'iptables')!.code;
    assert.match(ipt, new RegExp(`^-A OUTPUT -p ${protocol} -d 203\\.0\\.113\\.7 --dport 443 -m comment --comment "opentok api\\.opentok\\.com" -j ACCEPT$`, 'm'));
    assert.match(ipt, new RegExp(`^-A INPUT -p ${protocol} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT$`, 'm'));
  }
});
