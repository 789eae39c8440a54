/**
 * Account information (`GET /account-info/v3/details`): the portal the token belongs to, in the
 * shape HubSpot documents (portalId, accountType, timeZone, companyCurrency, additionalCurrencies,
 * utcOffset, utcOffsetMilliseconds, uiDomain, dataHostingLocation). The other fields are fixed
 * sandbox values (a standard US account).
 */
import { Router } from 'express';
import type { SandboxContext } from '../context.js';
import { validationError } from '../errors.js';
import { endpoint } from '../http-kit.js';
import { SANDBOX_SCOPES } from '../scopes.js';

/** Routes for the account-info API. */
export function accountRoutes(ctx: SandboxContext, portalId: number, appId: number): Router {
  const router = Router();
  router.get(
    '/account-info/v3/details',
    endpoint(ctx, 'account.details', (_req, res) => {
      res.json({
        portalId,
        accountType: 'STANDARD',
        timeZone: 'US/Eastern',
        companyCurrency: 'USD',
        additionalCurrencies: [],
        utcOffset: '-05:00',
        utcOffsetMilliseconds: -18_000_000,
        uiDomain: 'app.hubspot.com',
        dataHostingLocation: 'na1',
      });
    }),
  );
  // A private app token's details: its portal, app and scopes (HubSpot's private apps guide,
  // "view access token information"). The token is named in the body, not only by the header.
  router.post(
    '/oauth/v2/private-apps/get/access-token-info',
    endpoint(ctx, 'oauth.token-info', (req, res) => {
      const tokenKey = (req.body as { tokenKey?: unknown } | undefined)?.tokenKey;
      if (typeof tokenKey !== 'string' || !ctx.tokens.has(tokenKey))
        throw validationError('Invalid input JSON: "tokenKey" must name an access token of this account.');
      const scopes = ctx.tokenScopes.get(tokenKey) ?? new Set(SANDBOX_SCOPES);
      res.json({ userId: 1, hubId: portalId, appId, scopes: [...scopes].sort() });
    }),
  );
  return router;
}
