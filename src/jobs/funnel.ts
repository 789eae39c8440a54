/**
 * The funnel of a portal, from its stored history: loads transitions, decisions, timers and the
 * MQLs' deals (kept from HubSpot's webhooks and reads) and hands them to the core's pure funnel
 * maths. No HubSpot call. Economics flags, when given, override what the deals say.
 */
import { type Economics, type FunnelReport, funnelReport } from '../core/funnel.js';
import { parseModel } from '../core/model.js';
import { DEFAULT_PRESET, loadPreset } from '../core/presets/index.js';
import type {
  ContactStore,
  DealStore,
  DecisionStore,
  DisputeStore,
  ModelStore,
  PortalId,
  SlaStore,
} from '../store/store.port.js';

/**
 * "No idea why this is an MQL": the MQLs sales returned with that reason plus the scores disputed
 * from the contact card in the period (a dispute is the same doubt, said without returning the lead).
 */
export interface UnclearMqls {
  returned: number;
  disputed: number;
  /** Distinct contacts disputed. */
  disputedContacts: number;
  total: number;
}

/** The period a funnel covers when none is given: the last 28 days. */
export const DEFAULT_FUNNEL_DAYS = 28;

/** The funnel of the MQLs of [from, to); what became of them is read up to now, not only up to `to`. */
export async function funnelFromStore(
  store: {
    contacts: ContactStore;
    decisions: DecisionStore;
    sla: SlaStore;
    models: ModelStore;
    disputes?: DisputeStore;
    /** HubSpot's deals: opportunities, customers, deal value and cycle (without it, stages only). */
    deals?: Pick<DealStore, 'dealsOfContacts'>;
  },
  portalId: PortalId,
  from: number,
  to: number,
  economics: Economics = {},
  now = Date.now(),
): Promise<FunnelReport & { reasonLabels: Record<string, string>; unclearMqls: UnclearMqls }> {
  // What became of the period's MQLs is read up to now, not only up to `to`.
  const until = Math.max(to, now) + 1;
  const [transitions, decisions, timers, published, disputes] = await Promise.all([
    store.contacts.transitions(portalId, from, until),
    store.decisions.applied(portalId, from, until),
    store.sla.startedBetween(portalId, from, until),
    store.models.published(portalId),
    store.disputes ? store.disputes.between(portalId, from, until) : Promise.resolve([]),
  ]);
  const contactIds = [...new Set(transitions.map((t) => t.contactId))];
  const deals =
    store.deals && contactIds.length > 0 ? await store.deals.dealsOfContacts(portalId, contactIds) : [];
  const parsed = published ? parseModel(published.model) : null;
  const model = parsed?.success ? parsed.model : loadPreset(DEFAULT_PRESET);
  const reasonLabels = Object.fromEntries(model.feedback.lostReasons.map((r) => [r.id, r.label]));
  const report = funnelReport({
    transitions: transitions.map((t) => ({ ...t, details: t.details ?? {} })),
    decisions,
    timers,
    from,
    to,
    reasonLabels,
    deals,
    economics: Object.fromEntries(Object.entries(economics).filter(([, v]) => v !== undefined)) as Economics,
  });
  const returned = report.lostReasons.find((r) => r.reason === 'unclear_mql')?.count ?? 0;
  const unclearMqls: UnclearMqls = {
    returned,
    disputed: disputes.length,
    disputedContacts: new Set(disputes.map((d) => d.contactId)).size,
    total: returned + disputes.length,
  };
  return { ...report, reasonLabels, unclearMqls };
}
