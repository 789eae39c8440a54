import { describe, expect, it } from 'vitest';
import {
  describeModelDiff,
  diffModels,
  loadPreset,
  parseModel,
  PRESETS,
  type QualificationModel,
} from '../../src/core/index.js';

/** The seed-fit-intent preset, changed by `edit`, parsed as the service parses a stored version. */
function seedWith(edit: (m: any) => void = () => {}): QualificationModel {
  const input = structuredClone(PRESETS['seed-fit-intent']) as any;
  edit(input);
  const parsed = parseModel(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
  return parsed.model;
}

describe('model diff', () => {
  it('when two versions agree (defaults written out or left out, lists reordered), then there is no change', () => {
    const a = loadPreset('seed-fit-intent');
    const b = seedWith((m) => {
      m.feedback = structuredClone(a.feedback);
      m.fit.criteria.reverse();
    });
    expect(diffModels(a, b)).toEqual([]);
    expect(describeModelDiff(diffModels(a, b))).toBe('no changes');
  });

  it('when the intent bar drops and an industry is added, then it reads as the issue writes it', () => {
    const before = seedWith();
    const after = seedWith((m) => {
      m.thresholds.mql.intent.value = 40;
      m.fit.criteria[0].match.values.push('Pharmaceuticals');
    });
    expect(describeModelDiff(diffModels(before, after))).toBe(
      'MQL intent bar 50 → 40; added industry Pharmaceuticals (+25)',
    );
  });

  it('when every part changes, then each change has one line in the order of the model, in its section', () => {
    const before = seedWith();
    const after = seedWith((m) => {
      m.thresholds.mql.fit = { operator: '>=', value: 55 };
      m.thresholds.mql.requiredFitCriteria = ['region'];
      m.fit.criteria[1].match = { type: 'range', min: 50, max: 1000 };
      m.fit.criteria[2].match.values = ['Netherlands', 'Belgium'];
      m.fit.criteria[3].points = 30;
      m.fit.criteria.push({
        id: 'revenue',
        label: 'Revenue',
        property: 'company.annualrevenue',
        match: { type: 'range', min: 1000000 },
        points: 10,
      });
      m.intent.signals = m.intent.signals.filter((s: any) => s.type !== 'email_engaged');
      // The preset shares one ageing object between its signals: give this one its own.
      m.intent.signals[0].ageing = { fullDays: 30, expiresAfterDays: 60 };
      m.disqualifiers[1].when[0].match.domains.push('mail.example');
      m.disqualifiers.push({
        id: 'competitor',
        reason: 'Competitor',
        when: [{ property: 'contact.email', match: { type: 'email-domain', domains: ['rival.example'] } }],
      });
      m.routing.slaHours.newBusiness = 12;
      m.routing.newBusinessOwners = ['101', '102'];
      m.routing.escalationOwner = '900';
      m.feedback = {
        lostReasons: [
          ...structuredClone(loadPreset('seed-fit-intent').feedback.lostReasons),
          { id: 'competitor_customer', label: 'Uses a competitor' },
        ],
        renurtureTracks: { no_budget: 'finance', wrong_timing: 'remind_me', no_interest: 'long_term' },
      };
    });
    const names: Record<string, string> = { '101': 'Dana', '102': 'Sam', '900': 'Head of Sales' };

    const changes = diffModels(before, after, { ownerName: (id) => names[id] ?? id });

    expect(changes).toEqual([
      { section: 'mql', text: 'MQL fit bar > 60 → >= 55' },
      { section: 'mql', text: 'an MQL now needs region' },
      { section: 'fit', text: 'added fit criterion Revenue (+10)' },
      { section: 'fit', text: 'company size range 25–1000 → 50–1000' },
      { section: 'fit', text: 'removed region Germany' },
      { section: 'fit', text: 'decision-maker role points +25 → +30' },
      { section: 'intent', text: 'removed signal E-mail opened or clicked' },
      { section: 'intent', text: `${after.intent.signals[0]!.label} expires after 90 → 60 days` },
      { section: 'disqualifiers', text: 'added disqualifier "Competitor"' },
      {
        section: 'disqualifiers',
        text: 'disqualifier "Free e-mail domain": added domain mail.example',
      },
      { section: 'routing', text: 'new-business SLA 24 → 12 hours' },
      { section: 'routing', text: 'Dana joins the new-business round robin' },
      { section: 'routing', text: 'Sam joins the new-business round robin' },
      { section: 'routing', text: 'escalation owner nobody → Head of Sales' },
      { section: 'feedback', text: 'added lost reason "Uses a competitor"' },
      { section: 'feedback', text: '"No budget" re-nurture track roi → finance' },
    ]);
  });

  it('when going back, then the diff is the mirror of going forward', () => {
    const a = seedWith();
    const b = seedWith((m) => {
      m.fit.criteria[0].match.values.push('Pharmaceuticals');
      m.routing.marketingOwner = '5';
      m.thresholds.installedBase = null;
    });
    expect(diffModels(a, b).map((c) => c.text)).toEqual([
      'added industry Pharmaceuticals (+25)',
      'installed-base rule off',
      'marketing owner nobody → owner 5',
    ]);
    expect(diffModels(b, a).map((c) => c.text)).toEqual([
      'removed industry Pharmaceuticals',
      `installed-base rule on (window ${a.thresholds.installedBase!.windowDays} days)`,
      'marketing owner owner 5 → nobody',
    ]);
  });
});
