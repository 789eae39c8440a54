/**
 * `npm run demo`: the whole product without a HubSpot account. Starts the sandbox with seeded
 * contacts and the service on free ports, replays a day of realistic traffic (contacts created,
 * intent signals recorded by workflows, fit properties edited, a few *Qualify contact* runs, and
 * HubSpot echoing our own writes back), and prints what happened, a line per phase as it goes.
 * With `--keep <dir>` the database stays in that directory for `npm run cli -- report|explain`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommanderError } from 'commander';
import { loadConfig } from '../config.js';
import { ACTIONS } from '../hubspot/payloads.js';
import { createLogger } from '../logger.js';
import { funnelRows } from '../core/funnel.js';
import { DEFAULT_PRESET, loadPreset } from '../core/presets/index.js';
import { funnelFromStore } from '../jobs/funnel.js';
import { createSandbox } from '../sandbox/index.js';
import { createService } from '../service.js';
import { describeFailure } from './failures.js';
import { type DemoOptions, demoProgram } from './demo-options.js';
import { usageLine } from './run.js';
import { htmlReport } from './service-commands.js';

const SECRET = 'demo-client-secret';
const PUBLIC = 'https://lq.demo.invalid';
const DAY_MS = 86_400_000;

function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** The database file of a kept demo; refuses a directory that already holds one. */
async function keptDatabase(dir: string): Promise<string> {
  const path = join(resolve(dir), 'demo.sqlite');
  if (existsSync(path))
    throw new DemoUsageError(
      `--keep: ${path} already holds a demo database; give another directory or delete the file`,
    );
  await mkdir(resolve(dir), { recursive: true });
  return path;
}

class DemoUsageError extends Error {}

async function runDemo(options: DemoOptions): Promise<void> {
  const { contacts, rateLimit } = options;
  const started = Date.now();
  const now = Date.now();
  const databasePath = options.keep !== undefined ? await keptDatabase(options.keep) : null;
  const phases = 7;
  let phase = 0;
  const progress = (text: string) => line(`[${++phase}/${phases}] ${text}`);
  const sandbox = await createSandbox({
    data: { contacts, seed: options.seed, now },
    rateLimit: { perInterval: rateLimit },
    echoWrites: true,
    outbound: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))) },
  });
  const dir = databasePath === null ? await mkdtemp(join(tmpdir(), 'lq-demo-')) : null;
  const service = await createService({
    config: loadConfig({
      HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_BASE_URL: sandbox.baseUrl,
      PUBLIC_BASE_URL: PUBLIC,
      DATABASE_URL: databasePath ?? join(dir!, 'demo.sqlite'),
      HUBSPOT_RATE_LIMIT: String(rateLimit),
      HUBSPOT_APP_ID: String(sandbox.appId),
      LOG_LEVEL: 'error',
      // The demo's portal has no history to backfill; its figures count the day's traffic only.
      BACKFILL_ON_INSTALL: 'false',
    }),
    logger: createLogger({ level: 'error' }),
    worker: { pollMs: 50 },
  });
  const port = await service.listen(0);
  const url = `http://127.0.0.1:${port}`;
  progress(
    `HubSpot sandbox ${sandbox.baseUrl} (portal ${sandbox.portalId}, ${contacts} contacts, limit ${rateLimit} calls / 10 s); service ${url}, portal set up`,
  );
  const setupCalls = sandbox.stats.snapshot().total;

  // Marketing ops switched deals on accept on: an accepted MQL gets a deal in the Sales Pipeline.
  const portal = String(sandbox.portalId);
  const preset = loadPreset(DEFAULT_PRESET);
  const withDeals = {
    ...preset,
    feedback: { ...preset.feedback, dealOnAccept: { pipeline: 'default', stage: 'appointmentscheduled' } },
  };
  const draft = await service.store.models.saveDraft(portal, withDeals, 'demo', Date.now());
  await service.store.models.publish(
    portal,
    draft.version,
    { publishedBy: 'demo', agreedBy: 'sales' },
    Date.now(),
  );
  service.models.invalidate(portal);

  const data = sandbox.data!;
  const deliver = (events: Parameters<typeof sandbox.sender.deliver>[0]) =>
    sandbox.sender.deliver(events, {
      targetUrl: `${url}/hubspot/webhooks`,
      signedUrl: `${PUBLIC}/hubspot/webhooks`,
      clientSecret: SECRET,
      duplicates: 0.05,
      shuffle: true,
    });

  // Morning: the contacts arrive (creation webhooks, with HubSpot's occasional duplicates).
  let eventsSent = 0;
  const creations = data.contacts.map((c) => sandbox.events.creation({ objectId: c.id }));
  eventsSent += (await deliver(creations)).events;
  progress(
    `contacts created: ${creations.length} creation webhooks sent (${eventsSent} with HubSpot's duplicates)`,
  );

  // All day: workflows record intent signals (one execution per signal; HubSpot retries some).
  const { model } = await service.models.get(String(sandbox.portalId));
  const known = new Set(model.intent.signals.map((s) => s.type));
  const signals = data.contacts.flatMap((c) =>
    (data.signals.get(c.id) ?? [])
      .filter((s) => known.has(s.type))
      .map((s, i) => ({ contactId: c.id, ...s, callbackId: `demo-${c.id}-${i}` })),
  );
  let signalActions = 0;
  await inBatches(signals, 10, async (s) => {
    const execution = await sandbox.sender.executeAction({
      actionUrl: `${url}${ACTIONS.recordSignal.path}`,
      signedUrl: `${PUBLIC}${ACTIONS.recordSignal.path}`,
      clientSecret: SECRET,
      callbackId: s.callbackId,
      origin: { portalId: sandbox.portalId, actionDefinitionId: 2, actionDefinitionVersion: 1 },
      object: { objectId: s.contactId, objectType: 'CONTACT' },
      inputFields: { signal_type: s.type, occurred_at: String(Date.parse(s.occurredAt)) },
    });
    if (execution.state === 'SUCCESS') signalActions++;
  });
  progress(`intent signals: ${signals.length} "Record intent signal" executions, ${signalActions} recorded`);

  // Afternoon: reps and imports edit fit properties on some contacts.
  const edits = data.contacts.filter((_, i) => i % 7 === 0);
  const titles = [
    'VP Operations',
    'Head of Marketing',
    'Intern',
    'Chief Executive Officer',
    'Account Manager',
  ];
  for (const [i, c] of edits.entries())
    sandbox.state.update(
      'contacts',
      c.id,
      { jobtitle: titles[i % titles.length]! },
      { changeSource: 'CRM_UI', sourceId: 'userId:1001' },
    );
  const editEvents = (
    await sandbox.flushWebhooks({
      targetUrl: `${url}/hubspot/webhooks`,
      signedUrl: `${PUBLIC}/hubspot/webhooks`,
      clientSecret: SECRET,
    })
  ).events;
  eventsSent += editEvents;
  progress(`fit properties edited on ${edits.length} contacts: ${editEvents} property-change webhooks sent`);

  // A workflow asks for a verdict on a few contacts, and branches on it.
  const qualified = [];
  for (const c of data.contacts.slice(0, 5)) {
    const execution = await sandbox.sender.executeAction({
      actionUrl: `${url}${ACTIONS.qualify.path}`,
      signedUrl: `${PUBLIC}${ACTIONS.qualify.path}`,
      clientSecret: SECRET,
      origin: { portalId: sandbox.portalId, actionDefinitionId: 1, actionDefinitionVersion: 1 },
      object: { objectId: c.id, objectType: 'CONTACT' },
      inputFields: {},
    });
    qualified.push(execution);
  }
  progress(`"Qualify contact" run on ${qualified.length} contacts`);

  // Let the worker finish; HubSpot echoes our writes back as webhooks; deliver those too.
  for (let round = 0; round < 600; round++) {
    const queue = await service.store.queue.stats();
    const echoes = sandbox.queuedEvents().length;
    if (queue.pending + queue.claimed === 0 && echoes === 0) break;
    if (echoes > 0)
      eventsSent += (
        await sandbox.flushWebhooks({
          targetUrl: `${url}/hubspot/webhooks`,
          signedUrl: `${PUBLIC}/hubspot/webhooks`,
          clientSecret: SECRET,
        })
      ).events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const drained = await service.store.queue.stats();
  progress(
    `worker: contacts scored and written back; queue ${drained.pending} pending (${eventsSent} webhook events sent in all, echoes of the app's writes included)`,
  );

  // Sales works the MQLs: accepts some, returns others with a reason (the Sales decision action).
  const mqlIds = [
    ...(
      await service.store.contacts.latestEvaluations(
        String(sandbox.portalId),
        data.contacts.map((c) => c.id),
      )
    ).values(),
  ]
    .filter((e) => e.qualification === 'mql')
    .map((e) => e.contactId);
  const verdicts = [
    { decision: 'accept' },
    { decision: 'return', reason: 'no_budget' },
    { decision: 'accept' },
    { decision: 'return', reason: 'wrong_timing' },
  ];
  const decided: string[] = [];
  // Each route's MQLs take the verdicts in turn, so new business and installed base both get accepts.
  const routeOf = new Map(
    [...(await service.store.routes.routesOf(portal, mqlIds)).values()].map((r) => [r.contactId, r.kind]),
  );
  const turns = new Map<string, number>();
  for (const contactId of mqlIds) {
    const route = routeOf.get(contactId) ?? 'new-business';
    const turn = turns.get(route) ?? 0;
    turns.set(route, turn + 1);
    const inputFields = verdicts[turn % verdicts.length]!;
    const execution = await sandbox.sender.executeAction({
      actionUrl: `${url}${ACTIONS.salesDecision.path}`,
      signedUrl: `${PUBLIC}${ACTIONS.salesDecision.path}`,
      clientSecret: SECRET,
      origin: { portalId: sandbox.portalId, actionDefinitionId: 3, actionDefinitionVersion: 1 },
      object: { objectId: contactId, objectType: 'CONTACT' },
      inputFields,
    });
    const out = execution.outputFields ?? {};
    decided.push(
      `  contact ${contactId}: ${inputFields.decision}${inputFields.reason ? ` (${inputFields.reason})` : ''} → ${execution.state}, stage ${String(out.lifecycle_stage)}${out.renurture_track ? `, track ${String(out.renurture_track)}` : ''}`,
    );
  }
  // Weeks later in HubSpot: sales wins half of the accepted leads' deals and loses some; HubSpot's
  // deal webhooks tell the service, which reads each deal and its contacts.
  const acceptedDeals = mqlIds.flatMap((id) =>
    sandbox.state
      .associations('contacts', id, 'deals')
      .map((a) => a.toId)
      .filter((dealId) => (sandbox.state.get('deals', dealId)?.createdAt ?? 0) >= started),
  );
  for (const [i, dealId] of acceptedDeals.entries()) {
    const outcome = i % 4 === 3 ? 'closedlost' : i % 2 === 0 ? 'closedwon' : 'presentationscheduled';
    sandbox.state.update(
      'deals',
      dealId,
      {
        dealstage: outcome,
        amount: String(6_000 + (i % 5) * 2_500),
        // Closed three to six weeks after the accept (the demo's day stands for those weeks).
        ...(outcome === 'presentationscheduled'
          ? {}
          : { closedate: String(started + (21 + 7 * (i % 4)) * 86_400_000) }),
      },
      { changeSource: 'CRM_UI', sourceId: 'userId:1002' },
    );
  }
  for (let round = 0; round < 100; round++) {
    const queue = await service.store.queue.stats();
    const echoes = sandbox.queuedEvents().length;
    if (queue.pending + queue.claimed === 0 && echoes === 0) break;
    if (echoes > 0)
      eventsSent += (
        await sandbox.flushWebhooks({
          targetUrl: `${url}/hubspot/webhooks`,
          signedUrl: `${PUBLIC}/hubspot/webhooks`,
          clientSecret: SECRET,
        })
      ).events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  progress(`sales decided on ${decided.length} MQLs ("Sales decision" workflow action)`);
  const funnel = await funnelFromStore(
    service.store,
    String(sandbox.portalId),
    started - 86_400_000,
    Date.now() + 1,
  );

  // Report.
  const ids = data.contacts.map((c) => c.id);
  const evaluations = await service.store.contacts.latestEvaluations(String(sandbox.portalId), ids);
  const byQualification: Record<string, number> = { mql: 0, iql: 0, nurture: 0, disqualified: 0 };
  const reasons = new Map<string, number>();
  for (const e of evaluations.values()) {
    byQualification[e.qualification] = (byQualification[e.qualification] ?? 0) + 1;
    if (e.qualification === 'disqualified') {
      const reason =
        sandbox.state
          .get('contacts', e.contactId)
          ?.properties.lq_disqualification_reason?.replace(/ \(.*$/, '') ??
        e.disqualificationId ??
        '?';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  const stats = sandbox.stats.snapshot();
  const calls = stats.total - setupCalls;
  const received = service.metrics.eventsReceived;
  const eventsReceived =
    (await received.get({ type: 'contact.creation' })) +
    (await received.get({ type: 'contact.propertyChange' }));
  const duplicates = await service.metrics.eventsDuplicate.get();
  const queue = await service.store.queue.stats();

  line();
  line(`A day of traffic in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  line(
    `  webhook events received   ${eventsReceived} (${duplicates} duplicates dropped; ${eventsSent} sent incl. echoes of our own writes)`,
  );
  line(`  signals recorded          ${signalActions} via the "Record intent signal" workflow action`);
  line(`  contacts scored           ${evaluations.size} of ${contacts}`);
  line(
    `  qualification             ${Object.entries(byQualification)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  line('  disqualified because');
  for (const [reason, n] of [...reasons.entries()].sort((a, b) => b[1] - a[1]))
    line(`    ${String(n).padStart(5)}  ${reason}`);
  line(
    `  HubSpot calls             ${calls} (${Object.entries(stats.byEndpoint)
      .filter(([, s]) => s.total > 0)
      .map(([k, s]) => `${k} ${s.total}`)
      .join(', ')})`,
  );
  line(
    `  naive approach            ${2 * (eventsReceived + signalActions)} calls (a read and a write per event)`,
  );
  line(`  queue                     ${queue.pending} pending, ${queue.dead} dead`);
  line();
  line('"Qualify contact" answers a workflow can branch on:');
  for (const q of qualified)
    line(
      `  contact ${q.payload.object.objectId}: ${q.state} ${JSON.stringify({ qualification: q.outputFields?.qualification, fit: q.outputFields?.fit_score, intent: q.outputFields?.intent_score })}`,
    );
  line();
  line('Sales decides on the MQLs ("Sales decision" workflow action):');
  for (const d of decided) line(d);
  line(
    `Funnel of today's MQLs: ${funnelRows(funnel)
      .slice(0, 11)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const r of funnel.lostReasons) line(`  lost reason: ${r.label} ${r.count}`);
  const ib = funnel.installedBase;
  line(
    `  installed base, apart: MQLs ${ib.mqls}, SQLs ${ib.sqls}, opportunities ${ib.opportunities}, customers ${ib.customers}`,
  );
  line(
    `  from HubSpot's deals: ${funnel.wonDeals} won for ${funnel.wonDealValue.toFixed(0)}, average deal ${funnelRows(funnel).find(([k]) => k === 'average deal value per SQL')?.[1]}, pipeline velocity ${funnelRows(funnel).find(([k]) => k === 'pipeline velocity per day')?.[1]} a day`,
  );
  line();
  const examples = [...evaluations.values()].filter((e) => e.qualification === 'mql').slice(0, 2);
  const other = [...evaluations.values()].find((e) => e.qualification === 'nurture' && e.intentScore > 0);
  for (const e of [...examples, ...(other ? [other] : [])]) {
    const p = sandbox.state.get('contacts', e.contactId)!.properties;
    line(
      `Contact ${e.contactId} (${p.firstname} ${p.lastname}, ${p.jobtitle ?? 'no title'}): lifecycle ${p.lifecyclestage}, lead status ${p.hs_lead_status ?? '-'}`,
    );
    for (const l of (p.lq_explanation ?? '').split('\n')) line(`    ${l}`);
  }

  // With --keep, the pictures too: the report page next to the database.
  const reportPath = options.keep !== undefined ? join(options.keep, 'report.html') : null;
  if (reportPath !== null)
    await writeFile(
      reportPath,
      await htmlReport(
        service.store,
        String(sandbox.portalId),
        started - DAY_MS,
        Date.now() + DAY_MS,
        Date.now(),
      ),
    );

  await service.close();
  await sandbox.close();
  if (dir !== null) await rm(dir, { recursive: true, force: true });
  if (databasePath !== null) {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const env = `DATABASE_URL=${databasePath}`;
    const portal = String(sandbox.portalId);
    const example = examples[0]?.contactId ?? [...evaluations.keys()][0] ?? '<contact id>';
    line();
    line(`The database is kept in ${databasePath}. Look into it with:`);
    line(
      `  ${env} npm run cli -- report --portal ${portal} --from ${day(started - DAY_MS)} --to ${day(Date.now() + DAY_MS)}`,
    );
    line(`  ${env} npm run cli -- explain --portal ${portal} --id ${example}`);
    line(`  ${env} npm run cli -- dead-letters`);
    line(`  ${env} npm run cli -- insights --portal ${portal}`);
    if (reportPath !== null) line(`The report with its charts: ${reportPath} (open it in a browser)`);
  }
}

async function main(argv: string[]): Promise<number> {
  let debug = false;
  const program = demoProgram(async (options) => {
    debug = options.debug === true;
    await runDemo(options);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      process.stderr.write(`${usageLine('demo', error)}\n`);
      return 2;
    }
    if (error instanceof DemoUsageError) {
      process.stderr.write(`demo: ${error.message}\n`);
      return 2;
    }
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.stderr.write(`demo failed: ${describeFailure(error)}\n`);
    return 1;
  }
}

const exitCode = await main(process.argv.slice(2));
// After a failure the sandbox or the service may still hold the event loop open: exit anyway.
if (exitCode === 0) process.exitCode = 0;
else process.exit(exitCode);
