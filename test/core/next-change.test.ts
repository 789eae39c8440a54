import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyReturnHold } from '../../src/core/feedback.js';
import {
  type ContactInput,
  type Evaluation,
  evaluate,
  loadPreset,
  nextChangeAt,
  parseModel,
  PRESETS,
  type PresetName,
  type QualificationModel,
  sameWrittenFacts,
  type SignalInput,
  type WrittenFacts,
  writtenFacts,
} from '../../src/core/index.js';
import { diffForWrite, LQ_PROPERTY_NAMES, qualifyOutputFields } from '../../src/hubspot/write-back.js';
import { idealContact, NOW } from './helpers.js';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const now = NOW.getTime();
const presets: PresetName[] = ['seed-fit-intent', 'seed-industrial'];
const fitIntent = loadPreset('seed-fit-intent');
const industrial = loadPreset('seed-industrial');

/** The written facts at `t`, with the return hold the scoring job applies. */
function factsAt(
  contact: ContactInput,
  model: QualificationModel,
  t: number,
  returnedAt: number | null = null,
): WrittenFacts {
  return writtenFacts(applyReturnHold(evaluate(contact, model, t), returnedAt));
}

/** The smallest whole ms in (from, to] where `pred` holds, for a predicate that stays true once true. */
function firstInstant(from: number, to: number, pred: (t: number) => boolean): number {
  let lo = from;
  let hi = to;
  expect(pred(hi)).toBe(true);
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (pred(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Every moment the written facts change, from `from` on, until they never change again. */
function timeline(contact: ContactInput, model: QualificationModel, from: number, limit = 50_000): number[] {
  const times: number[] = [];
  let t: number | null = from;
  while ((t = nextChangeAt(contact, model, t)) !== null && times.length < limit) times.push(t);
  return times;
}

// ---------------------------------------------------------------------------------------------
// Random contacts for both presets: fit properties that match, miss or are unknown; signals of
// every type (and an unknown one), past, future, long expired, repeated (counting rules) and
// negative, dated to the millisecond or on exact day boundaries, as ISO text or epoch ms.
// ---------------------------------------------------------------------------------------------

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const offsetArb = fc.oneof(
  fc.integer({ min: -200 * DAY, max: 20 * DAY }),
  fc.integer({ min: -120, max: 5 }).map((d) => d * DAY),
  fc.integer({ min: -95 * 24, max: 0 }).map((h) => h * 3_600_000),
);

function signalArb(model: QualificationModel): fc.Arbitrary<SignalInput> {
  const types = [...model.intent.signals.map((s) => s.type), 'unknown_type'];
  return fc
    .record({ type: fc.constantFrom(...types), offset: offsetArb, asNumber: fc.boolean() })
    .map(({ type, offset, asNumber }) => ({
      type,
      occurredAt: asNumber ? now + offset : new Date(now + offset).toISOString(),
    }));
}

function contactArb(model: QualificationModel): fc.Arbitrary<ContactInput> {
  return fc.record({
    id: fc.constant('c1'),
    properties: fc.record({
      email: maybe(fc.constantFrom('a@acme.nl', 'b@gmail.com', 'c@mit.edu', 'd@foodco.com')),
      jobtitle: maybe(
        fc.constantFrom('CEO', 'VP Sales', 'Plant Manager', 'Operations Director', 'Intern', 'Student'),
      ),
      country: maybe(fc.constantFrom('Netherlands', 'Germany', 'France')),
      numberofemployees: maybe(fc.constantFrom('5-25', '50-100', '100-500', '500-1000')),
      lifecyclestage: maybe(
        fc.constantFrom(
          'subscriber',
          'lead',
          'marketingqualifiedlead',
          'salesqualifiedlead',
          'customer',
          'other',
        ),
      ),
      hs_lead_status: maybe(fc.constantFrom('NEW', 'OPEN', 'IN_PROGRESS', 'UNQUALIFIED')),
    }),
    company: maybe(
      fc.record({
        name: maybe(fc.constantFrom('Acme', 'FoodCo', 'Robotix Industrial')),
        industry: maybe(
          fc.constantFrom('COMPUTER_SOFTWARE', 'INTERNET', 'FOOD_PRODUCTION', 'PHARMACEUTICALS', 'RETAIL'),
        ),
        numberofemployees: maybe(fc.constantFrom('8', '40', '250', '800', '5000')),
        lifecyclestage: maybe(fc.constantFrom('lead', 'customer')),
      }),
    ),
    signals: fc.array(signalArb(model), { maxLength: 10 }),
  });
}

/** `now` anywhere in the day after NOW, and sometimes a return by sales before it. */
const startArb = fc.record({
  start: fc.integer({ min: now, max: now + DAY }),
  returnedDaysBefore: maybe(fc.integer({ min: 0, max: 100 })),
});

/** Fractions of an interval, to pick instants inside it. */
const fractionsArb = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
  minLength: 12,
  maxLength: 12,
});

/**
 * (a) At the answer T the written facts differ from those at `start`; at T − 1 and at the given
 * instants in between they are the same. (b) With no answer, they are the same for 10 years.
 */
function checkNextChange(
  contact: ContactInput,
  model: QualificationModel,
  start: number,
  returnedAt: number | null,
  fractions: readonly number[],
): void {
  const T = nextChangeAt(contact, model, start, { returnedAt });
  const before = factsAt(contact, model, start, returnedAt);
  if (T === null) {
    for (const f of fractions)
      expect(factsAt(contact, model, start + Math.floor(f * 10 * YEAR), returnedAt)).toEqual(before);
    return;
  }
  expect(Number.isInteger(T)).toBe(true);
  expect(T).toBeGreaterThan(start);
  expect(sameWrittenFacts(factsAt(contact, model, T, returnedAt), before)).toBe(false);
  expect(factsAt(contact, model, T - 1, returnedAt)).toEqual(before);
  // Instants strictly between: start + 1 … T − 1.
  for (const f of T - start > 1 ? fractions : []) {
    const s = start + 1 + Math.floor(f * (T - start - 1));
    expect(factsAt(contact, model, s, returnedAt)).toEqual(before);
  }
}

/**
 * Follows the timeline change by change: each change is one against the facts of the previous
 * one (same at T − 1 and halfway, different at T), and an hourly scan of `days` sees nothing else.
 */
function checkTimeline(contact: ContactInput, model: QualificationModel, start: number, days: number): void {
  const times = timeline(contact, model, start);
  let previous = start;
  let expected = factsAt(contact, model, start);
  let k = 0;
  for (let s = start; s <= start + days * DAY; s += 3_600_000) {
    while (k < times.length && times[k]! <= s) {
      const T = times[k]!;
      expect(factsAt(contact, model, T - 1)).toEqual(expected);
      expect(factsAt(contact, model, previous + Math.floor((T - previous) / 2))).toEqual(expected);
      const next = factsAt(contact, model, T);
      expect(sameWrittenFacts(next, expected)).toBe(false);
      expected = next;
      previous = T;
      k++;
    }
    expect(factsAt(contact, model, s)).toEqual(expected);
  }
}

describe.each(presets)('nextChangeAt with the %s preset, against evaluate', (name) => {
  const model = loadPreset(name);

  it('when it gives T, then the written facts change at T, not at T − 1, nor at any instant between now and T; when null, not for 10 years', () => {
    fc.assert(
      fc.property(
        contactArb(model),
        startArb,
        fractionsArb,
        (contact, { start, returnedDaysBefore }, fractions) =>
          checkNextChange(
            contact,
            model,
            start,
            returnedDaysBefore === null ? null : start - returnedDaysBefore * DAY,
            fractions,
          ),
      ),
      { numRuns: 1000 },
    );
  });

  it('when followed change by change, then an hourly scan of 200 days sees no change the timeline misses', () => {
    fc.assert(
      fc.property(contactArb(model), fc.integer({ min: now, max: now + DAY }), (contact, start) =>
        checkTimeline(contact, model, start, 200),
      ),
      { numRuns: 40 },
    );
  });
});

/**
 * Variants of seed-fit-intent with other points, ageing (hard windows, fractional days, no full
 * period), counting rules and installed-base windows, so nothing depends on the presets' numbers.
 */
const modelVariantArb: fc.Arbitrary<QualificationModel> = fc
  .record({
    signals: fc.array(
      fc.record({
        points: fc.integer({ min: -100, max: 100 }),
        fullDays: fc.oneof(fc.constantFrom(0, 0.5, 7, 30), fc.double({ min: 0, max: 60, noNaN: true })),
        extraDays: fc.oneof(fc.constantFrom(0, 0.25, 1, 60), fc.double({ min: 0, max: 90, noNaN: true })),
        from: fc.integer({ min: 1, max: 3 }),
        max: fc.constantFrom(null, 1, 2),
      }),
      { minLength: 8, maxLength: 8 },
    ),
    windowDays: fc.oneof(fc.constantFrom(0.5, 7, 30), fc.double({ min: 0.01, max: 120, noNaN: true })),
  })
  .map(({ signals, windowDays }) => {
    const input = structuredClone(PRESETS['seed-fit-intent']);
    input.intent.signals.forEach((signal, i) => {
      const v = signals[i]!;
      signal.points = v.points;
      const expiresAfterDays = Math.max(v.fullDays + v.extraDays, 0.01);
      signal.ageing = { fullDays: Math.min(v.fullDays, expiresAfterDays), expiresAfterDays };
      signal.counting = { from: v.from, max: v.max };
    });
    input.thresholds.installedBase!.windowDays = windowDays;
    const parsed = parseModel(input);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
    return parsed.model;
  });

describe('nextChangeAt with random variants of a model, against evaluate', () => {
  const contactForVariant = contactArb(fitIntent);

  it('when it gives T, then the written facts change at T and not before; when null, not for 10 years', () => {
    fc.assert(
      fc.property(
        modelVariantArb,
        contactForVariant,
        startArb,
        fractionsArb,
        (model, contact, { start, returnedDaysBefore }, fractions) =>
          checkNextChange(
            contact,
            model,
            start,
            returnedDaysBefore === null ? null : start - returnedDaysBefore * DAY,
            fractions,
          ),
      ),
      { numRuns: 1000 },
    );
  });

  it('when followed change by change, then an hourly scan of 200 days sees no change the timeline misses', () => {
    fc.assert(
      fc.property(
        modelVariantArb,
        contactForVariant,
        fc.integer({ min: now, max: now + DAY }),
        (model, contact, start) => checkTimeline(contact, model, start, 200),
      ),
      { numRuns: 40 },
    );
  });
});

describe('nextChangeAt: worked examples from the seeds', () => {
  it('when the only signal is a fresh demo request (+30, full for 30 days, gone after 90), then the explanation changes first, just after 30.3 days, when it starts to say "fading"', () => {
    const contact = idealContact({ signals: [{ type: 'demo_requested', occurredAt: now }] });
    const T = nextChangeAt(contact, fitIntent, now);
    // The share left (two decimals) drops below 1 once (90 − age) / 60 < 0.995: age > 30.3 days.
    expect(T).toBe(
      firstInstant(
        now,
        now + 31 * DAY,
        (t) => evaluate(contact, fitIntent, t).intent.parts[0]!.decayFactor < 1,
      ),
    );
    expect(Math.abs(T! - (now + 30.3 * DAY))).toBeLessThanOrEqual(1);
    expect(evaluate(contact, fitIntent, T!).explanation[1]).toBe(
      '+30 Demo requested (2026-11-23, fading from +30)',
    );
    expect(evaluate(contact, fitIntent, T! - 1).explanation[1]).toBe('+30 Demo requested (2026-11-23)');
  });

  it('when a demo request fades, then the written values change once per point lost, not once a day', () => {
    const contact = idealContact({ signals: [{ type: 'demo_requested', occurredAt: now }] });
    const changes = timeline(contact, fitIntent, now);
    // Full for 30 days, then 30 points lost over 60 days: one change when it starts to fade and one
    // per point (the last one is the signal expiring).
    expect(changes.length).toBeLessThanOrEqual(32);
    expect(changes.at(-1)).toBeLessThanOrEqual(now + 90 * DAY + 1);
  });

  it('when a demo request ages, then its points first drop below 30 one millisecond after 31 days (29.5 rounds up to 30)', () => {
    const contact = idealContact({ signals: [{ type: 'demo_requested', occurredAt: now }] });
    const intentChange = timeline(contact, fitIntent, now).find(
      (t) => evaluate(contact, fitIntent, t).intent.score !== 30,
    );
    expect(intentChange).toBe(now + 31 * DAY + 1);
    expect(evaluate(contact, fitIntent, now + 31 * DAY).intent.score).toBe(30);
    expect(evaluate(contact, fitIntent, now + 31 * DAY + 1).intent.score).toBe(29);
  });

  it('when an MQL has intent 60 from a demo, a pricing view and a comparison on one day, then the timeline holds the instant it stops being an MQL', () => {
    const contact = idealContact({
      signals: [
        { type: 'demo_requested', occurredAt: now },
        { type: 'pricing_page_viewed', occurredAt: now },
        { type: 'comparison_viewed', occurredAt: now },
      ],
    });
    expect(evaluate(contact, fitIntent, now)).toMatchObject({ qualification: 'mql', intent: { score: 60 } });
    const lost = firstInstant(
      now,
      now + 90 * DAY,
      (t) => evaluate(contact, fitIntent, t).qualification !== 'mql',
    );
    // At 39 days (f = 0.85) the demo's 25.5 and the comparison's 8.5 still round up: 26 + 17 + 9 = 52.
    // A millisecond later both round down: 25 + 17 + 8 = 50, which is not above the bar of 50.
    expect(lost).toBe(now + 39 * DAY + 1);
    expect(evaluate(contact, fitIntent, lost - 1).intent.score).toBe(52);
    expect(evaluate(contact, fitIntent, lost).intent.score).toBe(50);
    const times = timeline(contact, fitIntent, now);
    expect(times.find((t) => evaluate(contact, fitIntent, t).qualification !== 'mql')).toBe(lost);
    expect(evaluate(contact, fitIntent, lost)).toMatchObject({ qualification: 'nurture', route: null });
  });

  it('when an existing customer qualifies only through the installed-base window, then it loses MQL one millisecond after the window closes', () => {
    const contact = idealContact({
      properties: { country: 'France', jobtitle: 'Engineer', lifecyclestage: 'customer' },
      company: { industry: 'RETAIL' },
      signals: [{ type: 'pricing_page_viewed', occurredAt: now - 10 * DAY }],
    });
    const e = evaluate(contact, fitIntent, now);
    expect([e.qualification, e.route?.kind]).toEqual(['mql', 'installed-base']);
    const T = nextChangeAt(contact, fitIntent, now);
    expect(T).toBe(now - 10 * DAY + 30 * DAY + 1);
    expect(evaluate(contact, fitIntent, T!)).toMatchObject({ qualification: 'nurture', route: null });
  });

  it('when the first of two demo no-shows expires, then the second is the first again and its −30 stops counting', () => {
    const contact = idealContact({
      signals: [
        { type: 'trial_started', occurredAt: now - DAY },
        { type: 'demo_no_show', occurredAt: now - 89.5 * DAY },
        { type: 'demo_no_show', occurredAt: now - 2 * DAY },
      ],
    });
    expect(evaluate(contact, fitIntent, now).intent.score).toBe(10);
    const T = nextChangeAt(contact, fitIntent, now);
    expect(T).toBe(now + 0.5 * DAY);
    expect(evaluate(contact, fitIntent, T!).intent.score).toBe(40);
  });

  it('when a signal is dated in the future, then the change is the millisecond it happens', () => {
    const at = now + 5 * DAY + 123;
    const contact = idealContact({
      signals: [{ type: 'trial_started', occurredAt: new Date(at).toISOString() }],
    });
    expect(nextChangeAt(contact, fitIntent, now)).toBe(at);
    expect(evaluate(contact, fitIntent, at).intent.score).toBe(40);
  });

  it('when a signal has a hard window (fullDays = expiresAfterDays), then it keeps its points to the end and the change is one millisecond after', () => {
    const input = structuredClone(PRESETS['seed-industrial']);
    input.intent.signals[0]!.ageing = { fullDays: 14, expiresAfterDays: 14 };
    const parsed = parseModel(input);
    if (!parsed.success) throw new Error('model');
    const contact = idealContact({ signals: [{ type: 'demo_requested', occurredAt: now - DAY }] });
    expect(nextChangeAt(contact, parsed.model, now)).toBe(now - DAY + 14 * DAY + 1);
  });

  it('when nothing can change on its own, then the answer is null', () => {
    const cases: ContactInput[] = [
      idealContact(),
      idealContact({ signals: [{ type: 'demo_requested', occurredAt: now - 120 * DAY }] }),
      idealContact({ signals: [{ type: 'email_engaged', occurredAt: now - DAY }] }),
      idealContact({ signals: [{ type: 'unknown_type', occurredAt: now + DAY }] }),
      idealContact({ signals: [{ type: 'demo_requested', occurredAt: 'not a date' }] }),
    ];
    for (const contact of cases) expect(nextChangeAt(contact, fitIntent, now)).toBeNull();
  });

  it('when a contact is disqualified, then its ageing intent still changes the written scores', () => {
    const contact = idealContact({
      properties: { email: 'anna@gmail.com' },
      signals: [{ type: 'webinar_attended', occurredAt: now - 40 * DAY }],
    });
    const e = evaluate(contact, industrial, now);
    expect(e.qualification).toBe('disqualified');
    const T = nextChangeAt(contact, industrial, now);
    expect(T).not.toBeNull();
    expect(T! - now).toBeLessThan(DAY);
  });

  it('when sales returned an MQL and its only signal since then expires, then the return hold takes over at that millisecond', () => {
    // Trial and demo count fully for 90 days; a pricing view only for a hard window of 7 days.
    const input = structuredClone(PRESETS['seed-fit-intent']);
    for (const signal of input.intent.signals)
      signal.ageing =
        signal.type === 'pricing_page_viewed'
          ? { fullDays: 7, expiresAfterDays: 7 }
          : { fullDays: 90, expiresAfterDays: 120 };
    const parsed = parseModel(input);
    if (!parsed.success) throw new Error('model');
    const model = parsed.model;
    const returnedAt = now - 10 * DAY;
    const contact = idealContact({
      signals: [
        { type: 'trial_started', occurredAt: now - 20 * DAY },
        { type: 'demo_requested', occurredAt: now - 20 * DAY },
        { type: 'pricing_page_viewed', occurredAt: now - 3 * DAY },
      ],
    });
    expect(factsAt(contact, model, now, returnedAt)).toMatchObject({ qualification: 'mql', intentScore: 90 });
    const T = nextChangeAt(contact, model, now, { returnedAt });
    expect(T).toBe(now + 4 * DAY + 1);
    expect(factsAt(contact, model, T!, returnedAt)).toMatchObject({
      qualification: 'nurture',
      route: null,
      lifecycleStage: 'lead',
      intentScore: 70,
    });
    expect(factsAt(contact, model, T!)).toMatchObject({ qualification: 'mql', intentScore: 70 });
  });
});

describe('writtenFacts: exactly the evaluation values the app writes', () => {
  const contacts = contactArb(fitIntent);
  const current = fc.record(
    Object.fromEntries(
      [...LQ_PROPERTY_NAMES, 'lifecyclestage', 'hs_lead_status'].map((n) => [
        n,
        maybe(fc.constantFrom('', '0', '30', 'mql', 'nurture', 'lead', 'marketingqualifiedlead', 'NEW')),
      ]),
    ),
  );

  /** The evaluation with every value outside its written facts replaced by something else. */
  function scrambled(e: Evaluation): Evaluation {
    return {
      ...e,
      contactId: `${e.contactId}-other`,
      evaluatedAt: '1999-01-01T00:00:00.000Z',
      fit: { score: e.fit.score, raw: e.fit.raw + 1000, parts: [] },
      intent: {
        score: e.intent.score,
        raw: -e.intent.raw - 1,
        parts: [],
        ignored: { expired: 9, future: 9, unknownType: 9, invalidDate: 9, duplicate: 9 },
      },
      disqualification: e.disqualification && { ...e.disqualification, id: 'other' },
      isCustomer: !e.isCustomer,
      mqlRule: { fitPasses: false, intentPasses: false, missingRequired: ['x'], installedBaseSignal: 'x' },
      lifecycle: { ...e.lifecycle, current: 'other-current', why: 'scrambled' },
      leadStatus: { ...e.leadStatus, current: 'other-current', why: 'scrambled' },
      route: e.route && {
        kind: e.route.kind,
        to: 'new-business-team',
        followUpSlaHours: 1,
        acceptanceSlaHours: 1,
        why: '',
      },
    };
  }

  it('when everything outside the written facts differs, then diffForWrite and the action outputs are the same', () => {
    fc.assert(
      fc.property(contacts, fc.integer({ min: 0, max: 120 * DAY }), current, (contact, offset, props) => {
        const e = evaluate(contact, fitIntent, now + offset);
        const other = scrambled(e);
        expect(writtenFacts(other)).toEqual(writtenFacts(e));
        expect(diffForWrite(other, props, now)).toEqual(diffForWrite(e, props, now));
        expect(qualifyOutputFields(other)).toEqual(qualifyOutputFields(e));
      }),
      { numRuns: 500 },
    );
  });

  it('when two instants of one contact have equal written facts, then they write the same values', () => {
    fc.assert(
      fc.property(
        contacts,
        fc.integer({ min: 0, max: 120 * DAY }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        current,
        (contact, offset, f, props) => {
          // The second instant lies before the next change, so the facts are equal by the other tests.
          const t = now + offset;
          const T = nextChangeAt(contact, fitIntent, t) ?? t + 10 * YEAR;
          const a = evaluate(contact, fitIntent, t);
          const b = evaluate(contact, fitIntent, t + Math.floor(f * (T - t)));
          expect(sameWrittenFacts(writtenFacts(a), writtenFacts(b))).toBe(true);
          expect(diffForWrite(b, props, now)).toEqual(diffForWrite(a, props, now));
          expect(qualifyOutputFields(b)).toEqual(qualifyOutputFields(a));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('when any one written fact differs, then something written differs (no fact is superfluous)', () => {
    const e = evaluate(
      idealContact({
        signals: [
          { type: 'demo_requested', occurredAt: now },
          { type: 'trial_started', occurredAt: now },
        ],
      }),
      fitIntent,
      now,
    );
    const mutations: Record<keyof WrittenFacts, (e: Evaluation) => Evaluation> = {
      modelVersion: (x) => ({ ...x, modelVersion: 'other@2' }),
      fitScore: (x) => ({ ...x, fit: { ...x.fit, score: x.fit.score - 1 } }),
      intentScore: (x) => ({ ...x, intent: { ...x.intent, score: x.intent.score - 1 } }),
      qualification: (x) => ({ ...x, qualification: 'iql' }),
      isMql: (x) => ({ ...x, isMql: !x.isMql }),
      explanation: (x) => ({ ...x, explanation: [...x.explanation, 'one more line'] }),
      disqualification: (x) => ({
        ...x,
        disqualification: { id: 'free_email', reason: 'Free e-mail domain', detail: 'x' },
      }),
      route: (x) => ({ ...x, route: null }),
      lifecycleStage: (x) => ({ ...x, lifecycle: { ...x.lifecycle, proposed: 'salesqualifiedlead' } }),
      lifecycleChanged: (x) => ({ ...x, lifecycle: { ...x.lifecycle, changed: false } }),
      leadStatus: (x) => ({ ...x, leadStatus: { ...x.leadStatus, proposed: 'OPEN' } }),
      leadStatusChanged: (x) => ({ ...x, leadStatus: { ...x.leadStatus, changed: false } }),
    };
    const props = { lifecyclestage: 'lead' };
    const written = (x: Evaluation) => ({
      diff: diffForWrite(x, props, now),
      outputs: qualifyOutputFields(x),
    });
    for (const [fact, mutate] of Object.entries(mutations)) {
      const other = mutate(e);
      const differs = Object.entries(writtenFacts(other)).filter(
        ([k, v]) => JSON.stringify(v) !== JSON.stringify(writtenFacts(e)[k as keyof WrittenFacts]),
      );
      expect(
        differs.map(([k]) => k),
        fact,
      ).toEqual([fact]);
      expect(written(other), fact).not.toEqual(written(e));
    }
  });
});
