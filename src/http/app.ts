/**
 * The Express app factory: thin routes over the use cases. Built here, listened on in main.ts,
 * so tests run it in-process on port 0. And the HTTP server's timeouts, so that a client that
 * sends slowly (or announces a body it never sends) is cut within seconds.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { AppError, parseInput } from '../errors.js';
import {
  ACTIONS,
  ActionExecutionSchema,
  MAX_EVENTS_PER_BATCH,
  OptionsRequestSchema,
} from '../hubspot/payloads.js';
import type { ActionDeps } from '../jobs/workflow-actions.js';
import {
  qualifyContact,
  reasonOptions,
  recordIntentSignal,
  salesDecision,
  signalOptions,
} from '../jobs/workflow-actions.js';
import { acceptWebhookBatch, type AcceptWebhooksDeps } from '../jobs/accept-webhooks.js';
import { type Logger, serializeError } from '../logger.js';
import type { Store } from '../store/store.port.js';
import { errorHandler } from './error-handler.js';
import { rawBody, verifyHubSpotRequest } from './hubspot-signature.js';
import { bodyText, frameJsonArray } from './json-body.js';
import type { Metrics } from './metrics.js';
import { noRoute } from './no-route.js';
import { mountOpsRoutes, type OpsDeps } from './ops-routes.js';
import { type PortalScope, requireOriginPortal } from './portal-guard.js';

export const ROUTES = {
  webhooks: '/hubspot/webhooks',
  qualify: ACTIONS.qualify.path,
  recordSignal: ACTIONS.recordSignal.path,
  signalOptions: '/hubspot/actions/signal-options',
  salesDecision: ACTIONS.salesDecision.path,
  reasonOptions: '/hubspot/actions/reason-options',
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
} as const;

/** A batch of 100 events is about 40 KB; 1 MB leaves room for long property values, and no more. */
export const WEBHOOK_BODY_LIMIT = '1mb';
export const ACTION_BODY_LIMIT = '256kb';

/** Refused events detailed in a webhook answer and its log line (all are counted). */
const INVALID_EVENTS_SHOWN = 20;

/**
 * How long a client may take to send a request. HubSpot sends a webhook batch (≤ 1 MB) in
 * milliseconds and gives up on us after 5 s, so a request still arriving after a few seconds is a
 * slow or hostile client holding a connection; it is cut (408) instead of being waited for.
 */
export interface ServerTimeouts {
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (answering may take longer). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two deadlines above (its default, 30 s, would let a client stay on). */
  checkIntervalMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersTimeoutMs: 3_000,
  requestTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 500,
};

/** The HTTP server for `app`, with {@link SERVER_TIMEOUTS} (or `timeouts`). Not listening yet. */
export function createHttpServer(app: RequestListener, timeouts: Partial<ServerTimeouts> = {}): Server {
  const t = { ...SERVER_TIMEOUTS, ...timeouts };
  const server = createServer(
    {
      headersTimeout: t.headersTimeoutMs,
      requestTimeout: t.requestTimeoutMs,
      connectionsCheckingInterval: t.checkIntervalMs,
    },
    app,
  );
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  return server;
}

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  store: Store;
  clientSecret: string;
  publicBaseUrl: string;
  clock: () => number;
  webhooks: AcceptWebhooksDeps;
  actions: ActionDeps;
  /** The one portal this service serves: events, actions and settings calls of others are refused. */
  portal: PortalScope;
  /** `/readyz` and `/metrics` on this app; undefined when they are served on OPS_PORT instead. */
  ops?: OpsDeps;
  /** Extra routers (the settings API) mounted after the HubSpot routes. */
  extraRoutes?: (app: Express) => void;
}

const asyncRoute =
  (handler: (req: express.Request, res: express.Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };

/**
 * A request answered before its body was read (refused, too large, timed out) is answered with
 * `Connection: close`: the connection ends with the answer instead of waiting for the rest.
 */
const closeIfUnread: ErrorRequestHandler = (error, req, res, next) => {
  if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
  next(error);
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Only what helps: never bodies, never signature or authorization headers.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
    }),
  );

  const signed = (limit: string, versions: ('v2' | 'v3')[], body: 'json' | 'raw' = 'json') => [
    rawBody(limit),
    verifyHubSpotRequest({
      clientSecret: deps.clientSecret,
      publicBaseUrl: deps.publicBaseUrl,
      allowedVersions: versions,
      clock: deps.clock,
      metrics: deps.metrics,
      body,
    }),
    requireOriginPortal(deps.portal),
  ];

  // A signed batch is answered 200 whenever it is a JSON array: each event is judged on its own,
  // the valid ones stored, the others counted and logged (a 4xx would make HubSpot retry the whole
  // batch and drop it in the end, valid events included).
  app.post(
    ROUTES.webhooks,
    // Timed from arrival, before the body is read and verified: this is what HubSpot waits for.
    (_req, res, next) => {
      const started = performance.now();
      res.once('finish', () =>
        deps.metrics.webhookAck.observe((performance.now() - started) / 1000, {
          status: String(res.statusCode),
        }),
      );
      next();
    },
    ...signed(WEBHOOK_BODY_LIMIT, ['v3', 'v2'], 'raw'),
    asyncRoute(async (req, res) => {
      const framed = frameJsonArray(bodyText(req.body as Buffer), { maxElements: MAX_EVENTS_PER_BATCH });
      if (!framed.ok)
        throw new AppError('invalid_input', 'The webhook batch is not a JSON array; nothing was stored.', [
          { path: '$', message: framed.problem },
        ]);
      const served = deps.portal.portalId;
      const result = await acceptWebhookBatch(
        deps.webhooks,
        { events: framed.elements, beyond: framed.beyond },
        (portalId) => served !== null && portalId === served,
      );
      for (const e of result.valid) deps.metrics.eventsReceived.inc({ type: e.subscriptionType });
      const otherPortal = [...result.otherPortals.values()].reduce((a, b) => a + b, 0);
      if (otherPortal > 0) {
        deps.metrics.eventsIgnored.inc({ reason: 'other_portal' }, otherPortal);
        req.log.warn(
          { servedPortal: served, otherPortals: Object.fromEntries(result.otherPortals) },
          'webhook events of another portal were not stored',
        );
      }
      deps.metrics.eventsDuplicate.inc({}, result.duplicates);
      for (const [reason, n] of Object.entries(result.ignored)) deps.metrics.eventsIgnored.inc({ reason }, n);
      let invalid = 0;
      for (const [reason, n] of Object.entries(result.invalidByReason)) {
        deps.metrics.eventsInvalid.inc({ reason }, n);
        invalid += n;
      }
      if (invalid > 0)
        req.log.warn(
          {
            invalid,
            byReason: result.invalidByReason,
            events: result.invalid.slice(0, INVALID_EVENTS_SHOWN),
          },
          'webhook events refused; the rest of the batch was accepted',
        );
      if (result.enqueued > 0) deps.actions.wakeWorker();
      res.status(200).json({
        accepted: result.accepted,
        duplicates: result.duplicates,
        enqueued: result.enqueued,
        ...(otherPortal > 0 ? { otherPortal } : {}),
        invalid,
        ...(invalid + otherPortal > 0
          ? {
              problems: [
                ...result.invalid.map(({ path, message }) => ({ path, message })),
                ...result.otherPortalEvents.map(({ path, portalId }) => ({
                  path,
                  message: `names portal ${portalId}; this service serves portal ${served ?? 'none yet'}, so the event was not stored`,
                })),
              ].slice(0, INVALID_EVENTS_SHOWN),
            }
          : {}),
      });
    }),
  );

  const action = (
    name: string,
    run: (execution: ReturnType<typeof ActionExecutionSchema.parse>) => Promise<unknown>,
  ) =>
    asyncRoute(async (req, res) => {
      const execution = parseInput(
        ActionExecutionSchema,
        req.body,
        'The workflow-action request is invalid.',
      );
      const response = (await run(execution)) as { outputFields: { hs_execution_state: string } };
      deps.metrics.actions.inc({ action: name, state: response.outputFields.hs_execution_state });
      res.status(200).json(response);
    });

  app.post(
    ROUTES.qualify,
    ...signed(ACTION_BODY_LIMIT, ['v3', 'v2']),
    action('qualify', (e) => qualifyContact(deps.actions, e)),
  );
  app.post(
    ROUTES.recordSignal,
    ...signed(ACTION_BODY_LIMIT, ['v3', 'v2']),
    action('record-signal', (e) => recordIntentSignal(deps.actions, e)),
  );
  app.post(
    ROUTES.salesDecision,
    ...signed(ACTION_BODY_LIMIT, ['v3', 'v2']),
    action('sales-decision', (e) => salesDecision(deps.actions, e)),
  );
  const options = (list: typeof signalOptions) =>
    asyncRoute(async (req, res) => {
      const request = parseInput(OptionsRequestSchema, req.body, 'The options request is invalid.');
      res.json(await list(deps.actions, request.origin.portalId, request.fetchOptions?.q));
    });
  app.post(ROUTES.signalOptions, ...signed(ACTION_BODY_LIMIT, ['v3', 'v2']), options(signalOptions));
  app.post(ROUTES.reasonOptions, ...signed(ACTION_BODY_LIMIT, ['v3', 'v2']), options(reasonOptions));

  app.get(ROUTES.healthz, (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (deps.ops) mountOpsRoutes(app, deps.ops);

  deps.extraRoutes?.(app);
  app.use(noRoute(app));
  app.use(closeIfUnread);
  app.use(errorHandler);
  return app;
}
