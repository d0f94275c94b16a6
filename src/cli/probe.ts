// opentok-readiness probe: live connectivity checks from this machine, with the verdict
// and the fixes. Exit codes: 0 ready, 1 degraded or blocked (or undecided), 2 error.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from '../core/config/types';
import type { Finding } from '../core/model/finding';
import { probeOptionsFromConfig } from '../core/probes/options';
import { plain, renderProbeReport, type ProbeReportFormat } from '../core/probes/report';
import type { ProbeEvent, ProbeOptions, ProbeResult, TurnTarget } from '../core/probes/types';
import { exitCodeFor } from '../core/probes/verdict';
import { credentialsFromEnv, runReadinessProbe } from '../probes/runner';
import { findConfig, loadConfigFile } from './config';
import { collectFiles, ignoreMatcher } from './files';
import { lintPath } from './lint';

export const PROBE_HELP = `Usage: opentok-readiness probe [options]

Probes the network from this machine: DNS, TCP, TLS (and interception), HTTPS, the
WebSocket upgrade, the proxy, STUN and TURN over UDP, TCP and TLS, and media quality.

Options:
  --config <file>     workspace configuration (default: the nearest .opentok-readiness.yaml)
  --format <format>   text (default), json, markdown or html
  --timeout <ms>      timeout of each probe (default 5000)
  --lint <path>       also lint these firewall files or folders (repeatable) and say
                      where they disagree with what the probes find
  --verbose           show the evidence of every probe (text)
  -h, --help          show this help

Targets come from the "probe" section of the configuration. TURN credentials for
custom TURN servers are read from OPENTOK_READINESS_TURN_USERNAME and
OPENTOK_READINESS_TURN_CREDENTIAL, never from files, and never printed.

Exit codes: 0 ready, 1 degraded or blocked, 2 error.`;

export interface ProbeIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal: the live progress display goes there. */
  readonly isTTY: boolean;
  /** Whether the report on stdout may be coloured (stdout is a terminal); defaults to isTTY. */
  readonly color?: boolean;
  readonly env: NodeJS.ProcessEnv;
}

const FORMATS: readonly ProbeReportFormat[] = ['text', 'json', 'markdown', 'html'];

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((res, rej) => {
    if (!text) return res();
    stream.write(text, (e) => (e ? rej(e) : res()));
  });
}

export async function probeCommand(args: string[], io: ProbeIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        format: { type: 'string', default: 'text' },
        timeout: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        lint: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    await write(io.stderr, `opentok-readiness probe: ${(e as Error).message}\n${PROBE_HELP}\n`);
    return 2;
  }
  if (values.help) {
    await write(io.stdout, `${PROBE_HELP}\n`);
    return 0;
  }
  const format = values.format as ProbeReportFormat;
  if (!FORMATS.includes(format)) {
    await write(io.stderr, `opentok-readiness probe: unknown --format "${values.format}"; use ${FORMATS.join(', ')}\n`);
    return 2;
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 120000) {
      await write(io.stderr, 'opentok-readiness probe: --timeout must be a whole number of milliseconds from 50 to 120000\n');
      return 2;
    }
  }

  const cwd = process.cwd();
  const configPath = findConfig(values.config, [], cwd);
  const loaded = loadConfigFile(configPath);
  if (loaded.error) {
    await write(io.stderr, `opentok-readiness probe: ${loaded.error}\n`);
    return 2;
  }
  const configErrors = loaded.findings.filter((f) => f.severity === 'error');
  for (const f of configErrors) await write(io.stderr, `${f.file}:${f.range.start.line}:${f.range.start.column}: ${f.message}\n`);
  const config = loaded.config ?? DEFAULT_CONFIG;
  const parsed = probeOptionsFromConfig(loaded.probe);
  if (parsed.errors.length) {
    for (const e of parsed.errors) await write(io.stderr, `${configPath ?? 'configuration'}: ${e}\n`);
    return 2;
  }
  let options: ProbeOptions = parsed.options;
  // Custom TURN servers of the workspace configuration (Configurable TURN) join the probe's own.
  const fromConfig: TurnTarget[] = config.turnServers.map((t) => ({ host: t.host.replace(/^\[|\]$/g, ''), port: t.port, transport: t.transport, custom: true }));
  if (fromConfig.length) options = { ...options, targets: { ...options.targets, customTurn: [...options.targets.customTurn, ...fromConfig] } };
  if (timeoutMs !== undefined) options = { ...options, timeoutMs };
  if (options.caFiles?.length) {
    const base = configPath ? dirname(configPath) : cwd;
    const ca: string[] = [...(options.ca ?? [])];
    for (const f of options.caFiles) {
      try {
        ca.push(readFileSync(resolve(base, f), 'utf8'));
      } catch (e) {
        await write(io.stderr, `opentok-readiness probe: cannot read CA file ${f}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        return 2;
      }
    }
    options = { ...options, ca };
  }

  // Linted configurations, to reconcile with the probes ("the file allows it, the network drops it").
  const lintFindings: Finding[] = [];
  if (values.lint?.length) {
    const base = configPath ? dirname(configPath) : cwd;
    const collected = collectFiles(values.lint, cwd, ignoreMatcher(config.ignore, base));
    if (collected.missing.length) {
      await write(io.stderr, `opentok-readiness probe: not found: ${collected.missing.join(', ')}\n`);
      return 2;
    }
    for (const f of collected.files) lintFindings.push(...(lintPath(f.path, f.named, config)?.findings ?? []));
  }

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = io.isTTY ? new ProgressLine(io.stderr) : undefined;
  try {
    const credentials = credentialsFromEnv(io.env);
    const report = await runReadinessProbe({
      selection: { profiles: config.profiles, role: config.role, levels: config.levels },
      options,
      env: io.env,
      signal: controller.signal,
      ...(credentials ? { credentials } : {}),
      ...(lintFindings.length ? { lintFindings } : {}),
      ...(progress ? { onEvent: (e: ProbeEvent) => progress.update(e) } : {}),
    });
    progress?.clear();
    await write(io.stdout, renderProbeReport(report, format, { color: (io.color ?? io.isTTY) && format === 'text' && !io.env.NO_COLOR, verbose: values.verbose }));
    if (report.cancelled) return 2;
    return exitCodeFor(report.verdict.level);
  } catch (e) {
    progress?.clear();
    await write(io.stderr, `opentok-readiness probe: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** One self-rewriting status line on a terminal, with finished probes scrolling above it. */
class ProgressLine {
  private total = 0;
  private done = 0;
  private readonly running = new Map<string, string>();
  private labels = new Map<string, string>();

  constructor(private readonly out: NodeJS.WritableStream) {}

  update(e: ProbeEvent): void {
    if (e.type === 'plan') {
      this.total = e.probes.length;
      this.labels = new Map(e.probes.map((p) => [p.id, p.label]));
    } else if (e.type === 'start') {
      this.running.set(e.id, this.labels.get(e.id) ?? e.id);
    } else if (e.type === 'result') {
      this.running.delete(e.result.id);
      this.done++;
      this.out.write(`\r\u001b[K${mark(e.result)} ${plain(e.result.label)}\n`);
    }
    if (e.type !== 'done') this.out.write(`\r\u001b[K[${this.done}/${this.total}] ${plain([...this.running.values()].slice(0, 3).join(', ')).slice(0, 100)}`);
  }

  clear(): void {
    this.out.write('\r\u001b[K');
  }
}

function mark(r: ProbeResult): string {
  return r.status === 'pass' ? '\u001b[32m✓\u001b[0m' : r.status === 'fail' ? '\u001b[31m✗\u001b[0m' : r.status === 'warn' ? '\u001b[33m!\u001b[0m' : '\u001b[36m?\u001b[0m';
}
