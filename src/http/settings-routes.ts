/**
 * The settings API the HubSpot settings page calls through `hubspot.fetch`. Every request must
 * carry HubSpot's v3 signature (over the full URL, so the `portalId` and `userId` HubSpot adds to
 * the query are authenticated too; v2 is refused: it has no timestamp, so a captured request could
 * be replayed for ever), is accepted once (a second copy within the 5-minute window is refused as
 * `replayed`), and must be for the portal this service serves. Who saves, asks to publish and
 * approves is the signed HubSpot user, never a name from the body: a version goes into force when
 * a second, different user approves it (unless the portal relaxed that; model-approval.ts). The
 * page also gets the diff of two versions, the model check, and the portal's property options and
 * owners to pick from.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { AppError, parseInput } from '../errors.js';
import {
  activeModel,
  listVersions,
  previewDraft,
  saveDraft,
  type SettingsDeps,
} from '../jobs/model-settings.js';
import { DAY_MS, toEpochMs } from '../core/intent.js';
import { OUTCOMES } from '../core/insights/history.js';
import { ownValue } from '../core/own.js';
import { DEFAULT_FUNNEL_DAYS, funnelFromStore } from '../jobs/funnel.js';
import {
  backtestFromStore,
  DEFAULT_INSIGHTS_MONTHS,
  insightsFromStore,
  requirePeriod,
} from '../jobs/insights.js';
import {
  approvalState,
  approvePublication,
  declinePublication,
  requestPublication,
  setApprovalPolicy,
  versionDiff,
  type VersionRef,
} from '../jobs/model-approval.js';
import { type CatalogGateway, checkModel, ownersAndTeams, propertyOptions } from '../jobs/portal-catalog.js';
import { rawBody, type SignatureCheckOptions, verifyHubSpotRequest } from './hubspot-signature.js';
import type { PortalScope } from './portal-guard.js';
import { caller } from './signed-user.js';

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
  approvals: '/settings/api/approvals',
  approve: '/settings/api/approve',
  decline: '/settings/api/decline',
  approvalPolicy: '/settings/api/approval-policy',
  diff: '/settings/api/diff',
  validate: '/settings/api/validate',
  propertyOptions: '/settings/api/property-options',
  owners: '/settings/api/owners',
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
const OutcomeParam = z.enum(OUTCOMES, {
  error: `must be ${OUTCOMES.slice(0, -1).join(', ')} or ${OUTCOMES.at(-1)}`,
});
/**
 * Who publishes and who approves are the signed users of their requests: a `publishedBy`,
 * `agreedBy` or `approvedBy` (or any other field) in the body is refused.
 */
const strictBody = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `not accepted: ${issue.keys.join(', ')} (who publishes and who approves are the signed HubSpot users)`
        : undefined,
  });
const PublishBody = strictBody({
  version: z.number({ error: 'must be a version number' }).int().positive(),
  note: z.string().max(1000).optional(),
  /** Why now: required within the model's minimum period after the last publish. */
  reason: z.string().trim().min(1, { error: 'must not be empty' }).max(1000).optional(),
});
const RequestBody = strictBody({ requestId: z.string().min(1).max(64) });
const PolicyBody = strictBody({ singleApprover: z.boolean({ error: 'must be true or false' }) });

/** `?from=3&to=5`: a stored version number, or `active` for the model in force. */
function versionParam(req: Request, name: string, fallback?: VersionRef): VersionRef {
  const raw = ownValue(req.query, name);
  if (raw === undefined && fallback !== undefined) return fallback;
  if (raw === 'active') return 'active';
  if (typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw)) return Number(raw);
  throw new AppError('invalid_input', `The ${name} version is invalid.`, [
    { path: `query.${name}`, message: 'must be a version number or "active"' },
  ]);
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
  deps: SettingsDeps & { catalog: CatalogGateway },
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
  // Publishing and rolling back are requests a second person approves (model-approval.ts).
  const publication = (kind: 'publish' | 'rollback') => (req: Request) => {
    const { portalId, signed: author } = who(req);
    const body = parseBody(PublishBody, req.body);
    return requestPublication(
      deps,
      portalId,
      { version: body.version, kind, note: body.note ?? null, reason: body.reason ?? null },
      author,
    );
  };
  const answer =
    (handler: (req: Request) => Promise<{ state: string }>) =>
    (req: Request, res: Response, next: NextFunction) => {
      handler(req)
        .then((body) => res.status(body.state === 'awaiting_approval' ? 202 : 200).json(body))
        .catch(next);
    };
  app.post(SETTINGS_ROUTES.publish, ...signed, answer(publication('publish')));
  app.post(SETTINGS_ROUTES.rollback, ...signed, answer(publication('rollback')));
  app.get(
    SETTINGS_ROUTES.approvals,
    ...signed,
    route((req) => approvalState(deps, who(req).portalId)),
  );
  app.post(
    SETTINGS_ROUTES.approve,
    ...signed,
    answer((req) => {
      const { portalId, signed: approver } = who(req);
      return approvePublication(deps, portalId, parseBody(RequestBody, req.body).requestId, approver);
    }),
  );
  app.post(
    SETTINGS_ROUTES.decline,
    ...signed,
    route((req) => {
      const { portalId, signed: by } = who(req);
      return declinePublication(deps, portalId, parseBody(RequestBody, req.body).requestId, by);
    }),
  );
  app.post(
    SETTINGS_ROUTES.approvalPolicy,
    ...signed,
    route((req) => {
      const { portalId, signed: by } = who(req);
      return setApprovalPolicy(deps, portalId, parseBody(PolicyBody, req.body).singleApprover, by);
    }),
  );
  app.get(
    SETTINGS_ROUTES.diff,
    ...signed,
    route((req) =>
      versionDiff(deps, who(req).portalId, versionParam(req, 'from'), versionParam(req, 'to', 'active')),
    ),
  );
  app.post(
    SETTINGS_ROUTES.validate,
    ...signed,
    route((req) => {
      who(req);
      return Promise.resolve(checkModel(parseBody(ModelBody, req.body).model));
    }),
  );
  app.get(
    SETTINGS_ROUTES.propertyOptions,
    ...signed,
    route((req) => {
      who(req);
      const raw = ownValue(req.query, 'properties');
      const refs =
        typeof raw === 'string'
          ? raw
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean)
          : [];
      return propertyOptions(deps.catalog, refs);
    }),
  );
  app.get(
    SETTINGS_ROUTES.owners,
    ...signed,
    route((req) => {
      who(req);
      return ownersAndTeams(deps.catalog);
    }),
  );
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
