import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeInput, unreadable } from '../core/analysis/input';
import { lintText, type FileResult } from '../core/analysis/lint';
import type { ReadinessConfig } from '../core/config/types';
import { detectFormat } from '../core/formats/registry';
import { diagnostic } from '../core/formats/diagnostics';
import { range } from '../core/model/source';
import { renderGithub } from '../core/report/github';
import { renderJson } from '../core/report/json';
import { reportable, type LintRun } from '../core/report/results';
import { renderSarif } from '../core/report/sarif';
import { renderText } from '../core/report/text';
import { LEVELS, PROFILES, ROLES, type Level, type Profile, type Role } from '../core/requirements/types';
import { findConfig, loadConfigFile } from './config';
import { collectFiles, ignoreMatcher } from './files';
import { UsageError, type Io } from './io';

export const LINT_HELP = `Usage: opentok-readiness lint [options] <files or folders...>

Checks firewall configs and cluster policies against the OpenTok network requirements.

Options:
  --format text|json|sarif|github   output format (default text)
  --profile <p>[,<p>]               ${PROFILES.join(', ')} (default from the config, else opentok)
  --role <r>                        ${ROLES.join(', ')}
  --min-level <l>                   ${LEVELS.join(', ')}: report and fail at or above it
  --config <file>                   workspace config (default: nearest .opentok-readiness.yaml)
  --output <file>                   write the report to a file instead of standard output
  --verbose                         text format: also list met requirements
  --no-color                        plain text output

Exit status: 0 no findings at or above the threshold, 1 findings, 2 usage or internal error.`;

export async function lintCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'text' },
      profile: { type: 'string', multiple: true },
      role: { type: 'string' },
      'min-level': { type: 'string' },
      config: { type: 'string' },
      output: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'no-color': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${LINT_HELP}\n`);
    return 0;
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`unknown --format "${format}"; use text, json, sarif or github`);
  if (positionals.length === 0) throw new UsageError('name at least one file or folder to lint');
  const profiles = values.profile?.flatMap((p) => p.split(',')).map((p) => p.trim());
  for (const p of profiles ?? []) if (!PROFILES.includes(p as Profile)) throw new UsageError(`unknown profile "${p}"; use ${PROFILES.join(', ')}`);
  if (values.role && !ROLES.includes(values.role as Role)) throw new UsageError(`unknown role "${values.role}"; use ${ROLES.join(', ')}`);
  const minLevel = values['min-level'];
  if (minLevel && !LEVELS.includes(minLevel as Level)) throw new UsageError(`unknown level "${minLevel}"; use ${LEVELS.join(', ')}`);

  const configPath = findConfig(values.config, positionals, io.cwd);
  const loaded = loadConfigFile(configPath);
  if (loaded.error) throw new UsageError(loaded.error);
  const config: ReadinessConfig = {
    ...loaded.config,
    ...(profiles ? { profiles: profiles as Profile[] } : {}),
    ...(values.role ? { role: values.role as Role } : {}),
    ...(minLevel ? { minLevel: minLevel as Level } : {}),
  };

  const results: FileResult[] = [];
  if (configPath && loaded.findings.length > 0) results.push({ file: configPath, format: 'opentok-readiness-config', policies: [], findings: loaded.findings });
  const ignore = ignoreMatcher(config.ignore, configPath ? dirname(configPath) : io.cwd);
  const { files, missing, truncated } = collectFiles(positionals, io.cwd, ignore);
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  for (const { path, named } of files) {
    if (path === configPath) continue;
    const r = lintPath(path, named, config);
    if (r) results.push(r);
  }
  if (truncated) io.stderr.write(`opentok-readiness: the folder walk stopped after ${files.length} files.\n`);

  const run: LintRun = { files: results, threshold: config.minLevel, cwd: io.cwd };
  const rendered =
    format === 'json' ? `${renderJson(run)}\n` : format === 'sarif' ? `${renderSarif(run)}\n` : format === 'github' ? renderGithub(run) : renderText(run, { color: io.color && !values['no-color'] && !values.output, verbose: values.verbose });
  if (values.output) await io.writeFile(values.output, rendered);
  else await io.write(io.stdout, rendered);
  return reportable(run).length > 0 ? 1 : 0;
}

/** Lints one file from disk; a file no format recognises is noted only when the user named it. */
export function lintPath(path: string, named: boolean, config: ReadinessConfig): FileResult | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { file: path, policies: [], findings: [unreadable(path, (e as NodeJS.ErrnoException).code ?? String(e))] };
  }
  const input = decodeInput(path, bytes);
  if (!input.ok) return { file: path, policies: [], findings: [input.notice] };
  const file = { path, text: input.text };
  if (!detectFormat(file)) {
    return named ? { file: path, policies: [], findings: [diagnostic('file-skipped', path, range(1, 1, 1, 1), 'Skipped: no supported format recognises this file.')] } : undefined;
  }
  return lintText(file, config);
}
