import { describe, expect, it } from 'vitest';
import { evaluate, loadPreset, scoreBreakdown, scoreTimeline } from '../../src/core/index.js';
import { daysAgo, idealContact, NOW } from './helpers.js';

const DAY = 86_400_000;
const model = loadPreset('seed-fit-intent');

describe('score card', () => {
  it('when a contact is an MQL, then every fit and intent line is listed and the lines add up to the scores', () => {
    const contact = idealContact({
      signals: [
        { type: 'demo_requested', occurredAt: daysAgo(2) },
        { type: 'trial_started', occurredAt: daysAgo(1) },
      ],
    });
    const card = scoreBreakdown(evaluate(contact, model, NOW), model);

    expect(card.verdict).toBe('MQL: fit 100 > 60 and intent 70 > 50');
    expect(card.fit.lines.map((l) => l.points)).toEqual([25, 25, 25, 25]);
    expect(card.fit.lines.reduce((n, l) => n + l.points, 0)).toBe(card.fit.raw);
    expect(card.intent.lines).toEqual([
      { points: 40, text: expect.stringContaining('Trial started') },
      { points: 30, text: expect.stringContaining('Demo requested') },
    ]);
    expect(card.intent.lines.reduce((n, l) => n + l.points, 0)).toBe(card.intent.raw);
  });

  it('when scored over time, then intent counts only signals that had happened, and fades after its full days', () => {
    const contact = idealContact({ signals: [{ type: 'demo_requested', occurredAt: daysAgo(70) }] });
    const times = [100, 70, 40, 10, 0].map((d) => NOW.getTime() - d * DAY);

    const timeline = scoreTimeline(contact, model, times);

    expect(timeline.map((p) => p.intent)).toEqual([0, 30, 30, 15, 10]);
    expect(timeline.map((p) => p.fit)).toEqual([100, 100, 100, 100, 100]);
    expect(timeline.map((p) => p.at)).toEqual(times);
  });
});
