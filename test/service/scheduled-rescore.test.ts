/**
 * Scores that stay true over time, with real time: a contact made MQL by signals recorded through
 * the *Record intent signal* action loses MQL on its own when its signals fade below the bar, and
 * HubSpot hears of it within a minute, with no event in between.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { evaluate, loadPreset } from '../../src/core/index.js';
import { ACTIONS } from '../../src/hubspot/payloads.js';
import { type Stack, startStack } from './helpers.js';

const model = loadPreset('seed-fit-intent');
const SIGNALS = ['trial_started', 'demo_requested'] as const;

/** The intent of the two signals, both `ageMs` old at `now`. */
function intentAt(ageMs: number, now: number): number {
  const signals = SIGNALS.map((type) => ({ type, occurredAt: now - ageMs }));
  return evaluate({ id: 'probe', properties: {}, signals }, model, now).intent.score;
}

/** The smallest age (ms) at which the two signals' intent is no longer above the MQL bar (50). */
function ageLosingMql(now: number): number {
  let lo = 0; // above the bar
  let hi = 90 * 86_400_000; // expired
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (intentAt(mid, now) > 50) lo = mid;
    else hi = mid;
  }
  return hi;
}

async function until<T>(read: () => T | undefined, timeoutMs: number, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

describe('scheduled rescoring, in real time', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('when a contact’s signals fade below the MQL bar 30 s from now, then HubSpot shows the new intent and qualification within 60 s of that moment, with no event in between', async () => {
    stack = await startStack({ contacts: 0, service: { startWorker: true } });
    const { sandbox } = stack;
    const source = { changeSource: 'CRM_UI' };
    const company = sandbox.state.create(
      'companies',
      { name: 'Fade BV', industry: 'COMPUTER_SOFTWARE', numberofemployees: '250' },
      source,
    );
    const contact = sandbox.state.create(
      'contacts',
      {
        email: 'fade@example.nl',
        firstname: 'Fay',
        lastname: 'Ding',
        jobtitle: 'VP Sales',
        country: 'Netherlands',
        lifecyclestage: 'lead',
      },
      source,
    );
    sandbox.state.associate('contacts', contact.id, 'companies', company.id, 1);

    // Signals dated so that their intent drops to 50 (no longer > 50) 30 s from now.
    const start = Date.now();
    const crossing = start + 30_000;
    const occurredAt = crossing - ageLosingMql(crossing);
    expect(intentAt(crossing - 1 - occurredAt, crossing - 1)).toBeGreaterThan(50);
    for (const [i, type] of SIGNALS.entries()) {
      const execution = await stack.execute(ACTIONS.recordSignal.path, {
        contactId: contact.id,
        inputFields: { signal_type: type, occurred_at: String(occurredAt) },
        callbackId: `fade-${i}`,
      });
      expect(execution.status).toBe(200);
    }
    const props = () => sandbox.state.get('contacts', contact.id)!.properties;
    await until(() => (props().lq_qualification === 'mql' ? true : undefined), 10_000);
    const intentWhileMql = Number(props().lq_intent_score);
    expect(intentWhileMql).toBeGreaterThan(50);

    // No further event: only the schedule can bring the change.
    const seenAt = await until(() => (props().lq_qualification !== 'mql' ? Date.now() : undefined), 60_000);
    const lagMs = seenAt - crossing;

    expect(props().lq_qualification).toBe('nurture');
    expect(Number(props().lq_intent_score)).toBeLessThanOrEqual(50);
    expect(lagMs).toBeGreaterThanOrEqual(0);
    expect(lagMs).toBeLessThan(60_000);
    expect(await stack.service.metrics.scheduledRescoreLag.count()).toBeGreaterThanOrEqual(1);
    // The figure for the record (the issue asks for the measured lag).
    console.info(`scheduled rescore: written ${lagMs} ms after the moment its intent fell below the bar`);
  }, 120_000);
});
