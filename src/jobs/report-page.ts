/**
 * Everything the HTML report draws, read from the store only (no HubSpot call): the funnel of a
 * period, and where the portal's contacts sit now on the fit × intent plane under the bars of
 * the published model.
 */
import type { Economics, FunnelReport } from '../core/funnel.js';
import { parseModel } from '../core/model.js';
import { DEFAULT_PRESET, loadPreset } from '../core/presets/index.js';
import { type ScoreDistribution, type ScoredPoint, scoreDistribution } from '../core/score-distribution.js';
import type { ContactStore, DecisionStore, ModelStore, PortalId, SlaStore } from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import { funnelFromStore } from './funnel.js';
import { insightsFromStore } from './insights.js';

/** One row of a calibration table, when the caller has one (fit × intent band → conversion). */
export interface CalibrationRow {
  band: string;
  n: number;
  /** Observed conversion, 0–1; null when n is 0. */
  rate: number | null;
  /** 95% interval of the rate, 0–1. */
  low: number | null;
  high: number | null;
}

export interface ReportPage {
  portalId: PortalId;
  from: number;
  to: number;
  generatedAt: number;
  /** The label of the model whose bars are drawn (the published one, or the default preset's). */
  modelVersion: string;
  funnel: FunnelReport & { reasonLabels: Record<string, string> };
  distribution: ScoreDistribution;
  /** Observed conversion per band, drawn when present. */
  calibration?: { title: string; rows: CalibrationRow[] };
}

/** Contacts read per page when walking a portal's latest scores. */
const PAGE = 500;

/** The latest scores of every contact of a portal, a page at a time (memory stays flat). */
async function* latestScores(contacts: ContactStore, portalId: PortalId): AsyncGenerator<ScoredPoint> {
  let cursor: string | null = null;
  do {
    const page = await contacts.snapshotPage(portalId, cursor, PAGE);
    const evaluations = await contacts.latestEvaluations(
      portalId,
      page.items.map((s) => s.contactId),
    );
    yield* evaluations.values();
    cursor = page.next;
  } while (cursor !== null);
}

/**
 * The calibration drawn on the page: observed MQL→SQL per fit band (the bands with contacts), from
 * the insights over the same period. Absent when the period has too little history to judge.
 */
export async function calibrationForPage(
  deps: { store: Parameters<typeof insightsFromStore>[0]['store']; models: Pick<ActiveModels, 'get'> },
  portalId: PortalId,
  from: number,
  to: number,
  now: number,
): Promise<ReportPage['calibration']> {
  const { calibration } = await insightsFromStore(deps, portalId, { from, to, now, outcome: 'sql' });
  const rows = calibration.byFit
    .filter((cell) => cell.n > 0)
    .map((cell) => ({
      band: cell.key,
      n: cell.n,
      rate: cell.rates.sql.rate,
      low: cell.rates.sql.low,
      high: cell.rates.sql.high,
    }));
  return rows.length > 0 ? { title: 'Calibration: contacts that became SQL, by fit band', rows } : undefined;
}

/** Loads the report page of `[from, to)` for a portal. */
export async function loadReportPage(
  store: { contacts: ContactStore; decisions: DecisionStore; sla: SlaStore; models: ModelStore },
  portalId: PortalId,
  from: number,
  to: number,
  economics: Economics = {},
  now = Date.now(),
): Promise<ReportPage> {
  const [funnel, published] = await Promise.all([
    funnelFromStore(store, portalId, from, to, economics, now),
    store.models.published(portalId),
  ]);
  const parsed = published ? parseModel(published.model) : null;
  const model = parsed?.success ? parsed.model : loadPreset(DEFAULT_PRESET);
  const points: ScoredPoint[] = [];
  for await (const p of latestScores(store.contacts, portalId)) points.push(p);
  return {
    portalId,
    from,
    to,
    generatedAt: now,
    modelVersion: model.version,
    funnel,
    distribution: scoreDistribution(points, model.thresholds.mql),
  };
}
