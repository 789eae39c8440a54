/**
 * Deterministic seed data: owners, companies and contacts with a realistic B2B mix (HubSpot
 * industry values, employee counts and ranges, countries, job titles from interns to CEOs,
 * free-mail and student addresses, competitors, existing customers), plus intent signals per
 * contact, which are not HubSpot properties and so are returned separately.
 */
import { MEETING_TO_CONTACT } from './activity.js';
import type { CrmSeed, Owner } from './crm-store.js';
import { type EMPLOYEE_RANGES, LEAD_STATUSES } from './property-catalog.js';
import { createRandom, type Random } from './random.js';
import { generateSeedDeals, type SeedDealLink } from './seed-deals.js';
import {
  CONVERSIONS,
  COUNTRY_NAMES,
  COUNTRY_PAIRS,
  FIRST_NAMES,
  INDUSTRY_WEIGHTS,
  JOB_TITLES,
  LAST_NAMES,
  NAME_HEADS,
  NAME_TAILS,
  SIGNAL_WEIGHTS,
  STUDENT_TITLES,
  type SignalType,
} from './seed-vocabulary.js';

export { SIGNAL_TYPES, type SignalType } from './seed-vocabulary.js';

/** One intent signal of a contact. */
export interface SeedSignal {
  type: SignalType;
  /** ISO 8601. */
  occurredAt: string;
}

/** Competitor companies present in the seed (names and domains), for disqualification rules. */
export const COMPETITORS: readonly { name: string; domain: string }[] = [
  { name: 'Automatica Systems BV', domain: 'automatica-systems.com' },
  { name: 'LeadForge Analytics Inc', domain: 'leadforge.io' },
  { name: 'ScoreWise GmbH', domain: 'scorewise.de' },
  { name: 'FunnelIQ Ltd', domain: 'funneliq.co.uk' },
];

/** Free e-mail providers used for some contacts. */
export const FREE_MAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com'] as const;

/** Academic institutions and the domains their students and staff use. */
export const ACADEMIC_INSTITUTIONS: readonly {
  name: string;
  domain: string;
  studentDomain: string;
  country: string;
}[] = [
  {
    name: 'University of Amsterdam',
    domain: 'uva.nl',
    studentDomain: 'student.uva.nl',
    country: 'Netherlands',
  },
  { name: 'University of Oxford', domain: 'ox.ac.uk', studentDomain: 'ox.ac.uk', country: 'United Kingdom' },
  {
    name: 'Stanford University',
    domain: 'stanford.edu',
    studentDomain: 'stanford.edu',
    country: 'United States',
  },
  { name: 'KU Leuven', domain: 'kuleuven.be', studentDomain: 'student.kuleuven.be', country: 'Belgium' },
];

/** A seeded CRM record. */
export interface SeedObject {
  id: string;
  properties: Record<string, string>;
  createdAt: number;
}

/** The generated data set. */
export interface SeedData {
  seed: number;
  /** The reference time the data was generated for (epoch ms). */
  now: number;
  owners: Owner[];
  companies: SeedObject[];
  contacts: SeedObject[];
  /** Contact → company links; `primary` ones are HubSpot's association type 1 (plus 279). */
  associations: { contactId: string; companyId: string; primary: boolean }[];
  /** Signals by contact id; contacts without signals have an empty list. */
  signals: Map<string, SeedSignal[]>;
  /** Deals of customers, opportunities and some SQLs (see seed-deals.ts). */
  deals: SeedObject[];
  /** Each deal's contact (association 3/4) and primary company (5/6). */
  dealLinks: SeedDealLink[];
  /** Past meetings, each logged on one contact (association 200); the history seed has them. */
  meetings?: (SeedObject & { contactId: string })[];
  /** Property histories of seeded records, as `propertiesWithHistory` answers (the history seed). */
  history?: CrmSeed['history'];
}

/** Options of {@link generateSeedData}. */
export interface SeedOptions {
  contacts: number;
  seed?: number;
  /** Reference time (epoch ms); signals fall within the 120 days before it. Default 2025-06-01T00:00Z. */
  now?: number;
  /** Number of regular companies; default one per six contacts (at least 5). */
  companies?: number;
}

/** The default reference time, fixed so that a seed alone determines the data. */
export const DEFAULT_SEED_NOW = Date.UTC(2025, 5, 1);

const DAY = 86_400_000;

const slug = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/** Maps an employee count to the contact's employee-range option. */
export function employeeRange(count: number): (typeof EMPLOYEE_RANGES)[number] {
  if (count < 5) return '1-5';
  if (count < 25) return '5-25';
  if (count < 50) return '25-50';
  if (count < 100) return '50-100';
  if (count < 500) return '100-500';
  if (count < 1000) return '500-1000';
  return '1000+';
}

function employeeCount(random: Random): number {
  const bucket = random.weighted<[number, number]>([
    [[1, 9], 15],
    [[10, 49], 25],
    [[50, 199], 25],
    [[200, 999], 22],
    [[1000, 10_000], 13],
  ]);
  return random.int(bucket[0], bucket[1]);
}

interface CompanyFacts {
  id: string;
  name: string;
  domain: string;
  country: string;
  employees: number;
  industry: string;
  customer: boolean;
  ownerId?: string;
  studentDomain?: string;
  kind: 'regular' | 'competitor' | 'academic';
}

/** Generates deterministic seed data; 100,000 contacts take well under a few seconds. */
export function generateSeedData(options: SeedOptions): SeedData {
  const seed = options.seed ?? 42;
  const now = options.now ?? DEFAULT_SEED_NOW;
  const random = createRandom(seed);
  const iso = (ms: number): string => new Date(ms).toISOString();
  const slugs = new Map<string, string>();
  const nameSlug = (text: string): string => {
    let result = slugs.get(text);
    if (result === undefined) {
      result = slug(text);
      slugs.set(text, result);
    }
    return result;
  };

  const owners: Owner[] = [
    ['Anna', 'Visser'],
    ['Bram', 'de Wit'],
    ['Claire', 'Dupont'],
    ['David', 'Clarke'],
    ['Eva', 'Schulz'],
    ['Frank', 'Peeters'],
    ['Grace', 'Miller'],
    ['Hugo', 'Lindqvist'],
  ].map(([firstName = '', lastName = ''], index) => ({
    id: String(70_000_001 + index),
    email: `${slug(firstName)}.${slug(lastName)}@sandbox-vendor.example`,
    firstName,
    lastName,
    userId: 9_000_001 + index,
    createdAt: now - 900 * DAY,
    updatedAt: now - 30 * DAY,
    archived: false,
    teams: [
      { id: index < 4 ? '1' : '2', name: index < 4 ? 'New business' : 'Account management', primary: true },
    ],
  }));

  const companies: SeedObject[] = [];
  const facts: CompanyFacts[] = [];
  const usedNames = new Map<string, number>();
  const addCompany = (company: Omit<CompanyFacts, 'id'>): CompanyFacts => {
    const id = String(5_000_001 + facts.length);
    const full = { ...company, id };
    facts.push(full);
    const createdAt = now - random.int(60, 1500) * DAY;
    const properties: Record<string, string> = {
      name: company.name,
      domain: company.domain,
      website: `https://www.${company.domain}`,
      industry: company.industry,
      numberofemployees: String(company.employees),
      annualrevenue: String(company.employees * random.int(80, 250) * 1000),
      country: company.country,
      lifecyclestage: company.customer
        ? 'customer'
        : random.weighted([
            ['lead', 5],
            ['opportunity', 1],
            ['subscriber', 2],
          ]),
      hs_object_id: id,
      createdate: iso(createdAt),
      hs_lastmodifieddate: iso(createdAt + random.int(0, 50) * DAY),
    };
    if (company.ownerId) properties.hubspot_owner_id = company.ownerId;
    companies.push({ id, properties, createdAt });
    return full;
  };

  const regularCount = options.companies ?? Math.max(5, Math.ceil(options.contacts / 6));
  for (let i = 0; i < regularCount; i++) {
    const [country, , tld, , suffixes] = random.weighted(COUNTRY_PAIRS);
    const stem = `${random.pick(NAME_HEADS)}${random.pick(NAME_TAILS)}`;
    const uses = (usedNames.get(stem) ?? 0) + 1;
    usedNames.set(stem, uses);
    const base = uses === 1 ? stem : `${stem}${uses}`;
    const customer = random.chance(0.08);
    addCompany({
      name: `${base} ${random.pick(suffixes)}`,
      domain: `${slug(base)}.${tld}`,
      country,
      employees: employeeCount(random),
      industry: random.weighted(INDUSTRY_WEIGHTS),
      customer,
      ...(customer || random.chance(0.3) ? { ownerId: random.pick(owners).id } : {}),
      kind: 'regular',
    });
  }
  for (const competitor of COMPETITORS) {
    addCompany({
      name: competitor.name,
      domain: competitor.domain,
      country: competitor.domain.endsWith('.de')
        ? 'Germany'
        : competitor.domain.endsWith('.uk')
          ? 'United Kingdom'
          : 'Netherlands',
      employees: random.int(40, 400),
      industry: 'COMPUTER_SOFTWARE',
      customer: false,
      kind: 'competitor',
    });
  }
  for (const institution of ACADEMIC_INSTITUTIONS) {
    addCompany({
      name: institution.name,
      domain: institution.domain,
      country: institution.country,
      employees: random.int(3000, 15_000),
      industry: 'HIGHER_EDUCATION',
      customer: false,
      studentDomain: institution.studentDomain,
      kind: 'academic',
    });
  }
  const regular = facts.filter((c) => c.kind === 'regular');
  const competitors = facts.filter((c) => c.kind === 'competitor');
  const academics = facts.filter((c) => c.kind === 'academic');

  const contacts: SeedObject[] = [];
  const associations: SeedData['associations'] = [];
  const signals = new Map<string, SeedSignal[]>();
  const usedEmails = new Set<string>();
  const uniqueEmail = (local: string, domain: string): string => {
    let email = `${local}@${domain}`;
    for (let n = 2; usedEmails.has(email); n++) email = `${local}${n}@${domain}`;
    usedEmails.add(email);
    return email;
  };

  for (let i = 0; i < options.contacts; i++) {
    const id = String(100_001 + i);
    const firstname = random.pick(FIRST_NAMES);
    const lastname = random.pick(LAST_NAMES);
    const local = `${nameSlug(firstname)}.${nameSlug(lastname)}`;
    const kind = random.weighted<'business' | 'freemail' | 'student' | 'competitor'>([
      ['business', 80],
      ['freemail', 12],
      ['student', 5],
      ['competitor', 3],
    ]);
    const company =
      kind === 'student'
        ? random.pick(academics)
        : kind === 'competitor'
          ? random.pick(competitors)
          : kind === 'freemail' && random.chance(0.7)
            ? undefined
            : random.pick(regular);
    const email =
      kind === 'freemail'
        ? uniqueEmail(local, random.pick(FREE_MAIL_DOMAINS))
        : kind === 'student'
          ? uniqueEmail(local, company?.studentDomain ?? 'student.uva.nl')
          : uniqueEmail(local, company?.domain ?? 'example.com');
    const createdAt = now - random.int(1, 730) * DAY - random.int(0, DAY - 1);
    const jobtitle = kind === 'student' ? random.pick(STUDENT_TITLES) : random.weighted(JOB_TITLES);
    const stage: string = company?.customer
      ? random.weighted([
          ['customer', 8],
          ['evangelist', 1],
          ['opportunity', 1],
        ])
      : random.weighted([
          ['subscriber', 30],
          ['lead', 45],
          ['marketingqualifiedlead', 10],
          ['salesqualifiedlead', 6],
          ['opportunity', 4],
          ['other', 1],
        ]);
    const properties: Record<string, string> = {
      email,
      firstname,
      lastname,
      jobtitle,
      lifecyclestage: stage,
      country: company?.country ?? random.weighted(COUNTRY_NAMES),
      hs_object_id: id,
      createdate: iso(createdAt),
      hs_analytics_num_page_views: String(random.int(0, 60) * random.int(0, 3)),
      hs_analytics_num_visits: String(random.int(0, 25)),
      num_conversion_events: '0',
    };
    if (company) {
      properties.company = company.name;
      properties.numberofemployees = employeeRange(company.employees);
      properties.numemployees = properties.numberofemployees;
      properties.industry = company.industry;
    }
    if (['lead', 'marketingqualifiedlead', 'salesqualifiedlead'].includes(stage)) {
      properties.hs_lead_status = random.pick(LEAD_STATUSES);
    }
    const ownerId = company?.customer ? company.ownerId : undefined;
    if (ownerId) properties.hubspot_owner_id = ownerId;
    else if (['salesqualifiedlead', 'opportunity'].includes(stage) || random.chance(0.1)) {
      properties.hubspot_owner_id = random.pick(owners).id;
    }

    const signalCount = random.weighted<[number, number]>([
      [[0, 0], 30],
      [[1, 2], 40],
      [[3, 6], 25],
      [[7, 12], 5],
    ]);
    const drawn: { type: SignalType; at: number }[] = [];
    for (let s = random.int(signalCount[0], signalCount[1]); s > 0; s--) {
      drawn.push({ type: random.weighted(SIGNAL_WEIGHTS), at: now - random.int(0, 120 * DAY - 1) });
    }
    drawn.sort((a, b) => a.at - b.at);
    const list: SeedSignal[] = drawn.map((signal) => ({ type: signal.type, occurredAt: iso(signal.at) }));
    signals.set(id, list);

    const latest = list[list.length - 1];
    if (latest) properties.hs_analytics_last_visit_timestamp = latest.occurredAt;
    const conversions = list.filter((signal) => CONVERSIONS[signal.type] !== undefined);
    const lastConversion = conversions[conversions.length - 1];
    if (lastConversion) {
      properties.num_conversion_events = String(conversions.length);
      properties.recent_conversion_event_name = CONVERSIONS[lastConversion.type] ?? '';
      properties.recent_conversion_date = lastConversion.occurredAt;
    }
    if (list.some((signal) => signal.type === 'unsubscribed')) properties.hs_email_optout = 'true';
    const lastModified = Math.max(createdAt, drawn[drawn.length - 1]?.at ?? createdAt);
    properties.lastmodifieddate = iso(lastModified);

    contacts.push({ id, properties, createdAt });
    if (company) associations.push({ contactId: id, companyId: company.id, primary: true });
  }

  const { deals, links: dealLinks } = generateSeedDeals({ seed, now, contacts, companies, associations });
  return { seed, now, owners, companies, contacts, associations, signals, deals, dealLinks };
}

/** The CRM part of seed data in the store's load format. */
export function toCrmSeed(data: SeedData): CrmSeed {
  return {
    owners: data.owners,
    objects: [
      ...data.companies.map((c) => ({ type: 'companies' as const, ...c })),
      ...data.contacts.map((c) => ({ type: 'contacts' as const, ...c })),
      ...data.deals.map((d) => ({ type: 'deals' as const, ...d })),
      ...(data.meetings ?? []).map(({ id, properties, createdAt }) => ({
        type: 'meetings' as const,
        id,
        properties,
        createdAt,
      })),
    ],
    ...(data.history ? { history: data.history } : {}),
    associations: [
      ...data.associations.map((a) => ({
        fromType: 'contacts' as const,
        fromId: a.contactId,
        toType: 'companies' as const,
        toId: a.companyId,
        typeIds: a.primary ? [1] : [279],
      })),
      ...data.dealLinks.flatMap((l) => [
        {
          fromType: 'deals' as const,
          fromId: l.dealId,
          toType: 'contacts' as const,
          toId: l.contactId,
          typeIds: [3],
        },
        ...(l.companyId === null
          ? []
          : [
              {
                fromType: 'deals' as const,
                fromId: l.dealId,
                toType: 'companies' as const,
                toId: l.companyId,
                typeIds: [5],
              },
            ]),
      ]),
      ...(data.meetings ?? []).map((m) => ({
        fromType: 'meetings' as const,
        fromId: m.id,
        toType: 'contacts' as const,
        toId: m.contactId,
        typeIds: [MEETING_TO_CONTACT],
      })),
    ],
  };
}
