/**
 * Load: what the batch's evaluation and feedback need besides the contacts themselves: the
 * companies (read in batches, cached), the signals within the model's horizon, the previous
 * evaluations, and the feedback state (pending and latest sales decisions, SLA timers, routes).
 */
import { HISTORY_CONTACT_PROPERTIES } from '../../core/insights/history.js';
import { DAY_MS } from '../../core/intent.js';
import type { QualificationModel } from '../../core/model.js';
import { propertiesRead } from '../../core/properties.js';
import { chunk, type CrmRecord } from '../../hubspot/crm-gateway.js';
import { LQ_PROPERTY_NAMES } from '../../hubspot/write-back.js';
import type { PortalId } from '../../store/store.port.js';
import type { LoadedState, ScoreDeps } from './batch.js';

/** Contact properties routing reads: names for task titles (the owner is always read). */
const ROUTING_CONTACT_PROPERTIES = ['firstname', 'lastname'];

/** Contact properties a deal made on accept needs: its company (id and name) and the e-mail. */
const DEAL_CONTACT_PROPERTIES = ['associatedcompanyid', 'company', 'email'];

/**
 * The contact properties to read for a model: what it reads, plus what the app writes (for the
 * diff), the names routing puts in task titles, and the creation and stage dates (insights); and the company properties: what the model
 * reads, plus the company's owner (an installed-base MQL goes to it).
 */
export function contactPropertiesFor(model: QualificationModel): { contact: string[]; company: string[] } {
  const read = propertiesRead(model);
  // The creation and stage dates too, so every snapshot keeps the contact's history for insights.
  const contact = new Set([
    ...read.contact,
    ...LQ_PROPERTY_NAMES,
    ...ROUTING_CONTACT_PROPERTIES,
    ...HISTORY_CONTACT_PROPERTIES,
  ]);
  if (read.company.length > 0) contact.add('associatedcompanyid');
  // A deal made on accept is associated with the company and named after it (deals-on-accept.ts).
  if (model.feedback.dealOnAccept) for (const name of DEAL_CONTACT_PROPERTIES) contact.add(name);
  const forDeals = model.feedback.dealOnAccept ? ['name'] : [];
  const company =
    read.company.length > 0 ? [...new Set([...read.company, 'hubspot_owner_id', ...forDeals])].sort() : [];
  return { contact: [...contact].sort(), company };
}

/** The days of signal history a model can look at. */
export function signalHorizonDays(model: QualificationModel): number {
  const windows = model.intent.signals.map((s) => Math.max(s.ageing.expiresAfterDays, s.ageing.fullDays));
  return Math.max(0, ...windows, model.thresholds.installedBase?.windowDays ?? 0);
}

export async function loadState(
  deps: ScoreDeps,
  portalId: PortalId,
  model: QualificationModel,
  records: readonly CrmRecord[],
  now: number,
): Promise<LoadedState> {
  const ids = records.map((r) => r.id);
  const { store } = deps;
  const companies = await loadCompanies(deps, records, contactPropertiesFor(model).company, now);
  const signals = await store.contacts.signalsFor(portalId, ids, now - signalHorizonDays(model) * DAY_MS);
  const previous = await store.contacts.latestEvaluations(portalId, ids);
  const [pendingDecisions, timers, routes, latestDecisions] = await Promise.all([
    store.decisions.pending(portalId, ids),
    store.sla.timersOf(portalId, ids),
    store.routes.routesOf(portalId, ids),
    store.decisions.latest(portalId, ids),
  ]);
  return { companies, signals, previous, pendingDecisions, latestDecisions, timers, routes };
}

async function loadCompanies(
  deps: ScoreDeps,
  records: readonly CrmRecord[],
  properties: readonly string[],
  now: number,
): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>();
  if (properties.length === 0) return out;
  const wanted = new Set<string>();
  for (const r of records) {
    const id = r.properties.associatedcompanyid;
    if (!id) continue;
    const cached = deps.companies.get(id, now);
    if (cached) out.set(id, cached);
    else wanted.add(id);
  }
  for (const part of chunk([...wanted])) {
    const { records: companies } = await deps.crm.readCompanies(part, properties);
    for (const c of companies) {
      out.set(c.id, c.properties);
      deps.companies.set(c.id, c.properties, now);
    }
  }
  return out;
}
