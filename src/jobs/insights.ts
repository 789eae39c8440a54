/**
 * Insights, backtest and review from the app's store: the history of a portal's contacts is built
 * from what the store keeps (last snapshots, dated signals, lifecycle transitions, sales
 * decisions) and handed to the core's pure analyses. No HubSpot call.
 *
 * What the store cannot give yet: property histories (snapshots hold the last values read, so fit
 * is judged on today's company data). Deals are HubSpot's, kept by deal-sync.ts and
 * `cli import-history`. Stage-entry dates come from the lifecycle transitions the app recorded,
 * and from `hs_v2_date_entered_<stage>` where a snapshot holds them (every scoring read and the
 * history import ask for them).
 */
import {
  type Backtest,
  BacktestAccumulator,
  type Calibration,
  calibrationOf,
  checkCadence,
  type DealFact,
  type HistoryContact,
  type Insights,
  insights,
  judgePeriod,
  LIFECYCLE_STAGES,
  diffModels,
  type Outcome,
  type QualificationModel,
  reviewLines,
  stageEnteredProperty,
  withOutcomes,
} from '../core/index.js';
import { DAY_MS } from '../core/intent.js';
import { ownValue } from '../core/own.js';
import { AppError } from '../errors.js';
import type { PortalId, Store } from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import { withStoredVersion } from './active-model.js';
import { lastPublishedAt, requireValidModel } from './model-settings.js';
import { signalHorizonDays } from './scoring/score-contacts.job.js';

const PAGE = 1000;
/** The period insights cover when none is given: the last 12 months. */
export const DEFAULT_INSIGHTS_MONTHS = 12;

export interface InsightsDeps {
  store: Pick<Store, 'contacts' | 'decisions' | 'models'> & {
    deals?: Pick<Store['deals'], 'dealsOfContacts'>;
  };
  models: Pick<ActiveModels, 'get'>;
}

function toMs(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n =
    typeof value === 'number'
      ? value
      : /^\d+$/.test(String(value))
        ? Number(value)
        : Date.parse(String(value));
  return Number.isFinite(n) ? n : null;
}

/**
 * The portal's contacts as history: every stored contact with its signals since `signalsSince`,
 * its stage-entry dates, its sales decisions and the deals kept from HubSpot (without the deals
 * aggregate, none: opportunities and customers then come from stages alone).
 */
export async function historyFromStore(
  store: InsightsDeps['store'],
  portalId: PortalId,
  signalsSince: number,
  until: number,
): Promise<HistoryContact[]> {
  const transitions = await store.contacts.transitions(portalId, 0, until + 1);
  const stages = new Map<string, Map<string, number>>();
  const firstSeen = new Map<string, number>();
  for (const t of transitions) {
    firstSeen.set(t.contactId, Math.min(firstSeen.get(t.contactId) ?? t.at, t.at));
    if (t.kind !== 'lifecycle' || t.to === null) continue;
    let entered = stages.get(t.contactId);
    if (!entered) stages.set(t.contactId, (entered = new Map()));
    if (!entered.has(t.to)) entered.set(t.to, t.at);
  }
  const decisions = new Map<string, { decision: 'accept' | 'return'; at: number; reason: string | null }[]>();
  for (const d of await store.decisions.applied(portalId, 0, until + 1)) {
    const list = decisions.get(d.contactId) ?? [];
    list.push({ decision: d.decision, at: d.decidedAt, reason: d.reason });
    decisions.set(d.contactId, list);
  }

  const out: HistoryContact[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.contacts.snapshotPage(portalId, cursor, PAGE);
    const ids = page.items.map((s) => s.contactId);
    const [signals, pageDeals] = await Promise.all([
      store.contacts.signalsFor(portalId, ids, signalsSince),
      store.deals && ids.length > 0 ? store.deals.dealsOfContacts(portalId, ids) : Promise.resolve([]),
    ]);
    const deals = new Map<string, DealFact[]>();
    for (const d of pageDeals)
      for (const contactId of d.contactIds) {
        const list = deals.get(contactId) ?? [];
        list.push({
          createdAt: d.createdAt,
          closedWon: d.outcome === null ? null : d.outcome === 'won',
          closedAt: d.closedAt,
          amount: d.amount,
        });
        deals.set(contactId, list);
      }
    for (const snap of page.items) {
      const own = signals.get(snap.contactId) ?? [];
      const entered = new Map(stages.get(snap.contactId) ?? []);
      // HubSpot's own stage dates, where the snapshot holds them, win over the app's transitions.
      for (const stage of LIFECYCLE_STAGES) {
        const at = toMs(ownValue(snap.properties, stageEnteredProperty(stage)));
        if (at !== null) entered.set(stage, at);
      }
      const created =
        toMs(snap.properties.createdate) ??
        Math.min(
          firstSeen.get(snap.contactId) ?? snap.readAt,
          own[0]?.occurredAt ?? snap.readAt,
          snap.readAt,
        );
      out.push({
        id: snap.contactId,
        createdAt: created,
        properties: snap.properties,
        company: snap.company,
        signals: own.map((s) => ({ type: s.type, occurredAt: s.occurredAt, sourceId: s.idempotencyKey })),
        stageEntered: Object.fromEntries(entered),
        decisions: decisions.get(snap.contactId) ?? [],
        deals: deals.get(snap.contactId) ?? [],
      });
    }
    cursor = page.next;
  } while (cursor);
  return out;
}

export interface PeriodOptions {
  from: number;
  to: number;
  now: number;
  outcome?: Outcome;
}

/** Calibration of the published model and suggestions, over the stored history of [from, to). */
export async function insightsFromStore(
  deps: InsightsDeps,
  portalId: PortalId,
  options: PeriodOptions,
): Promise<Insights & { tookMs: number }> {
  const started = Date.now();
  const { model } = await deps.models.get(portalId);
  const history = await historyFromStore(
    deps.store,
    portalId,
    options.from - signalHorizonDays(model) * DAY_MS,
    options.now,
  );
  const result = insights(history, model, {
    from: options.from,
    to: options.to,
    observedUntil: options.now,
    outcome: options.outcome,
  });
  return { ...result, tookMs: Date.now() - started };
}

/** The backtest of a draft (any model JSON) against the published model over the stored history. */
export async function backtestFromStore(
  deps: InsightsDeps,
  portalId: PortalId,
  draftInput: unknown,
  options: { months: number; now: number },
): Promise<Backtest & { tookMs: number }> {
  const started = Date.now();
  const draft = requireValidModel(draftInput);
  const { model: published } = await deps.models.get(portalId);
  const from = options.now - options.months * 30.436875 * DAY_MS;
  const horizon = Math.max(signalHorizonDays(published), signalHorizonDays(draft));
  const history = await historyFromStore(deps.store, portalId, from - horizon * DAY_MS, options.now);
  const acc = new BacktestAccumulator(published, draft, {
    from,
    to: options.now,
    observedUntil: options.now,
  });
  for (const c of history) acc.add(c);
  return { ...acc.finish(), tookMs: Date.now() - started };
}

export interface Review {
  lines: string[];
  changes: string[];
  before: Calibration | null;
  after: Calibration | null;
  cadence: ReturnType<typeof checkCadence>;
}

/**
 * The review of the model in force: what changed with its publish, and calibration of the same
 * length of time before (under the previous version) and after it.
 */
export async function reviewFromStore(deps: InsightsDeps, portalId: PortalId, now: number): Promise<Review> {
  const versions = (await deps.store.models.versions(portalId))
    .filter((v) => v.publishedAt !== null)
    .sort((a, b) => b.publishedAt! - a.publishedAt!);
  const current = versions.find((v) => v.status === 'published') ?? null;
  const { model: inForce } = await deps.models.get(portalId);
  const cadence = checkCadence(await lastPublishedAt(deps, portalId), inForce.cadence.minimumDays, now);
  if (!current)
    return {
      lines: reviewLines({
        current: null,
        previous: null,
        changes: [],
        before: null,
        after: null,
        now,
        minimumDays: inForce.cadence.minimumDays,
      }),
      changes: [],
      before: null,
      after: null,
      cadence,
    };
  const previous =
    versions.find((v) => v.version !== current.version && v.publishedAt! <= current.publishedAt!) ?? null;
  const model = (record: { model: unknown; version: number }): QualificationModel =>
    withStoredVersion(requireValidModel(record.model), record.version);
  const currentModel = model(current);
  const previousModel = previous ? model(previous) : null;
  const publishedAt = current.publishedAt!;
  const span = Math.max(DAY_MS, now - publishedAt);
  const horizon = Math.max(
    signalHorizonDays(currentModel),
    previousModel ? signalHorizonDays(previousModel) : 0,
  );
  const history = await historyFromStore(deps.store, portalId, publishedAt - span - horizon * DAY_MS, now);
  const calibrate = (m: QualificationModel, from: number, to: number) =>
    calibrationOf(withOutcomes(judgePeriod(history, m, { from, to }), now), {
      from,
      to,
      observedUntil: now,
      modelVersion: m.version,
    });
  const after = publishedAt < now ? calibrate(currentModel, publishedAt, now) : null;
  const before = previousModel ? calibrate(previousModel, publishedAt - span, publishedAt) : null;
  const changes = previousModel ? diffModels(previousModel, currentModel).map((c) => c.text) : [];
  return {
    lines: reviewLines({
      current: {
        label: currentModel.version,
        publishedAt,
        publishedBy: current.publishedBy,
        reason: current.publishReason,
      },
      previous:
        previous && previousModel
          ? { label: previousModel.version, publishedAt: previous.publishedAt! }
          : null,
      changes,
      before,
      after,
      now,
      minimumDays: currentModel.cadence.minimumDays,
    }),
    changes,
    before,
    after,
    cadence,
  };
}

/** Refuses a period that is empty or not made of dates. */
export function requirePeriod(from: number, to: number, path = 'query.from'): void {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to)
    throw new AppError('invalid_input', 'The period is empty.', [{ path, message: 'must be before to' }]);
}
