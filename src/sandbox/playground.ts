/**
 * The playground: the sandbox plays HubSpot for a running service. Every change in the sandbox
 * (the service's own writes, the simulated traffic, edits through its API) is sent to the service
 * as HubSpot's signed webhook batches; the seeded contacts' history is replayed (their creation,
 * and each of their intent signals as a *Record intent signal* workflow action); and `traffic`
 * simulates a day (see traffic.ts) at the speed asked for.
 *
 * The sandbox must have been created with `echoWrites` (main.ts does so when given `--target`),
 * so that its changes are queued as webhook events.
 */
import type { ExecutionState } from './action-executor.js';
import type { WriteSource } from './crm-store.js';
import type { Sandbox } from './sandbox.js';
import { SIGNAL_TYPES } from './seed-vocabulary.js';
import { type ContactPick, planDay, type TrafficOptions, type TrafficStep } from './traffic.js';

/**
 * The service's routes the playground calls. HubSpot knows them only from the app project's
 * `*-hsmeta.json` files, and the sandbox borrows nothing from the app, so they are written here as
 * the project declares them; playground.test.ts drives the real service through them.
 */
export const SERVICE_PATHS = {
  webhooks: '/hubspot/webhooks',
  recordSignal: '/hubspot/actions/record-signal',
  signalOptions: '/hubspot/actions/signal-options',
  healthz: '/healthz',
} as const;

/** Options of {@link startPlayground}. */
export interface PlaygroundOptions {
  /** The running service's base URL, e.g. `http://127.0.0.1:3000`. */
  target: string;
  /** The app's client secret, as the service's `HUBSPOT_CLIENT_SECRET`: requests are signed with it. */
  clientSecret: string;
  /** The base URL HubSpot signs (the service's `PUBLIC_BASE_URL`). Default: `target`. */
  publicUrl?: string;
  /** Replay the seeded contacts' creation and signals once the service is up. Default true. */
  history?: boolean;
  /** Simulate a day lasting `daySeconds` real seconds. Default: no traffic. */
  traffic?: (TrafficOptions & { daySeconds: number }) | null;
  /** How often queued webhook events are delivered. Default 500 ms. */
  flushEveryMs?: number;
  /** Workflow-action executions in flight at once while replaying history. Default 5. */
  concurrency?: number;
  /** How long to wait for the service's /healthz before giving up. Default 5 minutes. */
  waitForServiceMs?: number;
  /** One line per thing worth saying. Default: nothing. */
  log?: (line: string) => void;
}

/** What the playground has sent so far. */
export interface PlaygroundReport {
  webhookEvents: number;
  webhookRequests: number;
  /** Requests that still failed after HubSpot's retries. */
  webhookFailedRequests: number;
  /** Workflow-action executions by the state HubSpot would record. */
  actions: Partial<Record<ExecutionState, number>>;
  contactsCreated: number;
  /** Traffic steps that could not be applied (e.g. the contact was deleted meanwhile). */
  stepsSkipped: number;
  /** The signal types the service offered (its active model's). */
  signalTypes: string[];
}

/** A running playground. */
export interface Playground {
  /** Resolves when the history and the day's traffic have been sent (webhooks keep flowing). */
  done: Promise<PlaygroundReport>;
  report(): PlaygroundReport;
  /** Stops sending; delivers what is queued once more, best effort. */
  stop(): Promise<void>;
}

const USER_EDIT: WriteSource = { changeSource: 'CRM_UI', sourceId: 'userId:9000001' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the playground against `options.target`; see the module comment. */
export function startPlayground(sandbox: Sandbox, options: PlaygroundOptions): Playground {
  const target = options.target.replace(/\/+$/, '');
  const publicUrl = (options.publicUrl ?? target).replace(/\/+$/, '');
  const log = options.log ?? (() => {});
  const report: PlaygroundReport = {
    webhookEvents: 0,
    webhookRequests: 0,
    webhookFailedRequests: 0,
    actions: {},
    contactsCreated: 0,
    stepsSkipped: 0,
    signalTypes: [],
  };
  let stopped = false;
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  /** Delivers the queued events; `lastTry` (on stop) does not wait out HubSpot's retries. */
  const flush = (lastTry = false): Promise<void> => {
    flushing = flushing.then(async () => {
      if (sandbox.queuedEvents().length === 0) return;
      const delivery = await sandbox.flushWebhooks({
        targetUrl: `${target}${SERVICE_PATHS.webhooks}`,
        signedUrl: `${publicUrl}${SERVICE_PATHS.webhooks}`,
        clientSecret: options.clientSecret,
        ...(lastTry ? { maxRetries: 0 } : {}),
      });
      report.webhookEvents += delivery.events;
      report.webhookRequests += delivery.batches;
      report.webhookFailedRequests += delivery.failed;
      if (delivery.failed > 0)
        log(`webhooks: ${delivery.failed} of ${delivery.batches} requests failed after HubSpot's retries`);
    });
    return flushing;
  };

  const origin = { portalId: sandbox.portalId, actionDefinitionId: 2, actionDefinitionVersion: 1 };
  const recordSignal = async (contactId: string, type: string, occurredAt: number, callbackId?: string) => {
    const execution = await sandbox.sender.executeAction({
      actionUrl: `${target}${SERVICE_PATHS.recordSignal}`,
      signedUrl: `${publicUrl}${SERVICE_PATHS.recordSignal}`,
      clientSecret: options.clientSecret,
      origin,
      ...(callbackId ? { callbackId } : {}),
      object: { objectId: contactId, objectType: 'CONTACT' },
      inputFields: { signal_type: type, occurred_at: String(occurredAt) },
    });
    report.actions[execution.state] = (report.actions[execution.state] ?? 0) + 1;
  };

  const waitForService = async (): Promise<void> => {
    const deadline = Date.now() + (options.waitForServiceMs ?? 300_000);
    let said = false;
    for (;;) {
      const ok = await fetch(`${target}${SERVICE_PATHS.healthz}`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok || stopped) return;
      if (Date.now() > deadline)
        throw new Error(`the service at ${target} did not answer ${SERVICE_PATHS.healthz}; is it running?`);
      if (!said) log(`waiting for the service at ${target}${SERVICE_PATHS.healthz} ...`);
      said = true;
      await sleep(500);
    }
  };

  /** The signal types of the service's active model, fetched as HubSpot fetches `optionsUrl`. */
  const signalTypes = async (): Promise<Set<string>> => {
    const types = new Set<string>();
    let after: string | undefined;
    do {
      const page = await sandbox.sender.fetchOptions({
        optionsUrl: `${target}${SERVICE_PATHS.signalOptions}`,
        signedUrl: `${publicUrl}${SERVICE_PATHS.signalOptions}`,
        clientSecret: options.clientSecret,
        origin,
        inputFieldName: 'signal_type',
        ...(after ? { fetchOptions: { after } } : {}),
      });
      if (page.status !== 200 || !page.options) {
        log(
          `could not read the service's signal types (${page.status ?? 'no answer'}: ${page.body.slice(0, 200)}); ` +
            'check --client-secret and --public-url; sending every sandbox signal type',
        );
        return new Set(SIGNAL_TYPES);
      }
      for (const option of page.options) types.add(option.value);
      after = page.after;
    } while (after);
    return types;
  };

  const replayHistory = async (known: Set<string>): Promise<void> => {
    const data = sandbox.data;
    if (!data) return;
    sandbox.enqueue(
      data.contacts.map((c) => sandbox.events.creation({ objectId: c.id, occurredAt: c.createdAt })),
    );
    const signals = data.contacts.flatMap((c) =>
      (data.signals.get(c.id) ?? [])
        .filter((s) => known.has(s.type))
        .map((s, i) => ({
          contactId: c.id,
          type: s.type,
          at: Date.parse(s.occurredAt),
          callbackId: `seed-${c.id}-${i}`,
        })),
    );
    log(`history: ${data.contacts.length} contacts created, ${signals.length} signals to record ...`);
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency ?? 5 }, async () => {
        while (!stopped && next < signals.length) {
          const s = signals[next++]!;
          await recordSignal(s.contactId, s.type, s.at, s.callbackId);
        }
      }),
    );
    log(`history sent: ${describe()}`);
  };

  const runDay = async (known: Set<string>, day: TrafficOptions & { daySeconds: number }) => {
    if (!sandbox.data) return;
    const steps = planDay(sandbox.data, day);
    const created: string[] = [];
    const dayMs = day.daySeconds * 1000;
    const start = Date.now();
    log(`traffic: a day of ${steps.length} steps in ${day.daySeconds} s ...`);
    const idOf = (pick: ContactPick): string | undefined =>
      'seeded' in pick ? pick.seeded : created[pick.created];
    for (const step of steps) {
      if (stopped) return;
      const wait = start + step.at * dayMs - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        await applyStep(step, idOf, created, known);
      } catch (error) {
        report.stepsSkipped++;
        log(`traffic: skipped a ${step.kind} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    log(`traffic: the day is over: ${describe()}`);
  };

  const applyStep = async (
    step: TrafficStep,
    idOf: (pick: ContactPick) => string | undefined,
    created: string[],
    known: Set<string>,
  ): Promise<void> => {
    const now = Date.now();
    if (step.kind === 'create') {
      const contact = sandbox.state.create('contacts', step.properties, USER_EDIT);
      if (step.companyId)
        sandbox.state.associate('contacts', contact.id, 'companies', step.companyId, 1, USER_EDIT);
      created[step.index] = contact.id;
      report.contactsCreated++;
      return;
    }
    const id = idOf(step.contact);
    const contact = id === undefined ? undefined : sandbox.state.get('contacts', id);
    if (!contact || id === undefined) throw new Error('its contact does not exist');
    if (step.kind === 'edit') {
      sandbox.state.update('contacts', id, step.properties, USER_EDIT);
      return;
    }
    if (step.kind === 'conversion')
      sandbox.state.update(
        'contacts',
        id,
        {
          num_conversion_events: String(Number(contact.properties.num_conversion_events ?? 0) + 1),
          recent_conversion_event_name: step.form,
          recent_conversion_date: new Date(now).toISOString(),
        },
        { changeSource: 'FORM' },
      );
    else if (step.kind === 'page-view')
      sandbox.state.update(
        'contacts',
        id,
        {
          hs_analytics_num_page_views: String(
            Number(contact.properties.hs_analytics_num_page_views ?? 0) + 1,
          ),
        },
        { changeSource: 'ANALYTICS' },
      );
    else sandbox.state.update('contacts', id, { hs_email_optout: 'true' }, { changeSource: 'EMAIL' });
    // A workflow enrolled on the form, page view or unsubscribe records the signal.
    if (known.has(step.signal)) await recordSignal(id, step.signal, now);
  };

  const describe = (): string =>
    `${report.webhookEvents} webhook events in ${report.webhookRequests} requests` +
    `${report.webhookFailedRequests > 0 ? ` (${report.webhookFailedRequests} failed)` : ''}; workflow actions ` +
    (Object.entries(report.actions)
      .map(([state, n]) => `${state} ${n}`)
      .join(', ') || 'none') +
    (report.contactsCreated > 0 ? `; ${report.contactsCreated} contacts created` : '');

  const done = (async (): Promise<PlaygroundReport> => {
    await waitForService();
    if (stopped) return report;
    timer = setInterval(
      () => void flush().catch((error: unknown) => log(`webhooks: ${String(error)}`)),
      options.flushEveryMs ?? 500,
    );
    const known = await signalTypes();
    report.signalTypes = [...known];
    log(`service up at ${target}; it knows ${known.size} signal types`);
    if (options.history ?? true) await replayHistory(known);
    if (options.traffic) await runDay(known, options.traffic);
    await flush();
    return report;
  })();

  return {
    done,
    report: () => ({ ...report, actions: { ...report.actions } }),
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await flushing.catch(() => {});
      await done.catch(() => {});
      await flush(true).catch(() => {});
    },
  };
}
