/**
 * `npm run cli -- <command>`: the qualification model on the command line.
 */
import { CliError, type CliIo } from './io.js';
import { runCli, USAGE } from './run.js';

async function main(): Promise<void> {
  const io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => new Date(),
  };
  try {
    process.exitCode = await runCli(process.argv.slice(2), io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      process.exitCode = error.exitCode;
    } else if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else throw error;
  }
}

await main();
