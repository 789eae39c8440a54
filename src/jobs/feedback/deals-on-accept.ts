/**
 * Deals on accept (the model's `feedback.dealOnAccept`; off when absent). When sales accepts an
 * MQL, a deal is created in the model's pipeline and stage, associated with the contact and its
 * company, owned by the routed owner (else the contact's owner), in one HubSpot call:
 *
 *   learn    the accepted contacts' deals are read from HubSpot (whatever the switch), so the
 *            funnel knows the deals sales made by hand too
 *   request  one deal request per accept, keyed by the decision in the store: a retried accept
 *            (the same decision again) finds its request and makes no second deal
 *   create   the owed requests are leased and created; HubSpot's id is kept. A request tried
 *            before without a settled outcome (a crash or a timeout after HubSpot may have made
 *            it) first looks for the deal among the contact's deals (same pipeline and name,
 *            created since the accept) and adopts it instead of making another
 *   settle   refused by HubSpot (an unknown stage or owner): kept with its message, never
 *            retried as is; a transient failure: released for the feedback scheduler's next round
 */
import { dealName } from '../../core/deal-on-accept.js';
import { HubSpotError, type CrmGateway, type CrmRecord } from '../../hubspot/crm-gateway.js';
import type { Logger } from '../../logger.js';
import type {
  DealRecord,
  DealRequest,
  DealRequestRecord,
  DealStore,
  PortalId,
} from '../../store/store.port.js';
import { dealRecordOf } from '../deal-sync.js';
import type { ScoreDeps, ScoringBatch } from '../scoring/batch.js';

/** A deal HubSpot made at most this long before its request was recorded is still its deal (clock skew). */
const ADOPT_SKEW_MS = 60_000;
/** How long one instance holds a request while creating it. */
const LEASE_MS = 5 * 60_000;
/** Requests handled per round (HubSpot has no batch create with associations per input of ours). */
const CLAIM_LIMIT = 100;

export interface DealCreationDeps {
  store: { deals: DealStore };
  crm: Pick<CrmGateway, 'deals'>;
  clock: () => number;
  logger?: Logger | undefined;
}

/**
 * The scoring step: after the batch's decisions are settled, reads the accepted contacts' deals
 * and, when the model says so, requests and creates a deal for each accept.
 */
export async function dealsForAccepts(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const store = deps.store.deals;
  const crm = deps.crm.deals;
  if (!store || !crm) return;
  const accepted = [...batch.decided.planned]
    .filter(([contactId]) => !batch.refused.has(contactId))
    .flatMap(([contactId, list]) =>
      list
        .filter(
          (p) =>
            p.plan.applies && p.plan.decision === 'accept' && batch.decisions.has(p.entry.idempotencyKey),
        )
        .map((p) => ({ contactId, entry: p.entry })),
    );
  if (accepted.length === 0) return;
  const contactIds = [...new Set(accepted.map((a) => a.contactId))];
  await learnDealsOf(
    { store: { deals: store }, crm: { deals: crm }, clock: deps.clock },
    batch.portalId,
    contactIds,
  );

  const config = batch.model.feedback.dealOnAccept;
  if (!config) return;
  const requests: DealRequest[] = accepted.map(({ contactId, entry }) => {
    const properties = batch.decided.effective.get(contactId) ?? {};
    const route =
      batch.routes.find((r) => r.route.contactId === contactId)?.route ?? batch.loaded.routes.get(contactId);
    const companyId = properties.associatedcompanyid || null;
    return {
      portalId: batch.portalId,
      key: entry.idempotencyKey,
      contactId,
      companyId,
      ownerId: route?.ownerId ?? properties.hubspot_owner_id ?? null,
      pipeline: config.pipeline,
      stage: config.stage,
      name: dealName(config.nameTemplate, {
        contactId,
        firstname: properties.firstname,
        lastname: properties.lastname,
        email: properties.email,
        company: (companyId && batch.loaded.companies.get(companyId)?.name) || properties.company,
        acceptedAt: entry.decidedAt,
      }),
      requestedAt: batch.now,
    };
  });
  for (const request of requests) await store.request(request);
  const claimed = await store.claimOwed(batch.now + 1, batch.now, CLAIM_LIMIT, LEASE_MS);
  await createDeals(
    { store: { deals: store }, crm: { deals: crm }, clock: deps.clock, logger: deps.logger },
    claimed,
  );
}

/**
 * Reads these contacts' deals from HubSpot and keeps them (one call per 1,000 contacts, one per
 * 100 deals); returns the deals as read.
 */
export async function learnDealsOf(
  deps: Omit<DealCreationDeps, 'logger'>,
  portalId: PortalId,
  contactIds: readonly string[],
): Promise<CrmRecord[]> {
  const byContact = await deps.crm.deals.ofContacts(contactIds);
  const dealIds = [...new Set([...byContact.values()].flat())];
  if (dealIds.length === 0) return [];
  const { records } = await deps.crm.deals.read(dealIds);
  const contactsOf = new Map<string, string[]>();
  for (const [contactId, ids] of byContact)
    for (const id of ids) contactsOf.set(id, [...(contactsOf.get(id) ?? []), contactId]);
  // Only the asked contacts' side is known from this read: a deal's other contacts stay as stored.
  const learnedAt = deps.clock();
  const deals = records
    .map((r) => dealRecordOf(portalId, r, contactsOf.get(r.id) ?? [], learnedAt))
    .filter((d): d is DealRecord => d !== null);
  const known = await deps.store.deals.dealsOfContacts(portalId, contactIds);
  const stored = new Map(known.map((d) => [d.dealId, d.contactIds]));
  await deps.store.deals.save(
    deals.map((d) => ({
      ...d,
      contactIds: [...new Set([...(stored.get(d.dealId) ?? []), ...d.contactIds])],
    })),
  );
  return records;
}

/** Creates the deals of claimed requests; see the module. Returns how many HubSpot now has for them. */
export async function createDeals(
  deps: DealCreationDeps,
  requests: readonly DealRequestRecord[],
): Promise<number> {
  let done = 0;
  for (const request of requests) {
    try {
      const adopted = request.attempts > 1 ? await findMadeBefore(deps, request) : null;
      const dealId =
        adopted ??
        (await deps.crm.deals.create({
          contactId: request.contactId,
          companyId: request.companyId,
          properties: {
            dealname: request.name,
            pipeline: request.pipeline,
            dealstage: request.stage,
            ...(request.ownerId ? { hubspot_owner_id: request.ownerId } : {}),
          },
        }));
      await deps.store.deals.settle(request.portalId, request.key, { dealId });
      if (adopted === null) {
        const now = deps.clock();
        await deps.store.deals.save([
          {
            portalId: request.portalId,
            dealId,
            contactIds: [request.contactId],
            pipeline: request.pipeline,
            stage: request.stage,
            amount: null,
            createdAt: now,
            closedAt: null,
            outcome: null,
            updatedAt: now,
          },
        ]);
      }
      done++;
      deps.logger?.info(
        {
          portalId: request.portalId,
          contactId: request.contactId,
          dealId,
          owner: request.ownerId,
          adopted: adopted !== null,
        },
        adopted === null ? 'deal created for an accepted MQL' : 'deal of an earlier attempt found and kept',
      );
    } catch (error) {
      if (!(error instanceof HubSpotError)) throw error;
      if (error.code === 'rejected') {
        await deps.store.deals.settle(request.portalId, request.key, { refused: error.message });
        deps.logger?.error(
          { portalId: request.portalId, contactId: request.contactId, error: error.message },
          'HubSpot refused the deal for an accepted MQL (check the model’s dealOnAccept pipeline and stage)',
        );
      } else {
        await deps.store.deals.release(request.portalId, request.key, error.message);
        deps.logger?.warn(
          { portalId: request.portalId, contactId: request.contactId, error: error.message },
          'deal not created: will retry',
        );
      }
    }
  }
  return done;
}

/** The deal an earlier attempt of this request made, if HubSpot has it. */
async function findMadeBefore(deps: DealCreationDeps, request: DealRequestRecord): Promise<string | null> {
  const records = await learnDealsOf(deps, request.portalId, [request.contactId]);
  const match = records.find(
    (r) =>
      r.properties.dealname === request.name &&
      (r.properties.pipeline ?? 'default') === request.pipeline &&
      Date.parse(r.properties.createdate ?? '') >= request.requestedAt - ADOPT_SKEW_MS,
  );
  return match?.id ?? null;
}
