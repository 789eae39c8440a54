/**
 * Company fan-out: a change to a company reaches its contacts. The webhook queues the company's
 * work (`company:<id>`, coalesced per company); the worker hands it here, and this use case queues
 * the company's contacts for rescoring, paced so that one big company cannot take the whole rate
 * budget or hold other portals' and contacts' work back:
 *
 *   forget     the companies' cached properties in this instance (the contacts read them fresh)
 *   find       their contacts: HubSpot's associations (v4 batch read, 1,000 companies a call);
 *              for a company HubSpot lists none for (deleted, merged away), the contacts whose
 *              stored snapshot names it
 *   pace       chunk i of 100 contacts (one worker batch: one read, one write) is due at
 *              now + i × spacing, the spacing sized so the chunks use at most half the budget
 *   queue      the contacts, reason `company-change`, coalesced with any work they already have
 *
 * Work due now (other portals, other contacts' events) is claimed before chunks due later, so it
 * waits at most behind the chunks already due; the shared rate budget caps the calls whatever
 * happens.
 *
 * The cache: the webhook forgets the company in the instance that accepts it, and this use case
 * forgets it again in the instance that runs the fan-out, right before queueing the contacts, so
 * any batch of this instance that scores them reads the company from HubSpot, after the change.
 * The residual window: with several instances, an instance that did neither keeps the old values
 * until its cache entry expires (10 minutes), and a contact it scores in that window is scored on
 * them (until its next event). One instance has no window.
 */
import { chunk, type CrmGateway } from '../hubspot/crm-gateway.js';
import type { Logger } from '../logger.js';
import type { ContactId, ContactStore, PortalId, RateBudget, WorkQueue } from '../store/store.port.js';

/** The queue reason of the contacts a company change fans out to (and of the company's own work). */
export const COMPANY_CHANGE_REASON = 'company-change';

/** HubSpot calls one chunk of contacts costs when it is scored: a batch read and a batch write. */
const CALLS_PER_CHUNK = 2;

export interface CompanyFanOutDeps {
  store: {
    queue: Pick<WorkQueue, 'enqueue'>;
    contacts: Pick<ContactStore, 'contactsOfCompanies'>;
  };
  crm: Pick<CrmGateway, 'companyContacts'>;
  /** This instance's company cache. */
  companies: { delete(companyId: string): void };
  /** The budget the contacts' HubSpot calls draw on: its size sets the pace. */
  budget: Pick<RateBudget, 'limit'>;
  clock: () => number;
  logger?: Logger;
  /** Contacts per due time: one worker batch (default 100, HubSpot's batch size). */
  chunkSize?: number;
  /** The share of the budget one fan-out's contacts may take (default 0.5); the rest is for other work. */
  budgetShare?: number;
}

export interface FanOutResult {
  companies: number;
  /** Contacts queued (each once, however many of the companies it belongs to). */
  contacts: number;
  /** Of those, found from stored snapshots (companies HubSpot lists no contacts for). */
  fromSnapshots: number;
  /** Chunks queued and the time between their due times. */
  chunks: number;
  spacingMs: number;
}

/**
 * The time between two chunks' due times: a chunk costs `CALLS_PER_CHUNK` calls, and the chunks
 * of one fan-out may use `share` of the budget (e.g. 190 calls / 10 s at half: 211 ms).
 */
export function chunkSpacingMs(limit: { points: number; windowMs: number }, share = 0.5): number {
  const callsPerMs = (limit.points * share) / limit.windowMs;
  return Math.ceil(CALLS_PER_CHUNK / callsPerMs);
}

/** Queues the contacts of these companies (of one portal) for rescoring, paced; see the module. */
export async function fanOutCompanies(
  deps: CompanyFanOutDeps,
  portalId: PortalId,
  companyIds: readonly string[],
): Promise<FanOutResult> {
  const ids = [...new Set(companyIds)];
  const associated = await deps.crm.companyContacts(ids);
  const unlisted = ids.filter((id) => (associated.get(id) ?? []).length === 0);
  const stored =
    unlisted.length > 0
      ? await deps.store.contacts.contactsOfCompanies(portalId, unlisted)
      : new Map<string, ContactId[]>();
  const fromHubSpot = new Set([...associated.values()].flat());
  const fromSnapshots = [...new Set([...stored.values()].flat())].filter((id) => !fromHubSpot.has(id));
  const contacts = [...fromHubSpot, ...fromSnapshots];

  // Right before the contacts can be claimed: any batch of this instance reads the companies anew.
  for (const id of ids) deps.companies.delete(id);
  const now = deps.clock();
  const spacingMs = chunkSpacingMs(deps.budget.limit, deps.budgetShare);
  const chunks = chunk(contacts, deps.chunkSize ?? 100);
  const requests = chunks.flatMap((part, i) =>
    part.map((contactId) => ({
      portalId,
      contactId,
      reason: COMPANY_CHANGE_REASON,
      dueAt: now + i * spacingMs,
    })),
  );
  if (requests.length > 0) await deps.store.queue.enqueue(requests);
  const result = {
    companies: ids.length,
    contacts: contacts.length,
    fromSnapshots: fromSnapshots.length,
    chunks: chunks.length,
    spacingMs,
  };
  deps.logger?.info({ portalId, ...result }, 'company change fanned out to its contacts');
  return result;
}
