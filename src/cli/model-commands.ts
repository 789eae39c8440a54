/**
 * `cli model diff|preview|publish|rollback|export` against the service's store (DATABASE_URL), and
 * `validate-model --portal` against the portal's properties (HubSpot). Each runs the use case the
 * settings routes run (jobs/model-settings.ts, jobs/model-approval.ts); this file only maps flags
 * onto them and prints. A use case's refusal (the same person approving, a version that does not
 * exist, a reason the cadence guard asks for) is one line naming the flag to change, exit code 1.
 */
import { writeFile } from 'node:fs/promises';
import type { ModelPreview } from '../core/preview.js';
import type { QualificationModel } from '../core/model.js';
import { diffModels, type ModelChange } from '../core/model-diff.js';
import { AppError } from '../errors.js';
import { modelAt, publishApproved, type VersionRef } from '../jobs/model-approval.js';
import { activeModel, previewDraft, requireVersion, type SettingsDeps } from '../jobs/model-settings.js';
import { checkModelOnPortal } from '../jobs/portal-model-check.js';
import type { PortalId, SignedUser } from '../store/store.port.js';
import { type DatabaseContext, withDatabase, withHubSpot } from './context.js';
import { CliError, type CliIo, formatProblems, loadModelWithWarnings, reportModelWarnings } from './io.js';

/** The settings use cases' dependencies, for a command: the service's worker picks up what is queued. */
function settingsDeps(context: DatabaseContext, io: CliIo): SettingsDeps {
  return {
    store: context.store,
    models: context.models,
    clock: () => io.now().getTime(),
    // The running service's worker picks up what is queued, and reads the model it was queued for.
    wakeWorker: () => {},
  };
}

/**
 * Runs a use case; its AppError becomes one line that names the flag behind each problem
 * (`flags` maps the use case's paths, `$.version`, `query.userId`, onto the command's flags).
 */
async function refusalsAsLine<T>(command: string, flags: ReadonlyMap<string, string>, run: () => Promise<T>) {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const where = error.problems.map((p) => `${flags.get(p.path) ?? p.path}: ${p.message}`).join('; ');
    throw new CliError(`model ${command}: ${error.message}${where ? ` (${where})` : ''}`, 1);
  }
}

/** A person named on the command line (`--by`, `--approved-by`); compared without case. */
export function cliUser(name: string): SignedUser {
  const trimmed = name.trim();
  return { name: trimmed, userId: `cli:${trimmed.toLowerCase()}` };
}

/** A side of a diff: a stored version, `active` (the model in force) or a model file or preset. */
export type DiffSide = VersionRef | { file: string };

export function diffSide(value: string): DiffSide {
  if (value === 'active') return 'active';
  if (/^[1-9]\d{0,8}$/.test(value)) return Number(value);
  return { file: value };
}

const sideName = (side: DiffSide) =>
  side === 'active' ? 'the model in force' : typeof side === 'number' ? `version ${side}` : side.file;

/** The changes one per line, under a heading: what `model diff` prints. */
export function diffLines(from: string, to: string, changes: readonly ModelChange[]): string[] {
  const count =
    changes.length === 0 ? 'no changes' : `${changes.length} change${changes.length > 1 ? 's' : ''}`;
  return [`${from} → ${to}: ${count}`, ...changes.map((c) => `  ${c.section}: ${c.text}`)];
}

export async function modelDiff(
  options: { portal: PortalId; from: DiffSide; to: DiffSide },
  io: CliIo,
): Promise<number> {
  const load = async (deps: SettingsDeps, side: DiffSide, flag: string): Promise<QualificationModel> =>
    typeof side === 'object'
      ? (await loadModelWithWarnings(side.file, flag)).model
      : refusalsAsLine('diff', new Map([[flag, flag]]), () => modelAt(deps, options.portal, side, flag));
  const lines = await withDatabase(async (context) => {
    const deps = settingsDeps(context, io);
    const changes = diffModels(
      await load(deps, options.from, '<from>'),
      await load(deps, options.to, '<to>'),
    );
    return diffLines(sideName(options.from), sideName(options.to), changes);
  });
  for (const line of lines) io.out(line);
  return 0;
}

function previewLines(file: string, current: string, p: ModelPreview & { tookMs: number }): string[] {
  const q = ['mql', 'iql', 'nurture', 'disqualified'] as const;
  const lines = [
    `${file} against ${current}, over ${p.contacts} stored contact${p.contacts === 1 ? '' : 's'}:`,
    ...q.map((k) => `  ${k.padEnd(13)} ${String(p.before[k]).padStart(6)} → ${p.after[k]}`),
    `  changed: ${p.changed} (MQL in ${p.mqlIn}, MQL out ${p.mqlOut}, newly disqualified ${p.newlyDisqualified})`,
  ];
  for (const s of p.sample)
    lines.push(
      `  contact ${s.contactId}: ${s.before.qualification} (fit ${s.before.fitScore}, intent ${s.before.intentScore}) → ${s.after.qualification} (fit ${s.after.fitScore}, intent ${s.after.intentScore})`,
    );
  lines.push(`took ${p.tookMs} ms; nothing was saved`);
  return lines;
}

export async function modelPreview(
  options: { portal: PortalId; file: string; format: 'table' | 'json' },
  io: CliIo,
): Promise<number> {
  const { json, warnings } = await loadModelWithWarnings(options.file, '<file.json>');
  reportModelWarnings(options.file, warnings, io);
  const { preview, current } = await withDatabase(async (context) => {
    const deps = settingsDeps(context, io);
    const preview = await refusalsAsLine('preview', new Map(), () =>
      previewDraft(deps, options.portal, json),
    );
    const { model } = await context.models.get(options.portal);
    return { preview, current: model.version };
  });
  if (options.format === 'json') io.out(JSON.stringify(preview));
  else for (const line of previewLines(options.file, current, preview)) io.out(line);
  return 0;
}

export interface PublicationOptions {
  portal: PortalId;
  by: string;
  approvedBy: string;
  note?: string;
  reason?: string;
}

const PUBLICATION_FLAGS: readonly [string, string][] = [
  ['query.userId', '--approved-by'],
  ['$.reason', '--reason'],
  ['$.requestId', 'the request'],
];

/** `model publish <file>`: saved as a draft, asked for by `--by`, approved by `--approved-by`. */
export async function modelPublish(
  options: PublicationOptions & { file: string },
  io: CliIo,
): Promise<number> {
  const { json, warnings } = await loadModelWithWarnings(options.file, '<file.json>');
  reportModelWarnings(options.file, warnings, io);
  return publication('publish', options, { model: json }, io);
}

/** `model rollback --to <version>`: an earlier version back in force, approved the same way. */
export async function modelRollback(
  options: PublicationOptions & { to: number },
  io: CliIo,
): Promise<number> {
  return publication('rollback', options, { version: options.to }, io);
}

async function publication(
  kind: 'publish' | 'rollback',
  options: PublicationOptions,
  target: { model: unknown } | { version: number },
  io: CliIo,
): Promise<number> {
  const flags = new Map([...PUBLICATION_FLAGS, ['$.version', kind === 'rollback' ? '--to' : '<file.json>']]);
  const done = await withDatabase((context) =>
    refusalsAsLine(kind, flags, () =>
      publishApproved(
        settingsDeps(context, io),
        options.portal,
        { target, kind, note: options.note ?? null, reason: options.reason ?? null },
        cliUser(options.by),
        cliUser(options.approvedBy),
      ),
    ),
  );
  const how =
    done.approval?.mode === 'single-approver'
      ? 'alone (the portal allows one approver)'
      : `approved by ${done.approval?.approvedBy ?? done.agreedBy}`;
  io.out(
    `${kind === 'publish' ? 'published' : 'rolled back to'} version ${done.version} ("${done.label}") in portal ${options.portal}: by ${done.publishedBy}, ${how}`,
  );
  io.out(
    `${done.rescoreEnqueued} contact${done.rescoreEnqueued === 1 ? '' : 's'} queued for a rescore (the running service writes them to HubSpot)`,
  );
  return 0;
}

/** `model export`: the published model (or `--version`'s) as JSON, on stdout or in `--out`. */
export async function modelExport(
  options: { portal: PortalId; version?: number; out?: string },
  io: CliIo,
): Promise<number> {
  const { json, from } = await withDatabase(async (context) => {
    const deps = settingsDeps(context, io);
    if (options.version !== undefined) {
      const record = await refusalsAsLine('export', new Map([['$.version', '--version']]), () =>
        requireVersion(deps, options.portal, options.version!, '$.version'),
      );
      return { json: record.model, from: `version ${record.version} (${record.status})` };
    }
    const { active } = await activeModel(deps, options.portal);
    return {
      json: active.model,
      from: active.isDefault
        ? 'the default preset: nothing is published'
        : `version ${active.storedVersion}, published`,
    };
  });
  const text = JSON.stringify(json, null, 2);
  if (options.out === undefined) io.out(text);
  else await writeFile(options.out, `${text}\n`, 'utf8');
  io.err(`portal ${options.portal}: ${from}${options.out ? `, written to ${options.out}` : ''}`);
  return 0;
}

/**
 * `validate-model --portal`: every property the model (a file or preset, or else the portal's model
 * in force) reads, checked against the portal's own definitions. Errors fail it (exit code 1).
 */
export async function validateOnPortal(
  options: { portal: PortalId; model?: QualificationModel },
  io: CliIo,
): Promise<number> {
  const result = await withHubSpot(async (context) => {
    // A private app's token belongs to one portal: checking another portal's model against it would
    // judge the wrong properties.
    const { portalId } = await context.crm.accountDetails();
    if (String(portalId) !== options.portal)
      throw new CliError(
        `validate-model: --portal ${options.portal} is not the portal HUBSPOT_ACCESS_TOKEN belongs to (${portalId})`,
        1,
      );
    const model = options.model ?? (await context.models.get(options.portal)).model;
    return { model, check: await checkModelOnPortal(context.crm, model) };
  });
  const { errors, warnings, properties } = result.check;
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  io.out(
    `portal ${options.portal}: ${result.model.version} reads ${plural(properties, 'property', 'properties')}; ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`,
  );
  if (errors.length > 0) {
    io.out('errors:');
    for (const line of formatProblems(errors)) io.out(line);
  }
  if (warnings.length > 0) {
    io.out('warnings:');
    for (const line of formatProblems(warnings)) io.out(line);
  }
  return errors.length > 0 ? 1 : 0;
}
