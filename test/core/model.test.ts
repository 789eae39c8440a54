import { describe, expect, it } from 'vitest';
import { jsonPath, loadPreset, PRESETS, parseModel, propertiesRead } from '../../src/core/index.js';

function copyOf(name: keyof typeof PRESETS) {
  return structuredClone(PRESETS[name]) as unknown as Record<string, any>;
}

describe('parseModel', () => {
  it.each(Object.keys(PRESETS) as (keyof typeof PRESETS)[])(
    'when given the preset %s, then it parses',
    (name) => {
      const parsed = parseModel(PRESETS[name]);
      expect(parsed.success).toBe(true);
    },
  );

  it('when the model has several problems, then it returns each with its JSON path and a plain message', () => {
    const model = copyOf('seed-fit-intent');
    model.fit.criteria[0].pionts = 3;
    model.fit.criteria[1].match = { type: 'range' };
    model.fit.criteria[2].match = { type: 'regex', pattern: '((' };
    model.fit.criteria[3].points = '25';
    model.intent.signals[0].ageing = { fullDays: 100, expiresAfterDays: 90 };
    model.thresholds.mql.fit.operator = '=>';
    model.extra = true;

    const parsed = parseModel(model);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        { path: '$.fit.criteria[0]', message: 'has unknown field "pionts"' },
        { path: '$.fit.criteria[1].match', message: 'a range needs a min, a max or both' },
        {
          path: '$.fit.criteria[2].match.pattern',
          message: expect.stringMatching(/^is not a valid regular expression/),
        },
        { path: '$.fit.criteria[3].points', message: 'must be a number, not text' },
        {
          path: '$.intent.signals[0].ageing.fullDays',
          message: 'must not be more than expiresAfterDays (90)',
        },
        { path: '$.thresholds.mql.fit.operator', message: 'must be ">" (strictly above) or ">=" (at least)' },
        { path: '$', message: 'has unknown field "extra"' },
      ]),
    );
    expect(parsed.problems).toHaveLength(7);
  });

  it('when references point at ids the model lacks, then each is reported', () => {
    const model = copyOf('seed-fit-intent');
    model.thresholds.mql.requiredFitCriteria = ['industry', 'budget'];
    model.routing.demoRequestSignals = ['demo_booked'];
    model.intent.signals.push({ ...model.intent.signals[0] });
    const parsed = parseModel(model);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(parsed.problems).toEqual([
      { path: '$.intent.signals[8].type', message: 'repeats the signal type "pricing_page_viewed"' },
      {
        path: '$.thresholds.mql.requiredFitCriteria[1]',
        message: 'names the fit criterion "budget", which the model does not have',
      },
      {
        path: '$.routing.demoRequestSignals[0]',
        message: 'names the signal type "demo_booked", which the model does not have',
      },
    ]);
  });

  it('when the input is not an object, then it says so without throwing', () => {
    expect(parseModel(null)).toEqual({
      success: false,
      problems: [{ path: '$', message: 'must be an object, not null' }],
    });
    expect(parseModel('x')).toEqual({
      success: false,
      problems: [{ path: '$', message: 'must be an object, not text' }],
    });
  });

  it('when a field is missing, then it says it is required', () => {
    const model = copyOf('seed-industrial');
    delete model.thresholds.mql.intent;
    const parsed = parseModel(model);
    expect(parsed).toEqual({
      success: false,
      problems: [{ path: '$.thresholds.mql.intent', message: 'is required (expected an object)' }],
    });
  });

  it('fills in defaults: counting once, no disqualifiers, standard SLAs', () => {
    const model = copyOf('seed-fit-intent');
    delete model.intent.signals[0].counting;
    delete model.disqualifiers;
    model.routing = { slaHours: {} };
    const parsed = parseModel(model);
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.model.intent.signals[0]!.counting).toEqual({ from: 1, max: 1 });
    expect(parsed.model.disqualifiers).toEqual([]);
    expect(parsed.model.routing.slaHours).toEqual({
      installedBase: 4,
      newBusiness: 24,
      demoRequest: 24,
      salesAcceptance: 48,
    });
  });
});

describe('jsonPath', () => {
  it('formats keys and indexes as a JSON editor shows them', () => {
    expect(jsonPath(['fit', 'criteria', 2, 'points'])).toBe('$.fit.criteria[2].points');
    expect(jsonPath(['a b'])).toBe('$["a b"]');
    expect(jsonPath([])).toBe('$');
  });
});

describe('propertiesRead', () => {
  it('lists exactly the properties the model reads, per object', () => {
    expect(propertiesRead(loadPreset('seed-fit-intent'))).toEqual({
      contact: [
        'country',
        'email',
        'hs_lead_status',
        'hubspot_owner_id',
        'industry',
        'jobtitle',
        'lifecyclestage',
        'numberofemployees',
        'numemployees',
      ],
      company: ['country', 'industry', 'lifecyclestage', 'numberofemployees'],
    });
  });
});

describe('the feedback section', () => {
  it('defaults to the seeds’ reasons, tracks and lead-status mapping', () => {
    const model = loadPreset('seed-fit-intent');
    expect(model.feedback.lostReasons.map((r) => r.id)).toEqual([
      'too_small',
      'no_budget',
      'wrong_timing',
      'no_interest',
      'not_reachable',
      'not_decision_maker',
      'unclear_mql',
      'other',
    ]);
    expect(model.feedback.renurtureTracks).toMatchObject({ no_budget: 'roi', wrong_timing: 'remind_me' });
    expect(model.feedback.reasonSignals).toEqual({ no_interest: 'sales_no_interest' });
    expect(model.feedback.leadStatusDecisions.BAD_TIMING).toEqual({
      decision: 'return',
      reason: 'wrong_timing',
    });
  });

  it('when it names reasons or signals the model lacks, then each is reported', () => {
    const model = copyOf('seed-fit-intent');
    model.feedback = {
      renurtureTracks: { no_money: 'roi' },
      reasonSignals: { no_interest: 'sales_said_no' },
      leadStatusDecisions: { BAD_TIMING: { decision: 'return', reason: 'later' } },
    };
    const parsed = parseModel(model);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(parsed.problems).toEqual([
      {
        path: '$.feedback.renurtureTracks.no_money',
        message: 'names the lost reason "no_money", which the model does not list',
      },
      {
        path: '$.feedback.reasonSignals.no_interest',
        message: 'names the signal type "sales_said_no", which the model does not have',
      },
      {
        path: '$.feedback.leadStatusDecisions.BAD_TIMING.reason',
        message: 'names the lost reason "later", which the model does not list',
      },
    ]);
  });
});
