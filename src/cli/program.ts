/**
 * The CLI's commands, options and help, declared with commander: it parses and type-checks every
 * option before a command runs, prints per-command `--help` without running anything, and
 * suggests the nearest command or option ("did you mean"). The actions only call the commands.
 */
import { Command, Option } from 'commander';
import { OUTCOMES, PRESETS } from '../core/index.js';
import { explainCommand, exportModel, listModels, score, validateModel } from './commands.js';
import { CliError, type CliIo } from './io.js';
import { DEFAULT_INSIGHTS_MONTHS } from '../jobs/insights.js';
import { importHistoryCommand } from './history-commands.js';
import { runBacktest, runInsights, runReview } from './insights.js';
import { addModelCommands } from './model-program.js';
import { decimal, integer, isoDay, isoInstant, nonEmpty, portalId } from './options.js';
import {
  deadLettersCommand,
  migrateCommand,
  REPORT_FORMATS,
  reportCommand,
  rescoreCommand,
  setupCommand,
} from './service-commands.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  the command ran and found problems (bad input records, an invalid model, stale contacts,
     records HubSpot refused), or could not finish (a missing setting, a wrong token, HubSpot or
     the database unreachable): one line on stderr says what to fix; --debug adds the stack trace
  2  usage error: unknown command or option, a bad or missing option value; nothing was run

Settings come from the environment, and from .env in the current directory when it exists (a
variable already set in the environment wins). Each command reads only what it uses.`;

const nowOption = () =>
  new Option('--now <iso>', 'the moment to evaluate at, ISO 8601 (default: now)').argParser(isoInstant);
const portalOption = (what: string) =>
  new Option('--portal <id>', `the HubSpot portal (hub) id ${what}`).argParser(portalId);

/**
 * Builds a fresh program for one run (no state shared between runs or tests). `done` receives the
 * exit code of the command that ran.
 */
export function buildProgram(io: CliIo, done: (exitCode: number) => void): Command {
  const program = new Command('npm run cli --')
    .description('The lead-qualification model on the command line, and the service’s portal commands.')
    .option('--debug', 'print the stack trace of a failure')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    // Set before the commands are added: they inherit it. Errors are thrown and printed by the
    // caller as one line (run.ts); commander's own error printing is off.
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
      outputError: () => {},
    });

  program
    .command('score')
    .description(
      'Evaluate contacts; one JSON object per contact (JSON Lines). Signals not counted (unknown type, future, unreadable date) are in its "warnings" and on stderr.',
    )
    .requiredOption('--model <preset|file.json>', 'a preset name or a model file')
    .requiredOption('--input <file>', 'contacts: file.json (object or array), file.jsonl, or - for stdin')
    .addOption(nowOption())
    .option('--full', 'print the whole evaluation instead of the summary')
    .action(async (o: { model: string; input: string; now?: Date; full?: boolean }) => {
      done(await score(o, io));
    });

  program
    .command('explain')
    .description(
      'The full, human-readable breakdown of one contact: from a file (--model, --input) or from the service’s database (--portal, --id; DATABASE_URL).',
    )
    .option('--model <preset|file.json>', 'with --input: a preset name or a model file')
    .option('--input <file>', 'contacts as for score; without it the contact is read from the database')
    .addOption(portalOption('whose stored contact to explain (without --input)'))
    .addOption(new Option('--id <contact id>', 'the contact to explain').argParser(nonEmpty))
    .addOption(nowOption())
    .action(async (o: { model?: string; input?: string; portal?: string; id?: string; now?: Date }) => {
      if (o.input !== undefined) {
        if (o.model === undefined) throw new CliError('explain: --input needs --model <preset|file.json>');
        done(await explainCommand({ model: o.model, input: o.input, id: o.id, now: o.now }, io));
        return;
      }
      if (o.portal === undefined || o.id === undefined)
        throw new CliError(
          'explain: give --portal <id> and --id <contact id> (from the database), or --model and --input (from a file)',
        );
      done(await explainCommand({ portal: o.portal, id: o.id, now: o.now }, io));
    });

  program
    .command('validate-model')
    .description(
      'Check a model: every problem with its JSON path, then warnings (property names that are none of HubSpot’s defaults, with "did you mean"), which do not fail it. With --portal, also against the portal’s properties (HUBSPOT_ACCESS_TOKEN): a property it lacks, of a type the matcher cannot read, or a listed value none of the condition’s properties can hold is an error.',
    )
    .argument('[file.json|preset]', 'the model to check (with --portal: default the portal’s model in force)')
    .addOption(portalOption('to check the model against (its property definitions, through HubSpot)'))
    .action(async (path: string | undefined, o: { portal?: string }) => {
      done(await validateModel(path, io, o.portal));
    });

  program
    .command('models')
    .description('List the presets.')
    .action(() => {
      done(listModels(io));
    });

  program
    .command('export-model')
    .description('Print a preset as JSON, to start your own model from.')
    .argument('<preset>', `one of ${Object.keys(PRESETS).join(', ')}`)
    .action((name: string) => {
      done(exportModel(name, io));
    });

  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL; default: the SQLite file).')
    .action(async () => {
      done(await migrateCommand(io));
    });

  program
    .command('setup')
    .description(
      'Create the app’s lq_* contact properties; check the portal’s lifecycle stages and lead statuses (HUBSPOT_ACCESS_TOKEN, DATABASE_URL).',
    )
    .addOption(portalOption('whose published model to set up for (default: the default preset)'))
    .action(async (o: { portal?: string }) => {
      done(await setupCommand(io, o.portal));
    });

  program
    .command('rescore')
    .description(
      'Rescore every contact of the portal with progress and ETA (--all: HubSpot and the database), or list contacts whose written values differ from what the model says now (--stale: the database only).',
    )
    .addOption(portalOption('to rescore').makeOptionMandatory())
    .addOption(new Option('--all', 'rescore every contact').conflicts('stale'))
    .addOption(new Option('--stale', 'list stale contacts; exit code 1 when there are any'))
    .addOption(
      new Option(
        '--backfill',
        'with --all: first rebuild the derived signals from HubSpot’s property history and past meetings; resumes after a stop, a finished one is not run again',
      ).conflicts('stale'),
    )
    .addOption(
      new Option('--restart', 'with --backfill: run a finished (or stopped) backfill again from the start'),
    )
    .action(
      async (o: {
        portal: string;
        all?: boolean;
        stale?: boolean;
        backfill?: boolean;
        restart?: boolean;
      }) => {
        done(await rescoreCommand(o, io));
      },
    );

  program
    .command('import-history')
    .description(
      'Read every contact (with its stage dates and company) and every deal of the portal from HubSpot into the database, for insights, backtest and review (HUBSPOT_ACCESS_TOKEN, DATABASE_URL).',
    )
    .addOption(portalOption('to import').makeOptionMandatory())
    .action(async (o: { portal: string }) => {
      done(await importHistoryCommand(o, io));
    });

  program
    .command('dead-letters')
    .description(
      'List work HubSpot refused or that kept failing, with reasons; queue it again (DATABASE_URL only).',
    )
    .addOption(
      new Option('--replay <id>', 'queue one dead letter again').argParser(nonEmpty).conflicts('replayAll'),
    )
    .option('--replay-all', 'queue every dead letter again')
    .action(async (o: { replay?: string; replayAll?: boolean }) => {
      done(await deadLettersCommand(o, io));
    });

  program
    .command('report')
    .description(
      'The funnel of the MQLs of a period, from the database only (DATABASE_URL): MQL→SQL, lost reasons, SLAs, …',
    )
    .addOption(portalOption('the webhooks came from').makeOptionMandatory())
    .addOption(
      new Option('--from <YYYY-MM-DD>', 'first day of the period (default: 28 days before --to)').argParser(
        isoDay,
      ),
    )
    .addOption(
      new Option('--to <YYYY-MM-DD>', 'the day after the period, exclusive (default: now)').argParser(isoDay),
    )
    .addOption(
      new Option('--format <format>', 'output format; html: a self-contained page with the charts')
        .choices(REPORT_FORMATS)
        .default('table'),
    )
    .addOption(
      new Option(
        '--out <file>',
        'with --format html: write the page to this file (default: stdout)',
      ).argParser(nonEmpty),
    )
    .addOption(
      new Option('--cost <amount>', 'marketing cost of the period, for cost per SQL').argParser(decimal(0)),
    )
    .addOption(
      new Option('--deal-value <amount>', 'average deal value, for pipeline velocity').argParser(decimal(0)),
    )
    .addOption(
      new Option('--cycle-days <days>', 'average sales cycle in days, for pipeline velocity').argParser(
        decimal(0.001),
      ),
    )
    .action(
      async (o: {
        portal: string;
        from?: number;
        to?: number;
        format: (typeof REPORT_FORMATS)[number];
        cost?: number;
        dealValue?: number;
        cycleDays?: number;
        out?: string;
      }) => {
        done(await reportCommand(o, io));
      },
    );

  const historySource = (command: Command) =>
    command
      .addOption(
        new Option('--input <history.jsonl>', 'a history file (JSON Lines or a JSON array)')
          .argParser(nonEmpty)
          .conflicts('portal'),
      )
      .addOption(
        new Option(
          '--model <preset|file.json>',
          'with --input: the model in force (default seed-fit-intent)',
        ),
      )
      .addOption(portalOption('whose stored history to read (DATABASE_URL), under its published model'));

  historySource(
    program
      .command('insights')
      .description(
        'Calibration (observed conversion per fit × intent band, qualification and route, with 95% intervals) and suggestions of what converts, from history (default: the last 12 months).',
      ),
  )
    .addOption(new Option('--from <YYYY-MM-DD>', 'first day of the period').argParser(isoDay))
    .addOption(
      new Option('--to <YYYY-MM-DD>', 'the day after the period, exclusive (default: now)').argParser(isoDay),
    )
    .addOption(new Option('--outcome <outcome>', 'the conversion to measure').choices(OUTCOMES))
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
    )
    .action(async (o: Parameters<typeof runInsights>[0]) => {
      done(await runInsights(o, io));
    });

  historySource(
    program
      .command('backtest')
      .description(
        'The draft against the published model over the past months, each contact judged as of the moment it would have been (point in time): MQLs per month, cohorts added and dropped, and what became of them.',
      ),
  )
    .requiredOption('--draft <preset|file.json>', 'the draft model')
    .addOption(
      new Option('--months <n>', 'how many months back (1–36)')
        .argParser(integer(1, 36))
        .default(DEFAULT_INSIGHTS_MONTHS),
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
    )
    .action(async (o: Parameters<typeof runBacktest>[0]) => {
      done(await runBacktest(o, io));
    });

  program
    .command('review')
    .description('The quarterly review: what changed with the last publish, calibration before and after.')
    .addOption(portalOption('to review (DATABASE_URL)').makeOptionMandatory())
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { portal: string; format: 'table' | 'json' }) => {
      done(await runReview(o, io));
    });

  addModelCommands(program, io, done);
  return program;
}
