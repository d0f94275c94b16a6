import { writeFile } from 'node:fs/promises';

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly color: boolean;
  readonly isTTY: boolean;
  write(stream: NodeJS.WritableStream, text: string): Promise<void>;
  writeFile(path: string, text: string): Promise<void>;
}

export class UsageError extends Error {}

/** Resolves once the text is handed to the OS, so exiting never cuts output short. */
export function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (text.length === 0) return resolve();
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export function processIo(): Io {
  const tty = Boolean(process.stdout.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    color: tty && !process.env.NO_COLOR,
    isTTY: tty,
    write: writeAll,
    writeFile: (p, t) => writeFile(p, t, 'utf8'),
  };
}
