/**
 * The operators' endpoints: `/healthz` (liveness), `/readyz` (store and HubSpot) and `/metrics`
 * (Prometheus). `/readyz` never calls HubSpot per request: it reports the last known state
 * ({@link HubSpotHealth}). `/readyz` and `/metrics` can live on their own port (`OPS_PORT`, see
 * {@link createOpsApp}) and can require `Authorization: Bearer <OPS_TOKEN>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { HubSpotState } from '../hubspot/hubspot-health.js';
import { redactUpstream } from '../redact.js';
import type { StoreHealth } from '../store/store.port.js';
import { errorHandler } from './error-handler.js';
import { noRoute } from './no-route.js';
import type { Metrics } from './metrics.js';

export const OPS_ROUTES = { healthz: '/healthz', readyz: '/readyz', metrics: '/metrics' } as const;

export interface OpsDeps {
  metrics: Metrics;
  storeHealth: () => Promise<StoreHealth>;
  /** HubSpot's last known state (never a HubSpot call per probe). */
  hubspotState: () => Promise<HubSpotState>;
  /** When set, `/readyz` and `/metrics` require `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Refuses requests without `Authorization: Bearer <token>` (compared in constant time). */
export function requireBearer(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    res.set('WWW-Authenticate', 'Bearer');
    next(
      new AppError('unauthorized', 'This endpoint needs Authorization: Bearer <OPS_TOKEN>.', [
        { path: 'header.Authorization', message: 'must be Bearer <OPS_TOKEN>' },
      ]),
    );
  };
}

const asyncRoute =
  (handler: (req: express.Request, res: express.Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };

/** Mounts `/readyz` and `/metrics` (behind the bearer token when one is set). */
export function mountOpsRoutes(app: Express, deps: OpsDeps): void {
  const guard: RequestHandler[] = deps.token ? [requireBearer(deps.token)] : [];
  app.get(
    OPS_ROUTES.readyz,
    ...guard,
    asyncRoute(async (_req, res) => {
      const [store, hubspot] = await Promise.all([deps.storeHealth(), deps.hubspotState()]);
      const ok = store.ok && hubspot.ok;
      res.status(ok ? 200 : 503).json({
        status: ok ? 'ready' : 'not ready',
        store:
          store.problem === undefined ? store : { ...store, problem: redactUpstream(store.problem, 100) },
        hubspot: {
          ok: hubspot.ok,
          ...(hubspot.problem !== undefined ? { problem: hubspot.problem } : {}),
          source: hubspot.source,
          observedAt: hubspot.observedAt === null ? null : new Date(hubspot.observedAt).toISOString(),
        },
      });
    }),
  );
  app.get(
    OPS_ROUTES.metrics,
    ...guard,
    asyncRoute(async (_req, res) => {
      res.type(deps.metrics.contentType).send(await deps.metrics.render());
    }),
  );
}

/** The app served on `OPS_PORT`: `/healthz`, `/readyz`, `/metrics`, and nothing else. */
export function createOpsApp(deps: OpsDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get(OPS_ROUTES.healthz, (_req, res) => {
    res.json({ status: 'ok' });
  });
  mountOpsRoutes(app, deps);
  app.use(noRoute(app));
  app.use(errorHandler);
  return app;
}
