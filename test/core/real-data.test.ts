/**
 * The core on real CRM data: the behaviours issue 11 asked for, one by one.
 */
import { describe, expect, it } from 'vitest';
import {
  checkInputLimits,
  cutText,
  cutToHubSpotLimit,
  evaluate,
  HUBSPOT_TEXT_LIMIT,
  INPUT_LIMITS,
  loadPreset,
  parseContactRecord,
  parseModel,
  PRESETS,
} from '../../src/core/index.js';
import { daysAgo, explainedPoints, idealContact, NOW } from './helpers.js';

const fitIntent = loadPreset('seed-fit-intent');
const industrial = loadPreset('seed-industrial');

describe('unknown values', () => {
  it('when the industry is "N/A" in seed-industrial, then it is unknown, not a wrong sector', () => {
    const e = evaluate(
      idealContact({
        properties: { jobtitle: 'Plant Manager' },
        company: { industry: 'N/A', numberofemployees: '250' },
      }),
      industrial,
      NOW,
    );
    expect(e.disqualification).toBeNull();
    expect(e.fit.parts.find((p) => p.ruleId === 'sector')).toMatchObject({ status: 'unknown', points: 0 });
    expect(e.explanation).toContain('? Unknown, so no points: Sector (N/A)');
  });

  it('when the company says "N/A" and the contact names the industry, then the contact property is used', () => {
    const e = evaluate(
      idealContact({ company: { industry: 'N/A' }, properties: { industry: 'Software' } }),
      fitIntent,
      NOW,
    );
    expect(e.fit.parts[0]).toMatchObject({
      status: 'match',
      property: 'contact.industry',
      readAs: 'Computer Software',
    });
  });

  it.each(['0', '-5'])(
    'when the employee count is %j, then it is unknown and never "fewer than 10"',
    (count) => {
      const e = evaluate(idealContact({ company: { numberofemployees: count } }), fitIntent, NOW);
      expect(e.disqualification).toBeNull();
      expect(e.fit.parts[1]).toMatchObject({ status: 'unknown', detail: 'is not a positive number' });
    },
  );

  it('when a band is only partly below a no-go bound, then it does not disqualify (partial evidence)', () => {
    expect(
      evaluate(idealContact({ company: { numberofemployees: '5+' } }), fitIntent, NOW).disqualification,
    ).toBeNull();
    expect(
      evaluate(idealContact({ company: { numberofemployees: '1-12' } }), fitIntent, NOW).disqualification,
    ).toBeNull();
    expect(
      evaluate(idealContact({ company: { numberofemployees: '<10' } }), fitIntent, NOW).disqualification?.id,
    ).toBe('too_small');
  });
});

describe('aliases', () => {
  it('when the contact is in "Holland" with a Dutch title and a free-text sector, then every alias is named', () => {
    const e = evaluate(
      {
        id: 'h',
        properties: { email: 'kees@kaas.nl', jobtitle: 'Productiemanager', country: 'Holland' },
        company: { industry: 'Food and Beverage', numberofemployees: '100–500' },
        signals: [{ type: 'demo_requested', occurredAt: daysAgo(1) }],
      },
      industrial,
      NOW,
    );
    expect(e.qualification).toBe('mql');
    expect(e.explanation).toEqual([
      'MQL: all required fit criteria met and intent 25 ≥ 20',
      '+34 Company size: 100–500 (100–1000)',
      '+33 Sector: Food and Beverage → Food & Beverages is in the ICP',
      '+33 Operations role: "Productiemanager" → production manager',
      '+25 Demo requested (2026-11-22)',
    ]);
  });

  it('when a wrong region is written as an alias, then the disqualification names what it was read as', () => {
    const raw = structuredClone(PRESETS['seed-fit-intent']) as any;
    raw.disqualifiers.push({
      id: 'wrong_region',
      reason: 'Outside the Benelux and Germany',
      when: [{ property: 'contact.country', match: { type: 'none-of', values: ['NL', 'BE', 'LU', 'DE'] } }],
    });
    const parsed = parseModel(raw);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
    const e = evaluate(idealContact({ properties: { country: 'Frankrijk' } }), parsed.model, NOW);
    expect(e.explanation[0]).toBe('Disqualified: Outside the Benelux and Germany (Frankrijk → France)');
    expect(
      evaluate(idealContact({ properties: { country: 'Holland' } }), parsed.model, NOW).disqualification,
    ).toBeNull();
    expect(
      evaluate(idealContact({ properties: { country: 'n/a' } }), parsed.model, NOW).disqualification,
    ).toBeNull();
  });

  it('when a custom property holds countries, then the model says so and it is read as one', () => {
    const raw = structuredClone(PRESETS['seed-fit-intent']) as any;
    raw.fit.criteria[2].property = 'contact.land';
    raw.normalization.propertyKinds = { 'contact.land': 'country' };
    const parsed = parseModel(raw);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
    const e = evaluate(idealContact({ properties: { land: 'Duitsland' } }), parsed.model, NOW);
    expect(e.explanation).toContain('+25 Region: Duitsland → Germany is in the ICP');
  });
});

describe('signals', () => {
  const intentOf = (signals: { type: string; occurredAt: string | number; sourceId?: string }[]) =>
    evaluate(idealContact({ signals }), fitIntent, NOW);

  it('when the same no-show is recorded twice, then it is one no-show and costs nothing', () => {
    const e = intentOf([
      { type: 'trial_started', occurredAt: daysAgo(5) },
      { type: 'demo_no_show', occurredAt: daysAgo(4) },
      { type: 'demo_no_show', occurredAt: daysAgo(4) },
    ]);
    expect(e.intent.score).toBe(40);
    expect(e.intent.ignored.duplicate).toBe(1);
  });

  it('when two no-shows at the same time come from different sources, then they are two', () => {
    const at = daysAgo(4);
    const e = intentOf([
      { type: 'trial_started', occurredAt: daysAgo(5) },
      { type: 'demo_no_show', occurredAt: at, sourceId: 'callback-1' },
      { type: 'demo_no_show', occurredAt: at, sourceId: 'callback-2' },
    ]);
    expect(e.intent.score).toBe(10);
  });

  it('when a date is epoch seconds, then it is read as seconds, not as 1970', () => {
    const seconds = Math.floor((NOW.getTime() - 86_400_000) / 1000);
    expect(intentOf([{ type: 'demo_requested', occurredAt: seconds }]).intent.score).toBe(30);
    expect(intentOf([{ type: 'demo_requested', occurredAt: String(seconds) }]).intent.score).toBe(30);
    expect(intentOf([{ type: 'demo_requested', occurredAt: seconds * 1000 }]).intent.score).toBe(30);
  });

  it('when signals are of an unknown type or in the future, then they are reported as warnings and counted', () => {
    const e = intentOf([
      { type: 'podcast_listened', occurredAt: daysAgo(1) },
      { type: 'podcast_listened', occurredAt: daysAgo(2) },
      { type: 'demo_requested', occurredAt: new Date(NOW.getTime() + 86_400_000).toISOString() },
      { type: 'trial_started', occurredAt: 'last week' },
    ]);
    expect(e.warnings).toEqual([
      {
        code: 'unknown_signal_type',
        message: 'Signal type "podcast_listened" is not in the model: not counted (2 signals)',
        signalType: 'podcast_listened',
        count: 2,
      },
      {
        code: 'future_signal',
        message: 'Signal "demo_requested" is dated in the future (2026-11-24T12:00:00.000Z): not counted',
        signalType: 'demo_requested',
        count: 1,
      },
      {
        code: 'unreadable_signal_date',
        message: 'Signal "trial_started" has a date that cannot be read ("last week"): not counted',
        signalType: 'trial_started',
        count: 1,
      },
    ]);
    expect(e.intent.ignored).toEqual({ expired: 0, future: 1, unknownType: 2, invalidDate: 1, duplicate: 0 });
    expect(evaluate(idealContact(), fitIntent, NOW).warnings).toEqual([]);
  });
});

describe('labels', () => {
  it('when a contact has a trial and a comparison, then it is not labelled "not for sales"', () => {
    const e = evaluate(
      idealContact({
        properties: { country: 'France', jobtitle: 'Engineer' },
        signals: [
          { type: 'trial_started', occurredAt: daysAgo(2) },
          { type: 'comparison_viewed', occurredAt: daysAgo(2) },
        ],
      }),
      fitIntent,
      NOW,
    );
    expect(e.qualification).toBe('nurture');
    expect(e.explanation[0]).toBe('Not MQL: fit 50 ≤ 60 and intent 50 ≤ 50');
  });

  it('when the only intent is a comparison, then it is an IQL; an old sales signal that expired does not count', () => {
    const only = [{ type: 'comparison_viewed', occurredAt: daysAgo(2) }];
    expect(evaluate(idealContact({ signals: only }), fitIntent, NOW).qualification).toBe('iql');
    const expired = [...only, { type: 'pricing_page_viewed', occurredAt: daysAgo(120) }];
    expect(evaluate(idealContact({ signals: expired }), fitIntent, NOW).qualification).toBe('iql');
  });

  it('when an information-only contact also unsubscribed, then it stays an IQL (a negative signal is no sales intent)', () => {
    const signals = [
      { type: 'comparison_viewed', occurredAt: daysAgo(2) },
      { type: 'unsubscribed', occurredAt: daysAgo(1) },
    ];
    expect(evaluate(idealContact({ signals }), fitIntent, NOW).qualification).toBe('iql');
  });
});

describe('limits', () => {
  it('when a job title is 5 MB, then the record is refused naming the field', () => {
    const parsed = parseContactRecord({ id: '1', properties: { jobtitle: 'x'.repeat(5 * 1024 * 1024) } });
    expect(parsed).toEqual({
      success: false,
      problems: [
        {
          path: '$.properties.jobtitle',
          message:
            "is 5,242,880 characters; at most 65,536 are accepted (HubSpot's limit for a property value)",
        },
      ],
    });
  });

  it('when a record has too many signals or an over-long signal type, then each is named', () => {
    expect(
      checkInputLimits({ signals: Array.from({ length: INPUT_LIMITS.signalsPerContact + 1 }, () => ({})) }),
    ).toEqual([{ path: '$.signals', message: 'has 10,001 signals; at most 10,000 are accepted' }]);
    expect(checkInputLimits({ signals: [{ type: 't'.repeat(300), occurredAt: 1 }] })[0]?.path).toBe(
      '$.signals[0].type',
    );
    expect(
      checkInputLimits({ id: '1', properties: { jobtitle: 'CEO' }, company: null, signals: [] }),
    ).toEqual([]);
  });

  it('when the core is given a huge value anyway, then the explanation shows at most 60 characters of it', () => {
    const e = evaluate(
      idealContact({ properties: { jobtitle: `CEO ${'x'.repeat(5_000_000)}` } }),
      fitIntent,
      NOW,
    );
    const line = e.explanation.find((l) => l.includes('Decision-maker role'))!;
    expect(line.length).toBeLessThan(120);
    expect(line).toMatch(/…"$/);
    expect(explainedPoints(e.explanation)).toBe(e.fit.raw + e.intent.raw);
  });

  it('cuts text to HubSpot’s limit with a visible ellipsis, never splitting a surrogate pair', () => {
    expect(cutToHubSpotLimit('short')).toBe('short');
    const cut = cutToHubSpotLimit('a'.repeat(HUBSPOT_TEXT_LIMIT + 10));
    expect(cut).toHaveLength(HUBSPOT_TEXT_LIMIT);
    expect(cut.endsWith('…')).toBe(true);
    expect(cutText('ab😀cd', 4)).toBe('ab…');
    expect(cutText('abc', 3)).toBe('abc');
  });
});

describe('model validation', () => {
  it('when a property name has a typo, then the model is valid with a "did you mean" warning', () => {
    const raw = structuredClone(PRESETS['seed-fit-intent']) as any;
    raw.fit.criteria[3].property = 'contact.jobtitel';
    raw.fit.criteria[1].property = ['company.numemployees'];
    const parsed = parseModel(raw);
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.warnings).toEqual([
      {
        path: '$.fit.criteria[1].property[0]',
        message:
          '"company.numemployees" is not one of HubSpot\'s default company properties (did you mean "contact.numemployees"? "numemployees" is a contact property); fine if your portal has it as a custom property',
      },
      {
        path: '$.fit.criteria[3].property',
        message:
          '"contact.jobtitel" is not one of HubSpot\'s default contact properties (did you mean "contact.jobtitle"?); fine if your portal has it as a custom property',
      },
    ]);
  });

  it('the presets validate without warnings', () => {
    for (const preset of Object.values(PRESETS)) {
      const parsed = parseModel(preset);
      expect(parsed.success && parsed.warnings).toEqual([]);
    }
  });

  it('when a listed country or industry cannot be read, then it is a warning with a suggestion', () => {
    const raw = structuredClone(PRESETS['seed-industrial']) as any;
    raw.fit.criteria[1].match.values.push('Pharmaceutcals');
    raw.disqualifiers.push({
      id: 'region',
      reason: 'Wrong region',
      when: [{ property: 'contact.country', match: { type: 'none-of', values: ['Nethrlands'] } }],
    });
    const parsed = parseModel(raw);
    if (!parsed.success) throw new Error('model');
    expect(parsed.warnings.map((w) => [w.path, w.message.split(';')[0]])).toEqual([
      [
        '$.fit.criteria[1].match.values[6]',
        '"Pharmaceutcals" is not a HubSpot industry and matches no industry keyword (did you mean "PHARMACEUTICALS"?)',
      ],
      // The preset's wrong-sector rule lists the same sectors (one array), so it names it too.
      [
        '$.disqualifiers[1].when[0].match.values[6]',
        '"Pharmaceutcals" is not a HubSpot industry and matches no industry keyword (did you mean "PHARMACEUTICALS"?)',
      ],
      [
        '$.disqualifiers[5].when[0].match.values[0]',
        '"Nethrlands" is not a country name or code we know (did you mean "Netherlands"?)',
      ],
    ]);
  });

  it('when the normalisation section is wrong, then the model is refused with the paths', () => {
    const raw = structuredClone(PRESETS['seed-fit-intent']) as any;
    raw.normalization = {
      industryKeywords: { FOOD_PRODUCTON: ['food'], FOOD_BEVERAGES: ['food'] },
      countryAliases: { Eire: 'Ireland' },
      propertyKinds: { 'contact.land': 'place' },
    };
    const parsed = parseModel(raw);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        {
          path: '$.normalization.propertyKinds["contact.land"]',
          message: 'must be one of "text", "country", "industry", "count", "number"',
        },
      ]),
    );
    const again = parseModel({ ...raw, normalization: { ...raw.normalization, propertyKinds: {} } });
    expect(again.success).toBe(false);
    if (again.success) return;
    expect(again.problems).toEqual([
      {
        path: '$.normalization.industryKeywords.FOOD_PRODUCTON',
        message: 'is not a HubSpot industry value (did you mean "FOOD_PRODUCTION"?)',
      },
      {
        path: '$.normalization.industryKeywords.FOOD_BEVERAGES[0]',
        message: 'repeats the keyword "food" of FOOD_PRODUCTON: a keyword must name one industry',
      },
      {
        path: '$.normalization.countryAliases.Eire',
        message: 'must be an ISO 3166-1 alpha-2 code in capitals, such as "NL"',
      },
    ]);
  });
});
