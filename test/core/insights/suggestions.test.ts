import { describe, expect, it } from 'vitest';
import {
  applyDraftChange,
  applySuggestion,
  draftChangeOf,
  evaluate,
  type HistoryContact,
  insights,
  loadPreset,
  type Segment,
} from '../../../src/core/index.js';
import { convertedContact, DAY, T_NOW, YEAR_AGO } from './fixtures.js';

const model = loadPreset('seed-fit-intent');
const options = { from: YEAR_AGO, to: T_NOW, observedUntil: T_NOW };

/** `n` contacts of one industry and country, `converted` of which became customers. */
function group(prefix: string, n: number, converted: number, spec: { industry: string; country: string }) {
  const out: HistoryContact[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      convertedContact(
        { id: `${prefix}${i}`, createdAt: YEAR_AGO + ((i * 7) % 300) * DAY + DAY, ...spec },
        i < converted,
      ),
    );
  return out;
}

/**
 * A history with a planted pattern: 3,000 leads, 150 customers (5%). Food production (10% of the
 * leads) converts at 20%, 4× the base rate; Retail converts at exactly the base rate; Germany and
 * the Netherlands convert at the base rate; Chemicals has 20 leads, half of which converted.
 */
function plantedHistory(): HistoryContact[] {
  return [
    ...group('food', 300, 60, { industry: 'FOOD_PRODUCTION', country: 'Netherlands' }),
    ...group('retail', 600, 30, { industry: 'RETAIL', country: 'Germany' }),
    ...group('soft', 2100, 60, { industry: 'COMPUTER_SOFTWARE', country: 'Netherlands' }),
    ...group('chem', 20, 10, { industry: 'CHEMICALS', country: 'Belgium' }),
  ];
}

describe('suggestions', () => {
  const result = insights(plantedHistory(), model, options).suggestions;

  it('when a segment converts 4× the base rate, then it is the top suggestion, phrased the seeds way', () => {
    expect(result.status).toBe('ok');
    expect(result.base.rate).toBeCloseTo(160 / 3020, 6);
    const top = result.suggestions[0]!;
    expect(top.segment).toMatchObject({ kind: 'industry', value: 'FOOD_PRODUCTION' });
    expect(top.direction).toBe('more');
    expect(top.support).toBe(300);
    expect(top.lift).toBeCloseTo(0.2 / (160 / 3020), 6);
    expect(top.text).toBe(
      '37.5% of the leads that became customer were in Food Production, against 9.9% of all leads: those that were in Food Production became customer 3.8× as often as the average (60 of 300 = 20.0%, 95% 15.9–24.9%; average 5.3%).',
    );
    // The model already has an industry criterion: the words say what the change really does.
    expect(top.change).toBe('add "Food Production" to the fit criterion "Industry" (+25 points)');
    expect(top.draftChange).toEqual(draftChangeOf(model, { segment: top.segment, direction: 'more' }));
  });

  it('when a segment converts at the base rate, then it is not suggested', () => {
    const suggested = result.suggestions.map((s) => `${s.segment.kind}:${s.segment.value}`);
    expect(suggested).not.toContain('industry:RETAIL');
    expect(suggested).not.toContain('region:DE');
    expect(suggested).not.toContain('region:NL');
  });

  it('when a segment has fewer than 30 contacts, then it is not enough data, never a guess', () => {
    expect(result.suggestions.map((s) => s.segment.value)).not.toContain('CHEMICALS');
    expect(result.notEnoughData).toContainEqual({
      segment: expect.objectContaining({ kind: 'industry', value: 'CHEMICALS' }),
      support: 20,
    });
  });

  it('when the whole history has fewer than 30 contacts, then the answer is not enough data', () => {
    const small = insights(group('n', 25, 12, { industry: 'RETAIL', country: 'Germany' }), model, options);
    expect(small.suggestions).toMatchObject({ status: 'not_enough_data', suggestions: [] });
    expect(small.suggestions.message).toBe(
      'Not enough data: 25 contacts judged in the period (at least 30 are needed).',
    );
  });

  it('when nothing converted, then the answer is not enough data', () => {
    const none = insights(group('z', 100, 0, { industry: 'RETAIL', country: 'Germany' }), model, options);
    expect(none.suggestions.status).toBe('not_enough_data');
    expect(none.suggestions.message).toMatch(/none of the 100 contacts became customer/);
  });
});

describe('applySuggestion', () => {
  const food: Segment = { kind: 'industry', value: 'FOOD_PRODUCTION', label: 'Food Production', phrase: '' };

  it('when an industry converts more, then the draft adds it to the industry criterion and a food lead gains 25 points', () => {
    const result = applySuggestion(model, { segment: food, direction: 'more' });
    if (!result.success) throw new Error(JSON.stringify(result.problems));
    const industry = result.model.fit.criteria.find((c) => c.id === 'industry')!;
    expect(industry.match).toMatchObject({ values: expect.arrayContaining(['FOOD_PRODUCTION']) });
    const lead = {
      id: 'x',
      properties: { country: 'NL', jobtitle: 'VP' },
      company: { industry: 'FOOD_PRODUCTION', numberofemployees: '250' },
    };
    expect(evaluate(lead, result.model, T_NOW).fit.score - evaluate(lead, model, T_NOW).fit.score).toBe(25);
  });

  it('when a segment converts less, then the draft adds a −10 criterion', () => {
    const result = applySuggestion(model, { segment: food, direction: 'less' });
    if (!result.success) throw new Error('invalid');
    expect(result.model.fit.criteria.at(-1)).toMatchObject({
      id: 'suggested_industry_food_production',
      points: -10,
      match: { type: 'one-of', values: ['FOOD_PRODUCTION'] },
    });
  });

  it('when a size band, role, signal or touches suggestion is applied, then the draft is a valid model with the change', () => {
    const size = applySuggestion(model, {
      segment: { kind: 'size', value: '50-199', label: '50–199 employees', phrase: '' },
      direction: 'more',
    });
    expect(size.success && size.model.fit.criteria.at(-1)).toMatchObject({
      match: { type: 'range', min: 50, max: 199 },
      points: 10,
    });
    const big = applySuggestion(model, {
      segment: { kind: 'size', value: '1000+', label: '1000+ employees', phrase: '' },
      direction: 'less',
    });
    expect(big.success && big.model.fit.criteria.at(-1)!.match).toEqual({ type: 'range', min: 1000 });
    const role = applySuggestion(model, {
      segment: { kind: 'role', value: 'plant manager', label: '', phrase: '' },
      direction: 'more',
    });
    expect(
      role.success && role.model.fit.criteria.find((c) => c.id === 'decision_maker')!.match,
    ).toMatchObject({
      values: expect.arrayContaining(['plant manager']),
    });
    const demo = applySuggestion(model, {
      segment: { kind: 'signal', value: 'demo_requested', label: '', phrase: '' },
      direction: 'more',
    });
    expect(demo.success && demo.model.intent.signals.find((s) => s.type === 'demo_requested')!.points).toBe(
      40,
    );
    const webinar = applySuggestion(model, {
      segment: {
        kind: 'signal',
        value: 'webinar_attended',
        label: 'Webinar Attended within 30 days',
        phrase: '',
      },
      direction: 'more',
    });
    expect(webinar.success && webinar.model.intent.signals.at(-1)).toMatchObject({
      type: 'webinar_attended',
      label: 'Webinar Attended',
      points: 10,
    });
    const touches = applySuggestion(model, {
      segment: { kind: 'touches', value: '2', label: '', phrase: '' },
      direction: 'more',
    });
    expect(
      touches.success && touches.model.intent.signals.find((s) => s.type === 'pricing_page_viewed')!.counting,
    ).toEqual({
      from: 1,
      max: 2,
    });
  });
});

describe('draft changes as data', () => {
  const food: Segment = { kind: 'industry', value: 'FOOD_PRODUCTION', label: 'Food Production', phrase: '' };
  const valid = (result: ReturnType<typeof applyDraftChange>) => {
    if (!result.success) throw new Error(JSON.stringify(result.problems));
    return result.model;
  };

  it('when a change is applied twice, then the draft changes once', () => {
    for (const suggestion of [
      { segment: food, direction: 'more' as const },
      { segment: food, direction: 'less' as const },
      {
        segment: { kind: 'touches' as const, value: '2', label: '', phrase: '' },
        direction: 'more' as const,
      },
      {
        segment: { kind: 'signal' as const, value: 'webinar_attended', label: 'Webinar', phrase: '' },
        direction: 'more' as const,
      },
    ]) {
      const change = draftChangeOf(model, suggestion);
      const once = valid(applyDraftChange(model, change));
      const twice = valid(applyDraftChange(once, change));
      // A signal's points move each time (a second click is a second step); the rest is idempotent.
      if (change.op === 'signal-points') expect(twice.intent.signals.at(-1)!.points).toBe(20);
      else expect(twice).toEqual(once);
    }
  });

  it('when the draft no longer has the criterion a value was for, then the change adds its own criterion', () => {
    const change = draftChangeOf(model, { segment: food, direction: 'more' });
    expect(change).toMatchObject({ op: 'add-value', criterionId: 'industry', value: 'FOOD_PRODUCTION' });
    const edited = structuredClone(model);
    edited.fit.criteria = edited.fit.criteria.filter((c) => c.id !== 'industry');
    expect(valid(applyDraftChange(edited, change)).fit.criteria.at(-1)).toMatchObject({
      id: 'suggested_industry_food_production',
      points: 10,
      match: { type: 'one-of', values: ['FOOD_PRODUCTION'] },
    });
  });

  it('when a change is sent as JSON and back, then it makes the same draft (the settings page applies it)', () => {
    const change = draftChangeOf(model, {
      segment: { kind: 'size', value: '50-199', label: '50–199 employees', phrase: '' },
      direction: 'more',
    });
    expect(valid(applyDraftChange(model, JSON.parse(JSON.stringify(change))))).toEqual(
      valid(applyDraftChange(model, change)),
    );
  });
});
