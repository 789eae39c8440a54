import { describe, expect, it } from 'vitest';
import {
  checkModelAgainstPortal,
  type PortalProperty,
  portalPropertyRefs,
} from '../../src/core/model-portal-check.js';
import { parseModel, PRESETS, type QualificationModelInput } from '../../src/core/index.js';

const text: PortalProperty = { type: 'string', options: [] };
const number: PortalProperty = { type: 'number', options: [] };
const industries: PortalProperty = {
  type: 'enumeration',
  options: [
    { value: 'COMPUTER_SOFTWARE', label: 'Computer Software' },
    { value: 'INTERNET', label: 'Internet' },
  ],
};
const stages: PortalProperty = {
  type: 'enumeration',
  options: ['lead', 'customer', 'evangelist'].map((v) => ({ value: v, label: v.toUpperCase() })),
};

function model(criteria: unknown[]) {
  const input: QualificationModelInput = structuredClone(PRESETS['seed-fit-intent']);
  input.disqualifiers = [];
  delete input.thresholds.installedBase;
  const parsed = parseModel({ ...input, fit: { ...input.fit, criteria } });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
  return parsed.model;
}

const criterion = (property: string | string[], match: unknown) => ({
  id: 'c',
  label: 'C',
  points: 10,
  property,
  match,
});

const portal =
  (props: Record<string, PortalProperty>) =>
  (ref: string): PortalProperty | null =>
    new Map(Object.entries(props)).get(ref) ?? null;

describe('a model checked against a portal’s properties', () => {
  it('when the model reads a property, then the check asks for it, derived-signal rules included', () => {
    const refs = portalPropertyRefs(model([criterion('company.industry', { type: 'known' })]));
    expect(refs).toContain('company.industry');
    expect(refs).toContain('meeting.hs_meeting_outcome');
    expect(refs).toContain('contact.recent_conversion_event_name');
  });

  it.each([
    [
      'a property the portal lacks is an error naming the path and the default meant',
      criterion(['company.industy', 'contact.industry'], { type: 'known' }),
      { 'contact.industry': text },
      '$.fit.criteria[0].property[0]',
      '"company.industy" does not exist in this portal (did you mean "company.industry"?): every contact would read it as unknown',
    ],
    [
      'a type the matcher cannot read is an error',
      criterion('company.numberofemployees', { type: 'email-domain', domains: ['acme.com'] }),
      { 'company.numberofemployees': number },
      '$.fit.criteria[0].property',
      '"company.numberofemployees" is a number property: the email-domain matcher cannot read it',
    ],
    [
      'a label where the internal value belongs is an error that names the value',
      criterion('company.lifecyclestage', { type: 'one-of', values: ['CUSTOMER!'] }),
      { 'company.lifecyclestage': { ...stages, options: [{ value: 'cust', label: 'CUSTOMER!' }] } },
      '$.fit.criteria[0].match.values[0]',
      '"CUSTOMER!" is the label of company.lifecyclestage\'s option "cust": list the internal value: it can never match',
    ],
  ])('when %s', (_, c, props, path, message) => {
    const check = checkModelAgainstPortal(model([c]), portal({ ...props, ...DERIVED }));
    expect(check.errors).toEqual([{ path, message }]);
  });

  it('when an industry is written as its label or a keyword, then the enumeration holds it (as the matcher reads it)', () => {
    const c = criterion('company.industry', { type: 'one-of', values: ['Computer Software', 'internet'] });
    expect(
      checkModelAgainstPortal(model([c]), portal({ 'company.industry': industries, ...DERIVED })),
    ).toEqual({ errors: [], warnings: [] });
  });

  it('when a value only the free-text fallback of a list can hold is listed, then it is a warning, not an error', () => {
    const c = criterion(['company.industry', 'contact.industry'], {
      type: 'one-of',
      values: ['Basket Weaving'],
    });
    const check = checkModelAgainstPortal(
      model([c]),
      portal({ 'company.industry': industries, 'contact.industry': text, ...DERIVED }),
    );
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([
      {
        path: '$.fit.criteria[0].match.values[0]',
        message:
          '"Basket Weaving" is none of company.industry\'s 2 options; only contact.industry can match it',
      },
    ]);
  });
});

/** The preset's derived-signal rules read these. */
const DERIVED: Record<string, PortalProperty> = {
  'contact.num_conversion_events': number,
  'contact.recent_conversion_event_name': text,
  'contact.hs_email_optout': { type: 'bool', options: [] },
  'meeting.hs_meeting_outcome': {
    type: 'enumeration',
    options: [{ value: 'NO_SHOW', label: 'No Show' }],
  },
};
