import { describe, expect, it } from 'vitest';
import { loadPreset, parseModel, PRESETS, previewModelChange } from '../../src/core/index.js';
import { daysAgo, idealContact, NOW } from './helpers.js';

const current = loadPreset('seed-fit-intent');

function withIntentBar(value: number) {
  const raw = structuredClone(PRESETS['seed-fit-intent']) as any;
  raw.thresholds.mql.intent.value = value;
  const parsed = parseModel(raw);
  if (!parsed.success) throw new Error('model');
  return parsed.model;
}

const contacts = [
  // Intent 50: not an MQL at > 50, an MQL at > 40.
  idealContact({
    id: 'a',
    signals: [
      { type: 'demo_requested', occurredAt: daysAgo(1) },
      { type: 'pricing_page_viewed', occurredAt: daysAgo(1) },
    ],
  }),
  // Intent 70: an MQL either way.
  idealContact({
    id: 'b',
    signals: [
      { type: 'demo_requested', occurredAt: daysAgo(1) },
      { type: 'trial_started', occurredAt: daysAgo(1) },
    ],
  }),
  // Disqualified either way.
  idealContact({ id: 'c', properties: { email: 'c@gmail.com' } }),
  // Intent 0: nurture either way.
  idealContact({ id: 'd' }),
];

describe('previewModelChange', () => {
  it('when the intent bar is lowered, then it counts the new MQLs and shows them with both explanations', () => {
    const preview = previewModelChange(contacts, current, withIntentBar(40), NOW.getTime());
    expect(preview).toMatchObject({
      contacts: 4,
      before: { mql: 1, iql: 0, nurture: 2, disqualified: 1 },
      after: { mql: 2, iql: 0, nurture: 1, disqualified: 1 },
      mqlIn: 1,
      mqlOut: 0,
      newlyDisqualified: 0,
      changed: 1,
    });
    expect(preview.sample).toEqual([
      {
        contactId: 'a',
        before: expect.objectContaining({
          qualification: 'nurture',
          explanation: expect.arrayContaining(['Not MQL: intent 50 ≤ 50']),
        }),
        after: expect.objectContaining({
          qualification: 'mql',
          explanation: expect.arrayContaining(['MQL: fit 100 > 60 and intent 50 > 40']),
        }),
      },
    ]);
  });

  it('when the intent bar is raised, then MQLs move out', () => {
    const preview = previewModelChange(contacts, current, withIntentBar(80), NOW.getTime());
    expect([preview.mqlIn, preview.mqlOut, preview.after.mql]).toEqual([0, 1, 0]);
  });

  it('when the model is unchanged, then nothing changes and there is no sample', () => {
    const preview = previewModelChange(contacts, current, loadPreset('seed-fit-intent'), NOW.getTime());
    expect([preview.changed, preview.sample.length]).toEqual([0, 0]);
    expect(preview.before).toEqual(preview.after);
  });
});
