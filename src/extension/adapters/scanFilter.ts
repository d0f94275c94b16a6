// Which files a workspace scan reads. files.exclude is applied by the editor's own
// file search; this adds the folders nobody lints and the configuration's ignore
// globs, which are relative to the folder holding the configuration (as in the CLI).
import picomatch from 'picomatch';

export const SKIPPED_DIRS: readonly string[] = ['node_modules', '.git', '.hg', '.svn', '.terraform', '.vscode-test'];

function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}

export function inSkippedDir(path: string): boolean {
  return toPosix(path)
    .split('/')
    .slice(0, -1)
    .some((seg) => SKIPPED_DIRS.includes(seg));
}

/** A matcher for a configuration's ignore globs; `base` is the folder of the configuration. */
export function ignoredBy(globs: readonly string[], base: string): (absPath: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch([...globs], { dot: true });
  const root = toPosix(base).replace(/\/$/, '');
  return (abs) => {
    const p = toPosix(abs);
    if (!p.startsWith(`${root}/`)) return false;
    const rel = p.slice(root.length + 1);
    // A glob naming a folder ignores what is inside it.
    const segments = rel.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      if (match(prefix) || (i < segments.length && match(`${prefix}/`))) return true;
    }
    return false;
  };
}
