/**
 * HubSpot's replies, taken at their word: records a batch write refused (207), workflow actions
 * HubSpot stopped waiting for, completions it refuses, tokens without a scope, a lifecycle write
 * HubSpot answered but did not take, and contacts HubSpot deleted, erased or merged. The service
 * and the sandbox talk HTTP, as in production.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CrmGateway, type RecordRejection, summarizeRejections } from '../../src/hubspot/crm-gateway.js';
import { ACTIONS } from '../../src/hubspot/payloads.js';
import type { LifecycleBackwardPolicy } from '../../src/sandbox/crm-store.js';
import {
  contact,
  DAY,
  decide,
  type FeedbackStack,
  HOUR,
  makeContact,
  NEW_BUSINESS_INTENT,
  startFeedbackStack,
} from './feedback-helpers.js';
import { type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const OWNER = '70000001';
const source = { changeSource: 'CRM_UI' };

/** A gateway of its own on the stack's sandbox, recording what it reports as refused. */
function gatewayOn(s: Stack): { crm: CrmGateway; refused: [string, RecordRejection][] } {
  const refused: [string, RecordRejection][] = [];
  const crm = new CrmGateway({
    accessToken: s.sandbox.accessToken,
    basePath: s.sandbox.baseUrl,
    budget: { acquire: async () => {}, limit: { points: 100, windowMs: 10_000 } },
    onRejected: (endpoint, rejected) =>
      refused.push(...rejected.map((r): [string, RecordRejection] => [endpoint, r])),
  });
  return { crm, refused };
}

/** Runs *Qualify contact* while HubSpot rate-limits the read, so that the action answers BLOCK. */
async function blockedQualify(s: Stack, contactId: string, callbackId: string): Promise<void> {
  s.sandbox.setFaults({ 'contacts.batch.read': { rate429: 1 } });
  const execution = await s.execute(ACTIONS.qualify.path, { contactId, callbackId });
  s.sandbox.setFaults({});
  expect(execution.outputFields).toEqual({ hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' });
}

describe('207: records HubSpot refused within a batch write', () => {
  it('when a batch update names a contact HubSpot no longer has, then the write reports it refused with HubSpot’s message, not written', async () => {
    stack = await startStack({ contacts: 2 });
    const [a, b] = stack.sandbox.data!.contacts.map((c) => c.id) as [string, string];
    stack.sandbox.state.archive('contacts', b, source);
    const { crm, refused } = gatewayOn(stack);

    const result = await crm.updateContacts([
      { id: a, properties: { jobtitle: 'CTO' } },
      { id: b, properties: { jobtitle: 'CFO' } },
    ]);

    expect(result).toEqual({
      updated: 1,
      rejected: [{ id: b, message: expect.stringContaining('OBJECT_NOT_FOUND') }],
    });
    expect(refused).toEqual([
      ['contacts.batch.update', { key: b, category: 'OBJECT_NOT_FOUND', message: expect.any(String) }],
    ]);
    expect(stack.calls('contacts.batch.update')).toBe(1); // not split, not retried
  });

  it('when a batch update writes a property the portal lacks (setup not run), then every record is refused in one call, not split record by record, and the log names the cause once', async () => {
    stack = await startStack({ contacts: 40 });
    const ids = stack.sandbox.data!.contacts.map((c) => c.id);
    const { crm, refused } = gatewayOn(stack);

    const result = await crm.updateContacts(ids.map((id) => ({ id, properties: { lq_not_created: '1' } })));

    expect(result.updated).toBe(0);
    expect(result.rejected.map((r) => r.id)).toEqual(ids);
    expect(stack.calls('contacts.batch.update')).toBe(1); // halving would have made 79
    const causes = summarizeRejections(refused.map(([, r]) => r));
    expect(causes).toEqual([
      {
        message: expect.stringContaining('PROPERTY_DOESNT_EXIST'),
        category: 'VALIDATION_ERROR',
        count: 40,
        keys: ids.slice(0, 5),
      },
    ]);
  });

  it('when one task of a batch is refused (207 by objectWriteTraceId), then the others are created and it is reported refused', async () => {
    stack = await startStack({ contacts: 2 });
    const [a, b] = stack.sandbox.data!.contacts.map((c) => c.id) as [string, string];
    const { crm, refused } = gatewayOn(stack);
    const task = (ref: string, contactId: string, owner: string) => ({
      ref,
      contactId,
      properties: { hs_timestamp: new Date().toISOString(), hs_task_subject: ref, hubspot_owner_id: owner },
    });

    const result = await crm.createTasks([task('ok', a, OWNER), task('bad', b, '99999999')]);

    expect([...result.created.keys()]).toEqual(['ok']);
    expect(result.rejected).toEqual([
      { ref: 'bad', message: expect.stringContaining('not a valid owner id') },
    ]);
    expect(refused.map(([endpoint, r]) => [endpoint, r.key, r.category])).toEqual([
      ['tasks.batch.create', 'bad', 'VALIDATION_ERROR'],
    ]);
    expect(stack.calls('tasks.batch.create')).toBe(1);
  });

  it('when HubSpot deletes a contact between the worker’s read and its write, then that contact is parked with HubSpot’s message, counted, and the others are written', async () => {
    stack = await startStack({ contacts: 3 });
    const ids = stack.sandbox.data!.contacts.map((c) => c.id);
    const gone = ids[1]!;
    const read = stack.service.crm.readContacts.bind(stack.service.crm);
    stack.service.crm.readContacts = async (...args) => {
      const result = await read(...args);
      stack!.sandbox.state.archive('contacts', gone, source);
      return result;
    };
    await stack.service.store.queue.enqueue(
      ids.map((contactId) => ({ portalId: stack!.portalId, contactId, reason: 'test' })),
    );

    await stack.service.worker.drain();

    const dead = await stack.service.store.queue.deadLetters(stack.portalId);
    expect(dead.map((d) => [d.contactId, d.error])).toEqual([
      [gone, expect.stringContaining('OBJECT_NOT_FOUND')],
    ]);
    expect((await stack.service.store.contacts.latestEvaluations(stack.portalId, ids)).has(gone)).toBe(false);
    for (const id of ids.filter((i) => i !== gone))
      expect(stack.sandbox.state.get('contacts', id)?.properties.lq_fit_score).toBeDefined();
    expect(
      await stack.service.metrics.hubspotRejected.get({
        endpoint: 'contacts.batch.update',
        category: 'OBJECT_NOT_FOUND',
      }),
    ).toBe(1);
  });
});

describe('workflow callbacks', () => {
  it('when a BLOCKed action’s expiration has passed, then the worker scores the contact but does not complete it (HubSpot moved on)', async () => {
    const feedback = await startFeedbackStack();
    stack = feedback;
    const id = await makeContact(feedback, { name: 'Late Larry', signals: {} });
    await blockedQualify(feedback, id, 'cb-late');
    feedback.clock.advance(DAY + HOUR);

    await feedback.service.worker.drain();

    expect(feedback.sandbox.callbacks).toEqual([]);
    expect(feedback.calls('callbacks.complete.batch')).toBe(0);
    expect(await feedback.service.store.queue.deadLetters()).toEqual([]);
    expect(contact(feedback, id).lq_fit_score).toBeDefined();
  });

  it('when HubSpot refuses one completion of a batch (unknown callback), then the others are completed, it is settled, and scoring does not fail', async () => {
    stack = await startStack({ contacts: 2 });
    const [a, b] = stack.sandbox.data!.contacts.map((c) => c.id) as [string, string];
    await blockedQualify(stack, a, 'cb-known');
    // A callback HubSpot does not know (say, from a workflow deleted since): waiting on b.
    await stack.service.store.callbacks.add({
      callbackId: 'cb-unknown',
      portalId: stack.portalId,
      contactId: b,
      action: 'qualify',
      createdAt: Date.now(),
      expiresAt: Date.now() + DAY,
      completedAt: null,
    });
    await stack.service.store.queue.enqueue([{ portalId: stack.portalId, contactId: b, reason: 'test' }]);

    await stack.service.worker.drain();

    expect(await stack.service.store.queue.deadLetters()).toEqual([]);
    expect(stack.sandbox.callbacks.map((c) => [c.callbackId, c.outputFields.hs_execution_state])).toEqual([
      ['cb-known', 'SUCCESS'],
    ]);
    expect(await stack.service.store.callbacks.pending(stack.portalId, [a, b], Date.now())).toEqual([]);
    for (const id of [a, b]) expect(contact(stack, id).lq_fit_score).toBeDefined();
    expect(
      await stack.service.metrics.hubspotRejected.get({
        endpoint: 'automation.callbacks.complete',
        category: 'VALIDATION_ERROR',
      }),
    ).toBe(1);
  });

  it('when the BLOCKed action finishes through the callback, then its values are the same text as a synchronous answer', async () => {
    stack = await startStack({ contacts: 1 });
    const id = stack.sandbox.data!.contacts[0]!.id;
    await blockedQualify(stack, id, 'cb-same');
    await stack.service.worker.drain();
    const later = stack.sandbox.callbacks[0]!.outputFields;

    const now = await stack.execute(ACTIONS.qualify.path, { contactId: id, callbackId: 'cb-now' });

    expect(now.outputFields).toEqual(later);
    for (const value of Object.values(later)) expect(typeof value).toBe('string');
  });
});

describe('scopes', () => {
  it('when the token lacks the automation scope, then completing is refused (403 MISSING_SCOPES) and settled, and the contact is still scored', async () => {
    stack = await startStack({
      contacts: 1,
      sandbox: {
        tokenScopes: {
          'sandbox-token': [
            'crm.objects.contacts.read',
            'crm.objects.contacts.write',
            'crm.objects.companies.read',
            'crm.objects.owners.read',
            'crm.schemas.contacts.write',
          ],
        },
      },
    });
    const id = stack.sandbox.data!.contacts[0]!.id;
    await blockedQualify(stack, id, 'cb-noscope');

    await stack.service.worker.drain();

    expect(await stack.service.store.queue.deadLetters()).toEqual([]);
    expect(contact(stack, id).lq_fit_score).toBeDefined();
    expect(stack.sandbox.stats.count('callbacks.complete.batch', 403)).toBe(1);
    expect(
      await stack.service.metrics.hubspotRejected.get({
        endpoint: 'automation.callbacks.complete',
        category: 'MISSING_SCOPES',
      }),
    ).toBe(1);
  });

  it('when the token has exactly the scopes the app declares, then setup, scoring, routing and callbacks all work', async () => {
    const appFile = path.join(import.meta.dirname, '../../hubspot-app/src/app/app-hsmeta.json');
    const scopes: string[] = JSON.parse(await readFile(appFile, 'utf8')).config.auth.requiredScopes;
    const feedback = await startFeedbackStack({ sandbox: { tokenScopes: { 'sandbox-token': scopes } } });
    stack = feedback;
    const id = await makeContact(feedback, { name: 'Scope Sam', signals: NEW_BUSINESS_INTENT });
    await blockedQualify(feedback, id, 'cb-scoped');

    await feedback.service.worker.drain();

    expect(contact(feedback, id).lq_qualification).toBe('mql');
    expect(feedback.sandbox.callbacks.map((c) => c.callbackId)).toEqual(['cb-scoped']);
    expect(feedback.sandbox.stats.snapshot().byStatus?.['403'] ?? 0).toBe(0);
    expect(await feedback.service.store.queue.deadLetters()).toEqual([]);
  });
});

describe('a recycle HubSpot answered but did not take', () => {
  it.each<LifecycleBackwardPolicy>(['refuse', 'ignore'])(
    'when a person sets the stage back to MQL between the clear and the recycle write (HubSpot set to %s backward writes), then the recycle is not recorded as done',
    async (mode) => {
      const feedback = await startFeedbackStack({ sandbox: { lifecycleBackwardWrite: mode } });
      stack = feedback;
      const id = await makeContact(feedback, { name: 'Race Rita', signals: NEW_BUSINESS_INTENT });
      await feedback.service.worker.drain();
      expect(contact(feedback, id).lifecyclestage).toBe('marketingqualifiedlead');
      feedback.sandbox.state.onChange((change) => {
        if (
          change.kind === 'propertyChange' &&
          change.objectId === id &&
          change.propertyName === 'lifecyclestage'
        )
          if (change.propertyValue === '')
            feedback.sandbox.state.update(
              'contacts',
              id,
              { lifecyclestage: 'marketingqualifiedlead' },
              source,
            );
      });
      feedback.clock.advance(HOUR);
      const decidedAt = feedback.clock.now();

      const execution = await decide(feedback, id, { decision: 'return', reason: 'wrong_timing' });

      expect(execution.outputFields).toMatchObject({
        hs_execution_state: 'FAIL_CONTINUE',
        error_code: 'write_refused',
      });
      expect(contact(feedback, id).lifecyclestage).toBe('marketingqualifiedlead');
      const transitions = await feedback.service.store.contacts.transitions(
        feedback.portalId,
        decidedAt,
        decidedAt + 1,
      );
      expect(transitions.filter((t) => t.kind === 'recycle' || t.kind === 'sales_decision')).toEqual([]);
      expect(await feedback.service.store.decisions.pending(feedback.portalId, [id])).toHaveLength(1);
    },
  );
});

describe('contacts HubSpot deleted, erased or merged', () => {
  /** Every row of every table of the service's SQLite file that names the contact id. */
  function rowsNaming(s: Stack, id: string): { table: string; row: Record<string, unknown> }[] {
    const db = new SqliteDatabase(s.service.config.DATABASE_URL, { readonly: true });
    try {
      const tables = db
        .prepare(
          `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`,
        )
        .all() as { name: string }[];
      const token = new RegExp(`(^|[^0-9])${id}([^0-9]|$)`);
      return tables.flatMap(({ name }) =>
        (db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[])
          .filter((row) => token.test(JSON.stringify(row)))
          .map((row) => ({ table: name, row })),
      );
    } finally {
      db.close();
    }
  }

  /** A contact the service knows well: scored, with a workflow signal, a BLOCKed action, routed. */
  async function wellKnownContact(s: FeedbackStack, name: string): Promise<string> {
    const id = await makeContact(s, { name, signals: NEW_BUSINESS_INTENT });
    await s.service.worker.drain();
    await s.execute(ACTIONS.recordSignal.path, {
      contactId: id,
      inputFields: { signal_type: 'demo_requested' },
    });
    await blockedQualify(s, id, `cb-${id}`);
    await s.deliver([
      s.sandbox.events.propertyChange({
        objectId: id,
        propertyName: 'jobtitle',
        propertyValue: 'Chief Revenue Officer',
      }),
    ]);
    return id;
  }

  it('when HubSpot sends a privacy deletion (and the deletion that comes with it), then nothing of the contact is left but those events; another contact keeps its data', async () => {
    const feedback = await startFeedbackStack();
    stack = feedback;
    const id = await wellKnownContact(feedback, 'Gone Gerda');
    const other = await wellKnownContact(feedback, 'Stays Stan');
    const otherTables = new Set(rowsNaming(feedback, other).map((r) => r.table));
    expect(new Set(rowsNaming(feedback, id).map((r) => r.table))).toEqual(otherTables);

    const report = await feedback.deliver([
      feedback.sandbox.events.privacyDeletion({ objectId: id }),
      feedback.sandbox.events.deletion({ objectId: id }),
    ]);
    await feedback.service.worker.drain();

    expect(report.attempts.map((a) => a.status)).toEqual([200]);
    expect(rowsNaming(feedback, id).map((r) => [r.table, r.row.subscription_type])).toEqual([
      ['webhook_events', 'contact.privacyDeletion'],
      ['webhook_events', 'contact.deletion'],
    ]);
    expect(new Set(rowsNaming(feedback, other).map((r) => r.table))).toEqual(otherTables);
  });

  it('when HubSpot sends a deletion, then the contact’s data goes but its lifecycle history stays for the funnel', async () => {
    const feedback = await startFeedbackStack();
    stack = feedback;
    const id = await wellKnownContact(feedback, 'Deleted Dirk');

    await feedback.deliver([feedback.sandbox.events.deletion({ objectId: id, format: 'generic' })]);

    expect([...new Set(rowsNaming(feedback, id).map((r) => r.table))].sort()).toEqual([
      'transitions',
      'webhook_events',
    ]);
    expect(rowsNaming(feedback, id).filter((r) => r.table === 'webhook_events')).toHaveLength(1);
  });

  it('when HubSpot merges a contact into another, then its signals and waiting actions move to the survivor, which is rescored', async () => {
    const feedback = await startFeedbackStack();
    stack = feedback;
    const merged = await wellKnownContact(feedback, 'Merged Mia');
    const survivor = await makeContact(feedback, { name: 'Survivor Sue', signals: {} });
    await feedback.service.worker.drain();

    await feedback.deliver([
      feedback.sandbox.events.merge({
        objectId: survivor,
        primaryObjectId: Number(survivor),
        mergedObjectIds: [Number(merged)],
        newObjectId: Number(survivor),
      }),
    ]);
    await feedback.service.worker.drain();

    const signals = await feedback.service.store.contacts.signalsFor(
      feedback.portalId,
      [survivor, merged],
      0,
    );
    expect(signals.get(merged)).toEqual([]);
    expect(
      signals
        .get(survivor)
        ?.map((s) => s.type)
        .sort(),
    ).toEqual(['demo_requested', 'pricing_page_viewed', 'trial_started']);
    expect(feedback.sandbox.callbacks.map((c) => c.callbackId)).toContain(`cb-${merged}`);
    expect(contact(feedback, survivor).lq_qualification).toBe('mql');
  });
});
