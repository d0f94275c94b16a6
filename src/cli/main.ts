// opentok-readiness: lint, catalog (and probe) from the command line.
import { parseArgs } from 'node:util';
import { catalogJson, catalogMarkdown } from '../core/report/catalog';
import { TOOL_VERSION } from '../core/report/docs';
import { UsageError, processIo, type Io } from './io';
import { LINT_HELP, lintCommand } from './lint';
import { PROBE_HELP, probeCommand } from './probe';

const HELP = `Usage: opentok-readiness <command> [options]

Commands:
  lint <files|folders>           check firewall configs and cluster policies
  catalog [--format markdown|json]  print the requirements that are checked
  probe [--config file] [--format text|json|markdown|html]  check connectivity live
  help [command]                 show help

Run "opentok-readiness lint --help" for the lint options.`;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint':
        return await lintCommand(rest, io);
      case 'catalog':
        return await catalogCommand(rest, io);
      case 'probe':
        return await probeCommand(rest, { stdout: io.stdout, stderr: io.stderr, isTTY: Boolean((io.stderr as { isTTY?: boolean }).isTTY), color: io.color, env: io.env });
      case '--version':
      case '-v':
        await io.write(io.stdout, `${TOOL_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        await io.write(io.stdout, `${rest[0] === 'lint' ? LINT_HELP : rest[0] === 'probe' ? PROBE_HELP : HELP}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      await io.write(io.stderr, `opentok-readiness: ${(e as Error).message}\nRun "opentok-readiness help" for usage.\n`);
      return 2;
    }
    await io.write(io.stderr, `opentok-readiness: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

async function catalogCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { format: { type: 'string', default: 'markdown' } } });
  if (values.format === 'json') await io.write(io.stdout, `${catalogJson()}\n`);
  else if (values.format === 'markdown') await io.write(io.stdout, `${catalogMarkdown()}\n`);
  else throw new UsageError(`unknown --format "${values.format}"; use markdown or json`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`opentok-readiness: internal error: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
