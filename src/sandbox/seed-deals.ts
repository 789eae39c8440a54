/**
 * Deals for seeded contacts, drawn from their own random stream (so adding deals changed none of
 * the seed's contacts and companies): a won deal for each customer, an open deal (or, now and
 * then, a lost one) for each opportunity, and an early-stage deal for some SQLs. Each deal is
 * associated with its contact and, when the contact has one, its primary company, and is owned by
 * the contact's owner. The calculated properties (`hs_is_closed`, `hs_is_closed_won`, …) come from
 * the same rules the API applies.
 */
import { applyDealRules } from './deals.js';
import { DEFAULT_PIPELINE } from './pipelines.js';
import { createRandom } from './random.js';

const DAY = 86_400_000;

/** A seeded deal's links: its contact and, when the contact has one, its primary company. */
export interface SeedDealLink {
  dealId: string;
  contactId: string;
  companyId: string | null;
}

export interface SeedRecord {
  id: string;
  properties: Record<string, string>;
  createdAt: number;
}

/** The default pipeline's open stages after the first (a deal under way). */
export const OPEN_STAGES = [
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
];

/** One seeded deal as HubSpot would hold it; see {@link seedDeal}. */
export interface SeedDealInput {
  id: string;
  contact: SeedRecord;
  companyId: string | null;
  companyName: string | null;
  dealStage: string;
  createdAt: number;
  /** Closed: when it closed; open: when it is expected to. */
  closeAt: number;
  amount: number;
  dealType: string;
}

/**
 * A deal record with the properties HubSpot gives it: name, amount, default pipeline, stage,
 * type, dates, the contact's owner, and the calculated ones from the same rules the API applies.
 */
export function seedDeal(input: SeedDealInput): SeedRecord {
  const { contact, dealStage, createdAt } = input;
  const label = input.companyName || contact.properties.email || contact.id;
  const properties: Record<string, string> = {
    dealname: `${label} – ${dealStage === 'closedwon' ? 'licence' : 'new business'}`,
    amount: String(input.amount),
    pipeline: DEFAULT_PIPELINE,
    dealstage: dealStage,
    dealtype: input.dealType,
    createdate: new Date(createdAt).toISOString(),
    closedate: new Date(Math.max(createdAt, input.closeAt)).toISOString(),
  };
  if (contact.properties.hubspot_owner_id) properties.hubspot_owner_id = contact.properties.hubspot_owner_id;
  const closed = dealStage === 'closedwon' || dealStage === 'closedlost';
  const values: Record<string, string | null> = { ...properties };
  applyDealRules(values, undefined, createdAt);
  for (const [name, value] of Object.entries(values)) if (value !== null) properties[name] = value;
  properties.hs_lastmodifieddate = new Date(
    closed ? Math.max(createdAt, input.closeAt) : createdAt,
  ).toISOString();
  return { id: input.id, properties, createdAt };
}

/** Deals for the seed's contacts; see the module. */
export function generateSeedDeals(input: {
  seed: number;
  now: number;
  contacts: readonly SeedRecord[];
  companies: readonly SeedRecord[];
  associations: readonly { contactId: string; companyId: string; primary: boolean }[];
}): { deals: SeedRecord[]; links: SeedDealLink[] } {
  const random = createRandom(input.seed * 7919 + 17);
  const companyOf = new Map(
    input.associations.filter((a) => a.primary).map((a) => [a.contactId, a.companyId]),
  );
  const companyName = new Map(input.companies.map((c) => [c.id, c.properties.name ?? '']));
  const deals: SeedRecord[] = [];
  const links: SeedDealLink[] = [];
  for (const contact of input.contacts) {
    const stage = contact.properties.lifecyclestage;
    let dealStage: string;
    let ageDays: number;
    if (stage === 'customer' || stage === 'evangelist') {
      dealStage = 'closedwon';
      ageDays = random.int(120, 700);
    } else if (stage === 'opportunity') {
      dealStage = random.chance(0.15) ? 'closedlost' : random.pick(OPEN_STAGES);
      ageDays = random.int(5, 90);
    } else if (stage === 'salesqualifiedlead' && random.chance(0.3)) {
      dealStage = 'appointmentscheduled';
      ageDays = random.int(1, 30);
    } else continue;
    const id = String(20_000_001 + deals.length);
    const createdAt = Math.max(contact.createdAt, input.now - ageDays * DAY) + random.int(0, DAY - 1);
    const companyId = companyOf.get(contact.id) ?? null;
    const amount = random.int(4, 120) * 500;
    const dealType =
      dealStage === 'closedwon' ? 'newbusiness' : random.pick(['newbusiness', 'existingbusiness']);
    const closed = dealStage === 'closedwon' || dealStage === 'closedlost';
    const closeAt = closed
      ? Math.min(input.now - DAY, createdAt + random.int(14, 110) * DAY)
      : input.now + random.int(10, 90) * DAY;
    deals.push(
      seedDeal({
        id,
        contact,
        companyId,
        companyName: companyId === null ? null : (companyName.get(companyId) ?? null),
        dealStage,
        createdAt,
        closeAt,
        amount,
        dealType,
      }),
    );
    links.push({ dealId: id, contactId: contact.id, companyId });
  }
  return { deals, links };
}
