/**
 * The Express app factory: thin routes over the use cases. Built here, listened on in main.ts,
 * so tests run it in-process on port 0.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { AppError, parseInput } from '../errors.js';
import {
  ACTIONS,
  ActionExecutionSchema,
  OptionsRequestSchema,
  WebhookBatchSchema,
} from '../hubspot/payloads.js';
import type { ActionDeps } from '../jobs/workflow-actions.js';
import {
  qualifyContact,
  reasonOptions,
  recordIntentSignal,
  salesDecision,
  signalOptions,
} from '../jobs/workflow-actions.js';
import { acceptWebhooks, type AcceptWebhooksDeps } from '../jobs/accept-webhooks.js';
import { type Logger, serializeError } from '../logger.js';
import type { Store } from '../store/store.port.js';
import { errorHandler } from './error-handler.js';
import { rawBody, verifyHubSpotRequest } from './hubspot-signature.js';
import type { Metrics } from './metrics.js';
import { mountOpsRoutes, type OpsDeps } from './ops-routes.js';
import { eventsOfServedPortal, type PortalScope, requireOriginPortal } from './portal-guard.js';

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

  const signed = (limit: string, versions: ('v2' | 'v3')[]) => [
    rawBody(limit),
    verifyHubSpotRequest({
      clientSecret: deps.clientSecret,
      publicBaseUrl: deps.publicBaseUrl,
      allowedVersions: versions,
      clock: deps.clock,
      metrics: deps.metrics,
    }),
    requireOriginPortal(deps.portal),
  ];

  app.post(
    ROUTES.webhooks,
    ...signed(WEBHOOK_BODY_LIMIT, ['v3', 'v2']),
    asyncRoute(async (req, res) => {
      const events = parseInput(
        WebhookBatchSchema,
        req.body,
        'The webhook batch is invalid; nothing was stored.',
      );
      for (const e of events) deps.metrics.eventsReceived.inc({ type: e.subscriptionType });
      const ours = eventsOfServedPortal(deps.portal, events, req.body as unknown[]);
      const otherPortal = events.length - ours.events.length;
      if (otherPortal > 0) {
        deps.metrics.eventsIgnored.inc({ reason: 'other_portal' }, otherPortal);
        req.log.warn(
          { servedPortal: deps.portal.portalId, otherPortals: Object.fromEntries(ours.otherPortals) },
          'webhook events of another portal were not stored',
        );
      }
      const result =
        ours.events.length > 0
          ? await acceptWebhooks(deps.webhooks, ours.events, ours.raw)
          : { accepted: 0, duplicates: 0, enqueued: 0, ignored: {} };
      deps.metrics.eventsDuplicate.inc({}, result.duplicates);
      for (const [reason, n] of Object.entries(result.ignored)) deps.metrics.eventsIgnored.inc({ reason }, n);
      if (result.enqueued > 0) deps.actions.wakeWorker();
      res.status(200).json({
        accepted: result.accepted,
        duplicates: result.duplicates,
        enqueued: result.enqueued,
        ...(otherPortal > 0 ? { otherPortal } : {}),
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
  app.use((_req, _res, next) => next(new AppError('not_found', 'No such route.')));
  app.use(errorHandler);
  return app;
}
