// Finds and reads the workspace configuration (.opentok-readiness.yaml) a file is
// linted with: the nearest one above the file, as the CLI does, read from the open
// editor when it is open so that edits apply before they are saved.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME, parseConfigText } from '../core/config/load';
import { DEFAULT_CONFIG, type ReadinessConfig } from '../core/config/types';
import type { Finding } from '../core/model/finding';
import { levelKeysOf } from './adapters/configKeys';

export interface LoadedConfig {
  readonly config: ReadinessConfig;
  /** The configuration file, when there is one. */
  readonly path?: string;
  readonly findings: readonly Finding[];
  /** Where each `levels` entry's key is (0-based line and character), for related information. */
  readonly levelKeys?: ReadonlyMap<string, { readonly line: number; readonly character: number }>;
}

const DEFAULT: LoadedConfig = { config: DEFAULT_CONFIG, findings: [] };

export function isConfigFile(fsPath: string): boolean {
  return fsPath.endsWith(`/${CONFIG_FILE_NAME}`) || fsPath.endsWith(`\\${CONFIG_FILE_NAME}`) || fsPath === CONFIG_FILE_NAME;
}

export class WorkspaceConfigs {
  private readonly nearest = new Map<string, string | null>();
  private readonly loaded = new Map<string, LoadedConfig>();

  /** The configuration for a document or file URI. */
  forUri(uri: vscode.Uri): LoadedConfig {
    if (uri.scheme !== 'file') {
      const folder = vscode.workspace.workspaceFolders?.[0];
      return folder && folder.uri.scheme === 'file' ? this.load(join(folder.uri.fsPath, CONFIG_FILE_NAME)) ?? DEFAULT : DEFAULT;
    }
    const path = this.find(dirname(uri.fsPath), vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath);
    return path ? this.load(path) ?? DEFAULT : DEFAULT;
  }

  /** Forget what was read, after a configuration was created, changed or deleted. */
  invalidate(): void {
    this.nearest.clear();
    this.loaded.clear();
  }

  /** Every configuration read so far, for their own diagnostics. */
  all(): LoadedConfig[] {
    return [...this.loaded.values()];
  }

  private find(dir: string, stopAt: string | undefined): string | undefined {
    const seen: string[] = [];
    let found: string | undefined;
    for (let d = resolve(dir); ; ) {
      const cached = this.nearest.get(d);
      if (cached !== undefined) {
        found = cached ?? undefined;
        break;
      }
      seen.push(d);
      const candidate = join(d, CONFIG_FILE_NAME);
      if (existsSync(candidate)) {
        found = candidate;
        break;
      }
      const up = dirname(d);
      if (up === d || (stopAt !== undefined && d === resolve(stopAt))) break;
      d = up;
    }
    for (const d of seen) this.nearest.set(d, found ?? null);
    return found;
  }

  private load(path: string): LoadedConfig | undefined {
    const cached = this.loaded.get(path);
    if (cached) return cached;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
    let text: string;
    if (open) text = open.getText();
    else {
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    }
    const base = dirname(path);
    const parsed = parseConfigText(path, text, (rel) => {
      try {
        return readFileSync(resolve(base, rel), 'utf8');
      } catch {
        return undefined;
      }
    });
    const result: LoadedConfig = { config: parsed.config, path, findings: parsed.findings, levelKeys: levelKeysOf(text) };
    this.loaded.set(path, result);
    return result;
  }
}
