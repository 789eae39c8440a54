/**
 * Service benchmarks against the HubSpot sandbox (see run.ts): HubSpot calls for a webhook burst,
 * full-portal rescore throughput under a rate limit, and the settings preview over many stored
 * contacts. Each returns plain figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { PRESETS } from '../../src/core/index.js';
import { rescoreAll } from '../../src/jobs/rescore-all.js';
import { previewDraft } from '../../src/jobs/model-settings.js';
import { createLogger } from '../../src/logger.js';
import { cliRecords, createSandbox, generateSeedData, type SandboxOptions } from '../../src/sandbox/index.js';
import { createService, type Service } from '../../src/service.js';
import { openStore } from '../../src/store/index.js';

const SECRET = 'bench-secret';
const PUBLIC = 'https://lq.bench.invalid';

async function stack(contacts: number, rateLimit: number, sandboxOptions: Partial<SandboxOptions> = {}) {
  const sandbox = await createSandbox({
    data: { contacts, seed: 11, now: Date.now() },
    rateLimit: { perInterval: rateLimit },
    outbound: { sleep: async () => {} },
    ...sandboxOptions,
  });
  const dir = await mkdtemp(join(tmpdir(), 'lq-bench-'));
  const service: Service = await createService({
    config: loadConfig({
      HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_BASE_URL: sandbox.baseUrl,
      PUBLIC_BASE_URL: PUBLIC,
      DATABASE_URL: join(dir, 'bench.sqlite'),
      HUBSPOT_RATE_LIMIT: String(rateLimit),
      HUBSPOT_RATE_HEADROOM: '1',
      LOG_LEVEL: 'silent',
    }),
    logger: createLogger({ level: 'silent' }),
    startWorker: false,
  });
  const port = await service.listen(0);
  return {
    sandbox,
    service,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await service.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** 10,000 webhook events over 1,000 contacts: HubSpot calls made versus the naive two per event. */
export async function burstBenchmark(events = 10_000, contacts = 1_000) {
  const s = await stack(contacts, 190);
  try {
    const ids = s.sandbox.data!.contacts.map((c) => c.id);
    const properties = ['jobtitle', 'country', 'numemployees', 'industry'];
    const batch = Array.from({ length: events }, (_, i) =>
      s.sandbox.events.propertyChange({
        objectId: ids[i % ids.length]!,
        propertyName: properties[i % 4]!,
        propertyValue: `v${i}`,
      }),
    );
    const before = s.sandbox.stats.snapshot().total;
    const t0 = Date.now();
    await s.sandbox.sender.deliver(batch, {
      targetUrl: `${s.url}/hubspot/webhooks`,
      signedUrl: `${PUBLIC}/hubspot/webhooks`,
      clientSecret: SECRET,
    });
    const acceptedMs = Date.now() - t0;
    await s.service.worker.drain();
    const seconds = (Date.now() - t0) / 1000;
    const calls = s.sandbox.stats.snapshot().total - before;
    const reads = s.sandbox.stats.count('contacts.batch.read');
    const companyReads = s.sandbox.stats.count('companies.batch.read');
    const writes = s.sandbox.stats.count('contacts.batch.update');
    const bound = 1.2 * (Math.ceil(contacts / 100) + Math.ceil(contacts / 100));
    return {
      burst_events: events,
      burst_contacts: contacts,
      burst_hubspot_calls: calls,
      burst_contact_reads: reads,
      burst_company_reads: companyReads,
      burst_writes: writes,
      burst_call_bound: bound,
      burst_naive_calls: 2 * events,
      burst_webhooks_accepted_ms: acceptedMs,
      burst_seconds: Math.round(seconds * 100) / 100,
    };
  } finally {
    await s.close();
  }
}

/**
 * Rescoring a whole portal under a small rate limit: contacts per second achieved, against what
 * the limit allows for the calls the work needs (calls per second at the limit × contacts per call).
 */
export async function rescoreBenchmark(contacts = 3_000, rateLimit = 60) {
  const s = await stack(contacts, rateLimit);
  try {
    const before = s.sandbox.stats.snapshot().total;
    const result = await rescoreAll(
      { ...s.service.scoreDeps, crm: s.service.crm },
      String(s.sandbox.portalId),
    );
    const seconds = (result.now - result.startedAt) / 1000;
    const calls = s.sandbox.stats.snapshot().total - before;
    const achieved = result.scored / seconds;
    const allowedCallsPerSecond = rateLimit / 10;
    const allowed = allowedCallsPerSecond * (result.scored / calls);
    return {
      rescore_contacts: result.scored,
      rescore_rate_limit_per_10s: rateLimit,
      rescore_calls: calls,
      rescore_seconds: Math.round(seconds * 100) / 100,
      rescore_contacts_per_second: Math.round(achieved * 10) / 10,
      rescore_allowed_contacts_per_second: Math.round(allowed * 10) / 10,
      rescore_ratio_to_allowed: Math.round((achieved / allowed) * 100) / 100,
    };
  } finally {
    await s.close();
  }
}

/** The settings preview over `contacts` stored contacts (inputs + signals), timed. */
export async function previewBenchmark(contacts = 100_000) {
  const dir = await mkdtemp(join(tmpdir(), 'lq-bench-preview-'));
  const store = await openStore({ databaseUrl: join(dir, 'preview.sqlite'), eventRetentionDays: 0 });
  try {
    const now = Date.now();
    const records = [...cliRecords(generateSeedData({ contacts, seed: 5, now }))];
    const portalId = '1';
    for (let i = 0; i < records.length; i += 1000) {
      const page = records.slice(i, i + 1000);
      await store.contacts.saveSnapshots(
        page.map((r) => ({
          portalId,
          contactId: r.id,
          properties: r.properties as Record<string, string | null>,
          company: (r.company ?? null) as Record<string, string | null> | null,
          readAt: now,
        })),
      );
    }
    let signals = 0;
    for (const r of records.slice(0, 20_000))
      for (const [k, sig] of (r.signals ?? []).entries()) {
        await store.contacts.recordSignal({
          portalId,
          contactId: r.id,
          type: sig.type,
          occurredAt: Date.parse(String(sig.occurredAt)),
          source: 'bench',
          idempotencyKey: `b-${r.id}-${k}`,
          recordedAt: now,
        });
        signals++;
      }
    const draft = structuredClone(PRESETS['seed-fit-intent']) as {
      thresholds: { mql: { intent: { value: number } } };
    };
    draft.thresholds.mql.intent.value = 30;
    const { ActiveModels } = await import('../../src/jobs/active-model.js');
    const deps = { store, models: new ActiveModels(store), clock: Date.now, wakeWorker: () => {} };
    const t0 = Date.now();
    const preview = await previewDraft(deps, portalId, draft);
    const ms = Date.now() - t0;
    return {
      preview_contacts: preview.contacts,
      preview_signals: signals,
      preview_ms: ms,
      preview_response_bytes: Buffer.byteLength(JSON.stringify(preview)),
      preview_mql_in: preview.mqlIn,
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
