import { afterEach, describe, expect, it } from 'vitest';
import { historyFromStore } from '../../src/jobs/insights.js';
import { rescoreAll } from '../../src/jobs/rescore-all.js';
import { type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('insights history from the store', () => {
  it("when HubSpot's deals are kept for a contact, then its history carries them, won or open, for the outcomes", async () => {
    stack = await startStack({ contacts: 5 });
    const { store } = stack.service;
    await rescoreAll({ ...stack.service.scoreDeps, crm: stack.service.crm }, stack.portalId);
    const [first, second] = (await store.contacts.snapshotPage(stack.portalId, null, 2)).items;
    const t0 = Date.UTC(2026, 10, 1);
    await store.deals.save([
      {
        portalId: stack.portalId,
        dealId: 'd-won',
        contactIds: [first!.contactId],
        pipeline: 'default',
        stage: 'closedwon',
        amount: 16000,
        createdAt: t0,
        closedAt: t0 + 20 * 86_400_000,
        outcome: 'won',
        updatedAt: t0 + 20 * 86_400_000,
      },
      {
        portalId: stack.portalId,
        dealId: 'd-open',
        contactIds: [second!.contactId],
        pipeline: 'default',
        stage: 'qualifiedtobuy',
        amount: null,
        createdAt: t0,
        closedAt: null,
        outcome: null,
        updatedAt: t0,
      },
    ]);
    const history = await historyFromStore(store, stack.portalId, 0, Date.now());
    const byId = new Map(history.map((h) => [h.id, h]));
    expect(byId.get(first!.contactId)!.deals).toEqual([
      { createdAt: t0, closedWon: true, closedAt: t0 + 20 * 86_400_000, amount: 16000 },
    ]);
    expect(byId.get(second!.contactId)!.deals).toEqual([
      { createdAt: t0, closedWon: null, closedAt: null, amount: null },
    ]);
    expect(history.filter((h) => (h.deals ?? []).length > 0)).toHaveLength(2);
  });
});
