/**
 * `cli insights`, `cli backtest --draft <file>` and `cli review`: learning from history. Plain
 * functions over parsed options (the dispatch only maps flags onto them). History comes from a
 * history file (`--input`, JSON Lines of history records, e.g. from the sandbox's history seed)
 * judged under `--model`, or from the store of a portal (`--portal`) under its published model.
 */
import {
  type Backtest,
  backtest,
  type Calibration,
  type CalibrationCell,
  type HistoryContact,
  insights,
  type Insights,
  MONTH_DAYS,
  type Outcome,
  parseHistoryRecord,
  percent,
  type Proportion,
  type QualificationModel,
} from '../core/index.js';
import { DAY_MS } from '../core/intent.js';
import { ActiveModels } from '../jobs/active-model.js';
import {
  backtestFromStore,
  DEFAULT_INSIGHTS_MONTHS,
  insightsFromStore,
  reviewFromStore,
} from '../jobs/insights.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/store.port.js';
import { CliError, type CliIo, loadModel, readRecords } from './io.js';

export type OutputFormat = 'table' | 'csv' | 'json';

export interface HistorySource {
  /** A history file (JSON Lines or a JSON array of history records). */
  input?: string;
  /** The model the file's history is judged under (preset or file); default seed-fit-intent. */
  model?: string;
  /** A portal whose stored history is read (DATABASE_URL), under its published model. */
  portal?: string;
}

/** Options as the CLI parsed and checked them (program.ts): dates are epoch ms. */
export interface InsightsOptions extends HistorySource {
  from?: number;
  to?: number;
  outcome?: Outcome;
  format?: OutputFormat;
}

export interface BacktestOptions extends HistorySource {
  draft: string;
  /** 1–36; default DEFAULT_INSIGHTS_MONTHS. */
  months?: number;
  format?: OutputFormat;
}

function source(command: string, options: HistorySource): 'file' | 'store' {
  if (options.input && options.portal)
    throw new CliError(`${command}: give --input <history file> or --portal <id>, not both`);
  if (!options.input && !options.portal)
    throw new CliError(`${command}: give --input <history file> or --portal <id> (the stored history)`);
  return options.input ? 'file' : 'store';
}

/** Reads a history file; bad records are reported on stderr with the field named, and skipped. */
export async function readHistory(path: string, io: CliIo): Promise<HistoryContact[]> {
  const out: HistoryContact[] = [];
  let bad = 0;
  for await (const record of readRecords(path)) {
    if ('error' in record) {
      bad++;
      io.err(`${path}:${record.line}: ${record.error}`);
      continue;
    }
    const parsed = parseHistoryRecord(record.value);
    if (!parsed.success) {
      bad++;
      io.err(`${path}:${record.line}: ${parsed.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
      continue;
    }
    out.push(parsed.contact);
  }
  if (bad > 0) io.err(`${bad} bad history record${bad > 1 ? 's' : ''} skipped, ${out.length} read`);
  return out;
}

async function withStore<T>(run: (store: Store, models: ActiveModels) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL || undefined });
  try {
    return await run(store, new ActiveModels(store));
  } finally {
    await store.close();
  }
}

/** `insights`: calibration of the model and suggestions of what converts, over a period. */
export async function runInsights(options: InsightsOptions, io: CliIo): Promise<number> {
  const fmt = options.format ?? 'table';
  const from_ = source('insights', options);
  const outcome = options.outcome;
  const now = io.now().getTime();
  const to = options.to ?? now;
  const from = options.from ?? to - DEFAULT_INSIGHTS_MONTHS * MONTH_DAYS * DAY_MS;
  if (from >= to) throw new CliError('insights: --from must be before --to');
  let result: Insights;
  if (from_ === 'file') {
    const model = await loadModel(options.model ?? 'seed-fit-intent');
    const history = await readHistory(options.input!, io);
    result = insights(history, model, { from, to, observedUntil: now, outcome });
  } else
    result = await withStore((store, models) =>
      insightsFromStore({ store, models }, options.portal!, { from, to, now, outcome }),
    );
  printInsights(result, fmt, io);
  return 0;
}

/** `backtest --draft <file>`: the draft against the published model (or --model) over N months. */
export async function runBacktest(options: BacktestOptions, io: CliIo): Promise<number> {
  const fmt = options.format ?? 'table';
  const from_ = source('backtest', options);
  const months = options.months ?? DEFAULT_INSIGHTS_MONTHS;
  const draft = await loadModel(options.draft);
  const now = io.now().getTime();
  let result: Backtest;
  if (from_ === 'file') {
    const published: QualificationModel = await loadModel(options.model ?? 'seed-fit-intent');
    const history = await readHistory(options.input!, io);
    result = backtest(history, published, draft, {
      from: now - months * MONTH_DAYS * DAY_MS,
      to: now,
      observedUntil: now,
    });
  } else
    result = await withStore((store, models) =>
      backtestFromStore({ store, models }, options.portal!, draft, { months, now }),
    );
  printBacktest(result, fmt, io);
  return 0;
}

/** `review --portal <id>`: what changed with the last publish, calibration before and after. */
export async function runReview(
  options: { portal: string; format?: 'table' | 'json' },
  io: CliIo,
): Promise<number> {
  const fmt = options.format ?? 'table';
  const now = io.now().getTime();
  const review = await withStore((store, models) => reviewFromStore({ store, models }, options.portal!, now));
  if (fmt === 'json') io.out(JSON.stringify(review, null, 2));
  else for (const line of review.lines) io.out(line);
  return 0;
}

function csvCell(text: string | number): string {
  const t = String(text);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

const rateText = (p: Proportion) =>
  p.n < 30 || p.rate === null
    ? 'not enough data'
    : `${percent(p.rate)} (${percent(p.low!, false)}–${percent(p.high!)})`;

function cellRows(title: string, cells: readonly CalibrationCell[]): string[][] {
  return cells.map((c) => [
    title,
    c.key,
    String(c.n),
    rateText(c.rates.sql),
    rateText(c.rates.opportunity),
    rateText(c.rates.customer),
  ]);
}

function calibrationRows(c: Calibration): string[][] {
  return [
    ...cellRows('all', [c.overall]),
    ...cellRows('qualification', c.byQualification),
    ...cellRows('route', c.byRoute),
    ...cellRows('fit', c.byFit),
    ...cellRows('intent', c.byIntent),
    ...cellRows('fit × intent', c.grid),
  ];
}

function table(rows: string[][], io: CliIo): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) io.out(`  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}

export function printInsights(result: Insights, fmt: OutputFormat, io: CliIo): void {
  if (fmt === 'json') {
    io.out(JSON.stringify(result, null, 2));
    return;
  }
  const { calibration: c, suggestions: s } = result;
  const header = ['cut', 'band', 'n', '→SQL', '→opportunity', '→customer'];
  if (fmt === 'csv') {
    io.out(['section', ...header].join(','));
    for (const r of calibrationRows(c)) io.out(['calibration', ...r].map(csvCell).join(','));
    for (const x of s.suggestions)
      io.out(
        ['suggestion', x.segment.kind, x.segment.label, x.support, x.lift?.toFixed(2) ?? '', '', x.text]
          .map(csvCell)
          .join(','),
      );
    return;
  }
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  io.out(
    `Calibration of ${c.modelVersion}: ${c.contacts} contacts judged ${day(c.from)} – ${day(c.to - 1)}, outcomes up to ${day(c.observedUntil)} (95% intervals; n < 30: not enough data)`,
  );
  table([header, ...calibrationRows(c)], io);
  if (c.flags.length > 0) {
    io.out('Bands where a higher score does not convert better:');
    for (const f of c.flags) io.out(`  ${f.message}`);
  }
  io.out('');
  io.out(
    `What converts to ${s.outcome} (base rate ${s.base.rate === null ? 'n/a' : percent(s.base.rate)} of ${s.contacts}):`,
  );
  if (s.message) io.out(`  ${s.message}`);
  else if (s.suggestions.length === 0) io.out('  Nothing converts clearly differently from the base rate.');
  s.suggestions.forEach((x, i) => {
    io.out(`  ${i + 1}. ${x.text}`);
    io.out(`     add to draft: ${x.change}`);
  });
  if (s.notEnoughData.length > 0)
    io.out(
      `Not enough data (n < 30): ${s.notEnoughData.map((x) => `${x.segment.label} (${x.support})`).join(', ')}`,
    );
}

export function printBacktest(b: Backtest, fmt: OutputFormat, io: CliIo): void {
  if (fmt === 'json') {
    io.out(JSON.stringify(b, null, 2));
    return;
  }
  if (fmt === 'csv') {
    io.out('month,published,draft');
    for (const m of b.monthly) io.out(`${m.month},${m.published},${m.draft}`);
    io.out('cohort,contacts,sql,opportunity,customer');
    for (const k of ['published', 'draft', 'both', 'added', 'removed'] as const) {
      const c = b[k];
      io.out([k, c.contacts, c.converted.sql, c.converted.opportunity, c.converted.customer].join(','));
    }
    return;
  }
  io.out(
    `Backtest of ${b.draftVersion} against ${b.publishedVersion}: ${b.contacts} contacts over ${b.months.toFixed(1)} months`,
  );
  io.out(b.summary);
  table(
    [
      ['month', b.publishedVersion, b.draftVersion],
      ...b.monthly.map((m) => [m.month, String(m.published), String(m.draft)]),
    ],
    io,
  );
  table(
    [
      ['cohort', 'MQLs', '→SQL', '→opportunity', '→customer'],
      ...(['published', 'draft', 'both', 'added', 'removed'] as const).map((k) => [
        k,
        String(b[k].contacts),
        rateText(b[k].rates.sql),
        rateText(b[k].rates.opportunity),
        rateText(b[k].rates.customer),
      ]),
    ],
    io,
  );
}
