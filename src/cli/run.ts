/**
 * Runs the CLI on an argument list; `main.ts` only binds it to the process. Usage errors become a
 * CliError with exit code 2 and one line; runtime failures a CliError with exit code 1 and one
 * line naming what to fix (the stack trace on stderr only with `--debug`).
 */
import { type Command, CommanderError } from 'commander';
import { describeFailure } from './failures.js';
import { CliError, type CliIo } from './io.js';
import { buildProgram } from './program.js';

/** Codes commander uses for help and version output: nothing ran, and that is success. */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Commander's message as one line: `report: unknown option '--fro' (did you mean --from?)`. */
export function usageLine(commandPath: string, error: CommanderError): string {
  const text = error.message
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\(Did you mean (.+?)\?\)\s*$/, ' (did you mean $1?)')
    .replace(/ is invalid\. (\w)/, (_, first: string) => ` is invalid: ${first.toLowerCase()}`)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return `${commandPath}: ${text}`;
}

/** Every command's exit override names the command, so the one line says where the error is. */
function nameErrors(command: Command, path: string): void {
  command.exitOverride((error) => {
    throw Object.assign(error, { commandPath: path });
  });
  for (const sub of command.commands) nameErrors(sub, path === 'cli' ? sub.name() : `${path} ${sub.name()}`);
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  nameErrors(program, 'cli');
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (HELP_CODES.has(error.code)) return 0;
      const path = (error as CommanderError & { commandPath?: string }).commandPath ?? 'cli';
      throw new CliError(usageLine(path, error), 2);
    }
    if (error instanceof CliError) throw error;
    if (program.opts<{ debug?: boolean }>().debug === true && error instanceof Error && error.stack)
      io.err(error.stack);
    throw new CliError(
      describeFailure(error, {
        hubspotBaseUrl: process.env.HUBSPOT_BASE_URL || 'https://api.hubapi.com (the default)',
      }),
      1,
    );
  }
}
