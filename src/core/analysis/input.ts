// What the linter agrees to read. Bounds keep every run short: a file over
// MAX_FILE_BYTES is skipped with a notice rather than parsed slowly.
import { diagnostic } from '../formats/diagnostics';
import type { Finding } from '../model/finding';
import { range } from '../model/source';

/** Larger files are skipped: real firewall and policy files are far smaller. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type Input = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly notice: Finding };

/** Decodes a file for linting, or explains why it is skipped. */
export function decodeInput(path: string, bytes: Uint8Array): Input {
  const at = range(1, 1, 1, 1);
  if (bytes.length > MAX_FILE_BYTES) {
    return { ok: false, notice: diagnostic('file-skipped', path, at, `Skipped: ${bytes.length} bytes is over the ${MAX_FILE_BYTES}-byte bound.`) };
  }
  if (looksBinary(bytes)) return { ok: false, notice: diagnostic('file-skipped', path, at, 'Skipped: binary file.') };
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

/** The heuristic git uses: a NUL byte in the first 8,000 bytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

export function unreadable(path: string, reason: string): Finding {
  return diagnostic('file-skipped', path, range(1, 1, 1, 1), `Skipped: cannot read the file (${reason}).`);
}
