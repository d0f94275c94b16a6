import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, parseConfigText, type ConfigResult } from '../core/config/load';
import { DEFAULT_CONFIG } from '../core/config/types';

/** The configuration named with --config, or the nearest one above the first path (then the working folder). */
export function findConfig(explicit: string | undefined, paths: readonly string[], cwd: string): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  const starts = [...paths.slice(0, 1).map((p) => resolve(cwd, p)), cwd];
  for (const start of starts) {
    let dir = existsSync(start) && statSync(start).isDirectory() ? start : dirname(start);
    for (;;) {
      const candidate = join(dir, CONFIG_FILE_NAME);
      if (existsSync(candidate)) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

export function loadConfigFile(path: string | undefined): ConfigResult & { error?: string } {
  if (!path) return { config: DEFAULT_CONFIG, findings: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { config: DEFAULT_CONFIG, findings: [], error: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  const base = dirname(path);
  return parseConfigText(path, text, (rel) => {
    try {
      return readFileSync(resolve(base, rel), 'utf8');
    } catch {
      return undefined;
    }
  });
}
