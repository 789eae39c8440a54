/**
 * Import a portal's history from HubSpot into the store, so insights, backtests and reviews judge
 * the past HubSpot already holds (`cli import-history`, and the history backfill):
 *
 *   contacts  every contact, listed 100 a page with the properties the scoring reads (the model's,
 *             the app's own, the creation and stage dates) plus those suggestions cut by (size,
 *             industry, region, role); their companies batch-read 100 a call; each kept as the
 *             contact's snapshot
 *   deals     every deal, listed 100 a page, and its contacts (associations v4), kept in the deals
 *             aggregate as deal-sync.ts keeps a changed deal
 *
 * Every call goes through the gateway, so the shared rate budget paces it. Running it again reads
 * the same and writes the same: snapshots and deals are replaced, never added twice. Signals
 * derived from property history are not made here (`rescore --all --backfill` does that).
 */
import { HISTORY_CONTACT_PROPERTIES, SEGMENT_PROPERTIES } from '../core/index.js';
import type { CrmDeals } from '../hubspot/crm-deals.js';
import { chunk, type CrmGateway, type CrmRecord } from '../hubspot/crm-gateway.js';
import type { Logger } from '../logger.js';
import type { ContactStore, DealStore, PortalId } from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import { keepDeals } from './deal-sync.js';
import { contactPropertiesFor } from './scoring/score-contacts.job.js';

export interface HistoryImportDeps {
  crm: Pick<CrmGateway, 'listContacts' | 'readCompanies'> & {
    deals: Pick<CrmDeals, 'list' | 'contactsOf'>;
  };
  store: { contacts: Pick<ContactStore, 'saveSnapshots'>; deals: Pick<DealStore, 'save'> };
  models: Pick<ActiveModels, 'get'>;
  clock: () => number;
  logger?: Logger;
}

export interface HistoryImportProgress {
  phase: 'contacts' | 'deals';
  contacts: number;
  companies: number;
  deals: number;
  startedAt: number;
  now: number;
}

export interface HistoryImportOptions {
  /** After each page of contacts or deals. */
  onProgress?: (progress: HistoryImportProgress) => void;
}

/** The segment properties (size, industry, region, role) of one object, without its prefix. */
function segmentProperties(object: 'contact' | 'company'): string[] {
  return Object.values(SEGMENT_PROPERTIES)
    .flat()
    .filter((ref) => ref.startsWith(`${object}.`))
    .map((ref) => ref.slice(object.length + 1));
}

/**
 * What a contact and its company are read with for history: what the scoring reads for the model
 * (its properties, the app's, the creation and stage dates) and what suggestions cut by.
 */
export function historyPropertiesFor(model: Parameters<typeof contactPropertiesFor>[0]): {
  contact: string[];
  company: string[];
} {
  const scoring = contactPropertiesFor(model);
  const contact = new Set([
    ...scoring.contact,
    ...HISTORY_CONTACT_PROPERTIES,
    ...segmentProperties('contact'),
    'associatedcompanyid',
  ]);
  const company = new Set([...scoring.company, ...segmentProperties('company')]);
  return { contact: [...contact].sort(), company: [...company].sort() };
}

/** Reads every contact (with its company) and every deal of the portal from HubSpot and keeps them. */
export async function importHistory(
  deps: HistoryImportDeps,
  portalId: PortalId,
  options: HistoryImportOptions = {},
): Promise<HistoryImportProgress> {
  const { model } = await deps.models.get(portalId);
  const properties = historyPropertiesFor(model);
  const progress: HistoryImportProgress = {
    phase: 'contacts',
    contacts: 0,
    companies: 0,
    deals: 0,
    startedAt: deps.clock(),
    now: deps.clock(),
  };
  const report = (): void => {
    progress.now = deps.clock();
    options.onProgress?.({ ...progress });
  };

  const companyIds = new Set<string>();
  let after: string | null = null;
  do {
    const page = await deps.crm.listContacts(after, 100, properties.contact);
    after = page.next;
    const companies = await companiesOf(deps, page.records, properties.company);
    const readAt = deps.clock();
    await deps.store.contacts.saveSnapshots(
      page.records.map((r) => {
        const companyId = r.properties.associatedcompanyid;
        return {
          portalId,
          contactId: r.id,
          properties: r.properties,
          company: (companyId && companies.get(companyId)) || null,
          readAt,
        };
      }),
    );
    progress.contacts += page.records.length;
    for (const id of companies.keys()) companyIds.add(id);
    progress.companies = companyIds.size;
    report();
  } while (after);

  progress.phase = 'deals';
  after = null;
  do {
    const page = await deps.crm.deals.list(after);
    after = page.next;
    progress.deals += await keepDeals(deps, portalId, page.records, deps.clock());
    report();
  } while (after);

  deps.logger?.info(
    { portalId, contacts: progress.contacts, companies: progress.companies, deals: progress.deals },
    'history imported from HubSpot',
  );
  progress.now = deps.clock();
  return progress;
}

/** The companies of a page of contacts, by id (batch reads of ≤100). */
async function companiesOf(
  deps: HistoryImportDeps,
  records: readonly CrmRecord[],
  properties: readonly string[],
): Promise<Map<string, Record<string, string | null>>> {
  const ids = [...new Set(records.map((r) => r.properties.associatedcompanyid).filter((id) => !!id))];
  const out = new Map<string, Record<string, string | null>>();
  for (const part of chunk(ids as string[])) {
    const { records: companies } = await deps.crm.readCompanies(part, properties);
    for (const c of companies) out.set(c.id, c.properties);
  }
  return out;
}
