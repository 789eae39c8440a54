/**
 * The history backfill against the sandbox (see run.ts, `--only backfill`): a portal of 10,000
 * contacts with two years of changes (form conversions, opt-outs, meetings with outcomes) is
 * backfilled and rescored; HubSpot calls by kind against the bound of ⌈contacts/50⌉ history reads,
 * wall time and throughput under the portal's rate limit.
 */
import { rm } from 'node:fs/promises';
import { derivedReads, HISTORY_BATCH_LIMIT } from '../../src/hubspot/crm-history.js';
import { backfillPortal } from '../../src/jobs/backfill.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createContacts, historyClock, playHistory } from '../service/history-changes.js';
import { benchService } from './service-bench.js';

const TWO_YEARS_MS = 730 * 86_400_000;

export async function backfillBenchmark(contacts = 10_000, rateLimit = 190) {
  const clock = historyClock(TWO_YEARS_MS);
  const sandbox = await createSandbox({
    data: { contacts: 0, seed: 13, now: Date.now() },
    now: clock.now,
    rateLimit: { perInterval: rateLimit },
    outbound: { sleep: async () => {} },
  });
  let dir: string | undefined;
  try {
    const seedStarted = Date.now();
    const ids = createContacts(sandbox, contacts);
    const played = await playHistory(sandbox, clock, ids, { seed: 13, changesPerContact: 3 });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const bench = await benchService(sandbox, rateLimit);
    const service = bench.service;
    dir = bench.dir;
    try {
      sandbox.stats.reset();
      const t0 = Date.now();
      const outcome = await backfillPortal(
        { ...service.scoreDeps, crm: service.crm, store: service.store, reads: derivedReads(service.crm) },
        String(sandbox.portalId),
        { holder: 'bench' },
      );
      const seconds = (Date.now() - t0) / 1000;
      if (outcome.status !== 'finished') throw new Error(`backfill ${outcome.status}`);
      const stats = sandbox.stats.snapshot();
      const calls = (endpoint: string) => stats.byEndpoint[endpoint]?.total ?? 0;
      const p = outcome.progress;
      return {
        figures: {
          backfill_contacts: p.scored,
          backfill_seed_seconds: Math.round(seedSeconds * 10) / 10,
          backfill_form_submissions: played.formSubmissions,
          backfill_opt_outs: played.optOuts,
          backfill_meetings: played.meetings,
          backfill_no_shows: played.noShows,
          backfill_signals_found: p.signalsFound,
          backfill_signals_created: p.signalsCreated,
          backfill_written: p.written,
          backfill_pages: p.pages,
          backfill_calls: stats.total,
          backfill_contact_history_reads: calls('contacts.batch.read'),
          backfill_history_read_bound: Math.ceil(contacts / HISTORY_BATCH_LIMIT),
          backfill_contact_lists: calls('contacts.list'),
          backfill_association_reads: calls('associations.v4.batch.read'),
          backfill_meeting_history_reads: calls('meetings.batch.read'),
          backfill_company_reads: calls('companies.batch.read'),
          backfill_writes: calls('contacts.batch.update'),
          backfill_other_calls:
            stats.total -
            calls('contacts.batch.read') -
            calls('contacts.list') -
            calls('associations.v4.batch.read') -
            calls('meetings.batch.read') -
            calls('companies.batch.read') -
            calls('contacts.batch.update'),
          backfill_http_429: stats.byStatus['429'] ?? 0,
          backfill_seconds: Math.round(seconds * 10) / 10,
          backfill_contacts_per_second: Math.round(p.scored / seconds),
          backfill_rate_limit_per_10s: rateLimit,
          // The least time the rate limit allows for these calls.
          backfill_budget_floor_seconds: Math.round((stats.total / rateLimit) * 10 * 10) / 10,
        },
      };
    } finally {
      await service.close();
    }
  } finally {
    await sandbox.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
