import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** 10,000 property-change events spread over `contacts` contacts, on properties the model reads. */
function burst(sandbox: Sandbox, ids: readonly string[], events: number) {
  const properties = ['jobtitle', 'country', 'numemployees', 'industry'];
  return Array.from({ length: events }, (_, i) =>
    sandbox.events.propertyChange({
      objectId: ids[i % ids.length]!,
      propertyName: properties[i % properties.length]!,
      propertyValue: `v${i}`,
    }),
  );
}

/** The final state: every contact's written properties, by id. */
function finalState(sandbox: Sandbox, ids: readonly string[]) {
  return ids.map((id) => {
    const p = sandbox.state.get('contacts', id)!.properties;
    return [
      id,
      p.lq_fit_score,
      p.lq_intent_score,
      p.lq_qualification,
      p.lq_explanation,
      p.lifecyclestage,
      p.hs_lead_status,
    ];
  });
}

describe('a burst of 10,000 webhook events over 1,000 contacts', () => {
  it('ends with every contact scored, using about one batch read and one batch write per 100 contacts', async () => {
    stack = await startStack({ contacts: 1000 });
    const ids = stack.sandbox.data!.contacts.map((c) => c.id);
    const report = await stack.deliver(burst(stack.sandbox, ids, 10_000));
    expect(report.failed).toBe(0);
    await stack.service.worker.drain();

    const stored = await stack.service.store.contacts.latestEvaluations(stack.portalId, ids);
    expect(stored.size).toBe(1000);
    for (const id of ids)
      expect(stack.sandbox.state.get('contacts', id)!.properties.lq_qualification).toBe(
        stored.get(id)!.qualification,
      );

    const contactReads = stack.calls('contacts.batch.read');
    const companyReads = stack.calls('companies.batch.read');
    const writes = stack.calls('contacts.batch.update');
    const changed = ids.length; // every contact was new to the app, so every one was written
    const companies = new Set(
      ids
        .map((id) => stack!.sandbox.state.get('contacts', id)!.properties.associatedcompanyid)
        .filter(Boolean),
    ).size;
    const bound = 1.2 * (Math.ceil(ids.length / 100) + Math.ceil(changed / 100));
    expect(contactReads + writes).toBeLessThanOrEqual(bound);
    // Companies are read once each, in batches of 100, then cached.
    expect(companyReads).toBeLessThanOrEqual(Math.ceil(ids.length / 100));
    expect(companyReads).toBeGreaterThanOrEqual(Math.ceil(companies / 100));
    // New MQLs are routed: their owners' tasks are batch-created, at most one call per batch.
    const tasks = stack.calls('tasks.batch.create');
    expect(tasks).toBeLessThanOrEqual(Math.ceil(ids.length / 100));
    expect(stack.calls()).toBe(
      contactReads +
        companyReads +
        writes +
        tasks +
        stack.calls('properties.list') +
        stack.calls('properties.groups.list') +
        stack.calls('properties.groups.create') +
        stack.calls('properties.create') +
        stack.calls('properties.get') +
        stack.calls('account.details') +
        // setup's check of the token's scopes
        stack.calls('oauth.token-info'),
    );
  });

  it('with 30% 429s and 10% 5xx injected, ends in the same state with nothing dead', async () => {
    const clean = await startStack({ contacts: 300 });
    const ids = clean.sandbox.data!.contacts.map((c) => c.id);
    await clean.deliver(burst(clean.sandbox, ids, 3_000));
    await clean.service.worker.drain();
    const expected = finalState(clean.sandbox, ids);
    await clean.close();

    stack = await startStack({ contacts: 300 });
    stack.sandbox.setFaults({
      'contacts.*': { rate429: 0.3, rate500: 0.04, rate502: 0.03, rate503: 0.03 },
      'companies.*': { rate429: 0.3, rate503: 0.1 },
    });
    await stack.deliver(burst(stack.sandbox, ids, 3_000));
    await stack.service.worker.drain();
    // Retried work is due again after its backoff: keep draining until the queue is empty.
    for (let i = 0; i < 200 && (await stack.service.store.queue.stats()).pending > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await stack.service.worker.drain();
    }
    expect(await stack.service.store.queue.stats()).toEqual({ pending: 0, claimed: 0, dead: 0 });
    expect(stack.sandbox.stats.snapshot().byStatus['429']).toBeGreaterThan(0);
    // Same scores, qualifications and stages (explanations carry dates, which match on the same day).
    expect(finalState(stack.sandbox, ids)).toEqual(expected);
  });
});
