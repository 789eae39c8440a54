/**
 * Migrations, for every adapter: from an empty database, and from the previous version with data
 * in it (the data must come through intact and the new tables must work).
 */
import { afterEach, expect, it } from 'vitest';
import { MIGRATION_NAMES, migrate } from '../../src/store/index.js';
import { T0, evaluation, sampleModel, signal, type TestDatabase } from './helpers.js';

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Registers the migration tests for one adapter; `fresh` makes a new, empty database. */
export function migrationContract(fresh: () => TestDatabase): void {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.dispose();
    db = undefined;
  });

  it('when the database is empty, then every migration applies in order and a second run applies none', async () => {
    db = fresh();

    expect(await migrate(db.url, { schema: db.schema })).toEqual([...MIGRATION_NAMES]);
    expect(await migrate(db.url, { schema: db.schema })).toEqual([]);
  });

  it('when the database is at an earlier version with data, then migrating to the latest keeps the data', async () => {
    db = fresh();
    expect(await migrate(db.url, { schema: db.schema, target: '0001_initial' })).toEqual(['0001_initial']);
    await db.exec([
      `insert into signals (portal_id, idempotency_key, contact_id, type, occurred_at, source, recorded_at)
       values ('p1', 'cb-1', 'c1', 'demo_request', ${T0 - 60_000}, 'workflow-action', ${T0})`,
      `insert into work_queue (portal_id, contact_id, state, reason, enqueued_at, due_at, attempts)
       values ('p1', 'c1', 'pending', 'webhook', ${T0}, ${T0}, 0)`,
      `insert into model_versions (portal_id, version, status, model, created_by, created_at, published_by, published_at)
       values ('p1', 1, 'published', ${literal(JSON.stringify(sampleModel))}, 'ann', ${T0}, 'ann', ${T0})`,
      `insert into transitions (portal_id, contact_id, kind, from_state, to_state, at, model_version, cause)
       values ('p1', 'c1', 'qualification', 'nurture', 'mql', ${T0}, '1', 'evaluation')`,
    ]);

    expect(await migrate(db.url, { schema: db.schema, target: '0002_feedback_loop' })).toEqual([
      '0002_feedback_loop',
    ]);
    await db.exec([
      `insert into sales_decisions (portal_id, idempotency_key, contact_id, decision, reason, decided_by, decided_at)
       values ('p1', 'k0', 'c1', 'return', 'no_budget', 'sam', ${T0 - 5})`,
      `insert into sla_timers (portal_id, contact_id, kind, started_at, due_at, closed_at, outcome)
       values ('p1', 'c1', 'acceptance', ${T0 - 100}, ${T0 - 50}, ${T0 - 60}, 'met')`,
      `insert into sla_timers (portal_id, contact_id, kind, started_at, due_at)
       values ('p1', 'c2', 'acceptance', ${T0 - 100}, ${T0 - 50})`,
    ]);

    expect(await migrate(db.url, { schema: db.schema, target: '0003_routing_and_reports' })).toEqual([
      '0003_routing_and_reports',
    ]);
    await db.exec([
      `insert into evaluations (portal_id, contact_id, model_version, fit_score, intent_score, qualification,
         disqualification_id, lifecycle_stage, lead_status, route, explanation, evaluated_at)
       values ('p1', 'c1', '1', 100, 60, 'mql', null, 'marketingqualifiedlead', null, 'new-business',
         '["MQL: fit 100 > 60 and intent 60 > 50"]', ${T0})`,
    ]);

    expect(await migrate(db.url, { schema: db.schema, target: '0004_next_change' })).toEqual([
      '0004_next_change',
    ]);
    await db.exec([
      `insert into model_versions (portal_id, version, status, model, created_by, created_at)
       values ('p1', 2, 'draft', ${literal(JSON.stringify(sampleModel))}, 'bob', ${T0 + 1})`,
      `insert into pending_callbacks (callback_id, portal_id, contact_id, action, created_at)
       values ('cb-old', 'p1', 'c1', 'qualify', ${T0})`,
    ]);

    expect(await migrate(db.url, { schema: db.schema })).toEqual([
      '0005_settings_guards',
      '0006_callback_expiry',
      '0008_two_sided_approval',
      '0009_publish_reason',
      '0010_deals',
      '0011_backfills',
    ]);

    const store = await db.open();
    // A callback BLOCKed before 0006 got the app's one-day expiration then: it expires a day later.
    expect(
      (await store.callbacks.pending('p1', ['c1'], T0 + 86_400_000 - 1)).map((c) => c.callbackId),
    ).toEqual(['cb-old']);
    expect(await store.callbacks.pending('p1', ['c1'], T0 + 86_400_000)).toEqual([]);
    expect((await store.contacts.signalsFor('p1', ['c1'], 0)).get('c1')).toEqual([signal()]);
    expect(await store.queue.claim('w1', 10, 30_000, T0)).toMatchObject([
      { contactId: 'c1', reason: 'webhook' },
    ]);
    expect(await store.models.published('p1')).toMatchObject({
      version: 1,
      model: sampleModel,
      publishedBy: 'ann',
    });
    expect(await store.contacts.transitions('p1', T0, T0 + 1)).toMatchObject([
      { from: 'nurture', to: 'mql' },
    ]);
    expect(
      await store.decisions.record({
        portalId: 'p1',
        contactId: 'c1',
        decision: 'accept',
        reason: null,
        note: null,
        decidedBy: 'sam',
        decidedAt: T0,
        idempotencyKey: 'k1',
      }),
    ).toBe(true);
    // Decisions from before 0003 took effect; a timer closed before it owes no escalation.
    expect((await store.decisions.applied('p1', T0 - 5, T0 + 1)).map((d) => d.idempotencyKey)).toEqual([
      'k0',
      'k1',
    ]);
    expect((await store.sla.claimBreaches(T0, 10, 1_000)).map((t) => t.contactId)).toEqual(['c2']);
    expect(await store.routes.takeRoundRobin('p1', 'new-business', ['70000001'], 1)).toEqual(['70000001']);
    // 0010's tables take deals and deal requests.
    await store.deals.save([
      {
        portalId: 'p1',
        dealId: 'd1',
        contactIds: ['c1'],
        pipeline: 'default',
        stage: 'closedwon',
        amount: 100,
        createdAt: T0,
        closedAt: T0 + 1,
        outcome: 'won',
        updatedAt: T0 + 1,
      },
    ]);
    expect((await store.deals.dealsOfContacts('p1', ['c1'])).map((d) => d.outcome)).toEqual(['won']);
    // An evaluation from before 0004 has no foreseen next change; a new one keeps its own.
    expect((await store.contacts.latestEvaluations('p1', ['c1'])).get('c1')).toMatchObject({
      intentScore: 60,
      qualification: 'mql',
      nextChangeAt: null,
    });
    await store.contacts.saveEvaluations([evaluation({ contactId: 'c1', nextChangeAt: T0 + 5 })], []);
    expect((await store.contacts.latestEvaluations('p1', ['c1'])).get('c1')?.nextChangeAt).toBe(T0 + 5);
    // Drafts from before 0005 keep their numbers; the next one follows them, per portal.
    expect((await store.models.saveDraft('p1', sampleModel, 'cy', T0 + 2)).version).toBe(3);
    expect((await store.models.saveDraft('p2', sampleModel, 'cy', T0 + 2)).version).toBe(1);
    expect(await store.replays.firstUse('sig', T0 + 300_000, T0)).toBe(true);
  });
}
