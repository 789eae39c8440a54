/**
 * A history contact's past as HubSpot holds it, for the history seed (history-seed.ts):
 *
 * - its touches HubSpot records itself: each form conversion counted in `num_conversion_events`
 *   with the form in `recent_conversion_event_name` (`first_conversion_event_name` on the first),
 *   an opt-out in `hs_email_optout`, each value dated in the property's history;
 * - its lifecycle stages in `lifecyclestage`'s history, at the `hs_v2_date_entered_<stage>` dates;
 * - a demo meeting after each demo request, created SCHEDULED and later COMPLETED or NO_SHOW (a
 *   no-show is also a `demo_no_show` signal of the contact);
 * - a deal from the day it became an opportunity: won on the day it became a customer, else lost
 *   after a while or still open; its amount grows with the company.
 *
 * Drawn from its own random stream, so the contacts, their touches and stages stay as they were.
 */
import type { CrmSeed } from './crm-store.js';
import { stageEnteredProperty } from './property-catalog.js';
import { createRandom, type Random } from './random.js';
import type { SeedObject, SeedSignal } from './seed.js';
import { type SeedDealLink, OPEN_STAGES, seedDeal } from './seed-deals.js';
import { CONVERSIONS } from './seed-vocabulary.js';

const DAY = 86_400_000;
/** Of the demos held, those the contact did not show up for. */
const NO_SHOW_SHARE = 0.2;

type History = NonNullable<CrmSeed['history']>[number][];
type Version = History[number]['versions'][number];

/** One contact of the history seed: what it is, what it did, the stages it went through. */
export interface HistorySubject {
  contact: SeedObject;
  /** Its touches, oldest first, within the history. */
  signals: SeedSignal[];
  /** When it entered each lifecycle stage (epoch ms). */
  stages: Record<string, number>;
  company: { id: string; name: string; employees: number } | null;
}

/** What HubSpot holds of the subjects' past besides the contacts themselves. */
export interface HistoryRecords {
  /** Per contact: its properties as HubSpot has them now (conversions, opt-out, stage dates). */
  properties: Map<string, Record<string, string>>;
  /** Per contact: the no-shows of its demo meetings (signals to add to its touches). */
  noShows: Map<string, SeedSignal[]>;
  meetings: (SeedObject & { contactId: string })[];
  deals: SeedObject[];
  dealLinks: SeedDealLink[];
  history: History;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The subjects' records as HubSpot holds them at `end`; deterministic for `seed`. */
export function historyRecords(
  subjects: readonly HistorySubject[],
  seed: number,
  end: number,
): HistoryRecords {
  const random = createRandom((seed ^ 0xac71) >>> 0);
  const out: HistoryRecords = {
    properties: new Map(),
    noShows: new Map(),
    meetings: [],
    deals: [],
    dealLinks: [],
    history: [],
  };
  for (const subject of subjects) {
    out.properties.set(subject.contact.id, contactRecords(subject, out.history));
    const noShows = meetingsOf(subject, random, end, out);
    if (noShows.length > 0) out.noShows.set(subject.contact.id, noShows);
    dealOf(subject, random, end, out);
  }
  return out;
}

/** The contact's properties now, and their histories appended to `history`. */
function contactRecords(subject: HistorySubject, history: History): Record<string, string> {
  const { contact, signals, stages } = subject;
  const id = contact.id;
  const properties: Record<string, string> = { ...contact.properties };
  const versions = new Map<string, Version[]>();
  const add = (name: string, value: string, at: number, sourceType: string): void => {
    properties[name] = value;
    versions.set(name, [...(versions.get(name) ?? []), { value, timestamp: at, sourceType }]);
  };
  // What the regular seed drew for its own 120 days of signals gives way to this history's.
  for (const name of [
    'recent_conversion_event_name',
    'recent_conversion_date',
    'first_conversion_event_name',
    'hs_email_optout',
    'hs_analytics_last_visit_timestamp',
  ])
    delete properties[name];
  properties.num_conversion_events = '0';

  let conversions = 0;
  let last = contact.createdAt;
  for (const signal of signals) {
    const at = Date.parse(signal.occurredAt);
    last = Math.max(last, at);
    const form = CONVERSIONS[signal.type];
    if (form !== undefined) {
      conversions++;
      if (conversions === 1) add('first_conversion_event_name', form, at, 'FORM');
      add('num_conversion_events', String(conversions), at, 'FORM');
      add('recent_conversion_event_name', form, at, 'FORM');
      add('recent_conversion_date', iso(at), at, 'FORM');
    }
    if (signal.type === 'unsubscribed' && properties.hs_email_optout !== 'true')
      add('hs_email_optout', 'true', at, 'EMAIL');
  }
  if (signals.length > 0) properties.hs_analytics_last_visit_timestamp = signals.at(-1)!.occurredAt;
  const entered = Object.entries(stages).sort((a, b) => a[1] - b[1]);
  for (const [stage, at] of entered) {
    add('lifecyclestage', stage, at, 'CRM_UI');
    properties[stageEnteredProperty(stage)] = iso(at);
    last = Math.max(last, at);
  }
  properties.lastmodifieddate = iso(last);
  for (const [name, list] of versions) history.push({ type: 'contacts', id, name, versions: list });
  return properties;
}

/** A demo meeting after each demo request; returns the no-shows among those already held. */
function meetingsOf(subject: HistorySubject, random: Random, end: number, out: HistoryRecords): SeedSignal[] {
  const noShows: SeedSignal[] = [];
  for (const signal of subject.signals) {
    if (signal.type !== 'demo_requested') continue;
    const bookedAt = Date.parse(signal.occurredAt);
    const startAt = bookedAt + random.int(2, 10) * DAY + random.int(8, 16) * 3_600_000;
    const held = startAt < end;
    const outcome = !held ? 'SCHEDULED' : random.chance(NO_SHOW_SHARE) ? 'NO_SHOW' : 'COMPLETED';
    const id = String(7_000_001 + out.meetings.length);
    out.meetings.push({
      id,
      contactId: subject.contact.id,
      createdAt: bookedAt,
      properties: {
        hs_timestamp: iso(startAt),
        hs_meeting_start_time: iso(startAt),
        hs_meeting_end_time: iso(startAt + 45 * 60_000),
        hs_meeting_title: 'Demo',
        hs_meeting_outcome: outcome,
        hs_createdate: iso(bookedAt),
        hs_lastmodifieddate: iso(held ? startAt : bookedAt),
      },
    });
    const versions: Version[] = [{ value: 'SCHEDULED', timestamp: bookedAt, sourceType: 'CRM_UI' }];
    if (held) versions.push({ value: outcome, timestamp: startAt, sourceType: 'CRM_UI' });
    out.history.push({ type: 'meetings', id, name: 'hs_meeting_outcome', versions });
    if (outcome === 'NO_SHOW') noShows.push({ type: 'demo_no_show', occurredAt: iso(startAt) });
  }
  return noShows;
}

/** The deal of a contact that became an opportunity: won, lost or open. */
function dealOf(subject: HistorySubject, random: Random, end: number, out: HistoryRecords): void {
  const createdAt = subject.stages.opportunity;
  if (createdAt === undefined) return;
  const wonAt = subject.stages.customer;
  const employees = subject.company?.employees ?? 0;
  const amount =
    (employees >= 1000 ? random.int(40, 240) : employees >= 100 ? random.int(16, 120) : random.int(4, 40)) *
    500;
  let dealStage: string;
  let closeAt: number;
  if (wonAt !== undefined) [dealStage, closeAt] = ['closedwon', wonAt];
  else if (random.chance(end - createdAt > 120 * DAY ? 0.9 : 0.25)) {
    dealStage = 'closedlost';
    closeAt = Math.min(end - DAY, createdAt + random.int(14, 110) * DAY);
  } else [dealStage, closeAt] = [random.pick(OPEN_STAGES), end + random.int(10, 90) * DAY];
  const id = String(20_000_001 + out.deals.length);
  const companyId = subject.company?.id ?? null;
  out.deals.push(
    seedDeal({
      id,
      contact: subject.contact,
      companyId,
      companyName: subject.company?.name ?? null,
      dealStage,
      createdAt,
      closeAt,
      amount,
      dealType: 'newbusiness',
    }),
  );
  out.dealLinks.push({ dealId: id, contactId: subject.contact.id, companyId });
}
