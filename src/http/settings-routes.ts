/**
 * The settings API the HubSpot settings page calls through `hubspot.fetch`. Every request must
 * carry HubSpot's v3 signature (over the full URL, so the `portalId` and `userId` HubSpot adds to
 * the query are authenticated too; v2 is refused: it has no timestamp, so a captured request could
 * be replayed for ever), is accepted once (a second copy within the 5-minute window is refused as
 * `replayed`), and must be for the portal this service serves. Who saves or publishes is the
 * signed HubSpot user, never a name from the body.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { AppError, parseInput } from '../errors.js';
import {
  activeModel,
  listVersions,
  previewDraft,
  publishVersion,
  saveDraft,
  type SettingsDeps,
} from '../jobs/model-settings.js';
import { DAY_MS, toEpochMs } from '../core/intent.js';
import { ownValue } from '../core/own.js';
import { DEFAULT_FUNNEL_DAYS, funnelFromStore } from '../jobs/funnel.js';
import {
  backtestFromStore,
  DEFAULT_INSIGHTS_MONTHS,
  insightsFromStore,
  requirePeriod,
} from '../jobs/insights.js';
import { rawBody, type SignatureCheckOptions, verifyHubSpotRequest } from './hubspot-signature.js';
import { type PortalScope, requireServedPortal } from './portal-guard.js';

export const SETTINGS_ROUTES = {
  model: '/settings/api/model',
  versions: '/settings/api/versions',
  drafts: '/settings/api/drafts',
  preview: '/settings/api/preview',
  publish: '/settings/api/publish',
  rollback: '/settings/api/rollback',
  funnel: '/settings/api/funnel',
  insights: '/settings/api/insights',
  backtest: '/settings/api/backtest',
} as const;

/** hubspot.fetch carries at most 1 MB each way. */
const SETTINGS_BODY_LIMIT = '1mb';

const ModelBody = z.object({ model: z.unknown() });
const BacktestBody = z.object({
  model: z.unknown(),
  months: z
    .number({ error: 'must be a number of months' })
    .int({ error: 'must be a whole number of months' })
    .min(1, { error: 'must be at least 1' })
    .max(36, { error: 'must be at most 36' })
    .default(DEFAULT_INSIGHTS_MONTHS),
});
const OutcomeParam = z.enum(['sql', 'opportunity', 'customer'], {
  error: 'must be sql, opportunity or customer',
});
/** Who publishes is the signed user: a `publishedBy` (or any other field) in the body is refused. */
const PublishBody = z.strictObject(
  {
    version: z.number({ error: 'must be a version number' }).int().positive(),
    note: z.string().max(1000).optional(),
    agreedBy: z.string().max(200).optional(),
    /** Why now: required within the model's minimum period after the last publish. */
    reason: z.string().trim().min(1, { error: 'must not be empty' }).max(1000).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `not accepted: ${issue.keys.join(', ')} (who publishes is the signed HubSpot user)`
        : undefined,
  },
);

/** Who is calling: the signed HubSpot user, in the served portal. */
interface Caller {
  portalId: string;
  /** The signed user: `ops@acme.example (user 42)`, or `user 42` when HubSpot sends no email. */
  user: string;
}

/**
 * The one value of a query parameter HubSpot adds to the signed URL. A parameter given twice is
 * refused: the page could put its own `userId` in the URL before HubSpot appends the real one.
 */
function signedParam(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1)
    throw new AppError('forbidden', `The signed URL names ${name} more than once.`, [
      { path: `query.${name}`, message: 'must appear once' },
    ]);
  return values[0];
}

function caller(req: Request, scope: PortalScope): Caller {
  const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
  const portalId = signedParam(params, 'portalId') ?? '';
  if (!/^\d+$/.test(portalId))
    throw new AppError('forbidden', 'The request names no portal.', [
      { path: 'query.portalId', message: 'missing' },
    ]);
  requireServedPortal(scope, portalId, 'query.portalId');
  const userId = signedParam(params, 'userId') ?? '';
  if (!/^\d+$/.test(userId))
    throw new AppError('forbidden', 'The request names no HubSpot user; nothing was done.', [
      { path: 'query.userId', message: 'missing' },
    ]);
  const email = signedParam(params, 'userEmail');
  return { portalId, user: email ? `${email} (user ${userId})` : `user ${userId}` };
}

function dateParam(req: Request, name: string, fallback: number): number {
  const raw = ownValue(req.query, name);
  if (raw === undefined) return fallback;
  // The core's reading of dates: ISO 8601 or epoch time; an impossible date (February 31) is
  // refused rather than rolled over into March, as Date.parse would.
  const at = typeof raw === 'string' ? toEpochMs(raw) : Number.NaN;
  if (Number.isNaN(at))
    throw new AppError('invalid_input', `The ${name} date is invalid.`, [
      { path: `query.${name}`, message: 'must be a date such as 2026-11-01' },
    ]);
  return at;
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseInput(schema, body ?? {}, 'The request body is invalid.');
}

export function mountSettingsRoutes(
  app: Express,
  deps: SettingsDeps,
  signature: Omit<SignatureCheckOptions, 'allowedVersions' | 'replays'>,
  scope: PortalScope,
): void {
  const signed = [
    rawBody(SETTINGS_BODY_LIMIT),
    verifyHubSpotRequest({
      ...signature,
      allowedVersions: ['v3'],
      replays: (key, expiresAt) => deps.store.replays.firstUse(key, expiresAt, deps.clock()),
    }),
  ];
  const who = (req: Request) => caller(req, scope);
  const route =
    (handler: (req: Request) => Promise<unknown>, status = 200) =>
    (req: Request, res: Response, next: NextFunction) => {
      handler(req)
        .then((body) => res.status(status).json(body))
        .catch(next);
    };

  app.get(
    SETTINGS_ROUTES.model,
    ...signed,
    route((req) => activeModel(deps, who(req).portalId)),
  );
  app.get(
    SETTINGS_ROUTES.versions,
    ...signed,
    route((req) => listVersions(deps, who(req).portalId)),
  );
  app.post(
    SETTINGS_ROUTES.drafts,
    ...signed,
    route((req) => {
      const { portalId, user } = who(req);
      return saveDraft(deps, portalId, parseBody(ModelBody, req.body).model, user);
    }, 201),
  );
  app.post(
    SETTINGS_ROUTES.preview,
    ...signed,
    route((req) => previewDraft(deps, who(req).portalId, parseBody(ModelBody, req.body).model)),
  );
  const publish = (req: Request) => {
    const { portalId, user } = who(req);
    const body = parseBody(PublishBody, req.body);
    return publishVersion(deps, portalId, {
      version: body.version,
      publishedBy: user,
      agreedBy: body.agreedBy ?? null,
      note: body.note ?? null,
      reason: body.reason ?? null,
    });
  };
  app.post(SETTINGS_ROUTES.publish, ...signed, route(publish));
  app.get(
    SETTINGS_ROUTES.funnel,
    ...signed,
    route((req) => {
      const { portalId } = who(req);
      const now = deps.clock();
      const to = dateParam(req, 'to', now);
      const from = dateParam(req, 'from', to - DEFAULT_FUNNEL_DAYS * DAY_MS);
      if (from >= to)
        throw new AppError('invalid_input', 'The period is empty.', [
          { path: 'query.from', message: 'must be before to' },
        ]);
      return funnelFromStore(deps.store, portalId, from, to, {}, now);
    }),
  );
  app.post(SETTINGS_ROUTES.rollback, ...signed, route(publish));
  // Insights for the settings page's Insights tab (response shapes: README, "Learning from history").
  app.get(
    SETTINGS_ROUTES.insights,
    ...signed,
    route((req) => {
      const { portalId } = who(req);
      const now = deps.clock();
      const to = dateParam(req, 'to', now);
      const from = dateParam(req, 'from', to - DEFAULT_INSIGHTS_MONTHS * 30.436875 * DAY_MS);
      requirePeriod(from, to);
      const rawOutcome = ownValue(req.query, 'outcome');
      const outcome =
        rawOutcome === undefined
          ? undefined
          : parseInput(OutcomeParam, rawOutcome, 'The outcome is invalid.', ['query', 'outcome']);
      return insightsFromStore(deps, portalId, { from, to, now, outcome });
    }),
  );
  app.post(
    SETTINGS_ROUTES.backtest,
    ...signed,
    route((req) => {
      const { portalId } = who(req);
      const body = parseBody(BacktestBody, req.body);
      return backtestFromStore(deps, portalId, body.model, { months: body.months, now: deps.clock() });
    }),
  );
}
