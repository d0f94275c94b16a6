// Collects the files a lint run reads: named files always, folders walked
// without following symbolic links, skipping VCS and dependency folders.
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.terraform', 'dist', 'out', '.vscode-test']);
/** A walk stops here; a repository with more candidate files is not a config folder. */
export const MAX_WALK_FILES = 50_000;

export interface Collected {
  /** Absolute paths, with whether the user named the file itself. */
  readonly files: { path: string; named: boolean }[];
  readonly missing: string[];
  readonly truncated: boolean;
}

export function collectFiles(args: readonly string[], cwd: string, ignore: (absPath: string) => boolean): Collected {
  const files: { path: string; named: boolean }[] = [];
  const missing: string[] = [];
  let truncated = false;
  const seen = new Set<string>();
  const add = (path: string, named: boolean): void => {
    if (seen.has(path)) return;
    seen.add(path);
    files.push({ path, named });
  };
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (files.length >= MAX_WALK_FILES) {
        truncated = true;
        return;
      }
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !ignore(p)) walk(p);
      } else if (e.isFile() && !ignore(p)) add(p, false);
    }
  };
  for (const arg of args) {
    const p = resolve(cwd, arg);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      missing.push(arg);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else add(p, true);
  }
  return { files, missing, truncated };
}

/** Matches the config's ignore globs, relative to the folder holding the config. */
export function ignoreMatcher(globs: readonly string[], base: string): (absPath: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch(globs as string[], { dot: true });
  return (abs) => {
    const rel = relative(base, abs).replace(/\\/g, '/');
    return !rel.startsWith('..') && (match(rel) || match(`${rel}/`));
  };
}
