/**
 * Service benchmarks against the HubSpot sandbox (see run.ts): HubSpot calls for a webhook burst,
 * full-portal rescore throughput under a rate limit, a company change fanned out to its contacts,
 * and the settings preview over many stored contacts. Each returns plain figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { evaluate, loadPreset, PRESETS } from '../../src/core/index.js';
import type { QualificationModelInput } from '../../src/core/model.js';
import { rescoreAll } from '../../src/jobs/rescore-all.js';
import { previewDraft } from '../../src/jobs/model-settings.js';
import { createLogger } from '../../src/logger.js';
import {
  cliRecords,
  createSandbox,
  generateSeedData,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import { createService, type Service } from '../../src/service.js';
import { openStore } from '../../src/store/index.js';

const SECRET = 'bench-secret';
const PUBLIC = 'https://lq.bench.invalid';

/** The service on its own SQLite file in a fresh directory, against a sandbox; no worker loop. */
export async function benchService(
  sandbox: Sandbox,
  rateLimit: number,
): Promise<{ service: Service; dir: string }> {
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
  return { service, dir };
}

async function stack(contacts: number, rateLimit: number, sandboxOptions: Partial<SandboxOptions> = {}) {
  const sandbox = await createSandbox({
    data: { contacts, seed: 11, now: Date.now() },
    rateLimit: { perInterval: rateLimit },
    outbound: { sleep: async () => {} },
    ...sandboxOptions,
  });
  const { service, dir } = await benchService(sandbox, rateLimit);
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
 * The same burst as HubSpot sends it to a running service: one request of 100 events after
 * another, with the worker taking batches as the work arrives (not drained afterwards). A
 * contact's ten changes come together (an import or a form touches several properties at once),
 * so each request brings ten new contacts and a worker that takes what is due at once takes
 * batches far from full. Counts
 * the HubSpot calls against the bound ⌈contacts/100⌉ reads + ⌈companies/100⌉ company reads +
 * ⌈changed/100⌉ writes.
 */
export async function liveBurstBenchmark(events = 10_000, contacts = 1_000) {
  const s = await stack(contacts, 190);
  try {
    const ids = s.sandbox.data!.contacts.map((c) => c.id);
    const properties = ['jobtitle', 'country', 'numemployees', 'industry'];
    const perContact = Math.ceil(events / ids.length);
    const batch = Array.from({ length: events }, (_, i) =>
      s.sandbox.events.propertyChange({
        objectId: ids[Math.floor(i / perContact)]!,
        propertyName: properties[i % 4]!,
        propertyValue: `v${i}`,
      }),
    );
    const companies = s.sandbox.data!.companies.length;
    const before = s.sandbox.stats.snapshot().total;
    s.service.worker.start();
    const t0 = Date.now();
    await s.sandbox.sender.deliver(batch, {
      targetUrl: `${s.url}/hubspot/webhooks`,
      signedUrl: `${PUBLIC}/hubspot/webhooks`,
      clientSecret: SECRET,
      maxConcurrent: 1,
      shuffle: false,
    });
    const acceptedMs = Date.now() - t0;
    for (;;) {
      const q = await s.service.store.queue.stats();
      if (q.pending === 0 && q.claimed === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (Date.now() - t0) / 1000;
    const calls = s.sandbox.stats.snapshot().total - before;
    const reads = s.sandbox.stats.count('contacts.batch.read');
    const companyReads = s.sandbox.stats.count('companies.batch.read');
    const writes = s.sandbox.stats.count('contacts.batch.update');
    const bound = Math.ceil(contacts / 100) + Math.ceil(companies / 100) + Math.ceil(contacts / 100);
    return {
      burst_live_hubspot_calls: calls,
      burst_live_contact_reads: reads,
      burst_live_company_reads: companyReads,
      burst_live_writes: writes,
      burst_live_call_bound: bound,
      burst_live_ratio_to_bound: Math.round((calls / bound) * 100) / 100,
      burst_live_webhooks_accepted_ms: acceptedMs,
      burst_live_seconds: Math.round(seconds * 100) / 100,
    };
  } finally {
    await s.close();
  }
}

/**
 * Scheduled rescoring in real time: contacts made MQL by two signals dated so that they fade
 * below the bar at staggered moments a few seconds from now; with no event in between, how long
 * after that moment HubSpot shows the contact no longer MQL (polled every 20 ms).
 */
export async function decayRescoreBenchmark(contacts = 40) {
  const s = await stack(0, 190);
  try {
    const model = loadPreset('seed-fit-intent');
    const intentAt = (age: number, at: number) =>
      evaluate(
        {
          id: 'probe',
          properties: {},
          signals: ['trial_started', 'demo_requested'].map((type) => ({ type, occurredAt: at - age })),
        },
        model,
        at,
      ).intent.score;
    const source = { changeSource: 'CRM_UI' };
    const portalId = String(s.sandbox.portalId);
    const start = Date.now();
    const plan: { id: string; crossing: number }[] = [];
    for (let i = 0; i < contacts; i++) {
      const company = s.sandbox.state.create(
        'companies',
        { name: `Fade ${i}`, industry: 'COMPUTER_SOFTWARE', numberofemployees: '250' },
        source,
      );
      const contact = s.sandbox.state.create(
        'contacts',
        {
          email: `fade${i}@example.nl`,
          jobtitle: 'VP Sales',
          country: 'Netherlands',
          lifecyclestage: 'lead',
        },
        source,
      );
      s.sandbox.state.associate('contacts', contact.id, 'companies', company.id, 1);
      const crossing = start + 6_000 + i * 150;
      let lo = 0;
      let hi = 90 * 86_400_000;
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (intentAt(mid, crossing) > 50) lo = mid;
        else hi = mid;
      }
      for (const type of ['trial_started', 'demo_requested'])
        await s.service.store.contacts.recordSignal(
          {
            portalId,
            contactId: contact.id,
            type,
            occurredAt: crossing - hi,
            source: 'bench',
            idempotencyKey: `${contact.id}:${type}`,
            recordedAt: start,
          },
          { portalId, contactId: contact.id, reason: 'signal' },
        );
      plan.push({ id: contact.id, crossing });
    }
    s.service.worker.start();
    const qualification = (id: string) => s.sandbox.state.get('contacts', id)!.properties.lq_qualification;
    const seen = new Map<string, number>();
    const deadline = start + 6_000 + contacts * 150 + 60_000;
    let wereMql = 0;
    const mql = new Set<string>();
    while (seen.size < plan.length && Date.now() < deadline) {
      for (const { id } of plan) {
        if (qualification(id) === 'mql') mql.add(id);
        else if (mql.has(id) && !seen.has(id)) seen.set(id, Date.now());
      }
      wereMql = mql.size;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lags = plan
      .filter((p) => seen.has(p.id))
      .map((p) => seen.get(p.id)! - p.crossing)
      .sort((a, b) => a - b);
    const at = (q: number) => lags[Math.min(lags.length - 1, Math.ceil(q * lags.length) - 1)] ?? NaN;
    return {
      decay_rescore_contacts: contacts,
      decay_rescore_were_mql: wereMql,
      decay_rescore_changed: lags.length,
      decay_rescore_lag_p50_ms: at(0.5),
      decay_rescore_lag_p95_ms: at(0.95),
      decay_rescore_lag_max_ms: lags.at(-1) ?? NaN,
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

/**
 * A company of `contacts` MQLs (industrial preset) moves to a disqualifying industry and its signed
 * `company.propertyChange` webhook is delivered to a running worker: seconds until every contact
 * is rewritten, and the HubSpot calls it took (association reads, company reads, contact reads
 * and writes) against the bound ⌈n/100⌉ reads + ⌈n/100⌉ writes + the association reads.
 * Meanwhile one unrelated contact's event arrives: how long it waited shows the fan-out does not
 * hold other work back.
 */
export async function companyFanoutBenchmark(contacts = 1_000) {
  const s = await stack(0, 190);
  try {
    const { state } = s.sandbox;
    const portalId = String(s.sandbox.portalId);
    const { store, models, worker } = s.service;
    const model = loadPreset('seed-industrial') as QualificationModelInput;
    const draft = await store.models.saveDraft(portalId, model, 'bench', Date.now());
    await store.models.publish(portalId, draft.version, { publishedBy: 'bench' }, Date.now());
    models.invalidate(portalId);
    const person = { changeSource: 'CRM_UI', sourceId: 'userId:1' };
    const company = (name: string) =>
      state.create('companies', { name, industry: 'FOOD_PRODUCTION', numberofemployees: '400' }, person).id;
    const contact = async (companyId: string, i: number) => {
      const { id } = state.create(
        'contacts',
        { email: `pm${i}.${companyId}@bench.example`, jobtitle: 'Plant Manager', lifecyclestage: 'lead' },
        person,
      );
      state.associate('contacts', id, 'companies', companyId, 1);
      const now = Date.now();
      const signal = { type: 'demo_requested', occurredAt: now - 3_600_000, source: 'bench' };
      await store.contacts.recordSignal(
        { portalId, contactId: id, ...signal, idempotencyKey: `bench-${id}`, recordedAt: now },
        { portalId, contactId: id, reason: 'signal' },
      );
      return id;
    };
    const big = company('Fanout Foods BV');
    const ids: string[] = [];
    for (let i = 0; i < contacts; i++) ids.push(await contact(big, i));
    const other = await contact(company('Other Foods BV'), 0);
    await worker.drain();
    const qualification = (id: string) => state.get('contacts', id)?.properties.lq_qualification;
    const waitFor = async (check: () => boolean) => {
      while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const deliver = (events: Parameters<typeof s.sandbox.sender.deliver>[0]) =>
      s.sandbox.sender.deliver(events, {
        targetUrl: `${s.url}/hubspot/webhooks`,
        signedUrl: `${PUBLIC}/hubspot/webhooks`,
        clientSecret: SECRET,
      });

    s.sandbox.reset();
    state.update('companies', big, { industry: 'RETAIL' }, person);
    state.update('contacts', other, { jobtitle: 'Intern' }, person);
    worker.start();
    const t0 = Date.now();
    await deliver([
      s.sandbox.events.propertyChange({
        objectType: 'companies',
        objectId: big,
        propertyName: 'industry',
        propertyValue: 'RETAIL',
        format: 'generic',
      }),
    ]);
    await waitFor(() => qualification(ids[0]!) === 'disqualified');
    const t1 = Date.now();
    await deliver([
      s.sandbox.events.propertyChange({ objectId: other, propertyName: 'jobtitle', propertyValue: 'Intern' }),
    ]);
    await waitFor(() => qualification(other) !== 'mql');
    const otherMs = Date.now() - t1;
    const doneBeforeOther = ids.filter((id) => qualification(id) === 'disqualified').length;
    await waitFor(() => ids.every((id) => qualification(id) === 'disqualified'));
    const seconds = (Date.now() - t0) / 1000;

    const count = (endpoint: string) => s.sandbox.stats.count(endpoint);
    // Less the unrelated contact's own read and write (its company is cached).
    const reads = count('contacts.batch.read') - 1;
    const writes = count('contacts.batch.update') - 1;
    const companyReads = count('companies.batch.read');
    const associationReads = count('associations.v4.batch.read');
    return {
      company_fanout_contacts: contacts,
      company_fanout_seconds: Math.round(seconds * 100) / 100,
      company_fanout_calls: reads + writes + companyReads + associationReads,
      company_fanout_association_reads: associationReads,
      company_fanout_company_reads: companyReads,
      company_fanout_contact_reads: reads,
      company_fanout_writes: writes,
      company_fanout_call_bound: 2 * Math.ceil(contacts / 100) + associationReads,
      company_fanout_other_work_ms: otherMs,
      company_fanout_done_before_other_work: doneBeforeOther,
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
