/**
 * Properties of the normalisation layer and of signals, checked with fast-check: reading is
 * idempotent, an unknown value never disqualifies, and a duplicate signal never changes a score.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ContactInput,
  evaluate,
  loadPreset,
  MAX_EXPLANATION_LINES,
  modelIndex,
  type PresetName,
  type SignalInput,
  toEpochMs,
  UNKNOWN_VALUES,
  VALUE_KINDS,
} from '../../src/core/index.js';
import { explainedPoints, NOW } from './helpers.js';

const presets: PresetName[] = ['seed-fit-intent', 'seed-industrial'];
const normalizer = modelIndex(loadPreset('seed-industrial')).normalizer;

/** Values as portals hold them, plus anything at all. */
const messyValue = fc.oneof(
  fc.constantFrom(
    ...UNKNOWN_VALUES,
    '',
    '  ',
    'Holland',
    'NL',
    'Nederland',
    'Deutschland',
    'Atlantis',
    'Food and Beverage',
    'PHARMACEUTICALS',
    'automotive industry',
    'Bakery',
    '100–500',
    '1000+',
    '>500',
    '500 or more',
    'meer dan 500',
    '<10',
    '1.200',
    "12'000",
    '0',
    '-5',
    'ca. 250 medewerkers',
    '1.5k',
    'between 10 and 50',
  ),
  fc.string(),
  fc.integer({ min: -10, max: 100_000 }).map(String),
  fc
    .tuple(
      fc.integer({ min: 0, max: 5000 }),
      fc.constantFrom('-', '–', '—', ' to ', ' tot '),
      fc.integer({ min: 0, max: 5000 }),
    )
    .map(([a, sep, b]) => `${a}${sep}${b}`),
);

describe('reading values', () => {
  it('is idempotent: reading the canonical value again gives the same value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALUE_KINDS), messyValue, (kind, raw) => {
        const once = normalizer.read(kind, raw);
        if (once.value === null) return;
        const twice = normalizer.read(kind, once.value);
        expect(twice.value).toBe(once.value);
        expect(twice.interval).toEqual(once.interval);
        expect(twice.label).toBe(once.label);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every "no value" token as unknown in every kind, whatever its case and spacing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VALUE_KINDS),
        fc.constantFrom(...UNKNOWN_VALUES),
        fc.boolean(),
        (kind, token, upper) => {
          const read = normalizer.read(kind, ` ${upper ? token.toUpperCase() : token.toLowerCase()} `);
          expect(read.value).toBeNull();
          expect(read.reason).toBe('means no value');
        },
      ),
    );
  });
});

/** A value that reads as unknown: a token, blank text, or something no kind can read. */
const unknownValue = fc.constantFrom(
  ...UNKNOWN_VALUES,
  '',
  '   ',
  null,
  'Atlantis',
  'lots',
  '0',
  '-5',
  'zzz-qqq',
);

const unknownContact: fc.Arbitrary<ContactInput> = fc.record({
  id: fc.constant('u'),
  properties: fc.record({
    email: unknownValue,
    jobtitle: fc.constantFrom(...UNKNOWN_VALUES, '', null),
    country: unknownValue,
    industry: unknownValue,
    company: unknownValue,
    numemployees: unknownValue,
    numberofemployees: unknownValue,
  }),
  company: fc.record({
    name: unknownValue,
    industry: unknownValue,
    numberofemployees: unknownValue,
    country: unknownValue,
  }),
  signals: fc.constant([]),
});

describe.each(presets)('with the %s preset', (name) => {
  const model = loadPreset(name);

  it('an unknown value never disqualifies and never gives fit points', () => {
    fc.assert(
      fc.property(unknownContact, (contact) => {
        const e = evaluate(contact, model, NOW);
        expect(e.disqualification).toBeNull();
        expect(e.fit.raw).toBe(0);
        for (const part of e.fit.parts) expect(part.status).not.toBe('match');
      }),
    );
  });

  const signalArb: fc.Arbitrary<SignalInput> = fc.record(
    {
      type: fc.constantFrom(...model.intent.signals.map((s) => s.type), 'unknown_type'),
      occurredAt: fc.integer({ min: -120 * 24 * 60, max: 2 * 24 * 60 }).chain((m) => {
        const ms = NOW.getTime() + m * 60_000;
        return fc.constantFrom<string | number>(new Date(ms).toISOString(), ms, ms / 1000, String(ms / 1000));
      }),
      sourceId: fc.constantFrom('a', 'b', null),
    },
    { requiredKeys: ['type', 'occurredAt'] },
  );

  const withSignals = fc.record({
    id: fc.constant('s'),
    properties: fc.record({
      email: fc.constantFrom('a@acme.nl', 'b@gmail.com'),
      jobtitle: fc.constantFrom('CEO', 'Plant Manager', 'Betriebsleiter', 'Engineer'),
      country: fc.constantFrom('Holland', 'France', 'N/A'),
      lifecyclestage: fc.constantFrom('lead', 'customer', null),
    }),
    company: fc.record({
      industry: fc.constantFrom('Food and Beverage', 'COMPUTER_SOFTWARE', 'N/A'),
      numberofemployees: fc.constantFrom('100–500', '1000+', '0', '250'),
      lifecyclestage: fc.constantFrom('lead', 'customer'),
    }),
    signals: fc.array(signalArb, { minLength: 1, maxLength: 10 }),
  });

  it('adding a duplicate signal (same type, time and source, in any time format) never changes any score', () => {
    fc.assert(
      fc.property(withSignals, fc.nat(), fc.nat(3), (contact, pick, format) => {
        const before = evaluate(contact, model, NOW);
        const original = contact.signals[pick % contact.signals.length]!;
        // The same instant, written another way when it can be read.
        const ms = toEpochMs(original.occurredAt);
        const ways = [original.occurredAt, new Date(ms).toISOString(), ms, ms / 1000];
        const copy = { ...original, occurredAt: ways[format]! };
        const after = evaluate({ ...contact, signals: [...contact.signals, copy] }, model, NOW);
        expect([after.fit.score, after.fit.raw, after.intent.score, after.intent.raw]).toEqual([
          before.fit.score,
          before.fit.raw,
          before.intent.score,
          before.intent.raw,
        ]);
        expect(after.intent.parts).toEqual(before.intent.parts.map((p) => ({ ...p })));
        expect(after.qualification).toBe(before.qualification);
        expect(after.explanation).toEqual(before.explanation);
      }),
    );
  });

  it('on messy values the explanation still has at most 8 lines whose points add up to the scores', () => {
    fc.assert(
      fc.property(withSignals, messyValue, messyValue, messyValue, (contact, a, b, c) => {
        const messy = {
          ...contact,
          properties: { ...contact.properties, jobtitle: a, country: b },
          company: { ...contact.company, industry: c, numberofemployees: a },
        };
        const e = evaluate(messy, model, NOW);
        expect(e.explanation.length).toBeLessThanOrEqual(MAX_EXPLANATION_LINES);
        expect(explainedPoints(e.explanation)).toBe(e.fit.raw + e.intent.raw);
      }),
    );
  });
});
