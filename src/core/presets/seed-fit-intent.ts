import { DEFAULT_INDUSTRY_KEYWORDS } from '../industries.js';
import type { QualificationModelInput } from '../model.js';
import type { DerivedFromInput } from '../model-derived.js';

/** Consumer mailboxes: a work contact does not write from these. */
export const FREE_EMAIL_DOMAINS = [
  'gmail.com',
  'googlemail.com',
  'hotmail.com',
  'hotmail.nl',
  'hotmail.co.uk',
  'outlook.com',
  'live.com',
  'live.nl',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'ymail.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  't-online.de',
  'protonmail.com',
  'proton.me',
  'ziggo.nl',
  'kpnmail.nl',
  'telenet.be',
  'skynet.be',
];

/**
 * The decision-maker phrases in Dutch, German and French (and English spellings), so "Algemeen
 * Directeur", "Geschäftsführer" and "Chief Operating Officer" are read as the roles they are.
 * Shared with the industrial preset, which uses the assistant and intern exceptions.
 */
export const DECISION_MAKER_SYNONYMS: Record<string, string[]> = {
  founder: ['co-founder', 'oprichter', 'medeoprichter', 'gründer', 'mitgründer', 'fondateur', 'cofondateur'],
  owner: [
    'eigenaar',
    'directeur-eigenaar',
    'DGA',
    'inhaber',
    'inhaberin',
    'eigentümer',
    'propriétaire',
    'gérant',
  ],
  CEO: [
    'chief executive officer',
    'algemeen directeur',
    'algemene directie',
    'general manager',
    'geschäftsführer',
    'geschäftsführerin',
    'vorstandsvorsitzender',
    'directeur général',
    'président-directeur général',
    'PDG',
  ],
  CFO: [
    'chief financial officer',
    'financieel directeur',
    'finanzvorstand',
    'finanzdirektor',
    'directeur financier',
  ],
  CTO: [
    'chief technology officer',
    'technisch directeur',
    'technischer geschäftsführer',
    'directeur technique',
  ],
  COO: [
    'chief operating officer',
    'operationeel directeur',
    'directeur operations',
    'directeur des opérations',
  ],
  CMO: ['chief marketing officer', 'marketingdirecteur', 'marketingdirektor', 'directeur marketing'],
  director: ['directeur', 'directrice', 'direktor', 'direktorin', 'bestuurder', 'vorstand'],
  'head of': ['hoofd', 'leiter', 'leiterin', 'abteilungsleiter', 'bereichsleiter', 'responsable'],
  VP: ['SVP', 'EVP', 'vicepresident', 'vizepräsident'],
  assistant: ['assistent', 'assistente', 'assistentin', 'assistenz', 'assistante'],
  intern: ['stagiair', 'stagiaire', 'praktikant', 'praktikantin', 'werkstudent'],
};

/**
 * Signals HubSpot itself records, read from the contact's property history and its meetings
 * (see `derived-signals.ts`): an opt-out, a form conversion of a given form, a no-show.
 */
export const EMAIL_OPT_OUT: DerivedFromInput = {
  object: 'contact',
  property: 'hs_email_optout',
  change: { type: 'becomes', match: { type: 'one-of', values: ['true'] } },
};

export const MEETING_NO_SHOW: DerivedFromInput = {
  object: 'meeting',
  property: 'hs_meeting_outcome',
  change: { type: 'becomes', match: { type: 'one-of', values: ['NO_SHOW'] } },
};

/** A form submission (`num_conversion_events` goes up) of a form whose name matches `pattern`. */
export function FORM_CONVERSION(pattern: string): DerivedFromInput {
  return {
    object: 'contact',
    property: 'num_conversion_events',
    change: { type: 'increases' },
    conditions: [
      { property: 'contact.recent_conversion_event_name', match: { type: 'regex', pattern, flags: 'i' } },
    ],
  };
}

/** An example mapping: the portal's demo-request forms are named "… demo …" (edit to your forms' names). */
export const DEMO_FORM = '\\bdemo\\b';

/** The two ageing rules of the seeds: full points for 30 days, none after 90 (linear in between). */
const AGEING = { fullDays: 30, expiresAfterDays: 90 };

/**
 * The first seed article's model: fit = industry 25 + company size 25 + region 25 + decision-maker
 * role 25; intent from pricing, demo, trial and comparison signals with negative scoring;
 * MQL = fit > 60 and intent > 50.
 */
export const seedFitIntent: QualificationModelInput = {
  version: 'seed-fit-intent@1',
  name: 'Seed: fit + intent (B2B software)',
  description:
    'Fit on industry, company size, region and role (25 each); intent from pricing, demo, trial and comparison signals that age out after 90 days, with negative signals. MQL = fit > 60 and intent > 50.',
  fit: {
    criteria: [
      {
        id: 'industry',
        label: 'Industry',
        property: ['company.industry', 'contact.industry'],
        match: {
          type: 'one-of',
          values: [
            'Computer Software',
            'Information Technology and Services',
            'Internet',
            'Marketing and Advertising',
          ],
        },
        points: 25,
      },
      {
        id: 'company_size',
        label: 'Company size',
        property: ['company.numberofemployees', 'contact.numemployees', 'contact.numberofemployees'],
        match: { type: 'range', min: 25, max: 1000 },
        points: 25,
      },
      {
        id: 'region',
        label: 'Region',
        property: ['contact.country', 'company.country'],
        match: {
          type: 'one-of',
          // Read as countries: every ISO code and name in English, Dutch, German and French matches.
          values: ['Netherlands', 'Belgium', 'Germany'],
        },
        points: 25,
      },
      {
        id: 'decision_maker',
        label: 'Decision-maker role',
        property: 'contact.jobtitle',
        match: {
          type: 'contains',
          values: [
            'founder',
            'owner',
            'CEO',
            'CTO',
            'CFO',
            'COO',
            'CMO',
            'chief',
            'VP',
            'vice president',
            'director',
            'head of',
          ],
          except: ['assistant', 'intern', 'product owner'],
        },
        points: 25,
      },
    ],
  },
  intent: {
    signals: [
      { type: 'pricing_page_viewed', label: 'Pricing page viewed', points: 20, ageing: AGEING },
      {
        type: 'demo_requested',
        label: 'Demo requested',
        points: 30,
        ageing: AGEING,
        derivedFrom: [FORM_CONVERSION(DEMO_FORM)],
      },
      { type: 'trial_started', label: 'Trial started', points: 40, ageing: AGEING },
      { type: 'comparison_viewed', label: 'Product comparison read', points: 10, ageing: AGEING },
      { type: 'email_engaged', label: 'E-mail opened or clicked', points: 0, ageing: AGEING },
      { type: 'sales_no_interest', label: 'Sales: no interest', points: -50, ageing: AGEING },
      {
        type: 'demo_no_show',
        label: 'Demo no-show',
        points: -30,
        ageing: AGEING,
        counting: { from: 2, max: 1 },
        derivedFrom: [MEETING_NO_SHOW],
      },
      {
        type: 'unsubscribed',
        label: 'Unsubscribed from e-mail',
        points: -20,
        ageing: AGEING,
        derivedFrom: [EMAIL_OPT_OUT],
      },
    ],
  },
  disqualifiers: [
    {
      id: 'too_small',
      reason: 'Fewer than 10 employees',
      when: [
        {
          property: ['company.numberofemployees', 'contact.numemployees', 'contact.numberofemployees'],
          match: { type: 'range', max: 9 },
        },
      ],
    },
    {
      id: 'free_email',
      reason: 'Free e-mail domain',
      when: [{ property: 'contact.email', match: { type: 'email-domain', domains: FREE_EMAIL_DOMAINS } }],
    },
  ],
  thresholds: {
    mql: { fit: { operator: '>', value: 60 }, intent: { operator: '>', value: 50 } },
    iql: { signalTypes: ['comparison_viewed'] },
    installedBase: {
      customerWhen: [
        { property: 'company.lifecyclestage', match: { type: 'one-of', values: ['customer', 'evangelist'] } },
        { property: 'contact.lifecyclestage', match: { type: 'one-of', values: ['customer', 'evangelist'] } },
      ],
      qualifyingSignals: ['pricing_page_viewed', 'demo_requested', 'trial_started'],
      windowDays: 30,
    },
  },
  routing: {
    slaHours: { installedBase: 4, newBusiness: 24, demoRequest: 24, salesAcceptance: 48 },
    demoRequestSignals: ['demo_requested'],
  },
  normalization: {
    industryKeywords: DEFAULT_INDUSTRY_KEYWORDS,
    titleSynonyms: DECISION_MAKER_SYNONYMS,
  },
};
