/**
 * The scopes the app's token needs, each with what it is for: the `requiredScopes` of the app
 * project (`hubspot-app/src/app/app-hsmeta.json`; a test keeps the two equal), checked by `setup`
 * against the scopes HubSpot says the token holds.
 *
 * Derived signals need no scope of their own: property history is a contact read, and HubSpot's
 * meetings guide lists `crm.objects.contacts.read` (and `.write`) as the meetings API's scopes, so
 * reading a contact's meetings and their associations is covered by the contacts read scope.
 */
export const REQUIRED_SCOPES: Readonly<Record<string, string>> = {
  automation: 'complete blocked workflow actions (Qualify contact) through the callback API',
  'crm.objects.companies.read': 'read the companies fit criteria look at, and their contacts',
  'crm.objects.contacts.read':
    'read contacts, their property history and their meetings (opt-outs, forms, no-shows)',
  'crm.objects.contacts.write': 'write the lq_* properties, stages, lead statuses and routing tasks',
  'crm.objects.deals.read': "read the deals of accepted MQLs and their pipelines: the funnel's outcomes",
  'crm.objects.deals.write': "create a deal when sales accepts an MQL (the model's dealOnAccept)",
  'crm.objects.owners.read': 'route new MQLs to owners',
  'crm.schemas.contacts.write': 'create the lq_* contact properties',
  oauth: "read the token's own portal and scopes",
};

/** One line per scope the token lacks, naming what it is for; empty when it has them all. */
export function missingScopeLines(granted: readonly string[]): string[] {
  const held = new Set(granted);
  return Object.entries(REQUIRED_SCOPES)
    .filter(([scope]) => !held.has(scope))
    .map(
      ([scope, purpose]) =>
        `the token lacks the scope "${scope}" (needed to ${purpose}): add it to the app's requiredScopes, upload the project and reinstall`,
    );
}
