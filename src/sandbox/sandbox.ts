/**
 * `createSandbox`: a local stand-in for HubSpot's CRM API (its own port, HubSpot's paths, shapes,
 * errors and limits) and for HubSpot's calls into the app (webhooks, workflow actions).
 * Everything is created per call; nothing lives at module level.
 */
import { type Activity, createActivity } from './activity.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { type ActionExecution, type ActionExecutor, createActionExecutor } from './action-executor.js';
import type { CallbackCompletion, SandboxContext } from './context.js';
import { CrmStore, type LifecycleBackwardPolicy, type WriteSource } from './crm-store.js';
import { SandboxHttpError } from './errors.js';
import { type FaultConfig, FaultInjector } from './faults.js';
import { errorHandler } from './http-kit.js';
import type { ObjectType } from './object-types.js';
import { defaultOutboundDeps, type OutboundDeps } from './outbound.js';
import { createRandom } from './random.js';
import { RateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { associationRoutes } from './routes/associations.js';
import { callbackRoutes } from './routes/callbacks.js';
import { objectRoutes } from './routes/objects.js';
import { ownerRoutes } from './routes/owners.js';
import { pipelineRoutes } from './routes/pipelines.js';
import { propertyRoutes } from './routes/properties.js';
import { DEFAULT_SEARCH_LIMITS, type SearchLimits } from './search.js';
import { generateSeedData, type SeedData, toCrmSeed } from './seed.js';
import { CallStats } from './stats.js';
import {
  createEventFactory,
  type EventFactory,
  type WebhookEvent,
  type WebhookFormat,
} from './webhook-events.js';
import {
  createWebhookSender,
  type DeliverOptions,
  type DeliveryReport,
  type WebhookSender,
} from './webhook-sender.js';

/** How changes become queued webhook events. */
export interface EchoWritesOptions {
  /** `changeSource` of API writes (default `INTEGRATION`). */
  changeSource?: string;
  /** `sourceId` of API writes: fixed, or derived from the token (default the app id as a string). */
  sourceId?: string | ((token: string) => string);
  /** Event format (default `legacy`: `contact.propertyChange`). */
  format?: WebhookFormat;
  /** Only these properties produce propertyChange events (default: all). */
  properties?: readonly string[];
  /**
   * Only these object types produce events (default: contacts, companies and deals). Deals report
   * property changes of `dealstage`, `amount` and `closedate` only, as the app subscribes to them.
   */
  objectTypes?: readonly ObjectType[];
  /** Also queue creation and deletion events (default true). */
  lifecycleEvents?: boolean;
  /** Also queue association changes between contacts and companies, one per side (default true). */
  associationEvents?: boolean;
}

/** Options of {@link createSandbox}. All are optional. */
export interface SandboxOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Accepted bearer tokens; each is one "app" for rate limits. Default `['sandbox-token']`. */
  accessTokens?: readonly string[];
  /**
   * The scopes granted to tokens, by token. A token listed here gets HubSpot's 403
   * `MISSING_SCOPES` on endpoints its scopes do not cover; a token not listed has every scope.
   */
  tokenScopes?: Readonly<Record<string, readonly string[]>>;
  portalId?: number;
  appId?: number;
  /** The sandbox's clock (epoch ms) for rate limits, timestamps and events. Default `Date.now`. */
  now?: () => number;
  rateLimit?: RateLimitOptions;
  faults?: FaultConfig;
  faultSeed?: number;
  /** Initial data: a generated data set, or the options to generate one. Default: empty. */
  data?: SeedData | { contacts: number; seed?: number; now?: number };
  /** What a backward `lifecyclestage` write does (default `refuse`). */
  lifecycleBackwardWrite?: LifecycleBackwardPolicy;
  searchLimits?: Partial<SearchLimits>;
  /** Records created less than this long ago are not yet searchable (default 0). */
  searchIndexLagMs?: number;
  /** Inputs per batch request (default 100). */
  batchLimit?: number;
  /** Page size cap of list endpoints (default 100). */
  listPageLimit?: number;
  /** Inputs per v4 association batch read (default 1000). */
  associationBatchLimit?: number;
  /** Associated records per input and call of the v4 batch read before it pages (default 500). */
  associationPageLimit?: number;
  /** Queue webhook events for accepted changes (default off). `true` uses the defaults. */
  echoWrites?: boolean | EchoWritesOptions;
  /** Default target of {@link Sandbox.flushWebhooks}. */
  webhook?: Partial<DeliverOptions> & { targetUrl: string; clientSecret: string };
  /** Outgoing HTTP dependencies of the sender (fetch, wall clock for signatures, sleep for retries). */
  outbound?: Partial<OutboundDeps>;
  /** Seed of the sender's random choices (shuffles, duplicates, jitter). */
  senderSeed?: number;
}

/** HubSpot's side of the conversation: webhooks and workflow actions. */
export interface SandboxSender {
  deliver: WebhookSender['deliver'];
  executeAction: ActionExecutor['executeAction'];
  fetchOptions: ActionExecutor['fetchOptions'];
  /** Every webhook attempt so far. */
  readonly deliveries: WebhookSender['attempts'];
  /** Workflow-action executions by callback id. */
  readonly executions: ActionExecutor['executions'];
}

/** A running sandbox. */
export interface Sandbox {
  /** e.g. `http://127.0.0.1:41234`; pass it as `basePath` to `new Client(...)`. */
  baseUrl: string;
  port: number;
  /** The first accepted token. */
  accessToken: string;
  portalId: number;
  appId: number;
  app: Express;
  server: Server;
  /** The CRM data; in-process writes go through the same rules as the API. */
  state: CrmStore;
  stats: CallStats;
  limiter: RateLimiter;
  faults: FaultInjector;
  sender: SandboxSender;
  /** Builds webhook events with this sandbox's portal and app ids. */
  events: EventFactory;
  /** The data set loaded at start, with the contacts' signals. */
  data: SeedData | undefined;
  /** Callback completions received. */
  callbacks: readonly CallbackCompletion[];
  /** The write source attributed to API writes by a token. */
  writeSource(token?: string): WriteSource;
  /** Webhook events waiting to be delivered. */
  queuedEvents(): readonly WebhookEvent[];
  /** Adds events to the queue (e.g. simulated user edits). */
  enqueue(events: readonly WebhookEvent[]): void;
  /** Delivers and empties the queue; options override the `webhook` defaults. */
  flushWebhooks(options?: Partial<DeliverOptions>): Promise<DeliveryReport>;
  /** Forms, opt-outs and meetings, recorded as HubSpot records them; each returns HubSpot's webhook events. */
  activity: Activity;
  /** Replaces the fault configuration. */
  setFaults(config: FaultConfig): void;
  /** Clears stats, rate-limit usage and queued events; with `data`, restores the initial data. */
  reset(options?: { data?: boolean }): void;
  close(): Promise<void>;
}

const DEFAULT_ECHO_TYPES: readonly ObjectType[] = ['contacts', 'companies', 'deals'];
/** The deal properties whose changes the app subscribes to (its webhooks component). */
export const DEAL_WEBHOOK_PROPERTIES: readonly string[] = ['dealstage', 'amount', 'closedate'];

/** Starts a sandbox on `host:port` (default 127.0.0.1, a free port). */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const tokens = new Set(options.accessTokens ?? ['sandbox-token']);
  const accessToken = [...tokens][0] ?? 'sandbox-token';
  const portalId = options.portalId ?? 62515;
  const appId = options.appId ?? 54321;
  const echo: EchoWritesOptions | undefined =
    options.echoWrites === true ? {} : options.echoWrites === false ? undefined : options.echoWrites;

  const data =
    options.data === undefined
      ? undefined
      : 'owners' in options.data
        ? options.data
        : generateSeedData(options.data);
  const store = new CrmStore({
    now,
    ...(options.lifecycleBackwardWrite ? { lifecycleBackwardWrite: options.lifecycleBackwardWrite } : {}),
  });
  const loadData = (): void => {
    store.clear();
    if (data) store.load(toCrmSeed(data));
  };
  loadData();

  const outbound: OutboundDeps = { ...defaultOutboundDeps(), ...options.outbound };
  const senderRandom = createRandom(options.senderSeed ?? 7);
  const webhookSender = createWebhookSender(outbound, senderRandom);
  const executions = new Map<string, ActionExecution>();
  const executor = createActionExecutor(outbound, executions, now);
  const events = createEventFactory({ portalId, appId, now });
  const queue: WebhookEvent[] = [];

  const writeSource = (token: string = accessToken): WriteSource => {
    const sourceId = echo?.sourceId;
    return {
      changeSource: echo?.changeSource ?? 'INTEGRATION',
      sourceId: typeof sourceId === 'function' ? sourceId(token) : (sourceId ?? String(appId)),
    };
  };

  store.onChange((change) => {
    if (!echo) return;
    if (!(echo.objectTypes ?? DEFAULT_ECHO_TYPES).includes(change.objectType)) return;
    if (change.kind === 'associationChange') {
      if (echo.associationEvents === false) return;
    } else if (change.kind !== 'propertyChange' && echo.lifecycleEvents === false) return;
    if (change.kind === 'propertyChange' && echo.properties && !echo.properties.includes(change.propertyName))
      return;
    if (
      change.kind === 'propertyChange' &&
      change.objectType === 'deals' &&
      !DEAL_WEBHOOK_PROPERTIES.includes(change.propertyName)
    )
      return;
    queue.push(events.fromChange(change, echo.format ?? 'legacy'));
  });

  const stats = new CallStats();
  const limiter = new RateLimiter(now, options.rateLimit);
  const faults = new FaultInjector(options.faults, options.faultSeed ?? 1);
  const callbacks: CallbackCompletion[] = [];
  const ctx: SandboxContext = {
    store,
    limiter,
    faults,
    stats,
    executor,
    callbacks,
    tokens,
    tokenScopes: new Map(
      Object.entries(options.tokenScopes ?? {}).map(([token, scopes]) => [token, new Set(scopes)]),
    ),
    now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    searchLimits: { ...DEFAULT_SEARCH_LIMITS, ...options.searchLimits },
    batchLimit: options.batchLimit ?? 100,
    listPageLimit: options.listPageLimit ?? 100,
    associationBatchLimit: options.associationBatchLimit ?? 1000,
    associationPageLimit: options.associationPageLimit ?? 500,
    writeSource,
    searchIndexLagMs: options.searchIndexLagMs ?? 0,
  };

  const flushWebhooks = async (overrides: Partial<DeliverOptions> = {}): Promise<DeliveryReport> => {
    const targetUrl = overrides.targetUrl ?? options.webhook?.targetUrl;
    const clientSecret = overrides.clientSecret ?? options.webhook?.clientSecret;
    if (!targetUrl || !clientSecret) {
      throw new SandboxHttpError(400, {
        message: 'No webhook target: pass targetUrl and clientSecret, or start the sandbox with `webhook`.',
        category: 'VALIDATION_ERROR',
      });
    }
    const pending = queue.splice(0, queue.length);
    return webhookSender.deliver(pending, { ...options.webhook, ...overrides, targetUrl, clientSecret });
  };

  const reset = (resetOptions: { data?: boolean } = {}): void => {
    stats.reset();
    limiter.reset();
    queue.length = 0;
    if (resetOptions.data) loadData();
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '5mb' }));
  app.use(
    adminRoutes({
      stats: () => stats.snapshot(),
      reset: (o) => reset(o),
      getFaults: () => faults.get(),
      setFaults: (config) => faults.set(config),
      queuedEvents: () => queue,
      flush: (o) => flushWebhooks(o),
      callbacks: () => callbacks,
      executions: () => [...executions.values()],
      limits: () => limiter.limits,
    }),
  );
  app.use(objectRoutes(ctx));
  app.use(associationRoutes(ctx));
  app.use(ownerRoutes(ctx));
  app.use(pipelineRoutes(ctx));
  app.use(propertyRoutes(ctx));
  app.use(callbackRoutes(ctx));
  app.use(accountRoutes(ctx, portalId, appId));
  app.use((req, _res, next) => {
    next(new SandboxHttpError(404, { message: `No sandbox route for ${req.method} ${req.path}` }));
  });
  app.use(errorHandler);

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    baseUrl: `http://${host}:${port}`,
    port,
    accessToken,
    portalId,
    appId,
    app,
    server,
    state: store,
    stats,
    limiter,
    faults,
    sender: {
      deliver: webhookSender.deliver,
      executeAction: executor.executeAction,
      fetchOptions: executor.fetchOptions,
      get deliveries() {
        return webhookSender.attempts;
      },
      executions,
    },
    events,
    data,
    callbacks,
    writeSource,
    queuedEvents: () => [...queue],
    enqueue: (more) => {
      queue.push(...more);
    },
    flushWebhooks,
    activity: createActivity(store, events, now),
    setFaults: (config) => faults.set(config),
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
