/**
 * `cli model …`: the portal's model versions from the command line, declared with commander as in
 * program.ts (every option parsed and checked before anything runs; `--help` runs nothing).
 */
import { type Command, Option } from 'commander';
import type { CliIo } from './io.js';
import {
  diffSide,
  modelDiff,
  modelExport,
  modelPreview,
  modelPublish,
  modelRollback,
  type PublicationOptions,
} from './model-commands.js';
import { integer, nonEmpty, portalId } from './options.js';

const portal = () =>
  new Option('--portal <id>', 'the HubSpot portal (hub) id whose models to use (DATABASE_URL)')
    .argParser(portalId)
    .makeOptionMandatory();
const version = (flag: string, what: string) =>
  new Option(`${flag} <version>`, what).argParser(integer(1, 999_999_999));

/** The flags of a publication: who asks, who approves, a note, and why now (the cadence guard). */
function publicationOptions(command: Command): Command {
  return command
    .addOption(portal())
    .addOption(
      new Option('--by <author>', 'who asks for it (marketing), e.g. an e-mail address')
        .argParser(nonEmpty)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--approved-by <approver>',
        'who approves it (sales): a different person, unless the portal allows one approver',
      )
        .argParser(nonEmpty)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--note <text>', 'what changes and why, kept with the version').argParser(nonEmpty))
    .addOption(
      new Option(
        '--reason <text>',
        'why now: required within the model’s minimum period (cadence) after the last publish',
      ).argParser(nonEmpty),
    );
}

/** Adds `model diff|preview|publish|rollback|export` to `program`. */
export function addModelCommands(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  const model = program
    .command('model')
    .description(
      'The portal’s model versions in the service’s database (DATABASE_URL): diff, preview, publish, roll back, export. Publishing takes two people, as on the settings page.',
    );

  model
    .command('diff')
    .description(
      'What changes from one model to another, one line per change: stored versions, "active" (the model in force) or a model file.',
    )
    .argument('<from>', 'a version number, "active" or a model file (.json) or preset')
    .argument('[to]', 'the same (default: active)', 'active')
    .addOption(portal())
    .action(async (from: string, to: string, o: { portal: string }) => {
      done(await modelDiff({ portal: o.portal, from: diffSide(from), to: diffSide(to) }, io));
    });

  model
    .command('preview')
    .description(
      'What a model file would change on the stored contacts (their last inputs and signals; no HubSpot calls, nothing saved).',
    )
    .argument('<file.json>', 'the model (a file or a preset)')
    .addOption(portal())
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (file: string, o: { portal: string; format: 'table' | 'json' }) => {
      done(await modelPreview({ file, ...o }, io));
    });

  publicationOptions(
    model
      .command('publish')
      .description(
        'Save a model file as a new version and put it in force, asked for by --by and approved by --approved-by; the contacts it changes are queued for a rescore.',
      )
      .argument('<file.json>', 'the model (a file or a preset)'),
  ).action(async (file: string, o: PublicationOptions) => {
    done(await modelPublish({ ...o, file }, io));
  });

  publicationOptions(
    model
      .command('rollback')
      .description('Put an earlier version back in force, asked for and approved as for publish.')
      .addOption(version('--to', 'the version to go back to').makeOptionMandatory()),
  ).action(async (o: PublicationOptions & { to: number }) => {
    done(await modelRollback(o, io));
  });

  model
    .command('export')
    .description('The published model (or --version’s) as JSON: on stdout, or in --out.')
    .addOption(portal())
    .addOption(version('--version', 'a stored version (default: the one in force)'))
    .addOption(new Option('--out <file>', 'write it to this file').argParser(nonEmpty))
    .action(async (o: { portal: string; version?: number; out?: string }) => {
      done(await modelExport(o, io));
    });
}
