/**
 * The replay aggregate's SQL (the {@link ReplayStore} port): one row per accepted key, stored as a
 * SHA-256 digest (the key itself is never kept), with its expiry. The insert decides: a key already
 * there and not expired is a replay; an expired one is taken over.
 */
import { createHash } from 'node:crypto';
import type { SqlContext } from '../sql/context.js';
import type { ReplayStore } from './replays.port.js';

/** The {@link ReplayStore} over SQL. */
export class SqlReplayStore implements ReplayStore {
  constructor(private readonly ctx: SqlContext) {}

  firstUse(key: string, expiresAt: number, now: number): Promise<boolean> {
    const digest = createHash('sha256').update(key, 'utf8').digest('hex');
    return this.ctx.run('firstUse', async () => {
      await this.ctx.db.deleteFrom('seen_signatures').where('expires_at', '<=', now).execute();
      const result = await this.ctx.db
        .insertInto('seen_signatures')
        .values({ digest, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('digest')
            .doUpdateSet({ expires_at: expiresAt })
            .where('seen_signatures.expires_at', '<=', now),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }
}
