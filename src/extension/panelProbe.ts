// The connectivity panel's probe options: the `probe` section of the workspace's
// .opentok-readiness.yaml (as the CLI reads it), refined by the editor's settings, with
// the configuration's custom TURN servers and CA files. No `vscode`: the settings come in as data.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { findConfig, loadConfigFile } from '../cli/config';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../core/config/types';
import { probeOptionsFromConfig } from '../core/probes/options';
import type { ProbeOptions, TurnTarget } from '../core/probes/types';
import type { Selection } from '../core/requirements/select';
import type { ProbeSettings } from './settings';

export interface PanelProbeInput {
  readonly selection: Selection;
  readonly options: ProbeOptions;
  readonly config: ReadinessConfig;
  /** The configuration file in use, when there is one. */
  readonly configPath?: string;
  /** Facts for the environment probe. */
  readonly hostEnvironment: Readonly<Record<string, string>>;
  /** Why the check cannot run as configured; empty when it can. */
  readonly errors: readonly string[];
}

const SETTING_OF: Readonly<Record<string, string>> = { timeoutMs: 'opentokReadiness.probe.timeoutMs', proxy: 'opentokReadiness.probe.proxy', throughput: 'opentokReadiness.probe.throughputUrl' };

/** "probe.stun[0]: …" as the setting the user wrote: "opentokReadiness.probe.targets.stun[0]: …". */
function settingName(message: string): string {
  return message.replace(/^probe\.([A-Za-z]+)/, (_m, key: string) => SETTING_OF[key] ?? `opentokReadiness.probe.targets.${key}`);
}

/** `folder`: the first workspace folder (the configuration is looked up from there, as the CLI does from its working folder). */
export function panelProbeInput(folder: string | undefined, settings: ProbeSettings): PanelProbeInput {
  const errors: string[] = [];
  const configPath = folder ? findConfig(undefined, [], folder) : undefined;
  const loaded = loadConfigFile(configPath);
  if (loaded.error) errors.push(loaded.error);
  for (const f of loaded.findings) if (f.severity === 'error') errors.push(`${f.file}:${f.range.start.line}: ${f.message}`);
  const config = loaded.config ?? DEFAULT_CONFIG;
  const fromFile = probeOptionsFromConfig(loaded.probe);
  errors.push(...fromFile.errors.map((e) => `${configPath ?? 'configuration'}: ${e}`));

  // The editor's settings over the file's section, validated by the same parser.
  const proxy = settings.proxy || (/^http:\/\//i.test(settings.httpProxy) ? settings.httpProxy : '');
  const overlay: Record<string, unknown> = {
    ...settings.targets,
    ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
    ...(proxy ? { proxy } : {}),
    ...(settings.throughputUrl ? { throughput: settings.throughputUrl } : {}),
  };
  const fromSettings = probeOptionsFromConfig(overlay, fromFile.options);
  errors.push(...fromSettings.errors.map(settingName));
  let options = fromSettings.options;

  const custom: TurnTarget[] = config.turnServers.map((t) => ({ host: t.host.replace(/^\[|\]$/g, ''), port: t.port, transport: t.transport, custom: true }));
  if (custom.length) options = { ...options, targets: { ...options.targets, customTurn: [...options.targets.customTurn, ...custom] } };
  if (options.caFiles?.length) {
    const base = configPath ? dirname(configPath) : folder ?? process.cwd();
    const ca: string[] = [...(options.ca ?? [])];
    for (const f of options.caFiles) {
      try {
        ca.push(readFileSync(resolve(base, f), 'utf8'));
      } catch (e) {
        errors.push(`cannot read the CA file ${f}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    }
    options = { ...options, ca };
  }
  const hostEnvironment: Record<string, string> = {};
  if (settings.httpProxy) hostEnvironment['http.proxy'] = settings.httpProxy;
  return {
    selection: { profiles: config.profiles, role: config.role, levels: config.levels },
    options,
    config,
    ...(configPath ? { configPath } : {}),
    hostEnvironment,
    errors,
  };
}
