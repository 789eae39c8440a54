/**
 * `npm run cli -- <command>`: the qualification model on the command line. Binds the CLI to the
 * process: `.env`, standard streams, the exit code. A failure is one line on stderr.
 */
import { loadDotEnv } from '../env-file.js';
import { CliError, type CliIo } from './io.js';
import { runCli } from './run.js';

async function main(): Promise<void> {
  // `npm run cli -- report | head`: the reader left; stop quietly instead of a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => new Date(),
  };
  try {
    loadDotEnv();
    process.exitCode = await runCli(process.argv.slice(2), io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      process.exitCode = error.exitCode;
    } else {
      // runCli turns every failure into a CliError; this is a broken .env or a bug.
      io.err(`cli: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      process.exitCode = 1;
    }
  }
}

await main();
