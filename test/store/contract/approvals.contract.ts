/**
 * The approvals aggregate's contract: a request, approved by someone, publishes its version with
 * both names and times in one step; a newer request supersedes a pending one; a request is decided
 * once; the portal's rule can be relaxed and says by whom. And the disputes kept with contacts.
 */
import { expect, it } from 'vitest';
import { T0, sampleModel, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

const ann = { name: 'ann@acme.example (user 1)', userId: '1' };
const sam = { name: 'sam@acme.example (user 2)', userId: '2' };

/** Registers the contract; `fresh` makes a new, empty database. */
export function approvalsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  const ask = (id: string, version: number, at: number, kind: 'publish' | 'rollback' = 'publish') =>
    t.store.approvals.request({
      id,
      portalId: 'p1',
      version,
      kind,
      note: `note ${id}`,
      requestedBy: ann,
      requestedAt: at,
    });

  it('when a pending request is approved, then its version is published with the author, the approver and both times', async () => {
    await t.store.models.saveDraft('p1', sampleModel, ann.name, T0);
    const request = await ask('r1', 1, T0 + 1);
    expect(request).toMatchObject({ status: 'pending', decidedBy: null, approval: null });
    expect(await t.store.approvals.pending('p1')).toEqual(request);
    expect(await t.store.models.published('p1')).toBeNull();

    const approved = await t.store.approvals.approve('p1', 'r1', sam, 'two-person', T0 + 5);

    expect(approved?.request).toMatchObject({
      status: 'approved',
      decidedBy: sam,
      decidedAt: T0 + 5,
      approval: 'two-person',
    });
    expect(approved?.version).toMatchObject({
      version: 1,
      status: 'published',
      publishedBy: ann.name,
      publishedAt: T0 + 5,
      agreedBy: sam.name,
      note: 'note r1',
      approval: { mode: 'two-person', requestedAt: T0 + 1, approvedBy: sam.name, approvedAt: T0 + 5 },
    });
    expect(await t.store.models.published('p1')).toEqual(approved?.version);
    expect(await t.store.approvals.pending('p1')).toBeNull();
  });

  it('when a request is already decided, then approving or declining it again changes nothing', async () => {
    await t.store.models.saveDraft('p1', sampleModel, ann.name, T0);
    await ask('r1', 1, T0);
    expect(await t.store.approvals.decline('p1', 'r1', sam, T0 + 1)).toMatchObject({
      status: 'declined',
      decidedBy: sam,
    });
    expect(await t.store.approvals.approve('p1', 'r1', sam, 'two-person', T0 + 2)).toBeNull();
    expect(await t.store.approvals.decline('p1', 'r1', sam, T0 + 2)).toBeNull();
    expect(await t.store.models.published('p1')).toBeNull();
  });

  it('when two approvals race, then the version is published once', async () => {
    await t.store.models.saveDraft('p1', sampleModel, ann.name, T0);
    await ask('r1', 1, T0);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.store.approvals.approve(
          'p1',
          'r1',
          { name: `user ${i + 10}`, userId: String(i + 10) },
          'two-person',
          T0 + 1,
        ),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('when a second request is made, then the pending one is superseded and cannot be approved', async () => {
    await t.store.models.saveDraft('p1', sampleModel, ann.name, T0);
    await t.store.models.saveDraft('p1', sampleModel, ann.name, T0);
    await ask('r1', 1, T0);
    await ask('r2', 2, T0 + 1, 'rollback');

    expect((await t.store.approvals.get('p1', 'r1'))?.status).toBe('superseded');
    expect((await t.store.approvals.pending('p1'))?.id).toBe('r2');
    expect(await t.store.approvals.approve('p1', 'r1', sam, 'two-person', T0 + 2)).toBeNull();
    expect((await t.store.approvals.recent('p1', 10)).map((r) => `${r.id}:${r.kind}:${r.status}`)).toEqual([
      'r2:rollback:pending',
      'r1:publish:superseded',
    ]);
  });

  it('when a portal relaxes the rule, then it says who did it when, and other portals keep two people', async () => {
    expect(await t.store.approvals.policy('p1')).toEqual({
      singleApprover: false,
      changedBy: null,
      changedAt: null,
    });
    await t.store.approvals.setPolicy('p1', true, ann.name, T0);
    expect(await t.store.approvals.policy('p1')).toEqual({
      singleApprover: true,
      changedBy: ann.name,
      changedAt: T0,
    });
    expect((await t.store.approvals.policy('p2')).singleApprover).toBe(false);
    await t.store.approvals.setPolicy('p1', false, sam.name, T0 + 1);
    expect((await t.store.approvals.policy('p1')).singleApprover).toBe(false);
  });

  it('when a score is disputed, then the reason stays with the contact, counts in its period and follows a merge', async () => {
    const dispute = (id: string, contactId: string, at: number) => ({
      id,
      portalId: 'p1',
      contactId,
      reason: 'No idea why this is an MQL: they are a student',
      disputedBy: sam.name,
      disputedAt: at,
      modelVersion: 'seed@1 (v3)',
      qualification: 'mql',
    });
    await t.store.disputes.record(dispute('d1', 'c1', T0));
    await t.store.disputes.record(dispute('d2', 'c1', T0 + 10));
    await t.store.disputes.record(dispute('d3', 'c2', T0 + 20));

    expect((await t.store.disputes.of('p1', 'c1')).map((d) => d.id)).toEqual(['d2', 'd1']);
    expect(await t.store.disputes.of('p1', 'c2')).toEqual([dispute('d3', 'c2', T0 + 20)]);
    expect((await t.store.disputes.between('p1', T0, T0 + 20)).map((d) => d.id)).toEqual(['d1', 'd2']);

    await t.store.disputes.removeContacts({ kind: 'merged', portalId: 'p1', from: ['c2'], into: 'c1' });
    expect((await t.store.disputes.of('p1', 'c1')).map((d) => d.id)).toEqual(['d3', 'd2', 'd1']);
    await t.store.disputes.removeContacts({ kind: 'erased', portalId: 'p1', contactIds: ['c1'] });
    expect(await t.store.disputes.of('p1', 'c1')).toEqual([]);
  });
}
