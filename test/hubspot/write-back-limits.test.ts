/**
 * Every text the app writes to HubSpot fits HubSpot's 65,536-character property limit, cut with a
 * visible "…", and the diff stays stable (a cut value is not rewritten on the next run).
 */
import { describe, expect, it } from 'vitest';
import { type Evaluation, evaluate, HUBSPOT_TEXT_LIMIT, loadPreset } from '../../src/core/index.js';
import {
  decisionValues,
  diffForWrite,
  qualifyOutputFields,
  writtenValues,
} from '../../src/hubspot/write-back.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function hugeEvaluation(): Evaluation {
  const e = evaluate(
    {
      id: '1',
      properties: { email: 'anna@acme.nl', jobtitle: 'CEO' },
      company: { numberofemployees: '250' },
    },
    loadPreset('seed-fit-intent'),
    NOW,
  );
  // An explanation can only grow this long if a model's labels and values conspire; cut it anyway.
  return {
    ...e,
    explanation: [...e.explanation, 'x'.repeat(70_000)],
    disqualification: { id: 'd', reason: 'Reason', detail: `contact.jobtitle: ${'y'.repeat(70_000)}` },
  };
}

describe('write-back limits', () => {
  it('when the explanation and the reason are over the limit, then they are cut to it with a visible "…"', () => {
    const values = writtenValues(hugeEvaluation());
    for (const name of ['lq_explanation', 'lq_disqualification_reason']) {
      expect(values[name]).toHaveLength(HUBSPOT_TEXT_LIMIT);
      expect(values[name]!.endsWith('…')).toBe(true);
    }
    expect(values.lq_fit_score).toBe('50');
  });

  it('when nothing is over the limit, then nothing is changed', () => {
    const e = evaluate({ id: '2', properties: { jobtitle: 'CEO' } }, loadPreset('seed-fit-intent'), NOW);
    expect(writtenValues(e).lq_explanation).toBe(e.explanation.join('\n'));
  });

  it('when HubSpot already holds the cut value, then nothing is written again', () => {
    const values = writtenValues(hugeEvaluation());
    expect(diffForWrite(hugeEvaluation(), { ...values, lq_highest_stage: 'subscriber' }, NOW)).toEqual({});
  });

  it('when a workflow reads the verdict or sales writes a long note, then those fit too', () => {
    expect(String(qualifyOutputFields(hugeEvaluation()).explanation)).toHaveLength(HUBSPOT_TEXT_LIMIT);
    const note = decisionValues(
      {
        decision: 'return',
        reason: 'other',
        track: null,
        stage: 'lead',
        stageBefore: 'marketingqualifiedlead',
        leadStatus: 'UNQUALIFIED',
        highWater: null,
      } as any,
      'n'.repeat(100_000),
    ).lq_lost_reason_note!;
    expect(note).toHaveLength(HUBSPOT_TEXT_LIMIT);
    expect(note.endsWith('…')).toBe(true);
  });
});
