/**
 * A simulated day in the portal, as a plan: new contacts arrive, reps edit fit properties, forms
 * are converted and pricing pages viewed, a few people unsubscribe. The plan is data (each step
 * with its moment as a fraction of the day), drawn from a seed, so a day can be replayed exactly;
 * `playground.ts` carries it out against the sandbox and a running service.
 */
import { createRandom } from './random.js';
import { type SeedData, generateSeedData } from './seed.js';
import { CONVERSIONS, type SignalType } from './seed-vocabulary.js';

/** Options of {@link planDay}. */
export interface TrafficOptions {
  /** Contacts created during the day. Default 20. */
  newContacts?: number;
  /** Edits of fit properties (job title, country, company size) by reps. Default 30. */
  edits?: number;
  /** Form conversions (demo request, whitepaper, webinar, trial). Default 25. */
  conversions?: number;
  /** Pricing-page views (recorded by a workflow as a signal). Default 25. */
  pageViews?: number;
  /** Unsubscribes. Default 3. */
  unsubscribes?: number;
  /** Seed of the day's random choices. Default 1. */
  seed?: number;
}

/** One thing that happens in the portal. `at` is the moment as a fraction of the day, 0 ≤ at < 1. */
export type TrafficStep =
  | {
      kind: 'create';
      at: number;
      /** Which of the day's new contacts this is: `{ created: index }` picks name it. */
      index: number;
      properties: Record<string, string>;
      /** The company the new contact is associated with (primary), when it has one. */
      companyId?: string;
    }
  | { kind: 'edit'; at: number; contact: ContactPick; properties: Record<string, string> }
  | { kind: 'conversion'; at: number; contact: ContactPick; signal: SignalType; form: string }
  | { kind: 'page-view'; at: number; contact: ContactPick; signal: 'pricing_page_viewed' }
  | { kind: 'unsubscribe'; at: number; contact: ContactPick; signal: 'unsubscribed' };

/**
 * Which contact a step concerns: a seeded one by id, or the n-th contact created during the day
 * (whose id is known only once the sandbox has created it).
 */
export type ContactPick = { seeded: string } | { created: number };

const EDIT_TITLES = [
  'VP Operations',
  'Head of Marketing',
  'Chief Executive Officer',
  'Plant Manager',
  'Marketing Intern',
  'Account Manager',
  'Directeur',
  'Geschäftsführer',
];
const EDIT_COUNTRIES = ['Netherlands', 'Germany', 'Belgium', 'United Kingdom', 'France', 'United States'];
const EDIT_SIZES = ['5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'];
const FORMS = Object.entries(CONVERSIONS) as [SignalType, string][];

/**
 * The day's steps in time order. New contacts come from the sandbox's own generator (a separate
 * seed, so the seeded portal is unchanged) with a `+day` e-mail so they never clash with seeded
 * addresses; some of them convert a form later that day.
 */
export function planDay(data: SeedData, options: TrafficOptions = {}): TrafficStep[] {
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const seeded = data.contacts.map((c) => c.id);
  const companies = data.companies.map((c) => c.id);
  const fresh = generateSeedData({
    contacts: options.newContacts ?? 20,
    seed: 10_000 + seed,
    now: data.now,
  });
  const steps: TrafficStep[] = [];
  const anyContact = (): ContactPick =>
    fresh.contacts.length > 0 && (seeded.length === 0 || random.chance(0.3))
      ? { created: random.int(0, fresh.contacts.length - 1) }
      : { seeded: random.pick(seeded) };

  const createdAt: number[] = [];
  fresh.contacts.forEach((contact, n) => {
    const at = random.next() * 0.8;
    createdAt[n] = at;
    const { email = '', firstname = '', lastname = '', jobtitle = '', country = '' } = contact.properties;
    const properties: Record<string, string> = {
      email: email.replace('@', `+day${seed}-${n}@`),
      firstname,
      lastname,
      jobtitle,
      country,
      lifecyclestage: 'lead',
    };
    for (const key of ['numemployees', 'industry', 'company'])
      if (contact.properties[key]) properties[key] = contact.properties[key];
    steps.push({
      kind: 'create',
      at,
      index: n,
      properties,
      ...(companies.length > 0 && random.chance(0.7) ? { companyId: random.pick(companies) } : {}),
    });
  });
  // A step about a contact created today happens after its creation.
  const after = (pick: ContactPick, at: number): number =>
    'created' in pick ? Math.max(at, (createdAt[pick.created] ?? 0) + 0.01) : at;

  if (seeded.length + fresh.contacts.length === 0) return steps;
  for (let i = 0; i < (options.edits ?? 30); i++) {
    const contact = anyContact();
    const field = random.pick(['jobtitle', 'country', 'numemployees'] as const);
    const value =
      field === 'jobtitle'
        ? random.pick(EDIT_TITLES)
        : field === 'country'
          ? random.pick(EDIT_COUNTRIES)
          : random.pick(EDIT_SIZES);
    steps.push({ kind: 'edit', at: after(contact, random.next()), contact, properties: { [field]: value } });
  }
  for (let i = 0; i < (options.conversions ?? 25); i++) {
    const contact = anyContact();
    const [signal, form] = random.pick(FORMS);
    steps.push({ kind: 'conversion', at: after(contact, random.next()), contact, signal, form });
  }
  for (let i = 0; i < (options.pageViews ?? 25); i++) {
    const contact = anyContact();
    steps.push({
      kind: 'page-view',
      at: after(contact, random.next()),
      contact,
      signal: 'pricing_page_viewed',
    });
  }
  for (let i = 0; i < (options.unsubscribes ?? 3); i++) {
    const contact = anyContact();
    steps.push({ kind: 'unsubscribe', at: after(contact, random.next()), contact, signal: 'unsubscribed' });
  }
  return steps.map((s) => ({ ...s, at: Math.min(s.at, 0.999) })).sort((a, b) => a.at - b.at);
}
