/**
 * The demo's command line (`npm run demo -- …`), apart from the demo itself so it can be tested
 * without running one: typed, range-checked options; `--help` prints them and runs nothing.
 */
import { Command, Option } from 'commander';
import { integer } from './options.js';

export interface DemoOptions {
  contacts: number;
  rateLimit: number;
  seed: number;
  /** Keep the database in this directory (created when missing) instead of deleting it. */
  keep?: string;
}

/** The demo's options; `--help` prints them and runs nothing. */
export function demoProgram(
  run: (options: DemoOptions & { debug?: boolean }) => Promise<void>,
  write: { out: (text: string) => void; err: (text: string) => void } = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
): Command {
  return new Command('npm run demo --')
    .description(
      'A day of HubSpot traffic against the service, on a local HubSpot sandbox: no account needed.',
    )
    .addOption(
      new Option('--contacts <n>', 'contacts seeded in the sandbox')
        .argParser(integer(1, 20_000))
        .default(500),
    )
    .addOption(
      new Option('--rate-limit <n>', "the sandbox's HubSpot calls per 10 s")
        .argParser(integer(10, 1_000))
        .default(100),
    )
    .addOption(
      new Option('--seed <n>', 'random seed of the sandbox data')
        .argParser(integer(0, 2 ** 31 - 1))
        .default(42),
    )
    .option(
      '--keep <dir>',
      'keep the database in <dir>/demo.sqlite, for `npm run cli -- report|explain` afterwards',
    )
    .option('--debug', 'print the stack trace of a failure')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: write.out, writeErr: write.err, outputError: () => {} })
    .exitOverride()
    .action(run);
}
