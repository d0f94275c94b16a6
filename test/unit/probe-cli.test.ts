// `opentok-readiness probe` in-process against local servers: formats, exit codes,
// the live progress display, and errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { probeCommand } from '../../src/cli/probe';
import { repoPath } from '../support/shared';
import { Lab } from './probe-servers';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], opts: { isTTY?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await probeCommand(args, { stdout, stderr, isTTY: opts.isTTY ?? false, env: opts.env ?? {} });
  return { code, stdout: out, stderr: err };
}

const lab = new Lab();
let dir: string;
let open: string;
let blocked: string;
let udpDropped: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'probe-cli-'));
  const https = await lab.https({ upgrade: 'accept' });
  const stun = await lab.udpTurn({ mode: 'ok', users: { dave: 's3cr3t-credential' } });
  const tls = await lab.tlsTurn({ mode: 'ok', users: { dave: 's3cr3t-credential' } });
  const auth = await lab.proxy('auth');
  const yaml = (extra: string): string => `profiles: [opentok, custom-turn]
turnServers:
  - { host: 127.0.0.1, port: ${stun.port}, transport: udp }
probe:
  api: ["https://localhost:${https}/"]
  logging: ["https://localhost:${https}/prod/logging/ClientEvent"]
  websocket: ["wss://localhost:${https}/"]
  certificateStatus: ["https://localhost:${https}/ocsp"]
  stun: ["127.0.0.1:${stun.port}"]
  turn: ["turn:127.0.0.1:${stun.port}", "turns:localhost:${tls.port}"]
  ca: [${JSON.stringify(repoPath('test', 'fixtures', 'certs', 'test-ca.pem'))}]
  stunRtoMs: 50
  quality: { packets: 10, intervalMs: 5 }
${extra}`;
  open = join(dir, 'open.yaml');
  writeFileSync(open, yaml('  proxy: none\n'));
  const silent = await lab.udpTurn({ mode: 'silent' });
  udpDropped = join(dir, 'udp-dropped.yaml');
  writeFileSync(udpDropped, yaml(`  proxy: none\n`).replace(/turn: \["turn:127\.0\.0\.1:\d+"/, `turn: ["turn:127.0.0.1:${silent.port}"`));
  writeFileSync(
    join(dir, 'egress.rules'),
    ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]', '-A OUTPUT -p udp --dport 3478 -j ACCEPT', '-A OUTPUT -p tcp --dport 443 -j ACCEPT', 'COMMIT', ''].join('\n'),
  );
  blocked = join(dir, 'blocked.yaml');
  writeFileSync(blocked, yaml(`  proxy: "http://127.0.0.1:${auth.port}"\n`));
});
after(async () => {
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an open network exits 0 with a JSON report; the custom TURN credential from the environment is used, never printed', async () => {
  const env = { OPENTOK_READINESS_TURN_USERNAME: 'dave', OPENTOK_READINESS_TURN_CREDENTIAL: 's3cr3t-credential' };
  const r = await run(['--config', open, '--format', 'json', '--timeout', '1000'], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { verdict: { level: string }; results: { kind: string; requirementId?: string; evidence: Record<string, unknown> }[] };
  assert.equal(report.verdict.level, 'ready');
  const custom = report.results.find((x) => x.kind === 'turn' && x.requirementId === 'custom-turn-reachable');
  assert.equal(custom?.evidence.allocated, true);
  assert.ok(!r.stdout.includes('s3cr3t-credential') && !r.stderr.includes('s3cr3t-credential'));
});

test('text, markdown and html formats; a terminal gets live progress on stderr', async () => {
  const text = await run(['--config', open, '--timeout', '1000'], { isTTY: true });
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^\u001b\[1;32mReady: full quality over UDP/);
  assert.match(text.stderr, /\[\d+\/\d+\]/, 'a progress counter');
  assert.match(text.stderr, /✓\u001b\[0m DNS localhost\n/, 'finished probes scroll above the status line');
  const quiet = await run(['--config', open, '--timeout', '1000']);
  assert.equal(quiet.stderr, '', 'no progress display when not on a terminal');
  assert.match(quiet.stdout, /^Ready: /);
  const md = await run(['--config', open, '--format', 'markdown', '--timeout', '1000']);
  assert.match(md.stdout, /^# OpenTok connectivity report/);
  const html = await run(['--config', open, '--format', 'html', '--timeout', '1000']);
  assert.match(html.stdout, /^<!DOCTYPE html>/);
});

test('a proxy answering 407 exits 1 with the cause and the fix', async () => {
  const r = await run(['--config', blocked, '--timeout', '1000']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Blocked: the proxy requires authentication \(HTTP 407\)/);
  assert.match(r.stdout, /http_access allow CONNECT opentok/);
});

test('--lint reconciles: the firewall file allows UDP 3478 but the probe is dropped', async () => {
  const r = await run(['--config', udpDropped, '--timeout', '1000', '--lint', join(dir, 'egress.rules')]);
  assert.match(r.stdout, /Configuration versus probes:/, r.stdout);
  assert.match(r.stdout, /egress\.rules:5 allows UDP 3478 to the platform \(STUN\/TURN\), but the probe TURN Allocate UDP 127\.0\.0\.1:\d+ was dropped: something upstream/);
});

test('usage and configuration errors exit 2', async () => {
  assert.equal((await run(['--format', 'sarif'])).code, 2);
  assert.equal((await run(['--timeout', 'soon'])).code, 2);
  assert.equal((await run(['--bogus'])).code, 2);
  assert.equal((await run(['--config', join(dir, 'missing.yaml')])).code, 2);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'probe:\n  stun: ["no-port-here:0"]\n  colour: red\n');
  const r = await run(['--config', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /probe\.stun\[0\]/);
  assert.match(r.stderr, /probe\.colour: unknown setting/);
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Exit codes: 0 ready, 1 degraded or blocked, 2 error/);
});
