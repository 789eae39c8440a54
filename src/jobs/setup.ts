/**
 * Portal set-up, run by `cli setup` and at every start (it is idempotent): create the property
 * group and the properties the app writes, and check that the portal has the lifecycle stages
 * and lead statuses the model and the engine use.
 */
import { DEFAULT_RETURN_LEAD_STATUS } from '../core/feedback.js';
import type { QualificationModel } from '../core/model.js';
import { type CrmGateway, HubSpotError } from '../hubspot/crm-gateway.js';
import { missingScopeLines } from '../hubspot/scopes.js';
import { LQ_PROPERTIES, PROPERTY_GROUP } from '../hubspot/write-back.js';

/** The stages and statuses the engine itself may write (an accepted MQL becomes SQL). */
const ENGINE_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead'];
const ENGINE_STATUSES = ['NEW', 'UNQUALIFIED'];

/** The lead statuses a return may write: the model's per reason, and the default. */
export function statusesNamedBy(model: QualificationModel): string[] {
  return [...new Set([DEFAULT_RETURN_LEAD_STATUS, ...Object.values(model.feedback.returnLeadStatus)])];
}

export class PortalMismatchError extends Error {
  constructor(
    readonly problems: string[],
    heading = 'The portal does not match the model',
  ) {
    super(`${heading}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PortalMismatchError';
  }
}

/** The lifecycle stages a model names (the installed-base rule's conditions on lifecyclestage). */
export function stagesNamedBy(model: QualificationModel): string[] {
  const named = new Set<string>();
  for (const c of model.thresholds.installedBase?.customerWhen ?? []) {
    const refs = typeof c.property === 'string' ? [c.property] : c.property;
    if (!refs.some((r) => r === 'contact.lifecyclestage')) continue;
    if (c.match.type === 'one-of' || c.match.type === 'none-of') for (const v of c.match.values) named.add(v);
  }
  return [...named];
}

export interface SetupResult {
  /** How the token's scopes were checked: `ok`, `missing`, or why they could not be read. */
  scopes: string;
  /** One line per required scope the token lacks (empty when it has them all or was not checked). */
  missingScopes: string[];
  created: string[];
  existing: string[];
  lifecycleStages: string[];
  leadStatuses: string[];
  /** Model settings still empty, each in plain words with what happens until it is set. */
  emptySettings: string[];
}

/**
 * The routing settings a fresh install leaves empty (the presets name no owners), each said in
 * plain words with what happens until it is set in the settings page.
 */
export function emptySettingsOf(model: QualificationModel): string[] {
  const r = model.routing;
  const out: string[] = [];
  const available = r.newBusinessOwners.filter((id) => !r.unavailableOwners.includes(id));
  if (r.newBusinessOwners.length === 0)
    out.push(
      'No new-business owners: new-business MQLs get no owner and no task until owners are picked for the round robin (settings page, Routing).',
    );
  else if (available.length === 0)
    out.push(
      'Every new-business owner is marked unavailable: new-business MQLs get no owner and no task until one is available again.',
    );
  if (r.escalationOwner === null)
    out.push(
      `No escalation owner: when sales misses an SLA (${r.slaHours.salesAcceptance} h to accept), lq_sla_breached is set and counted, but nobody gets an escalation task.`,
    );
  if (r.marketingOwner === null)
    out.push(
      'No marketing owner: the weekly report of returned leads and their reasons is not sent to anyone.',
    );
  return out;
}

/**
 * Sets the portal up. `tokenScopes` reads the scopes the token holds; each required scope it lacks
 * is one line of `missingScopes`, or, with `failOnMissingScopes` (the CLI's `setup`), stops the
 * set-up first with those lines. The service starts anyway and logs them: it works without some
 * (no `automation`: blocked workflow actions are settled, not completed).
 */
export async function setupPortal(
  crm: Pick<CrmGateway, 'ensureContactProperties' | 'propertyOptions'>,
  model: QualificationModel,
  tokenScopes?: () => Promise<string[]>,
  options: { failOnMissingScopes?: boolean } = {},
): Promise<SetupResult> {
  const { scopes, missingScopes } = await checkScopes(tokenScopes);
  if (missingScopes.length > 0 && options.failOnMissingScopes)
    throw new PortalMismatchError(missingScopes, "The app's access token lacks scopes");
  const { created, existing } = await crm.ensureContactProperties(PROPERTY_GROUP, LQ_PROPERTIES);
  const lifecycleStages = await crm.propertyOptions('contacts', 'lifecyclestage');
  const leadStatuses = await crm.propertyOptions('contacts', 'hs_lead_status');
  const problems: string[] = [];
  for (const stage of new Set([...ENGINE_STAGES, ...stagesNamedBy(model)]))
    if (!lifecycleStages.includes(stage))
      problems.push(
        `lifecycle stage "${stage}" is used by the model or the engine but the portal has only: ${lifecycleStages.join(', ')}`,
      );
  for (const status of new Set([...ENGINE_STATUSES, ...statusesNamedBy(model)]))
    if (!leadStatuses.includes(status))
      problems.push(
        `lead status "${status}" is used by the model or the engine but the portal has only: ${leadStatuses.join(', ')}`,
      );
  if (problems.length > 0) throw new PortalMismatchError(problems);
  return {
    scopes,
    missingScopes,
    created,
    existing,
    lifecycleStages,
    leadStatuses,
    emptySettings: emptySettingsOf(model),
  };
}

/** The required scopes the token lacks, one line each; or why they could not be checked. */
async function checkScopes(
  tokenScopes?: () => Promise<string[]>,
): Promise<{ scopes: string; missingScopes: string[] }> {
  if (!tokenScopes) return { scopes: 'not checked', missingScopes: [] };
  let granted: string[];
  try {
    granted = await tokenScopes();
  } catch (error) {
    // A token HubSpot does not describe this way (or HubSpot down): the calls below will tell.
    if (error instanceof HubSpotError)
      return {
        scopes: `not checked: HubSpot did not list the token's scopes (${error.label})`,
        missingScopes: [],
      };
    throw error;
  }
  const missingScopes = missingScopeLines(granted);
  return { scopes: missingScopes.length > 0 ? 'missing' : 'ok', missingScopes };
}
