/**
 * The contact record card's API, called through `hubspot.fetch` and signed like the settings API
 * (v3 only, each signature accepted once, the served portal, the signed user from HubSpot's query):
 * what the card shows, and sales' Accept, Return with reason and Dispute this score.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { AppError, parseInput } from '../errors.js';
import { ownValue } from '../core/own.js';
import {
  type CardDeps,
  contactCard,
  decideFromCard,
  DISPUTE_REASON_MAX,
  disputeScore,
  NOTE_MAX,
} from '../jobs/contact-card.js';
import { rawBody, type SignatureCheckOptions, verifyHubSpotRequest } from './hubspot-signature.js';
import type { PortalScope } from './portal-guard.js';
import { caller } from './signed-user.js';

export const CARD_ROUTES = {
  contact: '/card/api/contact',
  decision: '/card/api/decision',
  dispute: '/card/api/dispute',
} as const;

const contactId = z.string().regex(/^\d{1,20}$/, { error: 'must be a HubSpot contact id (digits)' });
/** Who decides is the signed user: a `decidedBy` (or any other field) in the body is refused. */
export const DecisionBody = z.strictObject({
  contactId,
  decision: z.enum(['accept', 'return'], { error: 'must be "accept" or "return"' }),
  reason: z.string().max(64).optional(),
  note: z
    .string()
    .max(NOTE_MAX, { error: `must be at most ${NOTE_MAX} characters` })
    .optional(),
});
export const DisputeBody = z.strictObject({
  contactId,
  reason: z
    .string()
    .trim()
    .min(1, { error: 'say what does not make sense about this score' })
    .max(DISPUTE_REASON_MAX, { error: `must be at most ${DISPUTE_REASON_MAX} characters` }),
});

export function mountCardRoutes(
  app: Express,
  deps: CardDeps,
  signature: Omit<SignatureCheckOptions, 'allowedVersions' | 'replays'>,
  scope: PortalScope,
): void {
  const signed = [
    rawBody('64kb'),
    verifyHubSpotRequest({
      ...signature,
      allowedVersions: ['v3'],
      replays: (key, expiresAt) => deps.store.replays.firstUse(key, expiresAt, deps.clock()),
    }),
  ];
  const route =
    (handler: (req: Request) => Promise<unknown>, status = 200) =>
    (req: Request, res: Response, next: NextFunction) => {
      handler(req)
        .then((body) => res.status(status).json(body))
        .catch(next);
    };
  const body = <S extends z.ZodType>(schema: S, req: Request): z.output<S> =>
    parseInput(schema, req.body ?? {}, 'The request body is invalid.');

  app.get(
    CARD_ROUTES.contact,
    ...signed,
    route((req) => {
      const { portalId } = caller(req, scope);
      const id = ownValue(req.query, 'contactId');
      const parsed = contactId.safeParse(id);
      if (!parsed.success)
        throw new AppError('invalid_input', 'Which contact?', [
          { path: 'query.contactId', message: 'must be a HubSpot contact id (digits)' },
        ]);
      return contactCard(deps, portalId, parsed.data);
    }),
  );
  app.post(
    CARD_ROUTES.decision,
    ...signed,
    route((req) => {
      const { portalId, user } = caller(req, scope);
      const { contactId: id, ...input } = body(DecisionBody, req);
      return decideFromCard(deps, portalId, id, input, user);
    }, 202),
  );
  app.post(
    CARD_ROUTES.dispute,
    ...signed,
    route((req) => {
      const { portalId, user } = caller(req, scope);
      const { contactId: id, reason } = body(DisputeBody, req);
      return disputeScore(deps, portalId, id, reason, user);
    }, 201),
  );
}
