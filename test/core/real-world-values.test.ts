/**
 * Real-world values as HubSpot portals hold them (hand-typed, imported, enriched), each with what
 * the normalisation layer reads and what the explanation then says. Sizes, countries, job titles
 * in Dutch, English and German, industries and signal dates.
 */
import { describe, expect, it } from 'vitest';
import {
  type ContactInput,
  evaluate,
  explainInFull,
  loadPreset,
  modelIndex,
  type QualificationModel,
  toEpochMs,
  type ValueKind,
} from '../../src/core/index.js';
import { NOW } from './helpers.js';

const fitIntent = loadPreset('seed-fit-intent');
const industrial = loadPreset('seed-industrial');

/** The normalised value (null: unknown) of `raw` read as `kind` by the model's normaliser. */
function read(model: QualificationModel, kind: ValueKind, raw: string): string | null {
  return modelIndex(model).normalizer.read(kind, raw).value;
}

/** The full-breakdown line of the fit criterion labelled `label`, without its property. */
function fitLine(model: QualificationModel, contact: ContactInput, label: string): string {
  const text = explainInFull(evaluate(contact, model, NOW), model);
  const line = text.split('\n').find((l) => l.trimStart().replace(/^\S+ /, '').startsWith(`${label}:`));
  return (line ?? '').trim().replace(/ {2}\([a-z]+\.[a-z_]+\)$/, '');
}

const contact = (
  properties: ContactInput['properties'],
  company: ContactInput['company'] = {},
): ContactInput => ({
  id: 'rw',
  properties: { email: 'anna@acme.nl', ...properties },
  company,
  signals: [],
});

describe('company sizes (seed-fit-intent: 25–1000 employees)', () => {
  it.each([
    ['250', '250', '+25 Company size: 250 (25–1000)'],
    ['1000', '1000', '+25 Company size: 1000 (25–1000)'],
    ['25', '25', '+25 Company size: 25 (25–1000)'],
    ['24', '24', '0 Company size: 24 (wanted 25–1000)'],
    ['1,200', '1200', '0 Company size: 1,200 (wanted 25–1000)'],
    ['1.200', '1200', '0 Company size: 1.200 (wanted 25–1000)'],
    ['1 200', '1200', '0 Company size: 1 200 (wanted 25–1000)'],
    ["12'000", '12000', "0 Company size: 12'000 (wanted 25–1000)"],
    ['ca. 250', '250', '+25 Company size: ca. 250 (25–1000)'],
    ['~300', '300', '+25 Company size: ~300 (25–1000)'],
    ['250 employees', '250', '+25 Company size: 250 employees (25–1000)'],
    ['250 medewerkers', '250', '+25 Company size: 250 medewerkers (25–1000)'],
    ['250 Mitarbeiter', '250', '+25 Company size: 250 Mitarbeiter (25–1000)'],
    ['approx. 80 FTE', '80', '+25 Company size: approx. 80 FTE (25–1000)'],
    ['1.5k', '1500', '0 Company size: 1.5k (wanted 25–1000)'],
    ['0.5K', '500', '+25 Company size: 0.5K (25–1000)'],
    ['25-50', '25–50', '+25 Company size: 25-50 (25–1000)'],
    ['100-500', '100–500', '+25 Company size: 100-500 (25–1000)'],
    ['100–500', '100–500', '+25 Company size: 100–500 (25–1000)'],
    ['100—500', '100–500', '+25 Company size: 100—500 (25–1000)'],
    ['100 - 500', '100–500', '+25 Company size: 100 - 500 (25–1000)'],
    ['100 to 500', '100–500', '+25 Company size: 100 to 500 (25–1000)'],
    ['100 tot 500', '100–500', '+25 Company size: 100 tot 500 (25–1000)'],
    ['100 bis 500', '100–500', '+25 Company size: 100 bis 500 (25–1000)'],
    ['between 100 and 500', '100–500', '+25 Company size: between 100 and 500 (25–1000)'],
    ['500-1000', '500–1000', '+25 Company size: 500-1000 (25–1000)'],
    ['5-25', '5–25', '0 Company size: 5-25 (wanted 25–1000)'],
    ['10-50', '10–50', '+25 Company size: 10-50 (63% within 25–1000)'],
    ['1-50', '1–50', '0 Company size: 1-50 (51% within 25–1000)'.replace('0 ', '+25 ')],
    ['800-2000', '800–2000', '0 Company size: 800-2000 (17% within 25–1000, under half)'],
    ['1000+', '1000+', '+25 Company size: 1000+ (at least 1000, within 25–1000)'],
    ['500+', '500+', '+25 Company size: 500+ (at least 500, within 25–1000)'],
    ['5000+', '5000+', '0 Company size: 5000+ (at least 5000, wanted 25–1000)'],
    ['>500', '501+', '+25 Company size: >500 (at least 501, within 25–1000)'],
    ['≥ 500', '500+', '+25 Company size: ≥ 500 (at least 500, within 25–1000)'],
    ['500 or more', '500+', '+25 Company size: 500 or more (at least 500, within 25–1000)'],
    ['meer dan 500', '501+', '+25 Company size: meer dan 500 (at least 501, within 25–1000)'],
    ['mehr als 500', '501+', '+25 Company size: mehr als 500 (at least 501, within 25–1000)'],
    ['<10', '1–9', '0 Company size: <10 (wanted 25–1000)'],
    ['minder dan 10', '1–9', '0 Company size: minder dan 10 (wanted 25–1000)'],
    ['0', null, '0 Company size: unknown ("0" is not a positive number)'],
    ['-5', null, '0 Company size: unknown ("-5" is not a positive number)'],
    ['N/A', null, '0 Company size: unknown ("N/A" means no value)'],
    ['n.v.t.', null, '0 Company size: unknown ("n.v.t." means no value)'],
    ['-', null, '0 Company size: unknown ("-" means no value)'],
    ['unknown', null, '0 Company size: unknown ("unknown" means no value)'],
    ['lots', null, '0 Company size: unknown ("lots" is not a number)'],
    ['500-100', null, '0 Company size: unknown ("500-100" is not a number)'],
  ] as const)('%j reads as %j and explains as %j', (raw, value, line) => {
    expect(read(fitIntent, 'count', raw)).toBe(value);
    expect(fitLine(fitIntent, contact({}, { numberofemployees: raw }), 'Company size')).toBe(line);
  });
});

describe('countries (seed-fit-intent: Netherlands, Belgium, Germany)', () => {
  it.each([
    ['Netherlands', 'NL', '+25 Region: Netherlands is in the ICP'],
    ['The Netherlands', 'NL', '+25 Region: The Netherlands is in the ICP'],
    ['netherlands', 'NL', '+25 Region: netherlands is in the ICP'],
    ['Holland', 'NL', '+25 Region: Holland → Netherlands is in the ICP'],
    ['NL', 'NL', '+25 Region: NL → Netherlands is in the ICP'],
    ['nl', 'NL', '+25 Region: nl → Netherlands is in the ICP'],
    ['NLD', 'NL', '+25 Region: NLD → Netherlands is in the ICP'],
    ['Nederland', 'NL', '+25 Region: Nederland → Netherlands is in the ICP'],
    ['Niederlande', 'NL', '+25 Region: Niederlande → Netherlands is in the ICP'],
    ['Pays-Bas', 'NL', '+25 Region: Pays-Bas → Netherlands is in the ICP'],
    [
      'Koninkrijk der Nederlanden',
      'NL',
      '+25 Region: Koninkrijk der Nederlanden → Netherlands is in the ICP',
    ],
    ['  Netherlands ', 'NL', '+25 Region: Netherlands is in the ICP'],
    ['Belgium', 'BE', '+25 Region: Belgium is in the ICP'],
    ['België', 'BE', '+25 Region: België → Belgium is in the ICP'],
    ['Belgie', 'BE', '+25 Region: Belgie → Belgium is in the ICP'],
    ['Belgique', 'BE', '+25 Region: Belgique → Belgium is in the ICP'],
    ['Belgien', 'BE', '+25 Region: Belgien → Belgium is in the ICP'],
    ['BE', 'BE', '+25 Region: BE → Belgium is in the ICP'],
    ['Flanders', 'BE', '+25 Region: Flanders → Belgium is in the ICP'],
    ['Germany', 'DE', '+25 Region: Germany is in the ICP'],
    ['Deutschland', 'DE', '+25 Region: Deutschland → Germany is in the ICP'],
    ['Duitsland', 'DE', '+25 Region: Duitsland → Germany is in the ICP'],
    ['Allemagne', 'DE', '+25 Region: Allemagne → Germany is in the ICP'],
    ['DEU', 'DE', '+25 Region: DEU → Germany is in the ICP'],
    ['de', 'DE', '+25 Region: de → Germany is in the ICP'],
    ['France', 'FR', '0 Region: France is not in the ICP'],
    ['Frankrijk', 'FR', '0 Region: Frankrijk → France is not in the ICP'],
    ['Frankreich', 'FR', '0 Region: Frankreich → France is not in the ICP'],
    ['UK', 'GB', '0 Region: UK → United Kingdom is not in the ICP'],
    ['England', 'GB', '0 Region: England → United Kingdom is not in the ICP'],
    ['Great Britain', 'GB', '0 Region: Great Britain → United Kingdom is not in the ICP'],
    ['Verenigd Koninkrijk', 'GB', '0 Region: Verenigd Koninkrijk → United Kingdom is not in the ICP'],
    ['USA', 'US', '0 Region: USA → United States of America is not in the ICP'],
    ['United States', 'US', '0 Region: United States → United States of America is not in the ICP'],
    ['Vereinigte Staaten', 'US', '0 Region: Vereinigte Staaten → United States of America is not in the ICP'],
    ['Österreich', 'AT', '0 Region: Österreich → Austria is not in the ICP'],
    ['Schweiz', 'CH', '0 Region: Schweiz → Switzerland is not in the ICP'],
    ['Zwitserland', 'CH', '0 Region: Zwitserland → Switzerland is not in the ICP'],
    ['N/A', null, '0 Region: unknown ("N/A" means no value)'],
    ['NA', null, '0 Region: unknown ("NA" means no value)'],
    ['onbekend', null, '0 Region: unknown ("onbekend" means no value)'],
    ['Atlantis', null, '0 Region: unknown ("Atlantis" is not a country we know)'],
    ['Europe', null, '0 Region: unknown ("Europe" is not a country we know)'],
  ] as const)('%j reads as %j and explains as %j', (raw, value, line) => {
    expect(read(fitIntent, 'country', raw)).toBe(value);
    expect(fitLine(fitIntent, contact({ country: raw }), 'Region')).toBe(line);
  });
});

describe('job titles in Dutch, English and German', () => {
  describe('seed-fit-intent: decision-maker role', () => {
    it.each([
      ['CEO', '+25 Decision-maker role: "CEO"'],
      ['Algemeen Directeur', '+25 Decision-maker role: "Algemeen Directeur" → CEO'],
      ['algemeen directeur', '+25 Decision-maker role: "algemeen directeur" → CEO'],
      ['Geschäftsführer', '+25 Decision-maker role: "Geschäftsführer" → CEO'],
      ['Geschaftsfuhrer', '+25 Decision-maker role: "Geschaftsfuhrer" → CEO'],
      ['Managing Director', '+25 Decision-maker role: "Managing Director"'],
      ['Directeur', '+25 Decision-maker role: "Directeur" → director'],
      ['Commercieel Directeur', '+25 Decision-maker role: "Commercieel Directeur" → director'],
      ['Direktor Vertrieb', '+25 Decision-maker role: "Direktor Vertrieb" → director'],
      ['COO', '+25 Decision-maker role: "COO"'],
      ['Chief Operating Officer', '+25 Decision-maker role: "Chief Operating Officer" → COO'],
      ['Head of Operations', '+25 Decision-maker role: "Head of Operations"'],
      ['Hoofd Marketing', '+25 Decision-maker role: "Hoofd Marketing" → head of'],
      ['Leiter Einkauf', '+25 Decision-maker role: "Leiter Einkauf" → head of'],
      ['Eigenaar', '+25 Decision-maker role: "Eigenaar" → owner'],
      ['Inhaber', '+25 Decision-maker role: "Inhaber" → owner'],
      ['Oprichter', '+25 Decision-maker role: "Oprichter" → founder'],
      ['Co-Founder & CEO', '+25 Decision-maker role: "Co-Founder & CEO" → founder'],
      ['Financieel Directeur', '+25 Decision-maker role: "Financieel Directeur" → CFO'],
      ['VP Sales', '+25 Decision-maker role: "VP Sales"'],
      ['SVP Marketing', '+25 Decision-maker role: "SVP Marketing" → VP'],
      ['Operations Manager', '0 Decision-maker role: "Operations Manager" does not match'],
      ['Account Manager', '0 Decision-maker role: "Account Manager" does not match'],
      ['Assistent Directeur', '0 Decision-maker role: "Assistent Directeur" does not match'],
      [
        'Assistentin der Geschäftsführung',
        '0 Decision-maker role: "Assistentin der Geschäftsführung" does not match',
      ],
      ['Stagiair Marketing', '0 Decision-maker role: "Stagiair Marketing" does not match'],
      ['Product Owner', '0 Decision-maker role: "Product Owner" does not match'],
      ['Coordinator', '0 Decision-maker role: "Coordinator" does not match'],
      ['-', '0 Decision-maker role: unknown ("-" means no value)'],
    ] as const)('%j explains as %j', (title, line) => {
      expect(fitLine(fitIntent, contact({ jobtitle: title }), 'Decision-maker role')).toBe(line);
    });
  });

  describe('seed-industrial: operations role', () => {
    it.each([
      ['Plant Manager', '+33 Operations role: "Plant Manager"'],
      ['Productiemanager', '+33 Operations role: "Productiemanager" → production manager'],
      ['Productieleider', '+33 Operations role: "Productieleider" → production manager'],
      ['Hoofd Productie', '+33 Operations role: "Hoofd Productie" → production manager'],
      ['Head of Production', '+33 Operations role: "Head of Production" → production manager'],
      ['Produktionsleiter', '+33 Operations role: "Produktionsleiter" → production manager'],
      ['Leiter Produktion', '+33 Operations role: "Leiter Produktion" → production manager'],
      ['Betriebsleiter', '+33 Operations role: "Betriebsleiter" → plant manager'],
      ['Werksleiter', '+33 Operations role: "Werksleiter" → plant manager'],
      ['Fabrieksdirecteur', '+33 Operations role: "Fabrieksdirecteur" → plant manager'],
      ['Vestigingsmanager', '+33 Operations role: "Vestigingsmanager" → plant manager'],
      ['COO', '+33 Operations role: "COO" → operations director'],
      ['Chief Operating Officer', '+33 Operations role: "Chief Operating Officer" → operations director'],
      ['Head of Operations', '+33 Operations role: "Head of Operations" → operations director'],
      ['Director of Operations', '+33 Operations role: "Director of Operations" → operations director'],
      ['Operationeel Directeur', '+33 Operations role: "Operationeel Directeur" → operations director'],
      ['Operations Manager', '+33 Operations role: "Operations Manager"'],
      ['Bedrijfsleider', '+33 Operations role: "Bedrijfsleider" → operations manager'],
      ['VP of Operations', '+33 Operations role: "VP of Operations" → VP operations'],
      [
        'Vice President Operations EMEA',
        '+33 Operations role: "Vice President Operations EMEA" → VP operations',
      ],
      ['Assistant Plant Manager', '0 Operations role: "Assistant Plant Manager" does not match'],
      ['Assistent Productiemanager', '0 Operations role: "Assistent Productiemanager" does not match'],
      ['Praktikant Produktion', '0 Operations role: "Praktikant Produktion" does not match'],
      ['Algemeen Directeur', '0 Operations role: "Algemeen Directeur" does not match'],
      ['Sales Manager', '0 Operations role: "Sales Manager" does not match'],
      ['Coordinator Operations', '0 Operations role: "Coordinator Operations" does not match'],
    ] as const)('%j explains as %j', (title, line) => {
      expect(fitLine(industrial, contact({ jobtitle: title }), 'Operations role')).toBe(line);
    });
  });
});

describe('industries (seed-industrial: food, pharma, automotive, electronics)', () => {
  it.each([
    ['FOOD_PRODUCTION', 'FOOD_PRODUCTION', '+33 Sector: Food Production is in the ICP'],
    ['Food Production', 'FOOD_PRODUCTION', '+33 Sector: Food Production is in the ICP'],
    ['food production', 'FOOD_PRODUCTION', '+33 Sector: Food Production is in the ICP'],
    ['FOOD_BEVERAGES', 'FOOD_BEVERAGES', '+33 Sector: Food & Beverages is in the ICP'],
    ['Food & Beverages', 'FOOD_BEVERAGES', '+33 Sector: Food & Beverages is in the ICP'],
    ['Food and Beverage', 'FOOD_BEVERAGES', '+33 Sector: Food and Beverage → Food & Beverages is in the ICP'],
    ['F&B', 'FOOD_BEVERAGES', '+33 Sector: F&B → Food & Beverages is in the ICP'],
    ['Food', 'FOOD_PRODUCTION', '+33 Sector: Food → Food Production is in the ICP'],
    [
      'Voedingsmiddelenindustrie',
      'FOOD_PRODUCTION',
      '+33 Sector: Voedingsmiddelenindustrie → Food Production is in the ICP',
    ],
    [
      'Lebensmittelindustrie',
      'FOOD_PRODUCTION',
      '+33 Sector: Lebensmittelindustrie → Food Production is in the ICP',
    ],
    ['Getränke', 'FOOD_BEVERAGES', '+33 Sector: Getränke → Food & Beverages is in the ICP'],
    ['PHARMACEUTICALS', 'PHARMACEUTICALS', '+33 Sector: Pharmaceuticals is in the ICP'],
    ['Pharmaceutical', 'PHARMACEUTICALS', '+33 Sector: Pharmaceutical → Pharmaceuticals is in the ICP'],
    ['Pharma', 'PHARMACEUTICALS', '+33 Sector: Pharma → Pharmaceuticals is in the ICP'],
    [
      'Farmaceutische industrie',
      'PHARMACEUTICALS',
      '+33 Sector: Farmaceutische industrie → Pharmaceuticals is in the ICP',
    ],
    [
      'Pharmazeutische Industrie',
      'PHARMACEUTICALS',
      '+33 Sector: Pharmazeutische Industrie → Pharmaceuticals is in the ICP',
    ],
    ['AUTOMOTIVE', 'AUTOMOTIVE', '+33 Sector: Automotive is in the ICP'],
    ['automotive industry', 'AUTOMOTIVE', '+33 Sector: automotive industry → Automotive is in the ICP'],
    ['Automobilindustrie', 'AUTOMOTIVE', '+33 Sector: Automobilindustrie → Automotive is in the ICP'],
    [
      'Electronics',
      'ELECTRICAL_ELECTRONIC_MANUFACTURING',
      '+33 Sector: Electronics → Electrical/Electronic Manufacturing is in the ICP',
    ],
    ['Consumer Electronics', 'CONSUMER_ELECTRONICS', '+33 Sector: Consumer Electronics is in the ICP'],
    [
      'Elektronik',
      'ELECTRICAL_ELECTRONIC_MANUFACTURING',
      '+33 Sector: Elektronik → Electrical/Electronic Manufacturing is in the ICP',
    ],
    ['RETAIL', 'RETAIL', '0 Sector: Retail is not in the ICP'],
    ['Detailhandel', 'RETAIL', '0 Sector: Detailhandel → Retail is not in the ICP'],
    ['Software', 'COMPUTER_SOFTWARE', '0 Sector: Software → Computer Software is not in the ICP'],
    ['Maschinenbau', 'MACHINERY', '0 Sector: Maschinenbau → Machinery is not in the ICP'],
    [
      'Logistiek',
      'LOGISTICS_AND_SUPPLY_CHAIN',
      '0 Sector: Logistiek → Logistics and Supply Chain is not in the ICP',
    ],
    ['N/A', null, '0 Sector: unknown ("N/A" means no value)'],
    [
      'Bakery',
      null,
      '0 Sector: unknown ("Bakery" is not a HubSpot industry and matches no industry keyword)',
    ],
    ['Other', null, '0 Sector: unknown ("Other" is not a HubSpot industry and matches no industry keyword)'],
  ] as const)('%j reads as %j and explains as %j', (raw, value, line) => {
    expect(read(industrial, 'industry', raw)).toBe(value);
    expect(fitLine(industrial, contact({}, { industry: raw }), 'Sector')).toBe(line);
  });
});

describe('signal dates (ISO 8601, epoch seconds or milliseconds)', () => {
  const demoLine = (occurredAt: string | number) => {
    const e = evaluate({ ...contact({}), signals: [{ type: 'demo_requested', occurredAt }] }, fitIntent, NOW);
    return (
      e.explanation.find((l) => l.includes('Demo requested')) ?? e.warnings.map((w) => w.message).join('; ')
    );
  };
  it.each([
    ['2026-11-20T09:00:00Z', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20T09:00:00.123Z', '2026-11-20T09:00:00.123Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20T10:00:00+01:00', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20T10:00:00+0100', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20T04:00:00-05:00', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20T09:00:00', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20 09:00:00', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20T09:00', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['2026-09-24T12:00:00Z', '2026-09-24T12:00:00.000Z', '+15 Demo requested (2026-09-24, fading from +30)'],
    [1795165200, '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    [1795165200000, '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['1795165200', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    ['1795165200000', '2026-11-20T09:00:00.000Z', '+30 Demo requested (2026-11-20)'],
    [1795165200.5, '2026-11-20T09:00:00.500Z', '+30 Demo requested (2026-11-20)'],
    [
      '2026-12-01T09:00:00Z',
      '2026-12-01T09:00:00.000Z',
      'Signal "demo_requested" is dated in the future (2026-12-01T09:00:00.000Z): not counted',
    ],
    [
      1796000000,
      '2026-11-30T00:53:20.000Z',
      'Signal "demo_requested" is dated in the future (2026-11-30T00:53:20.000Z): not counted',
    ],
    [
      '2026-02-31T09:00:00Z',
      null,
      'Signal "demo_requested" has a date that cannot be read ("2026-02-31T09:00:00Z"): not counted',
    ],
    [
      '20-11-2026',
      null,
      'Signal "demo_requested" has a date that cannot be read ("20-11-2026"): not counted',
    ],
    ['yesterday', null, 'Signal "demo_requested" has a date that cannot be read ("yesterday"): not counted'],
    [
      '2026-11-20T25:00:00Z',
      null,
      'Signal "demo_requested" has a date that cannot be read ("2026-11-20T25:00:00Z"): not counted',
    ],
  ] as const)('%j is read as %j and explains as %j', (raw, iso, line) => {
    const ms = toEpochMs(raw);
    expect(Number.isNaN(ms) ? null : new Date(ms).toISOString()).toBe(iso);
    expect(demoLine(raw)).toBe(line);
  });
});
