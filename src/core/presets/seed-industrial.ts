import { DEFAULT_INDUSTRY_KEYWORDS } from '../industries.js';
import type { QualificationModelInput } from '../model.js';
import { DEMO_FORM, FORM_CONVERSION } from './seed-fit-intent.js';

const AGEING = { fullDays: 30, expiresAfterDays: 90 };

/**
 * The four target sectors as HubSpot industry values. Free text ("Food and Beverage",
 * "Pharmaceutical", "automotive industry", "Lebensmittel") is read through the industry keywords.
 */
const SECTORS = [
  'FOOD_PRODUCTION',
  'FOOD_BEVERAGES',
  'PHARMACEUTICALS',
  'AUTOMOTIVE',
  'CONSUMER_ELECTRONICS',
  'ELECTRICAL_ELECTRONIC_MANUFACTURING',
];

/**
 * The operations roles of the seed in Dutch, German and French, with the English spellings that
 * mean the same ("COO", "Head of Operations"), plus the exceptions' and the students' synonyms.
 */
const OPERATIONS_SYNONYMS: Record<string, string[]> = {
  'production manager': [
    'head of production',
    'production director',
    'productiemanager',
    'productieleider',
    'hoofd productie',
    'manager productie',
    'productiedirecteur',
    'produktionsleiter',
    'produktionsleiterin',
    'produktionsmanager',
    'leiter produktion',
    'fertigungsleiter',
    'leiter fertigung',
    'responsable de production',
    'directeur de production',
    'chef de production',
  ],
  'operations director': [
    'director of operations',
    'COO',
    'chief operating officer',
    'head of operations',
    'operationeel directeur',
    'directeur operations',
    'hoofd operations',
    'leiter operations',
    'betriebsdirektor',
    'directeur des opérations',
  ],
  'operations manager': [
    'manager operations',
    'operationeel manager',
    'bedrijfsleider',
    'leiter betrieb',
    'responsable des opérations',
    "responsable d'exploitation",
  ],
  'plant manager': [
    'plant director',
    'factory manager',
    'plantmanager',
    'fabrieksmanager',
    'fabrieksdirecteur',
    'vestigingsmanager',
    'werksleiter',
    'werkleiter',
    'betriebsleiter',
    'standortleiter',
    "directeur d'usine",
    'directeur de site',
  ],
  'VP operations': [
    'VP of operations',
    'vice president operations',
    'vice president of operations',
    'SVP operations',
  ],
  assistant: ['assistent', 'assistente', 'assistentin', 'assistenz', 'assistante'],
  intern: ['stagiair', 'stagiaire', 'praktikant', 'praktikantin', 'werkstudent'],
  student: ['studente', 'studentin', 'étudiant', 'étudiante', 'promovendus', 'doktorand', 'doktorandin'],
};

/** Competitors of the (fictional) industrial-automation vendor: names and domains. */
export const INDUSTRIAL_COMPETITORS = {
  names: ['Automata Systems', 'Robotix Industrial', 'FlowLine Automation', 'Conveyor Logic'],
  domains: ['automata-systems.com', 'robotix-industrial.com', 'flowline-automation.com', 'conveyorlogic.io'],
};

/**
 * The third seed article's industrial-automation vendor: MQL needs all three fit criteria
 * (100–1000 employees, one of four sectors, an operations role) and at least 20 engagement points.
 */
export const seedIndustrial: QualificationModelInput = {
  version: 'seed-industrial@1',
  name: 'Seed: industrial automation',
  description:
    'All three fit criteria are required (100–1000 employees; food, pharma, automotive or electronics; an operations role). Engagement ≥ 20 points: demo 25, webinar 15, pricing page 10, whitepaper 5.',
  fit: {
    criteria: [
      {
        id: 'company_size',
        label: 'Company size',
        property: ['company.numberofemployees', 'contact.numemployees', 'contact.numberofemployees'],
        match: { type: 'range', min: 100, max: 1000 },
        points: 34,
      },
      {
        id: 'sector',
        label: 'Sector',
        property: ['company.industry', 'contact.industry'],
        match: { type: 'one-of', values: SECTORS },
        points: 33,
      },
      {
        id: 'operations_role',
        label: 'Operations role',
        property: 'contact.jobtitle',
        match: {
          type: 'contains',
          values: [
            'production manager',
            'operations director',
            'operations manager',
            'plant manager',
            'VP operations',
          ],
          except: ['assistant', 'intern'],
        },
        points: 33,
      },
    ],
  },
  intent: {
    signals: [
      // The form names are an example mapping: edit the patterns to the portal's forms.
      {
        type: 'demo_requested',
        label: 'Demo requested',
        points: 25,
        ageing: AGEING,
        derivedFrom: [FORM_CONVERSION(DEMO_FORM)],
      },
      {
        type: 'webinar_attended',
        label: 'Webinar attended',
        points: 15,
        ageing: AGEING,
        derivedFrom: [FORM_CONVERSION('webinar')],
      },
      {
        type: 'whitepaper_downloaded',
        label: 'Whitepaper downloaded',
        points: 5,
        ageing: AGEING,
        derivedFrom: [FORM_CONVERSION('white ?paper')],
      },
      { type: 'pricing_page_viewed', label: 'Pricing page viewed', points: 10, ageing: AGEING },
    ],
  },
  disqualifiers: [
    {
      id: 'too_small',
      reason: 'Fewer than 50 employees',
      when: [
        {
          property: ['company.numberofemployees', 'contact.numemployees', 'contact.numberofemployees'],
          match: { type: 'range', max: 49 },
        },
      ],
    },
    {
      id: 'wrong_sector',
      reason: 'Sector outside food, pharma, automotive and electronics',
      when: [
        { property: ['company.industry', 'contact.industry'], match: { type: 'none-of', values: SECTORS } },
      ],
    },
    {
      id: 'free_email',
      reason: 'Gmail or Hotmail address',
      when: [
        {
          property: 'contact.email',
          match: {
            type: 'email-domain',
            domains: ['gmail.com', 'googlemail.com', 'hotmail.com', 'hotmail.nl'],
          },
        },
      ],
    },
    {
      id: 'academic',
      reason: 'Student or academic institution',
      when: [
        {
          property: 'contact.jobtitle',
          match: { type: 'contains', values: ['student', 'PhD candidate', 'PhD student'] },
        },
        {
          property: 'contact.email',
          match: {
            type: 'email-domain',
            domains: [
              'edu',
              'ac.uk',
              'ac.be',
              'student.uva.nl',
              'uva.nl',
              'tudelft.nl',
              'tue.nl',
              'kuleuven.be',
            ],
          },
        },
        {
          property: 'company.industry',
          match: { type: 'one-of', values: ['HIGHER_EDUCATION', 'EDUCATION_MANAGEMENT', 'RESEARCH'] },
        },
      ],
    },
    {
      id: 'competitor',
      reason: 'Competitor',
      when: [
        {
          property: ['company.name', 'contact.company'],
          match: { type: 'one-of', values: INDUSTRIAL_COMPETITORS.names },
        },
        {
          property: 'contact.email',
          match: { type: 'email-domain', domains: INDUSTRIAL_COMPETITORS.domains },
        },
      ],
    },
  ],
  thresholds: {
    mql: {
      fit: { operator: '>=', value: 0 },
      intent: { operator: '>=', value: 20 },
      requiredFitCriteria: ['company_size', 'sector', 'operations_role'],
    },
    iql: { signalTypes: ['whitepaper_downloaded', 'webinar_attended'] },
    installedBase: {
      customerWhen: [
        { property: 'company.lifecyclestage', match: { type: 'one-of', values: ['customer', 'evangelist'] } },
        { property: 'contact.lifecyclestage', match: { type: 'one-of', values: ['customer', 'evangelist'] } },
      ],
      qualifyingSignals: ['demo_requested', 'webinar_attended', 'pricing_page_viewed'],
      windowDays: 30,
    },
  },
  routing: {
    slaHours: { installedBase: 4, newBusiness: 24, demoRequest: 24, salesAcceptance: 48 },
    demoRequestSignals: ['demo_requested'],
  },
  // The article's engagement list has no negative signal, so "no interest" adds none here.
  feedback: { reasonSignals: {} },
  normalization: {
    industryKeywords: DEFAULT_INDUSTRY_KEYWORDS,
    titleSynonyms: OPERATIONS_SYNONYMS,
  },
};
