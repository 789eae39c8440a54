import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/hubspot/payloads.js';
import { PUBLIC, SECRET, type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function firstContact(s: Stack): string {
  return s.sandbox.data!.contacts[0]!.id;
}

describe('workflow action: Qualify contact', () => {
  it('when HubSpot runs it, then it answers the evaluation as outputFields and writes it back', async () => {
    stack = await startStack({ contacts: 5 });
    const id = firstContact(stack);
    const execution = await stack.execute(ACTIONS.qualify.path, { contactId: id });
    expect(execution.status).toBe(200);
    expect(execution.state).toBe('SUCCESS');
    const stored = (await stack.service.store.contacts.latestEvaluations(stack.portalId, [id])).get(id)!;
    // Every output value is text, as in a callback completion.
    expect(execution.outputFields).toEqual({
      hs_execution_state: 'SUCCESS',
      fit_score: String(stored.fitScore),
      intent_score: String(stored.intentScore),
      qualification: stored.qualification,
      is_mql: String(stored.qualification === 'mql'),
      disqualification_reason: expect.any(String),
      explanation: stored.explanation.join('\n'),
    });
    expect(stack.sandbox.state.get('contacts', id)!.properties.lq_fit_score).toBe(String(stored.fitScore));
  });

  it('when HubSpot is too slow, then it answers BLOCK and completes the action later through the callback API', async () => {
    stack = await startStack({ contacts: 5, service: { syncTimeoutMs: 150 } });
    const id = firstContact(stack);
    stack.sandbox.setFaults({ 'contacts.batch.read': { latencyMs: 400 } });
    const execution = await stack.execute(ACTIONS.qualify.path, { contactId: id, callbackId: 'cb-slow-1' });
    expect(execution.outputFields).toEqual({ hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' });
    stack.sandbox.setFaults({});
    await new Promise((resolve) => setTimeout(resolve, 450)); // the late first attempt finishes
    await stack.service.worker.drain();
    const completion = stack.sandbox.callbacks.find((c) => c.callbackId === 'cb-slow-1');
    expect(completion?.outputFields).toMatchObject({
      hs_execution_state: 'SUCCESS',
      qualification: expect.any(String),
      fit_score: expect.any(String),
    });
  });

  it('when the object is not a contact, then it answers FAIL_CONTINUE with a code HubSpot shows the message of', async () => {
    stack = await startStack({ contacts: 1 });
    const response = await stack.sandbox.sender.executeAction({
      actionUrl: `${stack.url}${ACTIONS.qualify.path}`,
      signedUrl: `${PUBLIC}${ACTIONS.qualify.path}`,
      clientSecret: SECRET,
      origin: { portalId: stack.sandbox.portalId, actionDefinitionId: 1, actionDefinitionVersion: 1 },
      object: { objectId: 1, objectType: 'DEAL' },
      maxRetries: 0,
    });
    expect(response.status).toBe(200);
    expect(response.outputFields).toEqual({
      hs_execution_state: 'FAIL_CONTINUE',
      error_code: 'not_a_contact',
      error_message: 'objectType: must be CONTACT, not DEAL',
    });
  });
});

describe('workflow action: Record intent signal', () => {
  it('when HubSpot retries the same execution, then the signal is stored once and the contact rescored', async () => {
    stack = await startStack({ contacts: 3 });
    const id = firstContact(stack);
    const inputFields = { signal_type: 'demo_requested', occurred_at: String(Date.now() - 3_600_000) };
    const first = await stack.execute(ACTIONS.recordSignal.path, {
      contactId: id,
      inputFields,
      callbackId: 'cb-signal-1',
    });
    const again = await stack.execute(ACTIONS.recordSignal.path, {
      contactId: id,
      inputFields,
      callbackId: 'cb-signal-1',
    });
    expect(first.outputFields).toEqual({
      hs_execution_state: 'SUCCESS',
      signal_type: 'demo_requested',
      duplicate: 'false',
    });
    expect(again.outputFields).toEqual({
      hs_execution_state: 'SUCCESS',
      signal_type: 'demo_requested',
      duplicate: 'true',
    });
    const signals = await stack.service.store.contacts.signalsFor(stack.portalId, [id], 0);
    expect(signals.get(id)).toHaveLength(1);
    await stack.service.worker.drain();
    const explanation = stack.sandbox.state.get('contacts', id)!.properties.lq_explanation ?? '';
    expect(explanation).toContain('Demo requested');
  });

  it.each([
    [{}, 'signal_type', 'is required: choose a signal type'],
    [
      { signal_type: 'podcast_listened' },
      'signal_type',
      expect.stringContaining('"podcast_listened" is not a signal of the active model'),
    ],
    [
      { signal_type: 'demo_requested', occurred_at: 'last tuesday' },
      'occurred_at',
      'must be an ISO-8601 date-time or date, or epoch milliseconds',
    ],
    [
      { signal_type: 'demo_requested', occurred_at: String(Date.now() + 86_400_000) },
      'occurred_at',
      'must not be in the future',
    ],
  ])(
    'when the inputs are %j, then it answers FAIL_CONTINUE with the code of %s, whose message HubSpot shows',
    async (inputFields, field, message) => {
      stack = await startStack({ contacts: 1 });
      const execution = await stack.sandbox.sender.executeAction({
        actionUrl: `${stack.url}${ACTIONS.recordSignal.path}`,
        signedUrl: `${PUBLIC}${ACTIONS.recordSignal.path}`,
        clientSecret: SECRET,
        origin: { portalId: stack.sandbox.portalId, actionDefinitionId: 2, actionDefinitionVersion: 1 },
        object: { objectId: firstContact(stack), objectType: 'CONTACT' },
        inputFields,
        maxRetries: 0,
      });
      expect(execution.status).toBe(200);
      expect(execution.state).toBe('FAIL_CONTINUE');
      expect(execution.outputFields).toEqual({
        hs_execution_state: 'FAIL_CONTINUE',
        error_code: `invalid_${field}`,
        error_message: typeof message === 'string' ? `${field}: ${message}` : message,
      });
      expect((await stack.service.store.queue.stats()).pending).toBe(0);
    },
  );

  it('serves the signal types of the active model as options', async () => {
    stack = await startStack({ contacts: 1 });
    const response = await stack.sandbox.sender.fetchOptions({
      optionsUrl: `${stack.url}/hubspot/actions/signal-options`,
      signedUrl: `${PUBLIC}/hubspot/actions/signal-options`,
      clientSecret: SECRET,
      origin: { portalId: stack.sandbox.portalId, actionDefinitionId: 2, actionDefinitionVersion: 1 },
      inputFieldName: 'signal_type',
      fetchOptions: { q: 'demo' },
    });
    expect(response.status).toBe(200);
    expect(typeof response.body === 'string' ? JSON.parse(response.body) : response.body).toEqual({
      options: [
        {
          label: 'Demo requested',
          value: 'demo_requested',
          description: '+30 points; full for 30 days, gone after 90',
        },
        {
          label: 'Demo no-show',
          value: 'demo_no_show',
          description: '-30 points; full for 30 days, gone after 90',
        },
      ],
      searchable: true,
    });
  });
});
