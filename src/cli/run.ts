/** Argument parsing and dispatch for the CLI; `main.ts` only binds it to the process. */
import { parseArgs } from 'node:util';
import { explainCommand, exportModel, listModels, score, validateModel } from './commands.js';
import { runBacktest, runInsights, runReview } from './insights.js';
import { CliError, type CliIo } from './io.js';
import {
  deadLettersCommand,
  migrateCommand,
  reportCommand,
  rescoreCommand,
  setupCommand,
} from './service-commands.js';

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  score --model <preset|file.json> --input <file.json|file.jsonl|-> [--now <ISO>] [--full]
        Evaluate contacts; prints one JSON object per contact (JSON Lines). Signals that were
        not counted (unknown type, future, unreadable date) are in its "warnings" and on stderr.
  explain --model <preset|file.json> --input <file> [--id <contact id>] [--now <ISO>]
        The full, human-readable breakdown for one contact.
  validate-model <file.json|preset>
        Check a model; prints every problem with its JSON path, then warnings (property names
        that are none of HubSpot's defaults, with "did you mean"), which do not fail it.
  models
        List the presets.
  export-model <preset>
        Print a preset as JSON, to start your own model from.

With the service's environment (see .env.example):
  migrate                 Apply pending database migrations (DATABASE_URL; default SQLite file).
  setup [--portal <id>]   Create the app's contact properties; check the portal's stages and statuses.
  rescore --all --portal <id>
                          Rescore every contact of the portal, with progress and ETA.
  rescore --stale --portal <id>
                          List contacts whose written values differ from what the model says now
                          (from the store; should be empty: scheduled rescoring keeps them true).
  dead-letters [--replay <id> | --replay-all]
                          List work HubSpot refused or that kept failing; queue it again.
  report --portal <id> [--from <date>] [--to <date>] [--format table|csv|json]
         [--cost <marketing cost>] [--deal-value <average>] [--cycle-days <average>]
                          The funnel of the period's MQLs (default: the last 28 days), from the store.
  insights (--input <history.jsonl> [--model <m>] | --portal <id>) [--from <date>] [--to <date>]
           [--outcome sql|opportunity|customer] [--format table|csv|json]
                          Calibration (conversion per fit × intent band, qualification, route) and
                          suggestions of what converts (default: the last 12 months).
  backtest --draft <model> (--input <history.jsonl> [--model <m>] | --portal <id>) [--months <n>]
           [--format table|csv|json]
                          The draft against the published model over the past months, as of each moment.
  review --portal <id> [--format table|json]
                          What changed with the last publish; calibration before and after.

Exit codes: 0 ok; 1 some records or the model were invalid (good records are still printed); 2 usage error.`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string' },
      input: { type: 'string' },
      now: { type: 'string' },
      id: { type: 'string' },
      full: { type: 'boolean' },
      all: { type: 'boolean' },
      stale: { type: 'boolean' },
      portal: { type: 'string' },
      replay: { type: 'string' },
      'replay-all': { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      cost: { type: 'string' },
      'deal-value': { type: 'string' },
      'cycle-days': { type: 'string' },
      draft: { type: 'string' },
      months: { type: 'string' },
      outcome: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const need = (name: 'model' | 'input'): string => {
    const value = values[name];
    if (!value) throw new CliError(`${command}: --${name} is required\n\n${USAGE}`);
    return value;
  };
  switch (command) {
    case 'score':
      return score({ model: need('model'), input: need('input'), now: values.now, full: values.full }, io);
    case 'explain':
      return explainCommand(
        { model: need('model'), input: need('input'), id: values.id, now: values.now },
        io,
      );
    case 'validate-model':
      if (!positionals[0]) throw new CliError(`validate-model: give the model file\n\n${USAGE}`);
      return validateModel(positionals[0], io);
    case 'models':
      return listModels(io);
    case 'export-model':
      if (!positionals[0]) throw new CliError(`export-model: give a preset name\n\n${USAGE}`);
      return exportModel(positionals[0], io);
    case 'migrate':
      return migrateCommand(io);
    case 'setup':
      return setupCommand(io, values.portal);
    case 'rescore':
      return rescoreCommand({ all: values.all, stale: values.stale, portal: values.portal }, io);
    case 'dead-letters':
      return deadLettersCommand({ replay: values.replay, replayAll: values['replay-all'] }, io);
    case 'report':
      return reportCommand(
        {
          portal: values.portal,
          from: values.from,
          to: values.to,
          format: values.format,
          cost: values.cost,
          dealValue: values['deal-value'],
          cycleDays: values['cycle-days'],
        },
        io,
      );
    // Learning from history (issue #16); plain functions, to be moved onto the new dispatch.
    case 'insights':
      return runInsights({ ...values }, io);
    case 'backtest':
      return runBacktest({ ...values }, io);
    case 'review':
      return runReview({ portal: values.portal, format: values.format }, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return 0;
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  }
}
