/**
 * The settings API the HubSpot settings page calls through `hubspot.fetch`. Every request is
 * checked with HubSpot's signature (over the full URL, so the `portalId` HubSpot adds to the query
 * is authenticated too) and scoped to that portal.
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
import { DAY_MS } from '../core/intent.js';
import { ownValue } from '../core/own.js';
import { DEFAULT_FUNNEL_DAYS, funnelFromStore } from '../jobs/funnel.js';
import { rawBody, type SignatureCheckOptions, verifyHubSpotRequest } from './hubspot-signature.js';

export const SETTINGS_ROUTES = {
  model: '/settings/api/model',
  versions: '/settings/api/versions',
  drafts: '/settings/api/drafts',
  preview: '/settings/api/preview',
  publish: '/settings/api/publish',
  rollback: '/settings/api/rollback',
  funnel: '/settings/api/funnel',
} as const;

/** hubspot.fetch carries at most 1 MB each way. */
const SETTINGS_BODY_LIMIT = '1mb';

const ModelBody = z.object({ model: z.unknown() });
const PublishBody = z.object({
  version: z.number({ error: 'must be a version number' }).int().positive(),
  note: z.string().max(1000).optional(),
  agreedBy: z.string().max(200).optional(),
});

function caller(req: Request): { portalId: string; user: string } {
  const portalId = typeof req.query.portalId === 'string' ? req.query.portalId : '';
  if (!/^\d+$/.test(portalId))
    throw new AppError('forbidden', 'The request names no portal.', [
      { path: 'query.portalId', message: 'missing' },
    ]);
  const email = typeof req.query.userEmail === 'string' ? req.query.userEmail : '';
  const userId = typeof req.query.userId === 'string' ? req.query.userId : '';
  return { portalId, user: email || (userId ? `user:${userId}` : 'unknown user') };
}

function dateParam(req: Request, name: string, fallback: number): number {
  const raw = ownValue(req.query, name);
  if (raw === undefined) return fallback;
  const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
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
  signature: Omit<SignatureCheckOptions, 'allowedVersions'>,
): void {
  const signed = [
    rawBody(SETTINGS_BODY_LIMIT),
    verifyHubSpotRequest({ ...signature, allowedVersions: ['v3', 'v2'] }),
  ];
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
    route((req) => activeModel(deps, caller(req).portalId)),
  );
  app.get(
    SETTINGS_ROUTES.versions,
    ...signed,
    route((req) => listVersions(deps, caller(req).portalId)),
  );
  app.post(
    SETTINGS_ROUTES.drafts,
    ...signed,
    route((req) => {
      const { portalId, user } = caller(req);
      return saveDraft(deps, portalId, parseBody(ModelBody, req.body).model, user);
    }, 201),
  );
  app.post(
    SETTINGS_ROUTES.preview,
    ...signed,
    route((req) => previewDraft(deps, caller(req).portalId, parseBody(ModelBody, req.body).model)),
  );
  const publish = (req: Request) => {
    const { portalId, user } = caller(req);
    const body = parseBody(PublishBody, req.body);
    return publishVersion(deps, portalId, {
      version: body.version,
      publishedBy: user,
      agreedBy: body.agreedBy ?? null,
      note: body.note ?? null,
    });
  };
  app.post(SETTINGS_ROUTES.publish, ...signed, route(publish));
  app.get(
    SETTINGS_ROUTES.funnel,
    ...signed,
    route((req) => {
      const { portalId } = caller(req);
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
}
