/**
 * The contact card's API against the sandbox: what it shows for a scored MQL, Accept and Return
 * from the card taking the same path as the *Sales decision* action, and disputes counted in the
 * funnel's "no idea why this is an MQL" figure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers.js';
import { call, SALES_USER, twoMqls } from './settings-calls.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('contact card API', () => {
  it('when the card opens on an MQL, then it shows every scoring line, the version, the score over time, the route and the SLA clock', async () => {
    stack = await startStack({ contacts: 40 });
    const [id] = await twoMqls(stack);

    const card = await call(stack, 'GET', `/card/api/contact?contactId=${id}`);

    expect(card.status).toBe(200);
    expect(card.json).toMatchObject({
      contactId: id,
      modelVersion: 'seed-fit-intent@1',
      qualification: 'mql',
      breakdown: { verdict: expect.stringMatching(/^MQL: fit \d+ > 60 and intent \d+ > 50$/) },
      route: { kind: expect.any(String), routedAt: expect.any(Number) },
      sla: { kind: 'acceptance', closedAt: null, hoursLeft: expect.any(Number) },
      disputes: [],
    });
    const { fit, intent } = card.json.breakdown;
    expect(fit.lines.length).toBe(4);
    expect(intent.lines.map((l: { text: string }) => l.text).join('\n')).toMatch(/Trial started/);
    expect(intent.lines.reduce((n: number, l: { points: number }) => n + l.points, 0)).toBe(intent.raw);
    expect(card.json.timeline).toHaveLength(91);
    expect(card.json.timeline[0].intent).toBe(0);
    expect(card.json.timeline.at(-1).intent).toBe(intent.score);
    expect(card.json.lostReasons.map((r: { id: string }) => r.id)).toContain('no_budget');

    const unknown = await call(stack, 'GET', '/card/api/contact?contactId=123456789');
    expect(unknown).toMatchObject({ status: 404, json: { problems: [{ path: 'query.contactId' }] } });
  });

  it('when sales accepts one MQL and returns another from the card, then both take effect as the workflow action’s would', async () => {
    stack = await startStack({ contacts: 40 });
    const [accepted, returned] = await twoMqls(stack);

    const accept = await call(stack, 'POST', '/card/api/decision', {
      contactId: accepted,
      decision: 'accept',
    });
    const back = await call(
      stack,
      'POST',
      '/card/api/decision',
      { contactId: returned, decision: 'return', reason: 'no_budget', note: 'Budget next year' },
      SALES_USER(stack),
    );
    expect(accept).toMatchObject({ status: 202, json: { recorded: true, decision: 'accept' } });
    expect(back).toMatchObject({ status: 202, json: { recorded: true, reason: 'no_budget' } });
    await stack.service.worker.drain();

    const props = (id: string) => stack!.sandbox.state.get('contacts', id)!.properties;
    expect(props(accepted)).toMatchObject({
      lifecyclestage: 'salesqualifiedlead',
      lq_sales_decision: 'accepted',
    });
    expect(props(returned)).toMatchObject({
      lq_sales_decision: 'returned',
      lq_lost_reason: 'no_budget',
      lq_renurture_track: 'roi',
    });
    const decisions = await stack.service.store.decisions.applied(stack.portalId, 0, Date.now() + 1);
    expect(decisions.find((d) => d.contactId === returned)).toMatchObject({
      decidedBy: 'sam@acme.example (user 7)',
      note: 'Budget next year',
    });

    const noReason = await call(stack, 'POST', '/card/api/decision', {
      contactId: accepted,
      decision: 'return',
    });
    expect(noReason).toMatchObject({ status: 400, json: { problems: [{ path: '$.reason' }] } });
    const forged = await call(stack, 'POST', '/card/api/decision', {
      contactId: accepted,
      decision: 'accept',
      decidedBy: 'ceo',
    });
    expect(forged.status).toBe(400);
  });

  it('when sales disputes a score, then the reason stays on the card and counts in the funnel’s "no idea why" figure', async () => {
    stack = await startStack({ contacts: 40 });
    const [id] = await twoMqls(stack);

    const dispute = await call(
      stack,
      'POST',
      '/card/api/dispute',
      { contactId: id, reason: 'A student project, not a buyer' },
      SALES_USER(stack),
    );
    expect(dispute).toMatchObject({
      status: 201,
      json: { dispute: { reason: 'A student project, not a buyer', qualification: 'mql' } },
    });
    const card = await call(stack, 'GET', `/card/api/contact?contactId=${id}`);
    expect(card.json.disputes).toEqual([
      {
        reason: 'A student project, not a buyer',
        disputedBy: 'sam@acme.example (user 7)',
        disputedAt: expect.any(Number),
        modelVersion: 'seed-fit-intent@1',
      },
    ]);
    const funnel = await call(stack, 'GET', '/settings/api/funnel');
    expect(funnel.json.unclearMqls).toEqual({ returned: 0, disputed: 1, disputedContacts: 1, total: 1 });

    const empty = await call(stack, 'POST', '/card/api/dispute', { contactId: id, reason: '  ' });
    expect(empty).toMatchObject({ status: 400, json: { problems: [{ path: '$.reason' }] } });
  });

  it('when a decision or dispute names a contact the service never scored, then it is refused naming contactId and nothing is stored', async () => {
    stack = await startStack({ contacts: 5 });
    const unknown = '987654321';

    const accept = await call(stack, 'POST', '/card/api/decision', {
      contactId: unknown,
      decision: 'accept',
    });
    const back = await call(stack, 'POST', '/card/api/decision', {
      contactId: unknown,
      decision: 'return',
      reason: 'no_budget',
    });
    const dispute = await call(stack, 'POST', '/card/api/dispute', {
      contactId: unknown,
      reason: 'Who is this?',
    });

    for (const refused of [accept, back, dispute])
      expect(refused).toMatchObject({
        status: 404,
        json: {
          error: 'not_found',
          message: expect.stringContaining(unknown),
          problems: [{ path: '$.contactId', message: 'not scored yet' }],
        },
      });
    expect(await stack.service.store.decisions.pending(stack.portalId, [unknown])).toEqual([]);
    expect(await stack.service.store.disputes.of(stack.portalId, unknown)).toEqual([]);
  });
});
