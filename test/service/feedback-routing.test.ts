/**
 * The feedback loop against the sandbox: new MQLs routed to the right owner with a task, sales
 * decisions from the workflow action and from lead statuses people set, recycling in HubSpot's
 * order, and the transitions the funnel reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLIC, SECRET } from './helpers.js';
import {
  contact,
  decide,
  type FeedbackStack,
  HOUR,
  iso,
  makeContact,
  NEW_BUSINESS_INTENT,
  OWNERS,
  recordSignals,
  startFeedbackStack,
  tasksOf,
} from './feedback-helpers.js';

let stack: FeedbackStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('routing a new MQL', () => {
  it('when new-business MQLs arrive, then they go round robin to the available owners, each with a task due in 24 h and a 48 h acceptance timer', async () => {
    stack = await startFeedbackStack();
    const now = stack.clock.now();
    const ids: string[] = [];
    for (const name of ['Ann Smit', 'Ben Bakker', 'Cor Visser'])
      ids.push(await makeContact(stack, { name, signals: NEW_BUSINESS_INTENT }));

    await stack.service.worker.drain();

    // Bram is unavailable: Anna, Claire, then Anna again.
    expect(ids.map((id) => contact(stack!, id).hubspot_owner_id)).toEqual([
      OWNERS.anna,
      OWNERS.claire,
      OWNERS.anna,
    ]);
    const first = contact(stack, ids[0]!);
    expect(first).toMatchObject({
      lifecyclestage: 'marketingqualifiedlead',
      hs_lead_status: 'NEW',
      lq_route: 'new-business',
      lq_routed_to: OWNERS.anna,
      lq_highest_stage: 'marketingqualifiedlead',
    });
    const [task] = tasksOf(stack, ids[0]!);
    expect(task).toMatchObject({
      hubspot_owner_id: OWNERS.anna,
      hs_timestamp: iso(now + 24 * HOUR),
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: 'MEDIUM',
      hs_task_subject: 'New MQL (new business): Ann Smit, follow up within 24 h',
    });
    expect(task!.hs_task_body).toContain(`by ${iso(now + 48 * HOUR)}`);
    expect(task!.hs_task_body).toContain('MQL: fit 100 > 60 and intent 60 > 50');
    expect(tasksOf(stack, ids[1]!)[0]?.hubspot_owner_id).toBe(OWNERS.claire);
    // One batch create for the three tasks.
    expect(stack.calls('tasks.batch.create')).toBe(1);

    const timers = await stack.service.store.sla.timersOf(stack.portalId, ids);
    expect(timers.map((t) => [t.kind, t.dueAt, t.closedAt])).toEqual(
      ids.map(() => ['acceptance', now + 48 * HOUR, null]),
    );
    const lifecycle = (await stack.service.store.contacts.transitions(stack.portalId, now, now + 1)).filter(
      (t) => t.kind === 'lifecycle' && t.contactId === ids[0],
    );
    expect(lifecycle).toMatchObject([
      {
        from: 'lead',
        to: 'marketingqualifiedlead',
        details: { route: 'new-business', owner: OWNERS.anna, highWater: 'marketingqualifiedlead' },
      },
    ]);
  });

  it('when an existing customer shows interest, then it goes to the account’s owner within 4 h; a demo request goes to the contact’s own owner', async () => {
    stack = await startFeedbackStack();
    const now = stack.clock.now();
    const customer = await makeContact(stack, {
      name: 'Kees Klant',
      signals: { pricing_page_viewed: 5 },
      properties: { lifecyclestage: 'customer' },
      company: { lifecyclestage: 'customer', hubspot_owner_id: OWNERS.eva },
    });
    const demo = await makeContact(stack, {
      name: 'Dirk Demo',
      signals: { demo_requested: 1, trial_started: 2 },
      properties: { hubspot_owner_id: OWNERS.david },
    });

    await stack.service.worker.drain();

    // The customer keeps its stage (stages only move forward) and is routed all the same.
    expect(contact(stack, customer)).toMatchObject({
      lifecyclestage: 'customer',
      lq_route: 'installed-base',
      hubspot_owner_id: OWNERS.eva,
      lq_highest_stage: 'customer',
    });
    expect(tasksOf(stack, customer)).toMatchObject([
      {
        hubspot_owner_id: OWNERS.eva,
        hs_timestamp: iso(now + 4 * HOUR),
        hs_task_priority: 'HIGH',
        hs_task_subject: 'New MQL (installed base): Kees Klant, follow up within 4 h',
      },
    ]);
    expect(contact(stack, demo)).toMatchObject({ lq_route: 'demo-request', hubspot_owner_id: OWNERS.david });
    expect(tasksOf(stack, demo)).toMatchObject([
      { hubspot_owner_id: OWNERS.david, hs_timestamp: iso(now + 24 * HOUR) },
    ]);
    const routes = await stack.service.store.routes.routesOf(stack.portalId, [customer, demo]);
    expect(routes.get(customer)).toMatchObject({ ownerSource: 'account-owner', followUpSlaHours: 4 });
    expect(routes.get(demo)).toMatchObject({ ownerSource: 'contact-owner' });
  });

  it('when no new-business owner is configured, then the route and its timer are kept, without owner or task', async () => {
    stack = await startFeedbackStack({ routing: { newBusinessOwners: [], escalationOwner: null } });
    const id = await makeContact(stack, { name: 'Noor Niemand', signals: NEW_BUSINESS_INTENT });

    await stack.service.worker.drain();

    expect(contact(stack, id).lifecyclestage).toBe('marketingqualifiedlead');
    expect(contact(stack, id).hubspot_owner_id).toBeUndefined();
    expect(tasksOf(stack, id)).toEqual([]);
    expect(stack.calls('tasks.batch.create')).toBe(0);
    expect((await stack.service.store.routes.routesOf(stack.portalId, [id])).get(id)).toMatchObject({
      ownerId: null,
      ownerSource: 'none',
    });
    expect(await stack.service.store.sla.timersOf(stack.portalId, [id])).toHaveLength(1);
  });

  it('when 150 contacts become MQLs at once, then routing rides on the scoring write and adds one task batch per 100', async () => {
    stack = await startFeedbackStack();
    const ids: string[] = [];
    for (let i = 0; i < 150; i++)
      ids.push(await makeContact(stack, { name: `Veel Leads${i}`, signals: NEW_BUSINESS_INTENT }));
    stack.sandbox.reset();

    await stack.service.worker.drain();

    expect(ids.every((id) => contact(stack!, id).hubspot_owner_id)).toBe(true);
    expect(stack.calls('contacts.batch.read')).toBe(2);
    expect(stack.calls('contacts.batch.update')).toBe(2);
    expect(stack.calls('tasks.batch.create')).toBe(2);
    expect(stack.sandbox.state.count('tasks')).toBe(150);
    // Anna and Claire take turns.
    const owners = ids.map((id) => contact(stack!, id).hubspot_owner_id);
    expect(owners.filter((o) => o === OWNERS.anna)).toHaveLength(75);
  });

  it('when the contact is scored again, then it is not routed a second time', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Olga Opnieuw', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();

    await recordSignals(stack, id, { comparison_viewed: 1 });
    await stack.service.worker.drain();

    expect(tasksOf(stack, id)).toHaveLength(1);
  });
});

describe('MQL state rules', () => {
  it('when an MQL falls below the bar before sales answers, then it reads nurture, keeps its stage and lead status, and its acceptance timer is cancelled, not breached; crossing the bar again routes it afresh', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, {
      name: 'Fleur Fade',
      signals: { trial_started: 1, pricing_page_viewed: 1 },
    });
    await stack.service.worker.drain();
    expect(contact(stack, id)).toMatchObject({ lq_qualification: 'mql', hs_lead_status: 'NEW' });

    // 70 days later both signals have faded far below the bar; the scheduled rescore is due.
    stack.clock.advance(70 * 24 * HOUR);
    await stack.service.worker.drain();

    expect(contact(stack, id)).toMatchObject({
      lq_qualification: 'nurture',
      lifecyclestage: 'marketingqualifiedlead',
      hs_lead_status: 'NEW',
    });
    const [timer] = await stack.service.store.sla.timersOf(stack.portalId, [id]);
    expect(timer).toMatchObject({ kind: 'acceptance', outcome: 'cancelled' });
    expect(await stack.service.store.sla.claimBreaches(stack.clock.now(), 10, 60_000)).toEqual([]);

    await recordSignals(stack, id, { trial_started: 1, demo_requested: 1 });
    await stack.service.worker.drain();

    expect(contact(stack, id).lq_qualification).toBe('mql');
    expect(tasksOf(stack, id)).toHaveLength(2);
    const [again] = await stack.service.store.sla.timersOf(stack.portalId, [id]);
    expect(again).toMatchObject({ kind: 'acceptance', closedAt: null });
  });

  it('when contacts were MQLs before the app was installed, then their first scoring routes them, with a task and an acceptance timer', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, {
      name: 'Oud Mql',
      signals: NEW_BUSINESS_INTENT,
      properties: { lifecyclestage: 'marketingqualifiedlead', hs_lead_status: 'OPEN' },
    });

    await stack.service.worker.drain();

    expect(contact(stack, id)).toMatchObject({ lq_qualification: 'mql', lq_route: 'new-business' });
    expect(tasksOf(stack, id)).toHaveLength(1);
    expect(await stack.service.store.sla.timersOf(stack.portalId, [id])).toMatchObject([
      { kind: 'acceptance', closedAt: null },
    ]);
  });

  it('when sales returns an existing customer routed on the installed-base route, then it reads nurture until a new signal, though its stage stays customer', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, {
      name: 'Klaas Klant',
      signals: { pricing_page_viewed: 5 },
      properties: { lifecyclestage: 'customer' },
      company: { lifecyclestage: 'customer', hubspot_owner_id: OWNERS.eva },
    });
    await stack.service.worker.drain();
    expect(contact(stack, id).lq_qualification).toBe('mql');

    expect((await decide(stack, id, { decision: 'return', reason: 'no_budget' })).status).toBe(200);
    await stack.service.worker.drain();

    expect(contact(stack, id)).toMatchObject({ lifecyclestage: 'customer', lq_qualification: 'nurture' });
    expect(contact(stack, id).lq_explanation).toContain('returned by sales');
  });
});

describe('sales decisions from the workflow action', () => {
  it('when sales accepts an MQL, then it becomes SQL, the acceptance timer is met and the follow-up timer runs; a retry changes nothing', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Eva Eens', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.clock.advance(3 * HOUR);
    const decidedAt = stack.clock.now();

    const first = await decide(stack, id, { decision: 'accept' }, 'cb-accept-1');
    const retry = await decide(stack, id, { decision: 'accept' }, 'cb-accept-1');

    const outputs = {
      hs_execution_state: 'SUCCESS',
      decision: 'accept',
      applied: 'true',
      lifecycle_stage: 'salesqualifiedlead',
      renurture_track: '',
      explanation: 'accepted: MQL → SQL',
    };
    expect(first.outputFields).toEqual(outputs);
    expect(retry.outputFields).toEqual(outputs);
    expect(contact(stack, id)).toMatchObject({
      lifecyclestage: 'salesqualifiedlead',
      lq_sales_decision: 'accepted',
      lq_highest_stage: 'salesqualifiedlead',
    });
    const timers = await stack.service.store.sla.timersOf(stack.portalId, [id]);
    expect(timers.map((t) => [t.kind, t.outcome, t.dueAt])).toEqual([
      ['acceptance', 'met', decidedAt - 3 * HOUR + 48 * HOUR],
      ['follow_up', null, decidedAt + 24 * HOUR],
    ]);
    const transitions = await stack.service.store.contacts.transitions(
      stack.portalId,
      decidedAt,
      decidedAt + 1,
    );
    expect(transitions.map((t) => [t.kind, t.from, t.to, t.cause])).toEqual([
      ['sales_decision', 'marketingqualifiedlead', 'accept', 'sales:accept'],
      ['lifecycle', 'marketingqualifiedlead', 'salesqualifiedlead', 'sales:accept'],
    ]);
    expect(transitions[0]!.details).toMatchObject({
      route: 'new-business',
      owner: OWNERS.anna,
      reason: null,
    });
    expect(
      await stack.service.store.decisions.applied(stack.portalId, decidedAt, decidedAt + 1),
    ).toHaveLength(1);
  });

  it('when sales returns an MQL for wrong timing, then it is recycled (stage cleared, then lead), gets BAD_TIMING and the remind-me track, and the high-water mark stays MQL', async () => {
    stack = await startFeedbackStack({ sandbox: { echoWrites: { properties: ['lifecyclestage'] } } });
    const id = await makeContact(stack, { name: 'Tim Later', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.sandbox.reset();
    stack.clock.advance(HOUR);
    const decidedAt = stack.clock.now();

    const execution = await decide(stack, id, { decision: 'return', reason: 'wrong_timing' });

    expect(execution.outputFields).toEqual({
      hs_execution_state: 'SUCCESS',
      decision: 'return',
      applied: 'true',
      lifecycle_stage: 'lead',
      renurture_track: 'remind_me',
      explanation: 'returned (Wrong timing): recycled MQL → lead, re-nurture track remind_me',
    });
    expect(contact(stack, id)).toMatchObject({
      lifecyclestage: 'lead',
      hs_lead_status: 'BAD_TIMING',
      lq_sales_decision: 'returned',
      lq_lost_reason: 'wrong_timing',
      lq_renurture_track: 'remind_me',
      lq_highest_stage: 'marketingqualifiedlead',
    });
    // HubSpot's order: the stage is cleared in one request, then set back in the next.
    expect(stack.sandbox.queuedEvents().map((e) => e.propertyValue)).toEqual(['', 'lead']);
    expect(stack.calls('contacts.batch.update')).toBe(2);
    const transitions = await stack.service.store.contacts.transitions(
      stack.portalId,
      decidedAt,
      decidedAt + 1,
    );
    expect(transitions.map((t) => [t.kind, t.from, t.to])).toEqual([
      ['qualification', 'mql', 'nurture'],
      ['sales_decision', 'marketingqualifiedlead', 'return'],
      ['recycle', 'marketingqualifiedlead', 'lead'],
      ['lead_status', 'NEW', 'BAD_TIMING'],
    ]);
    expect(transitions[2]!.details).toMatchObject({
      reason: 'wrong_timing',
      track: 'remind_me',
      highWater: 'marketingqualifiedlead',
    });
    expect((await stack.service.store.sla.timersOf(stack.portalId, [id]))[0]?.outcome).toBe('met');
  });

  it('when a returned lead is scored again with nothing new, then it stays recycled; a new signal makes it an MQL again, routed afresh', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Rob Terug', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, id, { decision: 'return', reason: 'no_budget' });
    expect(contact(stack, id)).toMatchObject({ lifecyclestage: 'lead', lq_renurture_track: 'roi' });

    stack.clock.advance(HOUR);
    await stack.service.store.queue.enqueue([{ portalId: stack.portalId, contactId: id, reason: 'test' }]);
    await stack.service.worker.drain();
    expect(contact(stack, id)).toMatchObject({ lifecyclestage: 'lead', lq_qualification: 'nurture' });

    await recordSignals(stack, id, { demo_requested: 0 });
    await stack.service.worker.drain();
    expect(contact(stack, id)).toMatchObject({
      lifecyclestage: 'marketingqualifiedlead',
      lq_route: 'demo-request',
    });
    // A new round: the last round's decision and track are cleared.
    expect([contact(stack, id).lq_sales_decision, contact(stack, id).lq_renurture_track]).toEqual([
      undefined,
      undefined,
    ]);
    expect(tasksOf(stack, id)).toHaveLength(2);
  });

  it('when HubSpot is too slow, then the decision answers BLOCK and the worker applies it and completes the action', async () => {
    stack = await startFeedbackStack({ service: { syncTimeoutMs: 100 } });
    const id = await makeContact(stack, { name: 'Traag Systeem', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.sandbox.setFaults({ 'contacts.batch.read': { latencyMs: 300 } });

    const execution = await decide(stack, id, { decision: 'accept' }, 'cb-slow-decision');

    expect(execution.outputFields).toEqual({ hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' });
    stack.sandbox.setFaults({});
    await new Promise((resolve) => setTimeout(resolve, 350)); // the late first attempt lands
    await stack.service.worker.drain();
    expect(contact(stack, id).lifecyclestage).toBe('salesqualifiedlead');
    expect(stack.sandbox.callbacks.find((c) => c.callbackId === 'cb-slow-decision')?.outputFields).toEqual({
      hs_execution_state: 'SUCCESS',
      decision: 'accept',
      applied: 'true',
      lifecycle_stage: 'salesqualifiedlead',
      renurture_track: '',
      explanation: 'accepted: MQL → SQL',
    });
    expect(
      await stack.service.store.decisions.applied(stack.portalId, 0, Number.MAX_SAFE_INTEGER),
    ).toHaveLength(1);
  });

  it('when sales returns a lead for no interest, then the model’s negative signal is added and its intent drops', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Nina Nee', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();

    await decide(stack, id, { decision: 'return', reason: 'no_interest', note: 'Bought a competitor' });

    const signals = (await stack.service.store.contacts.signalsFor(stack.portalId, [id], 0)).get(id)!;
    expect(signals.map((s) => [s.type, s.source])).toContainEqual(['sales_no_interest', 'sales-decision']);
    expect(contact(stack, id)).toMatchObject({
      lq_intent_score: '10',
      lq_qualification: 'nurture',
      lq_renurture_track: 'long_term',
      lq_lost_reason_note: 'Bought a competitor',
      hs_lead_status: 'UNQUALIFIED',
    });
  });

  it('when the contact is not an MQL, then the decision is recorded, changes nothing, and says so', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Lies Laag', signals: { comparison_viewed: 1 } });
    await stack.service.worker.drain();

    const execution = await decide(stack, id, { decision: 'accept' });

    expect(execution.outputFields).toMatchObject({
      hs_execution_state: 'SUCCESS',
      applied: 'false',
      lifecycle_stage: 'lead',
      explanation: 'the contact is at "lead", not an MQL awaiting a decision: nothing changes',
    });
    expect(contact(stack, id).lq_sales_decision).toBeUndefined();
    expect(await stack.service.store.decisions.applied(stack.portalId, 0, Number.MAX_SAFE_INTEGER)).toEqual(
      [],
    );
  });

  it.each([
    [{}, '$.inputFields.decision', 'is required: choose accept or return'],
    [
      { decision: 'return' },
      '$.inputFields.reason',
      expect.stringContaining('is required when the decision is return'),
    ],
    [
      { decision: 'return', reason: 'too_expensive' },
      '$.inputFields.reason',
      expect.stringContaining('"too_expensive" is not a lost reason of the active model'),
    ],
    [
      { decision: 'return', reason: 'other', note: ' ' },
      '$.inputFields.note',
      'is required when the reason is other',
    ],
  ])(
    'when the inputs are %j, then it answers FAIL_CONTINUE with the error code of %s, for HubSpot to show',
    async (inputFields, path, message) => {
      stack = await startFeedbackStack();
      const id = await makeContact(stack, { name: 'Fout Invoer', signals: {} });
      const execution = await stack.sandbox.sender.executeAction({
        actionUrl: `${stack.url}/hubspot/actions/sales-decision`,
        signedUrl: `${PUBLIC}/hubspot/actions/sales-decision`,
        clientSecret: SECRET,
        origin: { portalId: stack.sandbox.portalId, actionDefinitionId: 3, actionDefinitionVersion: 1 },
        object: { objectId: id, objectType: 'CONTACT' },
        inputFields,
        maxRetries: 0,
      });

      const field = path.replace('$.inputFields.', '');
      expect(execution.status).toBe(200);
      expect(execution.state).toBe('FAIL_CONTINUE');
      expect(execution.outputFields).toEqual({
        hs_execution_state: 'FAIL_CONTINUE',
        error_code: `invalid_${field}`,
        error_message: typeof message === 'string' ? `${field}: ${message}` : message,
      });
      expect(await stack.service.store.decisions.pending(stack.portalId, [id])).toEqual([]);
    },
  );

  it('serves the model’s lost reasons as the reason options, with what each does', async () => {
    stack = await startFeedbackStack();
    const response = await stack.sandbox.sender.fetchOptions({
      optionsUrl: `${stack.url}/hubspot/actions/reason-options`,
      signedUrl: `${PUBLIC}/hubspot/actions/reason-options`,
      clientSecret: SECRET,
      origin: { portalId: stack.sandbox.portalId, actionDefinitionId: 3, actionDefinitionVersion: 1 },
      inputFieldName: 'reason',
    });
    const body = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;

    expect(response.status).toBe(200);
    expect(body.options.map((o: { value: string }) => o.value)).toEqual([
      'too_small',
      'no_budget',
      'wrong_timing',
      'no_interest',
      'not_reachable',
      'not_decision_maker',
      'unclear_mql',
      'other',
    ]);
    expect(body.options[1]).toEqual({
      label: 'No budget',
      value: 'no_budget',
      description: 're-nurture track roi',
    });
  });
});

describe('sales decisions from what people set in HubSpot', () => {
  it('when a rep sets the lead status to BAD_TIMING, then the MQL is returned for wrong timing and recycled by the worker', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Bas Status', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.sandbox.state.update('contacts', id, { hs_lead_status: 'BAD_TIMING' }, { changeSource: 'CRM_UI' });
    const event = stack.sandbox.events.propertyChange({
      objectId: id,
      propertyName: 'hs_lead_status',
      propertyValue: 'BAD_TIMING',
      sourceId: 'userId:9000001',
    });

    await stack.deliver([event, event]);
    await stack.service.worker.drain();

    expect(contact(stack, id)).toMatchObject({
      lifecyclestage: 'lead',
      hs_lead_status: 'BAD_TIMING',
      lq_lost_reason: 'wrong_timing',
      lq_renurture_track: 'remind_me',
    });
    const decisions = await stack.service.store.decisions.applied(stack.portalId, 0, Number.MAX_SAFE_INTEGER);
    expect(decisions).toMatchObject([
      { decision: 'return', reason: 'wrong_timing', decidedBy: 'hubspot:CRM_UI:userId:9000001' },
    ]);
  });

  it('when HubSpot echoes the app’s own lead-status and stage writes, then none is read as a decision or a transition', async () => {
    stack = await startFeedbackStack({ sandbox: { echoWrites: true } });
    const id = await makeContact(stack, { name: 'Echo Eigen', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, id, { decision: 'return', reason: 'other', note: 'no project this year' });
    const echoes = stack.sandbox.queuedEvents();
    expect(echoes.map((e) => `${e.propertyName}=${e.propertyValue}`)).toEqual(
      expect.arrayContaining(['hs_lead_status=NEW', 'hs_lead_status=UNQUALIFIED', 'lifecyclestage=lead']),
    );
    const before = await stack.service.store.contacts.transitions(stack.portalId, 0, Number.MAX_SAFE_INTEGER);

    await stack.deliver([...echoes]);
    await stack.service.worker.drain();

    expect(await stack.service.store.decisions.pending(stack.portalId, [id])).toEqual([]);
    expect(
      await stack.service.store.decisions.applied(stack.portalId, 0, Number.MAX_SAFE_INTEGER),
    ).toHaveLength(1);
    expect(
      await stack.service.store.contacts.transitions(stack.portalId, 0, Number.MAX_SAFE_INTEGER),
    ).toEqual(before);
  });

  it('when a person moves a contact on to opportunity, then the funnel gets a lifecycle transition caused by HubSpot, with the high-water mark', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Olaf Opportunity', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, id, { decision: 'accept' });
    stack.clock.advance(HOUR);
    const at = stack.clock.now();

    await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectId: id,
        propertyName: 'lifecyclestage',
        propertyValue: 'opportunity',
      }),
    ]);

    const transitions = await stack.service.store.contacts.transitions(stack.portalId, at, at + 1);
    expect(transitions).toMatchObject([
      {
        kind: 'lifecycle',
        from: 'salesqualifiedlead',
        to: 'opportunity',
        cause: 'hubspot',
        details: { highWater: 'opportunity', changeSource: 'CRM_UI' },
      },
    ]);
  });

  it('when a person sets an MQL to SQL by hand, then that is its acceptance: the timer is met and the follow-up runs', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Hand Matig', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.sandbox.state.update(
      'contacts',
      id,
      { lifecyclestage: 'salesqualifiedlead' },
      { changeSource: 'CRM_UI' },
    );

    await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectId: id,
        propertyName: 'lifecyclestage',
        propertyValue: 'salesqualifiedlead',
      }),
    ]);
    await stack.service.worker.drain();

    const timers = await stack.service.store.sla.timersOf(stack.portalId, [id]);
    expect(timers.map((t) => [t.kind, t.outcome])).toEqual([
      ['acceptance', 'met'],
      ['follow_up', null],
    ]);
    expect(contact(stack, id).lq_sales_decision).toBe('accepted');
  });
});
