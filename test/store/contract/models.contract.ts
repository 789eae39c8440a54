/**
 * The model aggregate's contract: drafts numbered per portal, one published version, rollbacks.
 */
import { expect, it } from 'vitest';
import { StoreNotFoundError } from '../../../src/store/index.js';
import { T0, sampleModel, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function modelsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when drafts are saved, then versions are numbered from 1 per portal', async () => {
    const v1 = await t.store.models.saveDraft('p1', sampleModel, 'ann@example.com', T0);
    const v2 = await t.store.models.saveDraft('p1', sampleModel, 'ann@example.com', T0 + 1);
    const other = await t.store.models.saveDraft('p2', sampleModel, 'bob@example.com', T0);

    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
    expect(v1).toEqual({
      portalId: 'p1',
      version: 1,
      status: 'draft',
      model: sampleModel,
      createdBy: 'ann@example.com',
      createdAt: T0,
      publishedBy: null,
      publishedAt: null,
      agreedBy: null,
      note: null,
      publishReason: null,
      approval: null,
    });
    expect(await t.store.models.version('p1', 2)).toEqual(v2);
    expect(await t.store.models.version('p1', 3)).toBeNull();
  });

  it('when 10 drafts are saved at once, then they get versions 1 to 10, none fails and none is lost', async () => {
    const saves = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => t.store.models.saveDraft('p1', sampleModel, `user ${i}`, T0 + i)),
    );

    expect(saves.filter((s) => s.status === 'rejected')).toEqual([]);
    const versions = saves.map((s) => (s.status === 'fulfilled' ? s.value.version : 0));
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await t.store.models.versions('p1')).map((v) => v.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    // Each draft is stored under the number it was given.
    for (const s of saves)
      if (s.status === 'fulfilled')
        expect((await t.store.models.version('p1', s.value.version))?.createdBy).toBe(s.value.createdBy);
  });

  it('when a version is published with a reason, then the reason is kept with it', async () => {
    await t.store.models.saveDraft('p1', sampleModel, 'ann', T0);
    const published = await t.store.models.publish(
      'p1',
      1,
      { publishedBy: 'ann', reason: 'new product line: sizes changed' },
      T0 + 1,
    );
    expect(published.publishReason).toBe('new product line: sizes changed');
    expect((await t.store.models.versions('p1'))[0]!.publishReason).toBe('new product line: sizes changed');
  });

  it('when a version is published, then it is the only published one and the previous is archived; republishing rolls back', async () => {
    await t.store.models.saveDraft('p1', sampleModel, 'ann', T0);
    await t.store.models.saveDraft('p1', sampleModel, 'ann', T0);
    expect(await t.store.models.published('p1')).toBeNull();

    await t.store.models.publish('p1', 1, { publishedBy: 'ann' }, T0 + 1);
    const v2 = await t.store.models.publish(
      'p1',
      2,
      { publishedBy: 'ann', agreedBy: 'sam', note: 'tighter fit' },
      T0 + 2,
    );
    expect(v2).toMatchObject({
      status: 'published',
      publishedBy: 'ann',
      publishedAt: T0 + 2,
      agreedBy: 'sam',
      note: 'tighter fit',
    });
    expect((await t.store.models.versions('p1')).map((v) => `${v.version}:${v.status}`)).toEqual([
      '1:archived',
      '2:published',
    ]);

    const rolledBack = await t.store.models.publish(
      'p1',
      1,
      { publishedBy: 'ann', note: 'roll back' },
      T0 + 3,
    );

    expect(rolledBack).toMatchObject({ version: 1, status: 'published', publishedAt: T0 + 3 });
    expect((await t.store.models.published('p1'))?.version).toBe(1);
    expect((await t.store.models.versions('p1')).map((v) => `${v.version}:${v.status}`)).toEqual([
      '1:published',
      '2:archived',
    ]);
  });

  it('when an unknown version is published, then it fails with not found and nothing changes', async () => {
    await t.store.models.saveDraft('p1', sampleModel, 'ann', T0);
    await t.store.models.publish('p1', 1, { publishedBy: 'ann' }, T0);

    await expect(t.store.models.publish('p1', 7, { publishedBy: 'ann' }, T0)).rejects.toBeInstanceOf(
      StoreNotFoundError,
    );
    expect((await t.store.models.published('p1'))?.version).toBe(1);
  });
}
