/**
 * CLI commands that work on a portal and the store: `migrate`, `setup`, `rescore`,
 * `dead-letters [--replay <id> | --replay-all]`, `report`. Each reads only the settings it uses
 * (see context.ts): the database ones never ask for HubSpot credentials.
 */
import { rescoreAll } from '../jobs/rescore-all.js';
import { staleContacts } from '../jobs/stale-contacts.js';
import { tokenScopes } from '../hubspot/crm-history.js';
import { PortalMismatchError, setupPortal } from '../jobs/setup.js';
import { safeDatabaseUrl } from '../logger.js';
import { writeFile } from 'node:fs/promises';
import type { Economics } from '../core/funnel.js';
import { DAY_MS } from '../core/intent.js';
import { ActiveModels } from '../jobs/active-model.js';
import { calibrationForPage, loadReportPage } from '../jobs/report-page.js';
import { renderReportHtml } from '../report/html-report.js';
import type { Store } from '../store/store.port.js';
import { DEFAULT_FUNNEL_DAYS, funnelFromStore } from '../jobs/funnel.js';
import { migrate } from '../store/index.js';
import { funnelRows } from '../core/funnel.js';
import { DatabaseSettingsSchema, loadSettings } from '../config.js';
import { backfillCommand } from './backfill-command.js';
import { withDatabase, withHubSpot } from './context.js';
import { progressLine, progressSink } from './progress.js';
import { DatabaseOpenError } from './failures.js';
import { type CliIo, CliError } from './io.js';

export async function migrateCommand(io: CliIo): Promise<number> {
  const url = loadSettings(DatabaseSettingsSchema, process.env).DATABASE_URL;
  let applied: string[];
  try {
    applied = await migrate(url);
  } catch (error) {
    throw new DatabaseOpenError(safeDatabaseUrl(url), error);
  }
  io.out(
    applied.length > 0
      ? `applied ${applied.length} migration(s) to ${safeDatabaseUrl(url)}: ${applied.join(', ')}`
      : `${safeDatabaseUrl(url)} is up to date`,
  );
  return 0;
}

export async function setupCommand(io: CliIo, portal?: string): Promise<number> {
  return withHubSpot(async ({ models, crm, settings }) => {
    // The portal's published model when one is named, else the default preset.
    const { model } = await models.get(portal ?? 'default');
    let result;
    try {
      result = await setupPortal(crm, model, () => tokenScopes(crm, settings.HUBSPOT_ACCESS_TOKEN), {
        failOnMissingScopes: true,
      });
    } catch (error) {
      if (!(error instanceof PortalMismatchError)) throw error;
      // One clear line per problem (a scope the token lacks, a stage the portal does not have).
      for (const line of error.message.split('\n')) io.err(line);
      return 1;
    }
    io.out(
      `properties created: ${result.created.length > 0 ? result.created.join(', ') : 'none'}; already there: ${result.existing.length}`,
    );
    io.out(`lifecycle stages: ${result.lifecycleStages.join(', ')}`);
    io.out(`lead statuses: ${result.leadStatuses.join(', ')}`);
    io.out(`token scopes: ${result.scopes}`);
    if (result.emptySettings.length === 0)
      io.out('model settings: owners, escalation and marketing owner are set');
    else {
      io.out(`model settings still empty (${result.emptySettings.length}):`);
      for (const line of result.emptySettings) io.out(`  - ${line}`);
    }
    return 0;
  });
}

export async function rescoreCommand(
  options: { all?: boolean; stale?: boolean; backfill?: boolean; restart?: boolean; portal: string },
  io: CliIo & { progress?: (line: string) => void },
): Promise<number> {
  if (options.stale) return staleCommand(options.portal, io);
  if (!options.all)
    throw new CliError(
      options.backfill
        ? 'rescore: --backfill goes with --all (rescore --all --backfill --portal <id>)'
        : 'rescore: pass --all to rescore every contact of the portal, or --stale to list stale ones',
    );
  if (options.backfill) return backfillCommand({ portal: options.portal, restart: options.restart }, io);
  if (options.restart) throw new CliError('rescore: --restart goes with --backfill');
  const portalId = options.portal;
  return withHubSpot(async ({ crm, scoreDeps }) => {
    const total = await crm.countContacts();
    const sink = progressSink(io);
    const result = await rescoreAll({ ...scoreDeps, crm }, portalId, {
      onProgress: (p) => sink.show(progressLine(p, total)),
    });
    sink.end();
    const seconds = (result.now - result.startedAt) / 1000;
    io.out(
      `rescored ${result.scored} contacts in ${seconds.toFixed(1)} s (${(result.scored / Math.max(seconds, 0.001)).toFixed(0)}/s): ${result.written} written, ${result.rejected} refused by HubSpot`,
    );
    return result.rejected > 0 ? 1 : 0;
  });
}

/**
 * `rescore --stale`: contacts whose written values differ from what the core says now, from the
 * store alone (no HubSpot call). Exit code 1 when there are any.
 */
async function staleCommand(portalId: string, io: CliIo): Promise<number> {
  return withDatabase(async ({ store, models }) => {
    const stale = await staleContacts({ store, models }, portalId, io.now().getTime());
    for (const s of stale) io.out(`${s.contactId}\t${s.differences.join('; ')}`);
    io.err(`${stale.length} stale contact${stale.length === 1 ? '' : 's'} in portal ${portalId}`);
    return stale.length > 0 ? 1 : 0;
  });
}

export async function deadLettersCommand(
  options: { replay?: string; replayAll?: boolean },
  io: CliIo,
): Promise<number> {
  return withDatabase(async ({ store }) => {
    const letters = await store.queue.deadLetters();
    if (options.replay || options.replayAll) {
      const ids = options.replayAll ? letters.map((l) => l.id) : [options.replay!];
      let replayed = 0;
      for (const id of ids) if (await store.queue.replayDeadLetter(id, io.now().getTime())) replayed++;
      if (!options.replayAll && replayed === 0)
        throw new CliError(`dead-letters: no dead letter ${options.replay}`, 1);
      io.out(
        `replayed ${replayed} dead letter(s): they are queued again and the running service will process them`,
      );
      return 0;
    }
    if (letters.length === 0) {
      io.out('no dead letters');
      return 0;
    }
    io.out(['id', 'portal', 'contact', 'attempts', 'died at', 'error'].join('\t'));
    for (const l of letters)
      io.out(
        [l.id, l.portalId, l.contactId, l.attempts, new Date(l.diedAt).toISOString(), l.error].join('\t'),
      );
    return 0;
  });
}

export const REPORT_FORMATS = ['table', 'csv', 'json', 'html'] as const;

export interface ReportOptions {
  portal: string;
  /** Epoch ms (midnight UTC of the day given); default: DEFAULT_FUNNEL_DAYS before `to`. */
  from?: number;
  /** Epoch ms, exclusive; default: now. */
  to?: number;
  format?: (typeof REPORT_FORMATS)[number];
  cost?: number;
  dealValue?: number;
  cycleDays?: number;
  /** With `html`: the file to write (default: stdout). */
  out?: string;
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `report`: the funnel of the MQLs of a period, from the store only (no HubSpot call). */
export async function reportCommand(options: ReportOptions, io: CliIo): Promise<number> {
  const format = options.format ?? 'table';
  const now = io.now().getTime();
  const to = options.to ?? now;
  const from = options.from ?? to - DEFAULT_FUNNEL_DAYS * DAY_MS;
  if (from >= to) throw new CliError('report: --from must be before --to');
  if (options.out !== undefined && format !== 'html')
    throw new CliError('report: --out is for --format html (the other formats print to stdout)');
  return withDatabase(async ({ store }) => {
    if (format === 'html') {
      const html = await htmlReport(store, options.portal, from, to, now, {
        marketingCost: options.cost,
        averageDealValue: options.dealValue,
        averageCycleDays: options.cycleDays,
      });
      if (options.out === undefined) io.out(html);
      else {
        await writeFile(options.out, html);
        io.out(`report written to ${options.out}: open it in a browser (no network needed)`);
      }
      return 0;
    }
    const report = await funnelFromStore(store, options.portal, from, to, {
      marketingCost: options.cost,
      averageDealValue: options.dealValue,
      averageCycleDays: options.cycleDays,
    });
    if (format === 'json') {
      io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    const rows = funnelRows(report);
    if (format === 'csv') {
      io.out('figure,value');
      for (const [k, v] of rows) io.out(`${csvCell(k)},${csvCell(v)}`);
      for (const r of report.lostReasons) io.out(`${csvCell(`lost reason: ${r.label}`)},${r.count}`);
      return 0;
    }
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    io.out(`Funnel of the MQLs of ${day(from)} – ${day(to - 1)} (portal ${options.portal})`);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) io.out(`  ${k.padEnd(width)}  ${v}`);
    if (report.lostReasons.length > 0) {
      io.out('Lost reasons:');
      for (const r of report.lostReasons)
        io.out(`  ${String(r.count).padStart(5)}  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.label}`);
    }
    const cuts = Object.entries(report.byModelVersion);
    if (cuts.length > 1) {
      io.out('By model version:');
      for (const [version, f] of cuts)
        io.out(
          `  ${version}: ${f.mqls} MQLs, MQL→SQL ${f.mqlToSql === null ? 'n/a' : `${(f.mqlToSql * 100).toFixed(1)}%`}`,
        );
    }
    const suspects = report.rejectingRules.filter(
      (r) => r.relative !== null && r.relative >= 1.5 && r.mqls >= 5,
    );
    if (suspects.length > 0) {
      io.out('Rules whose MQLs are returned more often than average:');
      for (const r of suspects)
        io.out(`  ${r.rule}: ${r.returned}/${r.mqls} returned (${r.relative!.toFixed(1)}× the average)`);
    }
    for (const w of report.warnings) io.out(`Warning: ${w.message}`);
    return 0;
  });
}

/** The report as a self-contained HTML page: funnel, lost reasons, fit × intent, calibration. */
export async function htmlReport(
  store: Store,
  portalId: string,
  from: number,
  to: number,
  now: number,
  economics: Economics = {},
): Promise<string> {
  const defined = Object.fromEntries(
    Object.entries(economics).filter(([, v]) => v !== undefined),
  ) as Economics;
  const page = await loadReportPage(store, portalId, from, to, defined, now);
  const calibration = await calibrationForPage(
    { store, models: new ActiveModels(store) },
    portalId,
    from,
    to,
    now,
  );
  return renderReportHtml(calibration ? { ...page, calibration } : page);
}
