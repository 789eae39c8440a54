/**
 * Every model list and number has a bound the schema enforces (MODEL_LIMITS, listed in the README),
 * reported at its JSON path like any other model problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_LIMITS, parseModel, PRESETS } from '../../src/core/index.js';

function seedInput() {
  return structuredClone(PRESETS['seed-fit-intent']) as unknown as Record<string, any>;
}

function problemsOf(input: unknown) {
  const result = parseModel(input);
  return result.success ? [] : result.problems;
}

const MB = 'x'.repeat(1_048_576);

describe('numbers', () => {
  it('when expiresAfterDays is 1e300, then it is refused: at most ten years', () => {
    const input = seedInput();
    input.intent.signals[0].ageing = { fullDays: 30, expiresAfterDays: 1e300 };
    expect(problemsOf(input)).toEqual([
      {
        path: '$.intent.signals[0].ageing.expiresAfterDays',
        message: 'must be at most 3,650 days (ten years)',
      },
    ]);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'when a number is %s, then every place refuses it at its path',
    (bad) => {
      const input = seedInput();
      input.fit.criteria[0].points = bad;
      input.fit.criteria[1].match = { type: 'range', min: bad };
      input.intent.signals[0].ageing = { fullDays: bad, expiresAfterDays: 90 };
      input.thresholds.mql.fit.value = bad;
      input.routing.slaHours = { newBusiness: bad };
      const message = `must be a number, not ${String(bad)}`;
      expect(problemsOf(input)).toEqual([
        { path: '$.fit.criteria[0].points', message },
        { path: '$.fit.criteria[1].match.min', message },
        { path: '$.intent.signals[0].ageing.fullDays', message },
        { path: '$.thresholds.mql.fit.value', message },
        { path: '$.routing.slaHours.newBusiness', message },
      ]);
    },
  );

  type Setter = (input: Record<string, any>, value: number) => void;
  const numbers: [string, Setter, number, number, string][] = [
    [
      '$.intent.signals[0].ageing.expiresAfterDays',
      (m, v) => (m.intent.signals[0].ageing = { fullDays: 0, expiresAfterDays: v }),
      3650,
      3650.5,
      'must be at most 3,650 days (ten years)',
    ],
    [
      '$.thresholds.installedBase.windowDays',
      (m, v) => (m.thresholds.installedBase.windowDays = v),
      3650,
      3651,
      'must be at most 3,650 days (ten years)',
    ],
    [
      '$.routing.slaHours.salesAcceptance',
      (m, v) => (m.routing.slaHours.salesAcceptance = v),
      8760,
      8761,
      'must be at most 8,760 hours (a year)',
    ],
    ['$.fit.criteria[0].points', (m, v) => (m.fit.criteria[0].points = v), 100, 101, 'must be at most 100'],
    [
      '$.intent.signals[0].points',
      (m, v) => (m.intent.signals[0].points = -v),
      100,
      101,
      'must be at least -100',
    ],
    [
      '$.thresholds.mql.intent.value',
      (m, v) => (m.thresholds.mql.intent.value = v),
      100,
      100.5,
      'must be at most 100',
    ],
    [
      '$.intent.signals[0].counting.from',
      (m, v) => (m.intent.signals[0].counting = { from: v, max: 1 }),
      1000,
      1001,
      'must be at most 1,000',
    ],
    [
      '$.fit.criteria[1].match.max',
      (m, v) => (m.fit.criteria[1].match = { type: 'range', min: 0, max: v }),
      1e15,
      1.1e15,
      'must be at most 10^15',
    ],
  ];

  it.each(numbers)(
    '%s: the bound itself is accepted, one step over is refused',
    (path, set, ok, over, message) => {
      const model = seedInput();
      model.thresholds.installedBase ??= {
        customerWhen: [
          { property: 'company.lifecyclestage', match: { type: 'one-of', values: ['customer'] } },
        ],
        qualifyingSignals: ['demo_requested'],
      };
      set(model, ok);
      expect(problemsOf(model)).toEqual([]);
      set(model, over);
      expect(problemsOf(model)).toEqual([{ path, message }]);
    },
  );

  it('a signal window is accepted exactly when both day counts are finite, in 0–3,650 and in order', () => {
    const days = fc.oneof(
      fc.double({ noNaN: false }),
      fc.double({ min: 0, max: 4000, noNaN: true }),
      fc.integer({ min: 0, max: 4000 }),
    );
    fc.assert(
      fc.property(days, days, (fullDays, expiresAfterDays) => {
        const input = seedInput();
        input.intent.signals[0].ageing = { fullDays, expiresAfterDays };
        const valid =
          Number.isFinite(fullDays) &&
          Number.isFinite(expiresAfterDays) &&
          fullDays >= 0 &&
          expiresAfterDays > 0 &&
          expiresAfterDays <= MODEL_LIMITS.days &&
          fullDays <= expiresAfterDays;
        expect(parseModel(input).success).toBe(valid);
      }),
      { numRuns: 300 },
    );
  });
});

describe('lists', () => {
  it('when a model has 10,000 disqualifiers, then it is refused at once, with one problem', () => {
    const input = seedInput();
    input.disqualifiers = Array.from({ length: 10_000 }, (_, i) => ({
      id: `rule_${i}`,
      reason: `Rule ${i}`,
      when: [{ property: 'contact.jobtitle', match: { type: 'regex', pattern: `^x${i}$` } }],
    }));
    expect(problemsOf(input)).toEqual([
      { path: '$.disqualifiers', message: 'must have at most 100 disqualifiers' },
    ]);
  });

  type Setter = (input: Record<string, any>, n: number) => void;
  const condition = { property: 'contact.jobtitle', match: { type: 'known' } };
  const lists: [string, Setter, number, string][] = [
    [
      '$.disqualifiers',
      (m, n) =>
        (m.disqualifiers = Array.from({ length: n }, (_, i) => ({
          id: `rule_${i}`,
          reason: 'R',
          when: [condition],
        }))),
      MODEL_LIMITS.disqualifiers,
      'must have at most 100 disqualifiers',
    ],
    [
      '$.disqualifiers[0].when',
      (m, n) => (m.disqualifiers[0].when = Array(n).fill(condition)),
      MODEL_LIMITS.conditionsPerRule,
      'must list at most 20 conditions',
    ],
    [
      '$.disqualifiers[0].unless',
      (m, n) => (m.disqualifiers[0].unless = Array(n).fill(condition)),
      MODEL_LIMITS.conditionsPerRule,
      'must list at most 20 conditions',
    ],
    [
      '$.fit.criteria[0].property',
      (m, n) => (m.fit.criteria[0].property = Array.from({ length: n }, (_, i) => `contact.p${i}`)),
      MODEL_LIMITS.propertiesPerCondition,
      'must list at most 10 properties',
    ],
    [
      '$.fit.criteria[0].match.values',
      (m, n) => (m.fit.criteria[0].match.values = Array.from({ length: n }, (_, i) => `Industry ${i}`)),
      MODEL_LIMITS.matcherValues,
      'must list at most 500 values',
    ],
    [
      '$.disqualifiers[1].when[0].match.domains',
      (m, n) =>
        (m.disqualifiers[1].when[0].match.domains = Array.from({ length: n }, (_, i) => `d${i}.example`)),
      MODEL_LIMITS.emailDomains,
      'must list at most 5,000 values',
    ],
    [
      '$.routing.newBusinessOwners',
      (m, n) => (m.routing.newBusinessOwners = Array.from({ length: n }, (_, i) => String(i + 1))),
      MODEL_LIMITS.owners,
      'must list at most 500 owners',
    ],
    [
      '$.feedback.leadStatusDecisions',
      (m, n) =>
        ((m.feedback ??= {}).leadStatusDecisions = Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`STATUS_${i}`, { decision: 'accept' }]),
        )),
      MODEL_LIMITS.leadStatuses,
      'has 101 lead statuses; at most 100 are accepted',
    ],
    [
      '$.normalization.titleSynonyms',
      (m, n) => {
        m.normalization.titleSynonyms = Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`phrase ${i}`, ['synonym']]),
        );
      },
      MODEL_LIMITS.titleSynonyms,
      'has 501 phrases; at most 500 are accepted',
    ],
  ];

  it.each(lists)('%s: the bound itself is accepted, one more is refused', (path, set, max, message) => {
    const model = seedInput();
    set(model, max);
    expect(problemsOf(model)).toEqual([]);
    set(model, max + 1);
    expect(problemsOf(model)).toEqual([{ path, message }]);
  });
});

describe('text', () => {
  it.each([
    [
      '$.fit.criteria[0].label',
      (m: Record<string, any>) => (m.fit.criteria[0].label = MB),
      'must be at most 80 characters',
    ],
    ['$.name', (m: Record<string, any>) => (m.name = MB), 'must be at most 80 characters'],
    ['$.description', (m: Record<string, any>) => (m.description = MB), 'must be at most 2,000 characters'],
    [
      '$.disqualifiers[0].reason',
      (m: Record<string, any>) => (m.disqualifiers[0].reason = MB),
      'must be at most 80 characters',
    ],
    [
      '$.fit.criteria[0].id',
      (m: Record<string, any>) => (m.fit.criteria[0].id = `a${MB}`),
      'must be at most 64 characters',
    ],
    [
      '$.fit.criteria[0].match.values[0]',
      (m: Record<string, any>) => (m.fit.criteria[0].match.values[0] = MB),
      'must be at most 200 characters',
    ],
    [
      '$.fit.criteria[0].property',
      (m: Record<string, any>) => (m.fit.criteria[0].property = `contact.${MB}`),
      'must be at most 108 characters (a HubSpot property name has at most 100)',
    ],
    [
      '$.disqualifiers[0].when[0].match.pattern',
      (m: Record<string, any>) => (m.disqualifiers[0].when[0].match = { type: 'regex', pattern: MB }),
      'must be at most 500 characters',
    ],
    [
      '$.routing.escalationOwner',
      (m: Record<string, any>) => (m.routing.escalationOwner = '1'.repeat(1_000)),
      'must be at most 20 characters',
    ],
  ])('when %s is 1 MB long, then it is refused there, in one short problem', (path, set, message) => {
    const model = seedInput();
    set(model);
    expect(problemsOf(model)).toEqual([{ path, message }]);
  });

  it('when an object key is 1 MB long, then the path shows its first 60 characters', () => {
    const model = seedInput();
    model.normalization = { titleSynonyms: { [MB]: ['x'] } };
    const problems = problemsOf(model);
    expect(problems).toEqual([
      {
        path: `$.normalization.titleSynonyms["${'x'.repeat(59)}…"]`,
        message: 'must be at most 80 characters',
      },
    ]);
  });
});

describe('the presets', () => {
  it.each(Object.keys(PRESETS) as (keyof typeof PRESETS)[])('%s is within every bound', (name) => {
    expect(problemsOf(PRESETS[name])).toEqual([]);
  });
});
