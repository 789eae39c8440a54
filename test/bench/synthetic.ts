/** A small deterministic generator of contact records for the core benchmark (no I/O, fixed seed). */
import type { ContactInput } from '../../src/core/index.js';

/** mulberry32: a tiny, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INDUSTRIES = [
  'COMPUTER_SOFTWARE',
  'INTERNET',
  'MARKETING_AND_ADVERTISING',
  'FOOD_PRODUCTION',
  'PHARMACEUTICALS',
  'AUTOMOTIVE',
  'RETAIL',
  'HIGHER_EDUCATION',
];
const TITLES = [
  'CEO',
  'Founder',
  'VP Sales',
  'Head of Marketing',
  'Plant Manager',
  'Operations Director',
  'Account Manager',
  'Intern',
  'Student',
  'Software Engineer',
];
const COUNTRIES = ['Netherlands', 'Belgium', 'Germany', 'France', 'United Kingdom', 'United States'];
const DOMAINS = ['acme.nl', 'datawerk.de', 'foodco.be', 'gmail.com', 'hotmail.com', 'mit.edu', 'example.com'];
const BANDS = ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'];
const SIGNALS = [
  'pricing_page_viewed',
  'demo_requested',
  'trial_started',
  'comparison_viewed',
  'email_engaged',
  'sales_no_interest',
  'demo_no_show',
  'unsubscribed',
  'webinar_attended',
];
const STAGES = [
  'subscriber',
  'lead',
  'lead',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'customer',
];

export function syntheticContacts(count: number, nowMs: number, seed = 42): ContactInput[] {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const out: ContactInput[] = [];
  for (let i = 0; i < count; i++) {
    const signals = [];
    const n = Math.floor(rnd() * 6);
    for (let s = 0; s < n; s++)
      signals.push({
        type: pick(SIGNALS),
        occurredAt: new Date(nowMs - Math.floor(rnd() * 120 * 86_400_000)).toISOString(),
      });
    out.push({
      id: String(1000 + i),
      properties: {
        email: `person${i}@${pick(DOMAINS)}`,
        firstname: `First${i}`,
        lastname: `Last${i}`,
        jobtitle: pick(TITLES),
        country: pick(COUNTRIES),
        numberofemployees: pick(BANDS),
        lifecyclestage: pick(STAGES),
        hs_lead_status: rnd() < 0.5 ? null : 'OPEN',
      },
      company:
        rnd() < 0.8
          ? {
              name: `Company ${i % 5000}`,
              industry: pick(INDUSTRIES),
              numberofemployees: String(Math.floor(rnd() * 3000)),
              lifecyclestage: rnd() < 0.1 ? 'customer' : 'lead',
            }
          : null,
      signals,
    });
  }
  return out;
}
