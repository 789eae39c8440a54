/**
 * The model editor's pure helpers (hubspot-app/src/app/settings/model-edit.ts, editor-fields.ts):
 * paths in the service's format, immutable edits, templates that become valid models once filled
 * in, and every problem the core's parser can report put next to a field of the editor.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRESET, jsonPath as coreJsonPath, loadPreset, parseModel } from '../../src/core/index.js';

// Loaded by path: the page is bundled by HubSpot, outside the service's TypeScript project.
const load = (file: string) =>
  import(new URL(`../../hubspot-app/src/app/settings/${file}`, import.meta.url).href);
type Draft = { model: any; off: string[] };
type Model = any;
let edit: any;
let fields: any;
let page: any;
let catalog: any;
beforeAll(async () => {
  [edit, fields, page, catalog] = await Promise.all([
    load('model-edit.ts'),
    load('editor-fields.ts'),
    load('model.ts'),
    load('property-catalog.ts'),
  ]);
});
const draftOf = (model: Model): Draft => page.draftOf(model);

const preset = () => structuredClone(loadPreset(DEFAULT_PRESET)) as unknown as Model;
const parses = (draft: Draft) => {
  const result = parseModel(draft.model);
  return result.success ? [] : result.problems;
};

describe('model editor helpers', () => {
  it.each([
    [['fit', 'criteria', 2, 'points']],
    [['feedback', 'renurtureTracks', 'no_budget']],
    [['normalization', 'countryAliases', 'Côte d’Ivoire']],
    [[]],
  ])('when a path %j is written, then it reads as the core writes it', (segments) => {
    expect(edit.jsonPath(segments)).toBe(coreJsonPath(segments));
  });

  it('when a value is set, added or removed, then a new model is returned and the old one is untouched', () => {
    const draft = draftOf(preset());
    const before = JSON.stringify(draft.model);

    const set = edit.setAt(draft, ['fit', 'criteria', 1, 'match', 'max'], 500);
    const added = edit.appendAt(set, ['thresholds', 'mql', 'requiredFitCriteria'], 'industry');
    const removed = edit.removeSignal(added, 0);
    const dropped = edit.removeAt(removed, ['feedback', 'renurtureTracks', 'no_budget']);

    expect(JSON.stringify(draft.model)).toBe(before);
    expect(edit.getAt(dropped.model, ['fit', 'criteria', 1, 'match'])).toEqual({
      type: 'range',
      min: 25,
      max: 500,
    });
    expect(dropped.model.thresholds.mql.requiredFitCriteria).toEqual(['industry']);
    expect(dropped.model.intent.signals.map((s: { type: string }) => s.type)).not.toContain(
      'pricing_page_viewed',
    );
    expect(edit.getAt(dropped.model, ['feedback', 'renurtureTracks'])).toEqual({
      wrong_timing: 'remind_me',
      no_interest: 'long_term',
    });
    // What was not edited is shared, not copied.
    expect(dropped.model.disqualifiers).toBe(draft.model.disqualifiers);
    expect(parses(dropped)).toEqual([]);
  });

  it('when ids are made from labels, then they are snake_case and unique', () => {
    expect(edit.uniqueId('Webinar attended!', [])).toBe('webinar_attended');
    expect(edit.uniqueId('Industry', ['industry', 'industry_2'])).toBe('industry_3');
    expect(edit.uniqueId('2025 Événement', [])).toBe('evenement');
    expect(edit.uniqueId('   ', [])).toBe('item');
  });

  it('when values are typed as text, then commas and lines separate them and blanks are dropped', () => {
    expect(edit.splitList('edu, ac.uk\n\n tudelft.nl ,')).toEqual(['edu', 'ac.uk', 'tudelft.nl']);
  });

  it('when a matcher changes type, then listed values are kept where the new type lists values', () => {
    expect(edit.switchMatcher({ type: 'one-of', values: ['a', 'b'] }, 'email-domain')).toEqual({
      type: 'email-domain',
      domains: ['a', 'b'],
    });
    expect(edit.switchMatcher({ type: 'email-domain', domains: ['x.com'] }, 'contains')).toEqual({
      type: 'contains',
      values: ['x.com'],
    });
    expect(edit.switchMatcher({ type: 'contains', values: ['ceo', 'cfo'] }, 'regex')).toEqual({
      type: 'regex',
      pattern: 'ceo|cfo',
      flags: 'i',
    });
    expect(edit.switchMatcher({ type: 'one-of', values: ['a'] }, 'range')).toEqual({ type: 'range', min: 0 });
    expect(edit.switchMatcher({ type: 'one-of', values: ['a'] }, 'known')).toEqual({ type: 'known' });
  });

  it('when a criterion, a signal, a derived rule and each kind of disqualifier are added and filled in, then the model parses', () => {
    let draft = draftOf(preset());
    const m = () => draft.model;
    draft = edit.appendAt(
      draft,
      ['fit', 'criteria'],
      edit.newCriterion(m(), 'company.annualrevenue', 'Annual Revenue', 'number'),
    );
    draft = edit.appendAt(
      draft,
      ['fit', 'criteria'],
      edit.newCriterion(m(), 'company.type', 'Type', 'enumeration'),
    );
    draft = edit.setAt(draft, ['fit', 'criteria', 5, 'match', 'values'], ['PROSPECT']);
    draft = edit.appendAt(draft, ['intent', 'signals'], edit.newSignal(m(), 'Webinar attended'));
    draft = edit.appendAt(draft, ['intent', 'signals', 8, 'derivedFrom'], edit.newDerivedRule('meeting'));
    draft = edit.appendAt(draft, ['intent', 'signals', 8, 'derivedFrom'], edit.newDerivedRule('contact'));
    for (const kind of ['academic', 'free-mail', 'competitor', 'condition'] as const)
      draft = edit.appendAt(draft, ['disqualifiers'], edit.newDisqualifier(m(), kind));
    // The competitor and region templates start empty: the parser says where values are missing.
    expect(parses(draft).map((p) => p.path)).toEqual([
      '$.disqualifiers[4].when[0].match.domains',
      '$.disqualifiers[4].when[1].match.values',
      '$.disqualifiers[5].when[0].match.values',
    ]);
    draft = edit.setAt(draft, ['disqualifiers', 4, 'when', 0, 'match', 'domains'], ['rival.example']);
    draft = edit.setAt(draft, ['disqualifiers', 4, 'when', 1, 'match', 'values'], ['Rival BV']);
    draft = edit.setAt(draft, ['disqualifiers', 5, 'when', 0, 'match', 'values'], ['Netherlands']);

    expect(parses(draft)).toEqual([]);
    expect(
      m()
        .fit.criteria.map((c: { id: string }) => c.id)
        .slice(4),
    ).toEqual(['annual_revenue', 'type']);
    expect(m().intent.signals[8].type).toBe('webinar_attended');
    expect(
      m()
        .disqualifiers.map((d: { id: string }) => d.id)
        .slice(2),
    ).toEqual([
      'academic_e_mail_domain',
      'free_e_mail_domain',
      'works_for_a_competitor',
      'outside_our_regions',
    ]);
  });

  it('when a lost reason is removed, then its track, lead status and signal go with it, and the model parses', () => {
    let draft = draftOf(preset());
    draft = edit.setReasonEntry(draft, 'returnLeadStatus', 'no_interest', 'UNQUALIFIED');
    const index = (edit.getAt(draft.model, ['feedback', 'lostReasons']) as { id: string }[]).findIndex(
      (r: { id: string }) => r.id === 'no_interest',
    );
    draft = edit.removeLostReason(draft, index);
    const feedback = draft.model.feedback as Record<string, Record<string, unknown>>;
    expect(Object.keys(feedback.renurtureTracks!)).toEqual(['no_budget', 'wrong_timing']);
    expect(feedback.reasonSignals).toEqual({});
    expect(feedback.returnLeadStatus).toEqual({ wrong_timing: 'BAD_TIMING' });
    expect(edit.setReasonEntry(draft, 'renurtureTracks', 'no_budget', ' ').model.feedback).toMatchObject({
      renurtureTracks: { wrong_timing: 'remind_me' },
    });
    expect(parses(draft)).toEqual([]);
  });

  it('when problems come in, then each goes to the deepest field that holds it, or the first field inside it', () => {
    const fields = [
      '$.fit',
      '$.fit.criteria[0]',
      '$.fit.criteria[0].match',
      '$.fit.criteria[0].match.values',
    ];
    const { byField, unplaced } = edit.placeProblems(
      [
        { path: '$.fit.criteria[0].match.values[3]', message: 'must not be empty' },
        { path: '$.fit.criteria[0].match.values', message: 'must list at least one value' },
        { path: '$.fit.criteria[0].id', message: 'repeats the fit criterion id "industry"' },
        { path: '$.fit.criteria[0].id', message: 'repeats the fit criterion id "industry"' },
        { path: '$', message: 'has unknown field "extra"' },
        { path: '$.cadence.minimumDays', message: 'must be 0 or more' },
      ],
      fields,
    );
    expect(Object.fromEntries(byField)).toEqual({
      '$.fit.criteria[0].match.values': ['#4: must not be empty', 'must list at least one value'],
      '$.fit.criteria[0]': ['id: repeats the fit criterion id "industry"'],
    });
    expect(unplaced.map((p: { path: string }) => p.path)).toEqual(['$', '$.cadence.minimumDays']);
    expect(edit.describeTail('.match.values[3]')).toBe('match values #4');
  });

  it('when the parser finds problems anywhere the editor edits, then every one has a field in the editor', () => {
    const broken = preset() as any;
    broken.fit.criteria[0].match.values = [];
    broken.fit.criteria[1].match = { type: 'range', min: 50, max: 10 };
    broken.fit.criteria[2].property = 'company.Country';
    broken.fit.criteria[3].match.except = [''];
    broken.intent.signals[1].derivedFrom[0].conditions[0].match.pattern = '(';
    broken.intent.signals[6].counting.max = 0;
    broken.intent.signals[0].ageing.fullDays = 400;
    broken.intent.signals[0].ageing.expiresAfterDays = 300;
    broken.disqualifiers[1].when[0].match.domains = [];
    broken.disqualifiers[0].unless = [{ property: 'contact.email', match: { type: 'unknown', extra: 1 } }];
    broken.thresholds.installedBase.windowDays = 0;
    broken.routing.slaHours.newBusiness = -1;
    broken.feedback.lostReasons[0].label = '';
    // References are checked once the shapes are right: a second model breaks those.
    const dangling = preset() as any;
    dangling.thresholds.iql.signalTypes = ['nope'];
    dangling.thresholds.mql.requiredFitCriteria = ['nope'];
    dangling.routing.demoRequestSignals = ['nope'];
    dangling.feedback.renurtureTracks.gone = 'x';
    dangling.feedback.reasonSignals.no_interest = 'nope';
    dangling.intent.signals[2].type = 'demo_requested';
    const problemsOf = (m: unknown) => {
      const result = parseModel(m);
      return result.success ? [] : result.problems;
    };
    const problems = [...problemsOf(broken), ...problemsOf(dangling)];
    expect(problems).toHaveLength(12 + 7);

    const { unplaced, byField } = edit.placeProblems(problems, fields.editorFields(dangling));
    expect(unplaced).toEqual([]);
    expect(byField.get('$.intent.signals[2]')).toEqual(['type: repeats the signal type "demo_requested"']);
    expect(byField.get('$.fit.criteria[1].match.min')).toEqual(['must not be more than max (10)']);
    expect(byField.get('$.intent.signals[6].counting.max')).toEqual(['must be 1 or more']);
    expect(byField.get('$.feedback.reasonSignals.no_interest')).toEqual([
      'names the signal type "nope", which the model does not have',
    ]);
    // A track for a reason the model does not list shows with the section.
    expect(byField.get('$.feedback')).toEqual([
      'renurtureTracks gone: names the lost reason "gone", which the model does not list',
    ]);
  });

  it('when only values change, then each changed value counts once; added items count too', () => {
    const base = preset();
    let draft = draftOf(base);
    expect(page.countChanges(draft, base)).toBe(0);
    draft = edit.setAt(draft, ['fit', 'criteria', 0, 'points'], 30);
    draft = edit.setAt(draft, ['routing', 'slaHours', 'newBusiness'], 12);
    expect(page.countChanges(draft, base)).toBe(2);
    draft = edit.appendAt(draft, ['intent', 'signals'], edit.newSignal(base, 'Webinar'));
    expect(page.countChanges(draft, base)).toBe(3);
  });

  it('when the catalog is asked for, then it names each contact or company property the conditions and derived rules read, once, in requests of 20', () => {
    expect(catalog.propertiesOf(preset())).toEqual([
      'company.industry',
      'contact.industry',
      'company.numberofemployees',
      'contact.numemployees',
      'contact.numberofemployees',
      'contact.country',
      'company.country',
      'contact.jobtitle',
      'contact.email',
      'company.lifecyclestage',
      'contact.lifecyclestage',
      // What derived signals watch: a form conversion of a demo form, an opt-out.
      'contact.num_conversion_events',
      'contact.recent_conversion_event_name',
      'contact.hs_email_optout',
    ]);
    expect(catalog.chunks([...'abcdefghijklmnopqrstuvwxy'], 20).map((c: string[]) => c.length)).toEqual([
      20, 5,
    ]);
  });
});
