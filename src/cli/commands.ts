/**
 * The qualification CLI's commands: `score`, `explain`, `validate-model`, `models`, `export-model`.
 * Each returns its exit code: 0 all good, 1 some input records were bad (the good ones were still
 * processed), 2 the command could not run (bad model, missing file, bad flag). `explain --portal`
 * reads the service's database instead of a file.
 */
import { readFile } from 'node:fs/promises';
import {
  type Evaluation,
  evaluate,
  explainInFull,
  isPresetName,
  PRESETS,
  parseContactRecord,
  parseModel,
} from '../core/index.js';
import {
  CliError,
  type CliIo,
  formatProblems,
  loadModelWithWarnings,
  readRecords,
  reportModelWarnings,
} from './io.js';
import { withDatabase } from './context.js';
import { evaluateStoredContact } from '../jobs/stored-evaluation.js';
import { validateOnPortal } from './model-commands.js';

export interface ScoreOptions {
  model: string;
  input: string;
  now?: Date;
  /** Print the whole evaluation instead of the summary. */
  full?: boolean;
}

/** The summary line printed per contact. */
export function summarize(e: Evaluation) {
  return {
    id: e.contactId,
    fit: { score: e.fit.score },
    intent: { score: e.intent.score },
    qualification: e.qualification,
    disqualification: e.disqualification,
    lifecycle: { current: e.lifecycle.current, proposed: e.lifecycle.proposed },
    leadStatus: { current: e.leadStatus.current, proposed: e.leadStatus.proposed },
    route: e.route?.kind ?? null,
    modelVersion: e.modelVersion,
    explanation: e.explanation,
    /** Signals not counted (unknown type, future, unreadable date), one line each. */
    warnings: e.warnings.map((w) => w.message),
  };
}

export async function score(options: ScoreOptions, io: CliIo): Promise<number> {
  const { model, warnings: modelWarnings } = await loadModelWithWarnings(options.model);
  reportModelWarnings(options.model, modelWarnings, io);
  const now = options.now ?? io.now();
  let bad = 0;
  let good = 0;
  let warned = 0;
  for await (const record of readRecords(options.input)) {
    if ('error' in record) {
      bad++;
      io.err(`${options.input}:${record.line}: ${record.error}`);
      continue;
    }
    const parsed = parseContactRecord(record.value);
    if (!parsed.success) {
      bad++;
      io.err(
        `${options.input}:${record.line}: ${parsed.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      );
      continue;
    }
    good++;
    const e = evaluate(parsed.contact, model, now);
    io.out(JSON.stringify(options.full ? e : summarize(e)));
    if (e.warnings.length > 0) warned++;
    for (const w of e.warnings)
      io.err(`${options.input}:${record.line}: contact ${e.contactId}: ${w.message}`);
  }
  if (warned > 0)
    io.err(
      `${warned} contact${warned > 1 ? 's' : ''} with warnings (signals not counted; see "warnings" in the output)`,
    );
  if (bad > 0) io.err(`${bad} bad record${bad > 1 ? 's' : ''} skipped, ${good} scored`);
  return bad > 0 ? 1 : 0;
}

export type ExplainOptions =
  | { model: string; input: string; id?: string; now?: Date }
  /** From the store (the service's database): the contact's last snapshot, signals and decisions. */
  | { portal: string; id: string; now?: Date };

export async function explainCommand(options: ExplainOptions, io: CliIo): Promise<number> {
  if ('portal' in options) return explainStored(options, io);
  const { model, warnings } = await loadModelWithWarnings(options.model);
  reportModelWarnings(options.model, warnings, io);
  const now = options.now ?? io.now();
  for await (const record of readRecords(options.input)) {
    if ('error' in record) continue;
    const parsed = parseContactRecord(record.value);
    if (!parsed.success) continue;
    if (options.id !== undefined && parsed.contact.id !== options.id) continue;
    io.out(explainInFull(evaluate(parsed.contact, model, now), model));
    return 0;
  }
  throw new CliError(
    options.id
      ? `--id ${options.id}: no valid record with that id in ${options.input}`
      : `${options.input}: no valid record`,
    1,
  );
}

async function explainStored(options: { portal: string; id: string; now?: Date }, io: CliIo) {
  const now = (options.now ?? io.now()).getTime();
  const found = await withDatabase((deps) => evaluateStoredContact(deps, options.portal, options.id, now));
  if (found === null)
    throw new CliError(
      `--id ${options.id}: the database has no contact ${options.id} in portal ${options.portal} (it is stored once the service has scored it)`,
      1,
    );
  io.out(explainInFull(found.evaluation, found.model));
  return 0;
}

/** Checks a model file or preset; with `portal`, against that portal's properties too (or the portal's model in force without a file). */
export async function validateModel(path: string | undefined, io: CliIo, portal?: string): Promise<number> {
  if (path === undefined) {
    if (portal === undefined)
      throw new CliError(
        'validate-model: give a model file or preset, or --portal <id> to check the portal’s model in force',
      );
    return validateOnPortal({ portal }, io);
  }
  let json: unknown;
  try {
    json = isPresetName(path) ? PRESETS[path] : JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliError(
      `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(error as Error).message})`}`,
    );
  }
  const parsed = parseModel(json);
  if (!parsed.success) {
    io.err(
      `${path}: invalid model, ${parsed.problems.length} problem${parsed.problems.length > 1 ? 's' : ''}:`,
    );
    for (const line of formatProblems(parsed.problems)) io.err(line);
    return 1;
  }
  const m = parsed.model;
  io.out(
    `${path}: valid model "${m.name}" (${m.version}): ${m.fit.criteria.length} fit criteria, ${m.intent.signals.length} intent signals, ${m.disqualifiers.length} disqualifiers; MQL = fit ${m.thresholds.mql.fit.operator} ${m.thresholds.mql.fit.value} and intent ${m.thresholds.mql.intent.operator} ${m.thresholds.mql.intent.value}`,
  );
  // Warnings never fail validation: a portal may have the custom property the model names.
  if (parsed.warnings.length > 0) {
    io.out(`${parsed.warnings.length} warning${parsed.warnings.length > 1 ? 's' : ''}:`);
    for (const line of formatProblems(parsed.warnings)) io.out(line);
  }
  return portal === undefined ? 0 : validateOnPortal({ portal, model: m }, io);
}

export function listModels(io: CliIo): number {
  for (const [name, model] of Object.entries(PRESETS)) io.out(`${name}\t${model.version}\t${model.name}`);
  return 0;
}

export function exportModel(name: string, io: CliIo): number {
  if (!isPresetName(name))
    throw new CliError(`export-model: "${name}" is not a preset (${Object.keys(PRESETS).join(', ')})`);
  io.out(JSON.stringify(PRESETS[name], null, 2));
  return 0;
}
