/**
 * HubSpot's scopes: which an endpoint needs, and HubSpot's 403 when a token lacks them. The body
 * is the one HubSpot documents (error handling in "Using object APIs"): category `MISSING_SCOPES`,
 * the scopes of which one is needed under `errors[].context.requiredGranularScopes`, and a link.
 * Which scopes each endpoint takes follows HubSpot's scope list (deals, their associations and
 * deal pipelines: `crm.objects.deals.read` / `.write`); a token without a scope list
 * (`SandboxOptions.tokenScopes`) has them all.
 */
import { SandboxHttpError } from './errors.js';
import { resolveObjectType } from './object-types.js';

/** HubSpot's message for a token without the scopes an endpoint needs. */
export const MISSING_SCOPES_MESSAGE =
  "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.";

const READS = new Set(['list', 'get', 'batch.read', 'search']);

/** Every scope the sandbox's endpoints ask for: what a token without a scope list holds. */
export const SANDBOX_SCOPES: readonly string[] = [
  'automation',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'oauth',
];

/**
 * Contacts' scopes also cover tasks and meetings (HubSpot's engagements), as they do on HubSpot:
 * the meetings guide lists `crm.objects.contacts.read` / `.write` as the meetings API's scopes.
 */
function objectScopes(type: string | undefined): 'contacts' | 'companies' {
  return resolveObjectType(type ?? '') === 'companies' ? 'companies' : 'contacts';
}

/**
 * The scopes of which a token needs one for this endpoint (by endpoint key, and the request's
 * `:objectType` for the properties API); null when the endpoint needs none.
 */
export function requiredScopes(
  endpointKey: string,
  objectTypeParam?: string,
  toObjectTypeParam?: string,
): string[] | null {
  const dot = endpointKey.indexOf('.');
  const head = endpointKey.slice(0, dot);
  const rest = endpointKey.slice(dot + 1);
  if (head === 'callbacks') return ['automation'];
  if (head === 'owners') return ['crm.objects.owners.read'];
  if (head === 'associations') {
    // Reading a deal's associations (either end a deal) takes the deals' read scope.
    const ends = [objectTypeParam, toObjectTypeParam].map((t) => resolveObjectType(t ?? ''));
    if (ends.includes('deals')) return ['crm.objects.deals.read'];
    return ['crm.objects.contacts.read', 'crm.objects.companies.read'];
  }
  // The pipelines API takes one of many scopes; for deal pipelines, the deals' read scope.
  if (head === 'pipelines') return ['crm.objects.deals.read'];
  if (head === 'properties') {
    const type = objectScopes(objectTypeParam);
    return rest.endsWith('create')
      ? [`crm.schemas.${type}.write`]
      : [`crm.schemas.${type}.read`, `crm.objects.${type}.read`];
  }
  if (head === 'deals') return [`crm.objects.deals.${READS.has(rest) ? 'read' : 'write'}`];
  if (head === 'contacts' || head === 'companies' || head === 'tasks' || head === 'meetings') {
    const type = objectScopes(head);
    return [`crm.objects.${type}.${READS.has(rest) ? 'read' : 'write'}`];
  }
  return null;
}

/** Throws HubSpot's 403 when `granted` holds none of the scopes the endpoint needs. */
export function checkScopes(granted: ReadonlySet<string>, required: readonly string[] | null): void {
  if (required === null || required.some((scope) => granted.has(scope))) return;
  throw new SandboxHttpError(403, {
    message: MISSING_SCOPES_MESSAGE,
    category: 'MISSING_SCOPES',
    errors: [
      {
        message: 'One or more of the following scopes are required.',
        context: { requiredGranularScopes: [...required] },
      },
    ],
    links: { scopes: 'https://developers.hubspot.com/scopes' },
  });
}
