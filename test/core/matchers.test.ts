import { describe, expect, it } from 'vitest';
import {
  type Condition,
  emailDomain,
  evaluateCondition,
  humanizeOption,
  type Matcher,
  matchValue,
  normalizeOption,
  parseNumericInterval,
  toEpochMs,
} from '../../src/core/index.js';

describe('one-of', () => {
  it.each([
    ['COMPUTER_SOFTWARE', 'Computer Software'],
    ['computer software', 'Computer Software'],
    ['Information Technology & Services', 'Information Technology and Services'.replace(' and ', ' & ')],
    ['  Internet ', 'internet'],
    ['België', 'Belgie'],
  ])('when the value is %j and the list has %j, then it matches', (value, listed) => {
    expect(matchValue(value, { type: 'one-of', values: [listed] }).status).toBe('match');
  });

  it('when the value is not listed, then it is a no-match that shows the value readably', () => {
    expect(matchValue('FOOD_PRODUCTION', { type: 'one-of', values: ['Computer Software'] })).toEqual({
      status: 'no-match',
      shown: 'Food Production',
    });
  });

  it('when the property has no value, then it is unknown, not a no-match', () => {
    expect(matchValue(null, { type: 'one-of', values: ['x'] })).toEqual({
      status: 'unknown',
      shown: 'no value',
    });
  });

  it('normalizes case, spaces, underscores and punctuation', () => {
    expect(normalizeOption('MARKETING_AND_ADVERTISING')).toBe(normalizeOption('Marketing and advertising'));
    expect(humanizeOption('INFORMATION_TECHNOLOGY_AND_SERVICES')).toBe('Information Technology and Services');
    expect(humanizeOption('NL')).toBe('NL');
  });
});

describe('none-of', () => {
  it('when the value is known and not listed, then it matches; unknown stays unknown', () => {
    const m: Matcher = { type: 'none-of', values: ['AUTOMOTIVE'] };
    expect(matchValue('RETAIL', m).status).toBe('match');
    expect(matchValue('Automotive', m).status).toBe('no-match');
    expect(matchValue(null, m).status).toBe('unknown');
  });
});

describe('range', () => {
  it.each([
    ['250', 25, 1000, 'match'],
    ['1,200', 25, 1000, 'no-match'],
    ['25-50', 25, 1000, 'match'],
    ['100-500', 25, 1000, 'match'],
    ['500-1000', 25, 1000, 'match'],
    ['1000+', 25, 1000, 'match'],
    ['5000+', 25, 1000, 'no-match'],
    ['100–500', 200, 1000, 'match'],
    ['1000-5000', 25, 1000, 'no-match'],
    ['1000+', 100, undefined, 'match'],
    ['5-25', 25, 1000, 'no-match'],
    ['1-5', undefined, 9, 'match'],
    ['5-25', undefined, 9, 'no-match'],
    ['9', undefined, 9, 'match'],
    ['10', undefined, 9, 'no-match'],
  ] as const)('when the value is %j and the range is %s–%s, then %s', (value, min, max, status) => {
    expect(matchValue(value, { type: 'range', min, max }).status).toBe(status);
  });

  it('when the value is not a number, then it is unknown and says why', () => {
    expect(matchValue('lots', { type: 'range', min: 1 })).toEqual({
      status: 'unknown',
      shown: 'lots',
      detail: 'is not a number',
    });
  });

  it('reads HubSpot bands, plain numbers and thousands separators', () => {
    expect(parseNumericInterval('1000+')).toEqual({ low: 1000, high: Number.POSITIVE_INFINITY });
    expect(parseNumericInterval('25-50')).toEqual({ low: 25, high: 50 });
    expect(parseNumericInterval('1.200')).toEqual({ low: 1200, high: 1200 });
    expect(parseNumericInterval('12.5')).toEqual({ low: 12.5, high: 12.5 });
    expect(parseNumericInterval('50-25')).toBeNull();
    expect(parseNumericInterval('')).toBeNull();
  });
});

describe('contains', () => {
  const decisionMaker: Matcher = {
    type: 'contains',
    values: ['CEO', 'CTO', 'VP', 'director', 'head of', 'owner', 'founder'],
    except: ['assistant', 'product owner'],
  };

  it.each([
    ['VP Sales', 'match'],
    ['Co-Founder & CEO', 'match'],
    ['Head of Marketing', 'match'],
    ['Managing Director', 'match'],
    ['Director', 'match'],
    ['Account Manager', 'no-match'],
    ['MVP Evangelist', 'no-match'],
    ['Executive Assistant to the CEO', 'no-match'],
    ['Product Owner', 'no-match'],
    ['Business Owner', 'match'],
  ] as const)('when the title is %j, then %s (whole words only)', (title, status) => {
    expect(matchValue(title, decisionMaker).status).toBe(status);
  });
});

describe('regex', () => {
  it('matches with the given flags', () => {
    expect(matchValue('Plant Manager', { type: 'regex', pattern: '^plant', flags: 'i' }).status).toBe(
      'match',
    );
    expect(matchValue('Plant Manager', { type: 'regex', pattern: '^plant' }).status).toBe('no-match');
  });
});

describe('email-domain', () => {
  const m: Matcher = { type: 'email-domain', domains: ['gmail.com', 'edu', '@ac.uk'] };
  it.each([
    ['jan@gmail.com', 'match'],
    ['Jan@GMAIL.COM', 'match'],
    ['s123@mit.edu', 'match'],
    ['x@cs.ox.ac.uk', 'match'],
    ['jan@notgmail.com', 'no-match'],
    ['jan@acme.nl', 'no-match'],
  ] as const)('when the address is %j, then %s', (address, status) => {
    expect(matchValue(address, m).status).toBe(status);
  });

  it('when the value is not an e-mail address, then it is unknown', () => {
    expect(matchValue('not-an-email', m).status).toBe('unknown');
    expect(emailDomain('a@b')).toBe('b');
    expect(emailDomain('@b.com')).toBeNull();
  });
});

describe('known / unknown', () => {
  it('answers on presence alone', () => {
    expect(matchValue('x', { type: 'known' }).status).toBe('match');
    expect(matchValue(null, { type: 'known' }).status).toBe('no-match');
    expect(matchValue(null, { type: 'unknown' }).status).toBe('match');
    expect(matchValue('x', { type: 'unknown' }).status).toBe('no-match');
  });
});

describe('toEpochMs', () => {
  it.each([
    '2026-11-20T09:00:00Z',
    '2026-11-20T09:00:00.123Z',
    '2024-02-29T23:59:59.999Z',
    '2026-11-20T09:00:00+01:00',
    '2026-11-20',
  ])('reads the valid ISO date %j exactly as Date.parse does', (text) => {
    expect(toEpochMs(text)).toEqual(Date.parse(text));
  });

  it.each([
    '2026-02-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-20T24:00:00Z',
    'yesterday',
    '20-11-2026',
  ])('refuses %j (an impossible or non-ISO date is never rolled over or guessed)', (text) => {
    expect(toEpochMs(text)).toBeNaN();
  });
});

describe('reading values', () => {
  it('trims spaces, including non-breaking ones, and treats blank text as no value', () => {
    expect(matchValue(null, { type: 'known' }).status).toBe('no-match');
    const read = (value: string) =>
      evaluateCondition(
        { properties: { country: value } },
        { property: 'contact.country', match: { type: 'one-of', values: ['Netherlands'] } },
      );
    expect(read('\u00a0Netherlands ').status).toBe('match');
    expect(read('   ').status).toBe('unknown');
    expect(read('Netherlands').shown).toBe('Netherlands');
  });

  it('when a value repeats, then its answer is remembered; when it is longer than 256 characters, it is matched afresh and not kept', () => {
    const condition: Condition = {
      property: 'contact.jobtitle',
      match: { type: 'contains', values: ['director'] },
    };
    const read = (jobtitle: string) => evaluateCondition({ properties: { jobtitle } }, condition);
    expect(read('Sales Director')).toBe(read('Sales Director'));
    const long = `Director ${'x'.repeat(300)}`;
    expect(read(long)).not.toBe(read(long));
    expect(read(long)).toEqual(read(long));
    expect(read(long).status).toBe('match');
  });
});
