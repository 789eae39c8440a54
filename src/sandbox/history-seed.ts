/**
 * A seeded portal with two years of plausible history, so insights, backtests and the settings
 * page show real figures: the sandbox's regular contacts (seed.ts), each created at some moment of
 * the two years, with its touches over time and the lifecycle stages it went through, dated in
 * HubSpot's `hs_v2_date_entered_<stage>` properties.
 *
 * Who converts follows a hidden pattern in the seeds' own words ("of the 500 leads last year 40
 * became customers: 90% had 100–1000 employees, 85% were in food, pharma, automotive or
 * electronics, 75% were production manager or higher, 60% had at least two touchpoints"), so the
 * suggestions have something true to find. Deterministic for a seed.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type HistorySubject, historyRecords } from './history-records.js';
import { createRandom, type Random } from './random.js';
import { generateSeedData, type SeedData, type SeedSignal, type SignalType } from './seed.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

export interface HistorySeedOptions {
  contacts: number;
  seed?: number;
  /** The end of the history (epoch ms); it starts `days` before. */
  now: number;
  /** Length of the history in days; default 730 (two years). */
  days?: number;
}

/**
 * One contact's history, in the shape of the core's `HistoryContact` (and of a line of
 * `cli insights --input`). Declared here: the sandbox borrows nothing from the app.
 */
export interface HistoryContact {
  id: string;
  createdAt: number;
  properties: Record<string, string>;
  company: Record<string, string> | null;
  signals: { type: string; occurredAt: number; sourceId: string }[];
  stageEntered: Record<string, number>;
}

export interface HistorySeed {
  /** For `createSandbox({ data })`: contacts carry `createdate`, their stage and stage dates. */
  data: SeedData;
  /** The same contacts as history, for the core's analyses (`cli insights --input`). */
  history: HistoryContact[];
}

/** The industries the seeds' industrial case converts in. */
export const CONVERTING_INDUSTRIES = new Set([
  'FOOD_PRODUCTION',
  'FOOD_BEVERAGES',
  'PHARMACEUTICALS',
  'AUTOMOTIVE',
  'CONSUMER_ELECTRONICS',
  'ELECTRICAL_ELECTRONIC_MANUFACTURING',
]);

const SENIOR = /\b(manager|director|head|vp|vice president|chief|ceo|coo|owner|founder)\b/i;
const NEGATIVE: ReadonlySet<string> = new Set(['sales_no_interest', 'demo_no_show', 'unsubscribed']);

const TOUCHES: readonly (readonly [SignalType, number])[] = [
  ['email_engaged', 30],
  ['whitepaper_downloaded', 14],
  ['webinar_attended', 10],
  ['pricing_page_viewed', 14],
  ['comparison_viewed', 8],
  ['demo_requested', 7],
  ['trial_started', 4],
  ['unsubscribed', 3],
];

function touchesOf(random: Random, createdAt: number, end: number): SeedSignal[] {
  const count = random.weighted([
    [0, 20],
    [1, 30],
    [2, 22],
    [3, 14],
    [4, 8],
    [6, 6],
  ] as const);
  const out: SeedSignal[] = [];
  let at = createdAt + random.int(0, 2) * DAY;
  for (let i = 0; i < count && at < end; i++) {
    out.push({ type: random.weighted(TOUCHES), occurredAt: new Date(at).toISOString() });
    // Most next touches come within a month, some much later.
    at += (random.chance(0.6) ? random.int(1, 28) : random.int(31, 200)) * DAY + random.int(0, 86_399) * 1000;
  }
  return out;
}

/** The hidden chance that a lead becomes a customer, from what it is and does. */
function propensity(
  company: Record<string, string> | undefined,
  jobtitle: string,
  signals: SeedSignal[],
): number {
  let p = 0.012;
  const employees = Number(company?.numberofemployees ?? 0);
  if (company && CONVERTING_INDUSTRIES.has(company.industry ?? '')) p *= 3;
  if (employees >= 100 && employees <= 1000) p *= 2.5;
  else if (employees < 10) p *= 0.2;
  if (SENIOR.test(jobtitle)) p *= 2;
  const times = signals.filter((s) => !NEGATIVE.has(s.type)).map((s) => Date.parse(s.occurredAt));
  if (times.some((t, i) => i > 0 && t - times[i - 1]! <= 30 * DAY)) p *= 2.2;
  if (signals.some((s) => s.type === 'demo_requested' || s.type === 'trial_started')) p *= 1.8;
  if (signals.some((s) => s.type === 'unsubscribed')) p *= 0.3;
  return Math.min(0.8, p);
}

/** Two years (by default) of history over the sandbox's regular seed contacts. */
export function generateHistorySeed(options: HistorySeedOptions): HistorySeed {
  const seed = options.seed ?? 42;
  const days = options.days ?? 730;
  const end = options.now;
  const start = end - days * DAY;
  const base = generateSeedData({ contacts: options.contacts, seed, now: end });
  const random = createRandom(seed ^ 0x5eed);
  const companies = new Map(base.companies.map((c) => [c.id, c]));
  const primary = new Map<string, string>();
  for (const link of base.associations) if (link.primary) primary.set(link.contactId, link.companyId);

  const subjects: HistorySubject[] = base.contacts.map((contact) => {
    const createdAt = start + random.int(0, days - 7) * DAY + random.int(0, 86_399) * 1000;
    const companyId = primary.get(contact.id);
    const company = companyId === undefined ? undefined : companies.get(companyId)?.properties;
    const own = touchesOf(random, createdAt, end);

    // The stages it went through, each some days after the one before.
    const stages: Record<string, number> = { lead: createdAt };
    const p = propensity(company, contact.properties.jobtitle ?? '', own);
    const firstIntent = own.find((s) => !NEGATIVE.has(s.type) && s.type !== 'email_engaged');
    let at = firstIntent ? Date.parse(firstIntent.occurredAt) : createdAt;
    const step = (stage: string, chance: number, minDays: number, maxDays: number): boolean => {
      const next = at + random.int(minDays, maxDays) * DAY;
      if (next >= end || !random.chance(chance)) return false;
      stages[stage] = at = next;
      return true;
    };
    if (
      firstIntent &&
      step('marketingqualifiedlead', Math.min(0.9, 0.25 + p * 4), 0, 3) &&
      step('salesqualifiedlead', Math.min(0.95, 0.2 + p * 5), 1, 10) &&
      step('opportunity', Math.min(0.95, 0.3 + p * 4), 5, 40)
    )
      step('customer', Math.min(0.95, p * 8), 20, 120);
    return {
      contact: { ...contact, createdAt, properties: { ...contact.properties, createdate: iso(createdAt) } },
      signals: own,
      stages,
      company:
        companyId === undefined || !company
          ? null
          : { id: companyId, name: company.name ?? '', employees: Number(company.numberofemployees ?? 0) },
    };
  });

  const records = historyRecords(subjects, seed, end);
  const signals = new Map<string, SeedSignal[]>();
  const history: HistoryContact[] = [];
  const contacts = subjects.map(({ contact, signals: own, stages }) => {
    const touches = [...own, ...(records.noShows.get(contact.id) ?? [])].sort(
      (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt),
    );
    signals.set(contact.id, touches);
    const properties = records.properties.get(contact.id) ?? contact.properties;
    const companyId = primary.get(contact.id);
    history.push({
      id: contact.id,
      createdAt: contact.createdAt,
      properties,
      company: (companyId === undefined ? undefined : companies.get(companyId)?.properties) ?? null,
      signals: touches.map((s, i) => ({
        type: s.type,
        occurredAt: Date.parse(s.occurredAt),
        sourceId: `h${contact.id}-${i}`,
      })),
      stageEntered: stages,
    });
    return { ...contact, properties };
  });
  return {
    data: {
      ...base,
      contacts,
      signals,
      deals: records.deals,
      dealLinks: records.dealLinks,
      meetings: records.meetings,
      history: records.history,
    },
    history,
  };
}

/** Writes history records as JSON Lines (the input of `cli insights --input`); resolves with the count. */
export async function writeHistoryFile(history: readonly HistoryContact[], path: string): Promise<number> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  for (const c of history) if (!stream.write(`${JSON.stringify(c)}\n`)) await once(stream, 'drain');
  stream.end();
  await once(stream, 'finish');
  return history.length;
}
