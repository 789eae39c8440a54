/**
 * Wiring: config → logger, store, rate budget, HubSpot gateway, models, worker, the feedback
 * scheduler (SLA breaches, owed tasks, weekly report), Express app.
 * Used by `main.ts` (the real service), `npm run demo` and the component tests; nothing here runs
 * at import time.
 */
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { Express } from 'express';
import type { Config } from './config.js';
import { CrmGateway, summarizeRejections } from './hubspot/crm-gateway.js';
import { derivedReads, tokenScopes } from './hubspot/crm-history.js';
import { HubSpotHealth } from './hubspot/hubspot-health.js';
import { createApp, type ServerTimeouts } from './http/app.js';
import { type BoundServer, bindServer } from './http/bind.js';
import { createOpsApp, type OpsDeps } from './http/ops-routes.js';
import type { PortalScope } from './http/portal-guard.js';
import { hubspotOutcome, Metrics } from './http/metrics.js';
import { mountCardRoutes } from './http/card-routes.js';
import { mountSettingsRoutes } from './http/settings-routes.js';
import { ActiveModels, MODEL_CACHE_TTL_MS } from './jobs/active-model.js';
import { fanOutCompanies } from './jobs/company-fanout.js';
import { deriveSignals } from './jobs/derive-signals.js';
import type { FeedbackCounters } from './jobs/feedback/feedback-counters.js';
import { FeedbackScheduler, type FeedbackSchedulerOptions } from './jobs/feedback/feedback-scheduler.js';
import { CompanyCache, type ScoreDeps, scoreContacts } from './jobs/scoring/score-contacts.job.js';
import { syncDeals } from './jobs/deal-sync.js';
import { type InstallBackfill, startInstallBackfill } from './jobs/install-backfill.js';
import { setupPortal } from './jobs/setup.js';
import { Worker, type WorkerOptions } from './jobs/worker.js';
import { createLogger, type Logger, safeDatabaseUrl } from './logger.js';
import { openStore, type RateBudget, type Store } from './store/index.js';

export interface ServiceOptions {
  config: Config;
  logger?: Logger;
  clock?: () => number;
  /** Start the worker loops (default true). Tests may drive `worker.drain()` themselves. */
  startWorker?: boolean;
  /** Start the feedback scheduler's loop (default: as `startWorker`). Tests may call `scheduler.runOnce()`. */
  startScheduler?: boolean;
  scheduler?: Partial<
    Omit<FeedbackSchedulerOptions, 'store' | 'crm' | 'models' | 'logger' | 'clock' | 'counters'>
  >;
  /**
   * Run the history backfill in the background at start when the portal's has not finished and
   * BACKFILL_ON_INSTALL allows it (default: as `startWorker`).
   */
  backfillOnStart?: boolean;
  /** Create the app's properties and check the portal's options at start (default true). */
  setup?: boolean;
  worker?: Partial<Omit<WorkerOptions, 'store' | 'score' | 'logger' | 'clock'>>;
  /** Gateway retry tuning (tests make it fast). */
  gateway?: { maxRetries?: number; baseDelayMs?: number; maxRateLimitWaitMs?: number };
  /** How long *Qualify contact* may take before answering BLOCK. */
  syncTimeoutMs?: number;
  /** How long the model in force is cached (default MODEL_CACHE_TTL_MS, 5 s). */
  modelCacheTtlMs?: number;
  /**
   * The portal the service serves. Undefined (the default): learnt from HubSpot at start (the
   * token's portal, `GET /account-info/v3/details`). Null: unknown, for commands that serve no
   * HubSpot requests (the CLI); the app then refuses every portal.
   */
  portalId?: string | null;
  /** The HTTP server's client deadlines (default `SERVER_TIMEOUTS`). */
  serverTimeouts?: Partial<ServerTimeouts>;
}

export interface Service {
  config: Config;
  logger: Logger;
  store: Store;
  crm: CrmGateway;
  budget: RateBudget;
  models: ActiveModels;
  metrics: Metrics;
  worker: Worker;
  scheduler: FeedbackScheduler;
  scoreDeps: ScoreDeps;
  app: ReturnType<typeof createApp>;
  /** The portal this service serves (see {@link ServiceOptions.portalId}). */
  portalId: string | null;
  /** HubSpot's last known state, for /readyz. */
  hubspotHealth: HubSpotHealth;
  /** The history backfill started with the service (first install), or null when none was. */
  installBackfill: InstallBackfill | null;
  /** The app on OPS_PORT (/healthz, /readyz, /metrics), or null when they are served on PORT. */
  opsApp: Express | null;
  /** The bound OPS_PORT once listening, or null. */
  readonly opsPort: number | null;
  /**
   * Listens on `port` (0 = any free port), and on OPS_PORT when set; returns the bound port. A
   * taken port is a PortInUseError naming PORT or OPS_PORT.
   */
  listen(port?: number): Promise<number>;
  /** Serves on ports bound beforehand ({@link bindPorts}, as `main.ts` does); returns the port. */
  serve(bound: BoundPorts): number;
  /** Graceful stop: stop taking requests and work, finish or hand back claimed work, close the store. */
  close(): Promise<void>;
}

export async function createService(options: ServiceOptions): Promise<Service> {
  const { config } = options;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const metrics = new Metrics();

  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    eventRetentionDays: config.EVENT_RETENTION_DAYS,
    now: clock,
    logger,
  });
  logger.info({ store: store.kind, database: safeDatabaseUrl(config.DATABASE_URL) }, 'store ready');

  // One budget for every HubSpot call of this process and, on PostgreSQL, of all instances.
  const budget = store.rateBudget({
    points: Math.max(1, Math.floor(config.HUBSPOT_RATE_LIMIT * config.HUBSPOT_RATE_HEADROOM)),
    windowMs: 10_000,
  });
  const crm = new CrmGateway({
    accessToken: config.HUBSPOT_ACCESS_TOKEN,
    basePath: config.HUBSPOT_BASE_URL,
    budget,
    onCall: (endpoint, status, durationMs) => {
      metrics.hubspotCalls.inc({ endpoint, status: String(status) });
      metrics.hubspotCallLatency.observe(durationMs / 1000, {
        operation: endpoint,
        outcome: hubspotOutcome(status),
      });
      hubspotHealth.record(status);
    },
    onRejected: (endpoint, rejected) => {
      for (const r of rejected) metrics.hubspotRejected.inc({ endpoint, category: r.category });
      logger.warn(
        { endpoint, refused: rejected.length, causes: summarizeRejections(rejected) },
        'HubSpot refused records of a batch write',
      );
    },
    ...options.gateway,
  });
  // /readyz reads this: real traffic, or one check a minute when traffic is quiet (no retries,
  // outside the scoring budget), never a HubSpot call per probe.
  const hubspotHealth = new HubSpotHealth({
    clock,
    check: () => crm.accountDetails({ budgeted: false, retries: 0 }),
  });
  const portalId =
    options.portalId !== undefined
      ? options.portalId
      : await tokenPortal(crm).catch(async (error: unknown) => {
          await store.close();
          throw error;
        });
  if (portalId !== null) logger.info({ portalId }, 'serving one HubSpot portal: the access token’s');
  const portal: PortalScope = { portalId };
  const models = new ActiveModels(store, options.modelCacheTtlMs ?? MODEL_CACHE_TTL_MS, clock);
  const counters: FeedbackCounters = {
    decision: (decision, reason, outcome) => metrics.salesDecisions.inc({ decision, reason, outcome }),
    recycle: (reason) => metrics.recycles.inc({ reason }),
    routed: (route, owner) => metrics.routed.inc({ route, owner }),
    tasks: (purpose, count) => metrics.tasksCreated.inc({ purpose }, count),
    breach: (kind) => metrics.slaBreaches.inc({ kind }),
  };
  const scoreDeps: ScoreDeps = {
    store,
    crm,
    models,
    companies: new CompanyCache(),
    clock,
    logger: logger.child({ component: 'feedback' }),
    counters,
    onScheduledLag: (lagMs) => metrics.scheduledRescoreLag.observe(lagMs / 1000),
    onScored: ({ written, unchanged }) => {
      metrics.contactsScored.inc({ outcome: 'written' }, written);
      metrics.contactsScored.inc({ outcome: 'unchanged' }, unchanged);
    },
  };
  const score = async (portalId: string, ids: readonly string[]) => {
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await scoreContacts(scoreDeps, portalId, ids);
      outcome = 'ok';
      return result;
    } finally {
      metrics.scoringBatch.observe((performance.now() - started) / 1000, { outcome });
    }
  };
  const worker = new Worker({
    store,
    score,
    modelPublished: (portalId) => models.invalidate(portalId),
    logger: logger.child({ component: 'worker' }),
    clock,
    claimLimit: config.WORKER_CLAIM_LIMIT,
    fanOut: async (portalId, companyIds) => {
      const companies = scoreDeps.companies;
      const fanOutLogger = logger.child({ component: 'company-fanout' });
      await fanOutCompanies(
        { store, crm, companies, budget, clock, logger: fanOutLogger },
        portalId,
        companyIds,
      );
    },
    derive: async (portalId, work) => {
      const deriveLogger = logger.child({ component: 'derived-signals' });
      await deriveSignals(
        { store, crm: derivedReads(crm), models, clock, logger: deriveLogger },
        portalId,
        work,
      );
    },
    syncDeals: async (portalId, dealIds) => {
      await syncDeals(
        { store, crm, clock, logger: logger.child({ component: 'deal-sync' }) },
        portalId,
        dealIds,
      );
    },
    ...options.worker,
  });
  const scheduler = new FeedbackScheduler({
    store,
    crm,
    models,
    logger: logger.child({ component: 'feedback-scheduler' }),
    clock,
    counters,
    ...options.scheduler,
  });
  metrics.addGauge({
    name: 'lq_queue_depth',
    help: 'Work items by state (pending, scheduled for later, claimed) and dead letters.',
    labelNames: ['state'],
    read: async () => {
      const [q, scheduled] = await Promise.all([store.queue.stats(), store.queue.scheduled()]);
      return [
        { labels: { state: 'pending' }, value: q.pending },
        { labels: { state: 'scheduled' }, value: scheduled.count },
        { labels: { state: 'claimed' }, value: q.claimed },
        { labels: { state: 'dead' }, value: q.dead },
      ];
    },
  });

  if (options.setup ?? true) {
    // The token's portal, with the model in force there (the default preset when none is published).
    const { model } = await models.get(portalId ?? 'default');
    const result = await setupPortal(crm, model, () => tokenScopes(crm, config.HUBSPOT_ACCESS_TOKEN));
    logger.info({ created: result.created, existing: result.existing.length }, 'portal set up');
    for (const line of result.missingScopes) logger.warn(line);
    // Said once at start, at info: the service works without them, it just cannot route or escalate.
    if (result.emptySettings.length > 0)
      logger.info({ emptySettings: result.emptySettings }, 'model settings still empty');
  }

  const wakeWorker = () => worker.wake();
  const signature = {
    clientSecret: config.HUBSPOT_CLIENT_SECRET,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    clock,
    metrics,
  };
  const ops: OpsDeps = {
    metrics,
    storeHealth: () => store.health(),
    hubspotState: () => hubspotHealth.state(),
    token: config.OPS_TOKEN,
  };
  const opsApp = config.OPS_PORT === undefined ? null : createOpsApp(ops);
  if (opsApp === null && config.OPS_TOKEN === undefined && config.NODE_ENV === 'production')
    logger.warn('/readyz and /metrics are public: set OPS_PORT or OPS_TOKEN');
  const app = createApp({
    logger,
    metrics,
    store,
    clientSecret: config.HUBSPOT_CLIENT_SECRET,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    clock,
    webhooks: {
      store,
      models,
      clock,
      appId: config.HUBSPOT_APP_ID,
      forgetCompany: (id) => scoreDeps.companies.delete(id),
    },
    actions: { store, models, score, wakeWorker, logger, clock, syncTimeoutMs: options.syncTimeoutMs },
    portal,
    ...(opsApp === null ? { ops } : {}),
    extraRoutes: (express) => {
      mountSettingsRoutes(express, { store, models, clock, wakeWorker, catalog: crm }, signature, portal);
      mountCardRoutes(express, { store, models, clock, wakeWorker }, signature, portal);
    },
  });

  let server: Server | null = null;
  let opsServer: Server | null = null;
  let opsPort: number | null = null;
  const serve = (bound: BoundPorts): number => {
    bound.main.serve(app);
    server = bound.main.server;
    if (opsApp !== null && bound.ops) {
      bound.ops.serve(opsApp);
      opsServer = bound.ops.server;
      opsPort = bound.ops.port;
    }
    return bound.main.port;
  };
  if (options.startWorker ?? true) worker.start();
  const installBackfill =
    portalId !== null &&
    config.BACKFILL_ON_INSTALL &&
    (options.backfillOnStart ?? options.startWorker ?? true)
      ? startInstallBackfill({ ...scoreDeps, crm, store, reads: derivedReads(crm) }, portalId, {
          holder: `service:${hostname()}:${process.pid}`,
          logger: logger.child({ component: 'backfill' }),
        })
      : null;
  if (options.startScheduler ?? options.startWorker ?? true) scheduler.start();

  return {
    config,
    logger,
    store,
    crm,
    budget,
    models,
    metrics,
    worker,
    scheduler,
    scoreDeps,
    app,
    portalId,
    hubspotHealth,
    installBackfill,
    opsApp,
    get opsPort() {
      return opsPort;
    },
    async listen(port = config.PORT) {
      return serve(await bindPorts(config, port, options.serverTimeouts));
    },
    serve,
    async close() {
      for (const s of [server, opsServer]) {
        if (s === null) continue;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeIdleConnections();
        await closed;
      }
      await Promise.all([worker.stop(), scheduler.stop(), installBackfill?.stop()]);
      await store.close();
    },
  };
}

export interface BoundPorts {
  main: BoundServer;
  /** OPS_PORT's server, when OPS_PORT is set. */
  ops: BoundServer | null;
}

/** Binds PORT (or `port`) and OPS_PORT when set; nothing is left bound when one of them fails. */
export async function bindPorts(
  config: Pick<Config, 'PORT' | 'OPS_PORT'>,
  port: number = config.PORT,
  timeouts?: Partial<ServerTimeouts>,
): Promise<BoundPorts> {
  const main = await bindServer(port, 'PORT', timeouts);
  if (config.OPS_PORT === undefined) return { main, ops: null };
  try {
    return { main, ops: await bindServer(config.OPS_PORT, 'OPS_PORT', timeouts) };
  } catch (error) {
    await main.close();
    throw error;
  }
}

/** The portal the access token belongs to; a failure says what to check. */
async function tokenPortal(crm: CrmGateway): Promise<string> {
  try {
    return (await crm.accountDetails()).portalId;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not learn the portal of HUBSPOT_ACCESS_TOKEN from HubSpot's account-info API (the app needs the oauth scope): ${reason}`,
      { cause: error },
    );
  }
}
