/**
 * A contact's history, as the analyses of the past read it (calibration, backtest, suggestions),
 * and the two rules that keep them honest:
 *
 * - **Point in time.** A contact is judged *as of* a moment: only signals dated at or before it,
 *   property values as known then where their history exists (HubSpot's property history, the
 *   lifecycle stage from its stage-entry dates). Properties that record what happened later (the
 *   lifecycle stage, the lead status, stage dates, the app's own `lq_*` values) are never read as
 *   they are now: without a history they are unknown.
 * - **Outcomes come after.** What became of a contact (SQL, opportunity, customer) is read from
 *   stage-entry dates, sales decisions and deals dated at or after the moment it was judged.
 *
 * The shape is built to be fed from several places: the app's store (snapshots, signals, lifecycle
 * transitions, sales decisions), HubSpot (`hs_v2_date_entered_<stage>`, property history, deals),
 * a history file. Deals and derived signals may be empty today.
 */
import type { ContactInput } from '../evaluation.js';
import { LIFECYCLE_STAGES, stageRank } from '../lifecycle.js';
import type { QualificationModel } from '../model.js';
import { DAY_MS } from '../intent.js';
import { ownValue } from '../own.js';

export type PropertyValue = string | number | boolean | null;

/** One value a property held, from `at` (epoch ms) on. */
export interface DatedValue {
  value: PropertyValue;
  at: number;
}

/** A deal of the contact (may be empty until deals are read). */
export interface DealFact {
  createdAt: number;
  /** true: closed won; false: closed lost; null: open. */
  closedWon: boolean | null;
  closedAt?: number | null;
  amount?: number | null;
}

/** A sales decision on the contact. */
export interface DecisionFact {
  decision: 'accept' | 'return';
  at: number;
  reason?: string | null;
}

/** A signal with its date as epoch milliseconds. */
export interface DatedSignal {
  type: string;
  occurredAt: number;
  sourceId?: string | null;
}

export interface HistoryContact {
  id: string;
  /** When the contact was created (epoch ms). */
  createdAt: number;
  /** Property values as known now (HubSpot internal names, without the `contact.` prefix). */
  properties: Readonly<Record<string, PropertyValue>>;
  /** The associated company's properties as known now. */
  company?: Readonly<Record<string, PropertyValue>> | null;
  /** Property histories where known, oldest first or in any order. */
  history?: {
    contact?: Readonly<Record<string, readonly DatedValue[]>>;
    company?: Readonly<Record<string, readonly DatedValue[]>>;
  };
  signals: readonly DatedSignal[];
  /** When the contact entered each lifecycle stage (`hs_v2_date_entered_<stage>`), epoch ms. */
  stageEntered: Readonly<Partial<Record<string, number>>>;
  decisions?: readonly DecisionFact[];
  deals?: readonly DealFact[];
}

/** HubSpot's calculated "Date entered <stage>" contact property of a lifecycle stage. */
export const stageEnteredProperty = (stage: string): string => `hs_v2_date_entered_${stage}`;

/**
 * The contact properties a history is read from besides the model's: when the contact was created
 * and when it entered each lifecycle stage (HubSpot fills these retroactively).
 */
export const HISTORY_CONTACT_PROPERTIES: readonly string[] = [
  'createdate',
  ...LIFECYCLE_STAGES.map(stageEnteredProperty),
];

export type Outcome = 'sql' | 'opportunity' | 'customer';
export const OUTCOMES: readonly Outcome[] = ['sql', 'opportunity', 'customer'];
export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  sql: 'SQL',
  opportunity: 'opportunity',
  customer: 'customer',
};

export type Outcomes = Record<Outcome, boolean>;

const SQL = stageRank('salesqualifiedlead');
const OPPORTUNITY = stageRank('opportunity');
const CUSTOMER = stageRank('customer');

/**
 * What became of the contact from `from` up to `until` (both inclusive): the furthest stage it
 * entered in that span, an acceptance by sales (SQL), a deal created (opportunity), a deal won
 * (customer).
 */
export function outcomesAfter(contact: HistoryContact, from: number, until: number): Outcomes {
  let highest = -1;
  for (const [stage, at] of Object.entries(contact.stageEntered))
    if (at !== undefined && at >= from && at <= until) highest = Math.max(highest, stageRank(stage));
  let sql = highest >= SQL;
  let opportunity = highest >= OPPORTUNITY;
  let customer = highest >= CUSTOMER;
  for (const d of contact.decisions ?? [])
    if (d.decision === 'accept' && d.at >= from && d.at <= until) sql = true;
  for (const deal of contact.deals ?? []) {
    if (deal.createdAt >= from && deal.createdAt <= until) opportunity = sql = true;
    const wonAt = deal.closedAt ?? deal.createdAt;
    if (deal.closedWon === true && wonAt >= from && wonAt <= until) customer = opportunity = sql = true;
  }
  return { sql, opportunity: opportunity || customer, customer };
}

/**
 * The first moment at or after `from` when sales took the contact (it entered SQL or a later
 * stage, sales accepted it, a deal was created), or Infinity. Marketing judges a contact before
 * that moment, not after: the analyses stop looking there. A contact that was already a customer
 * before `from` keeps being judged (the installed base).
 */
export function salesTakeover(contact: HistoryContact, from: number): number {
  let first = Number.POSITIVE_INFINITY;
  for (const [stage, at] of Object.entries(contact.stageEntered))
    if (at !== undefined && at >= from && stageRank(stage) >= SQL) first = Math.min(first, at);
  for (const d of contact.decisions ?? [])
    if (d.decision === 'accept' && d.at >= from) first = Math.min(first, d.at);
  for (const deal of contact.deals ?? []) if (deal.createdAt >= from) first = Math.min(first, deal.createdAt);
  return first;
}

/**
 * Properties that record what happened to the contact rather than what it is: read as they are now,
 * they would leak the outcome into the judgement. Without a history they are unknown.
 */
export function isOutcomeProperty(name: string): boolean {
  return (
    name === 'lifecyclestage' ||
    name === 'hs_lead_status' ||
    name.startsWith('hs_v2_date_') ||
    name.startsWith('hs_date_entered_') ||
    name.startsWith('hs_date_exited_') ||
    name.startsWith('hs_lifecyclestage_') ||
    name.startsWith('lq_') ||
    name === 'num_associated_deals' ||
    name === 'recent_deal_close_date' ||
    name === 'total_revenue'
  );
}

/** The value a history says a property held at `at`: the latest entry dated at or before it. */
export function valueAsOf(entries: readonly DatedValue[], at: number): PropertyValue {
  let best: DatedValue | null = null;
  for (const e of entries) if (e.at <= at && (best === null || e.at >= best.at)) best = e;
  return best === null ? null : best.value;
}

/**
 * What does not change with the moment, worked out once per contact: the properties without a
 * history (outcome properties unknown), the signals in time order.
 */
interface Prepared {
  contactBase: Record<string, PropertyValue>;
  companyBase: Record<string, PropertyValue> | null;
  contactHistory: [string, readonly DatedValue[]][];
  companyHistory: [string, readonly DatedValue[]][];
  /** The lifecycle stage comes from the stage dates (no history of it). */
  stageFromDates: boolean;
  signals: DatedSignal[];
}

const prepared = new WeakMap<HistoryContact, Prepared>();

function baseOf(
  now: Readonly<Record<string, PropertyValue>>,
  history: Readonly<Record<string, readonly DatedValue[]>> | undefined,
): Record<string, PropertyValue> {
  // Object.fromEntries and spreads define own properties: a key such as `__proto__` stays a key.
  return Object.fromEntries(
    Object.entries(now)
      .filter(([name]) => !ownValue(history, name))
      .map(([name, value]) => [name, isOutcomeProperty(name) ? null : value]),
  );
}

function prepare(contact: HistoryContact): Prepared {
  let p = prepared.get(contact);
  if (p) return p;
  const h = contact.history;
  p = {
    contactBase: baseOf(contact.properties, h?.contact),
    companyBase: contact.company || h?.company ? baseOf(contact.company ?? {}, h?.company) : null,
    contactHistory: Object.entries(h?.contact ?? {}),
    companyHistory: Object.entries(h?.company ?? {}),
    stageFromDates: !ownValue(h?.contact, 'lifecyclestage') && Object.keys(contact.stageEntered).length > 0,
    signals: [...contact.signals].sort((a, b) => a.occurredAt - b.occurredAt),
  };
  prepared.set(contact, p);
  return p;
}

/** The base with the histories' values at `at` laid over it (the base itself when there are none). */
function withHistory(
  base: Record<string, PropertyValue>,
  history: readonly [string, readonly DatedValue[]][],
  at: number,
): Record<string, PropertyValue> {
  if (history.length === 0) return base;
  return { ...base, ...Object.fromEntries(history.map(([name, entries]) => [name, valueAsOf(entries, at)])) };
}

/** The furthest lifecycle stage entered at or before `at`, or null. */
export function stageAsOf(contact: HistoryContact, at: number): string | null {
  let best: string | null = null;
  for (const [stage, entered] of Object.entries(contact.stageEntered))
    if (entered !== undefined && entered <= at && stageRank(stage) > stageRank(best)) best = stage;
  return best;
}

/**
 * The contact as it was known at `at`: what `evaluate` is given when the contact is judged then.
 * Never holds a signal or a property value dated after `at`. The parts that do not depend on the
 * moment are worked out once per contact and shared between views (treat views as read-only).
 */
export function contactAsOf(contact: HistoryContact, at: number): ContactInput {
  const p = prepare(contact);
  const own = withHistory(p.contactBase, p.contactHistory, at);
  const properties = p.stageFromDates ? { ...own, lifecyclestage: stageAsOf(contact, at) } : own;
  const company = p.companyBase ? withHistory(p.companyBase, p.companyHistory, at) : null;
  let n = 0;
  while (n < p.signals.length && p.signals[n]!.occurredAt <= at) n++;
  return {
    id: contact.id,
    properties,
    company,
    signals: n === p.signals.length ? p.signals : p.signals.slice(0, n),
  };
}

/**
 * The moments in [from, to) at which the system would have judged the contact: its creation, each
 * signal, each recorded property change, and (per model) each moment a negative signal stops
 * counting, which can lift intent with no event at all; all before sales took the contact
 * ({@link salesTakeover}). Sorted, without repeats.
 */
export function judgementMoments(
  contact: HistoryContact,
  model: QualificationModel,
  from: number,
  to: number,
  negativeExpiryDays: ReadonlyMap<string, number> = negativeSignalExpiry(model),
): number[] {
  const moments: number[] = [];
  const end = Math.min(to, salesTakeover(contact, from));
  const add = (at: number) => {
    if (at >= from && at < end) moments.push(at);
  };
  add(contact.createdAt);
  for (const s of contact.signals) {
    add(s.occurredAt);
    const expiry = negativeExpiryDays.get(s.type);
    if (expiry !== undefined) add(s.occurredAt + expiry * DAY_MS);
  }
  for (const entries of Object.values(contact.history?.contact ?? {})) for (const e of entries) add(e.at);
  for (const entries of Object.values(contact.history?.company ?? {})) for (const e of entries) add(e.at);
  for (const at of Object.values(contact.stageEntered)) if (at !== undefined) add(at);
  moments.sort((a, b) => a - b);
  return moments.filter((m, i) => i === 0 || m !== moments[i - 1]);
}

/** Negative-point signal types of a model and the days after which they stop counting. */
export function negativeSignalExpiry(model: QualificationModel): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of model.intent.signals) if (s.points < 0) out.set(s.type, s.ageing.expiresAfterDays);
  return out;
}
