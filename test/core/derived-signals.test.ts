import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  derivedProperties,
  derivedSignals,
  evaluate,
  parseModel,
  PRESETS,
  type PropertyVersion,
  type QualificationModel,
  type RecordHistory,
  watchedProperties,
} from '../../src/core/index.js';
import { idealContact, NOW } from './helpers.js';

function preset(name: 'seed-fit-intent' | 'seed-industrial'): QualificationModel {
  const parsed = parseModel(PRESETS[name]);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
  return parsed.model;
}

const model = preset('seed-fit-intent');
const T = Date.parse('2026-11-20T09:00:00Z');
const MIN = 60_000;

const contact = (history: RecordHistory['history'], id = '101'): RecordHistory => ({
  object: 'contact',
  id,
  history,
});

describe('derived signals from a record history', () => {
  it('when hs_email_optout becomes true, then one unsubscribed signal is dated with HubSpot’s timestamp', () => {
    const signals = derivedSignals(
      model,
      contact({
        hs_email_optout: [
          { value: 'false', timestamp: T - 10 * MIN },
          { value: 'true', timestamp: T },
        ],
      }),
    );
    expect(signals).toEqual([
      {
        type: 'unsubscribed',
        occurredAt: T,
        sourceKey: `contact:101:hs_email_optout:${T}`,
        object: 'contact',
        objectId: '101',
        property: 'hs_email_optout',
        value: 'true',
      },
    ]);
  });

  it('when the opt-out is set to true again without going back to false, then it is still one signal', () => {
    const signals = derivedSignals(
      model,
      contact({
        hs_email_optout: [
          { value: 'true', timestamp: T },
          { value: 'true', timestamp: T + MIN },
        ],
      }),
    );
    expect(signals.map((s) => s.occurredAt)).toEqual([T]);
  });

  it('when a form conversion of the demo form is in the history, then demo_requested is derived; other forms give none', () => {
    const signals = derivedSignals(
      model,
      contact({
        num_conversion_events: [
          { value: '1', timestamp: T - 60 * MIN },
          { value: '2', timestamp: T },
        ],
        recent_conversion_event_name: [
          { value: 'Newsletter sign-up', timestamp: T - 60 * MIN },
          // Written with the conversion, a few milliseconds later.
          { value: 'Request a Demo', timestamp: T + 3 },
        ],
      }),
    );
    expect(signals.map((s) => [s.type, s.occurredAt])).toEqual([['demo_requested', T]]);
  });

  it('when num_conversion_events does not increase (same or lower), then no signal', () => {
    const signals = derivedSignals(
      model,
      contact({
        num_conversion_events: [
          { value: '2', timestamp: T - MIN },
          { value: '2', timestamp: T },
          { value: '1', timestamp: T + MIN },
        ],
        recent_conversion_event_name: [{ value: 'Demo request', timestamp: T - MIN }],
      }),
    );
    expect(signals.map((s) => s.occurredAt)).toEqual([T - MIN]);
  });

  it('when a meeting’s outcome becomes NO_SHOW, then demo_no_show is derived from the meeting', () => {
    const signals = derivedSignals(model, {
      object: 'meeting',
      id: '7001',
      history: {
        hs_meeting_outcome: [
          { value: 'SCHEDULED', timestamp: T - 60 * MIN },
          { value: 'NO_SHOW', timestamp: T },
        ],
      },
    });
    expect(signals.map((s) => [s.type, s.sourceKey])).toEqual([
      ['demo_no_show', `meeting:7001:hs_meeting_outcome:${T}`],
    ]);
  });

  it('when a contact rule meets a meeting record, then it derives nothing from it', () => {
    const signals = derivedSignals(model, {
      object: 'meeting',
      id: '1',
      history: { hs_email_optout: [{ value: 'true', timestamp: T }] },
    });
    expect(signals).toEqual([]);
  });

  it('when the model is read, then the properties to read and to watch are listed per record', () => {
    expect(derivedProperties(model)).toEqual({
      contact: ['hs_email_optout', 'num_conversion_events', 'recent_conversion_event_name'],
      meeting: ['hs_meeting_outcome'],
    });
    expect(watchedProperties(model)).toEqual({
      contact: ['hs_email_optout', 'num_conversion_events'],
      meeting: ['hs_meeting_outcome'],
    });
  });

  it('when the derived signals are evaluated, then they are explained with their date like any signal', () => {
    const signals = derivedSignals(
      model,
      contact({
        num_conversion_events: [{ value: '1', timestamp: T }],
        recent_conversion_event_name: [{ value: 'Demo request', timestamp: T }],
      }),
    );
    const evaluation = evaluate(
      idealContact({
        signals: [
          ...signals.map((s) => ({ type: s.type, occurredAt: s.occurredAt, sourceId: s.sourceKey })),
          { type: 'trial_started', occurredAt: '2026-11-21T09:00:00Z' },
        ],
      }),
      model,
      NOW,
    );
    expect(evaluation.qualification).toBe('mql');
    expect(evaluation.explanation).toContain('+30 Demo requested (2026-11-20)');
  });
});

describe('derived signals, properties that hold for any history', () => {
  const valueArb = fc.constantFrom('true', 'false', null, '');
  const timestampArb = fc.integer({ min: T - 100 * 86_400_000, max: T });
  const versionArb = fc.record({ value: valueArb, timestamp: timestampArb });
  const countArb = fc.record({
    value: fc.oneof(fc.integer({ min: 0, max: 5 }).map(String), fc.constant(null)),
    timestamp: timestampArb,
  });
  const nameArb = fc.record({
    value: fc.constantFrom('Demo request', 'Newsletter', 'Whitepaper download', null),
    timestamp: timestampArb,
  });
  const historyArb = fc.record({
    hs_email_optout: fc.array(versionArb, { maxLength: 8 }),
    num_conversion_events: fc.array(countArb, { maxLength: 8 }),
    recent_conversion_event_name: fc.array(nameArb, { maxLength: 8 }),
  });
  const shuffled = <T>(items: readonly T[], seed: number): T[] =>
    items
      .map((item, i) => ({ item, key: (i * 7919 + seed * 104729) % 1_000_003 }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.item);

  for (const name of ['seed-fit-intent', 'seed-industrial'] as const) {
    const m = preset(name);

    it(`when the same changes arrive twice, in any order (${name}), then the signals are the same`, () => {
      fc.assert(
        fc.property(historyArb, fc.integer({ min: 0, max: 1000 }), (history, seed) => {
          const once = derivedSignals(m, contact(history));
          const doubled = Object.fromEntries(
            Object.entries(history).map(([p, versions]) => [
              p,
              shuffled([...versions, ...versions] as PropertyVersion[], seed),
            ]),
          );
          expect(derivedSignals(m, contact(doubled))).toEqual(once);
        }),
        { numRuns: 300 },
      );
    });

    it(`when signals are derived (${name}), then each is dated with a timestamp of its source, never another time`, () => {
      fc.assert(
        fc.property(historyArb, (history) => {
          for (const s of derivedSignals(m, contact(history))) {
            const timestamps = (history[s.property as keyof typeof history] ?? []).map((v) => v.timestamp);
            expect(timestamps).toContain(s.occurredAt);
            expect(s.sourceKey).toBe(`contact:101:${s.property}:${s.occurredAt}`);
          }
        }),
        { numRuns: 300 },
      );
    });

    it(`when a history is split into a known past and later changes (${name}), then the later part adds no signal the whole history lacks`, () => {
      fc.assert(
        fc.property(historyArb, timestampArb, (history, cut) => {
          const whole = new Set(derivedSignals(m, contact(history)).map((s) => `${s.type}|${s.sourceKey}`));
          const past = Object.fromEntries(
            Object.entries(history).map(([p, vs]) => [p, vs.filter((v) => v.timestamp <= cut)]),
          );
          for (const s of derivedSignals(m, contact(past)))
            if (s.property !== 'num_conversion_events') expect(whole).toContain(`${s.type}|${s.sourceKey}`);
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('derived rules in the model', () => {
  const withSignal = (signal: unknown) => ({
    ...PRESETS['seed-fit-intent'],
    intent: { signals: [signal] },
    thresholds: { mql: { fit: { operator: '>', value: 60 }, intent: { operator: '>', value: 50 } } },
    routing: { slaHours: {} },
    feedback: { reasonSignals: {} },
  });

  it('when a derived rule is malformed, then each problem is named with its JSON path', () => {
    const result = parseModel(
      withSignal({
        type: 'unsubscribed',
        label: 'Unsubscribed',
        points: -20,
        ageing: { fullDays: 30, expiresAfterDays: 90 },
        derivedFrom: [
          {
            object: 'deal',
            property: 'Hs-Email',
            change: { type: 'becomes', match: { type: 'regex', pattern: '(?=x)' } },
          },
          {
            object: 'contact',
            property: 'num_conversion_events',
            change: { type: 'increases' },
            conditions: [{ property: 'meeting.hs_meeting_title', match: { type: 'known' } }],
          },
        ],
      }),
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.problems).toEqual([
      { path: '$.intent.signals[0].derivedFrom[0].object', message: 'must be "contact" or "meeting"' },
      {
        path: '$.intent.signals[0].derivedFrom[0].property',
        message: 'must be a HubSpot internal property name (lower case, digits, _)',
      },
      {
        path: '$.intent.signals[0].derivedFrom[0].change.match.pattern',
        message: 'uses a look-ahead, which the linear-time engine does not support',
      },
      {
        path: '$.intent.signals[0].derivedFrom[1].conditions[0].property',
        message: 'must name a property of the contact the rule watches ("contact.<property>")',
      },
    ]);
  });

  it('when a signal lists more derived rules than allowed, then the list is refused at its path', () => {
    const rule = { object: 'contact', property: 'hs_email_optout', change: { type: 'increases' } };
    const result = parseModel(
      withSignal({
        type: 'unsubscribed',
        label: 'Unsubscribed',
        points: -20,
        ageing: { fullDays: 30, expiresAfterDays: 90 },
        derivedFrom: Array.from({ length: 11 }, () => rule),
      }),
    );
    expect(result.success).toBe(false);
    if (!result.success)
      expect(result.problems).toContainEqual({
        path: '$.intent.signals[0].derivedFrom',
        message: 'must list at most 10 rules',
      });
  });
});
