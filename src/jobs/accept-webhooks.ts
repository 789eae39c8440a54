/**
 * Accept a webhook batch, event by event: each event is parsed on its own, and one that is not a
 * webhook event (wrong types, missing fields, too deep, not JSON) is refused by itself, counted and
 * reported, never taking the others down with it: HubSpot retries a batch that fails and drops all
 * of it in the end. For the valid ones, decide which need a rescore, then make them durable (events
 * deduplicated, each kept as the text it arrived in, contacts enqueued, in one transaction) before
 * HubSpot gets its 2xx.
 *
 * No loops: changes to the app's own `lq_*` properties, and changes this app's own writes caused
 * (HubSpot echoes them with the app as `sourceId`), never enqueue a rescore. Anything else our
 * write touches converges anyway: a rescore finds nothing to change and writes nothing.
 *
 * Company changes reach the contacts: a change to a company property the model reads, a company's
 * deletion or merge queues the company's fan-out work (`company:<id>`, coalesced per company; see
 * company-fanout.ts) with the event, and forgets the company's cached properties; a contact's
 * company association changing (added or removed, either direction) queues the contact.
 *
 * The feedback loop listens too, to changes people make (never to the app's own writes): a lead
 * status the model maps to a decision is that decision (recorded as pending with the event, applied
 * by the worker); a lead status that shows contact meets the follow-up SLA; a lifecycle stage a
 * person sets is a `lifecycle` transition (cause `hubspot`) for the funnel, and SQL or later on a
 * routed MQL is its acceptance.
 *
 * A deal created, deleted or changed (its stage, amount or close date) by someone other than this
 * app queues the deal's work (`deal:<id>`): the worker reads its facts and contacts (deal-sync.ts).
 *
 * A contact deleted, erased (`contact.privacyDeletion`) or merged away takes its stored data with
 * it, or hands it to the merge's survivor: the event carries the removal, applied to every
 * aggregate in the transaction that stores the event.
 */
import { FOLLOW_UP_LEAD_STATUSES, higherStage, isSalesStage } from '../core/feedback.js';
import { jsonPath, type QualificationModel } from '../core/model.js';
import { ownValue } from '../core/own.js';
import { propertiesRead } from '../core/properties.js';
import {
  contactOfCompanyAssociation,
  eventKind,
  isCompanyEvent,
  isContactEvent,
  isDealEvent,
  mergeOf,
  type WebhookEvent,
} from '../hubspot/payloads.js';
import { isOwnProperty } from '../hubspot/write-back.js';
import {
  companyWorkKey,
  dealWorkKey,
  type AcceptEventsResult,
  type ContactId,
  type ContactRemoval,
  type SalesDecisionRequest,
  type ContactStore,
  type EnqueueRequest,
  type EventStore,
  type SlaStore,
  type TransitionRecord,
  type WebhookEventRecord,
} from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import { type InvalidEvent, type InvalidReason, judgeBatch, type ReceivedBatch } from './webhook-batch.js';
import { COMPANY_CHANGE_REASON } from './company-fanout.js';
import { derivedWorkOf, watchedBy, type WatchedProperties } from './derived-triage.js';
import { DEAL_CHANGE_REASON } from './deal-sync.js';

export interface AcceptWebhooksDeps {
  store: { events: EventStore; contacts: ContactStore; sla: SlaStore };
  models: ActiveModels;
  clock: () => number;
  /** This app's id: events whose `sourceId` names it are echoes of our own writes. */
  appId?: string;
  /** Forgets a company's cached properties (this instance's cache) when it changed. */
  forgetCompany?: (companyId: string) => void;
}

export type IgnoreReason =
  | 'own_property'
  | 'own_write'
  | 'not_a_model_property'
  | 'not_a_contact'
  | 'not_a_company_association'
  | 'kind';

export interface AcceptWebhooksResult extends AcceptEventsResult {
  ignored: Partial<Record<IgnoreReason, number>>;
}

/** The properties a model reads, per object, as sets. */
export interface ModelProperties {
  contact: ReadonlySet<string>;
  company: ReadonlySet<string>;
}

/**
 * What an event calls for: a contact to rescore, companies whose contacts to rescore (fan-out), or
 * why it needs nothing.
 */
export type Triage = { contactId: string } | { companyIds: string[] } | { dealId: string } | IgnoreReason;

/** Is this event an echo of the app's own write? (HubSpot names the app as its `sourceId`.) */
function isOwnWrite(event: WebhookEvent, appId?: string): boolean {
  return !!appId && !!event.sourceId && (event.sourceId === appId || event.sourceId === `appId:${appId}`);
}

/** What the event calls for; see {@link Triage}. */
export function triage(event: WebhookEvent, modelProperties: ModelProperties, appId?: string): Triage {
  const kind = eventKind(event);
  if (kind === 'associationChange') {
    const contactId = contactOfCompanyAssociation(event);
    if (contactId === null) return 'not_a_company_association';
    if (isOwnWrite(event, appId)) return 'own_write';
    // A model that reads nothing of companies does not care which company a contact has.
    if (modelProperties.company.size === 0) return 'not_a_model_property';
    return { contactId };
  }
  if (isCompanyEvent(event)) return triageCompany(event, kind, modelProperties.company, appId);
  // A deal created, changed or deleted by someone else: its facts are read (deal-sync.ts).
  if (isDealEvent(event)) return isOwnWrite(event, appId) ? 'own_write' : { dealId: event.objectId };
  if (!isContactEvent(event)) return 'not_a_contact';
  if (kind === 'creation' || kind === 'restore') return { contactId: event.objectId };
  if (kind === 'merge') return { contactId: mergeOf(event).into };
  if (kind !== 'propertyChange') return 'kind';
  const property = event.propertyName ?? '';
  if (isOwnProperty(property)) return 'own_property';
  if (isOwnWrite(event, appId)) return 'own_write';
  if (!modelProperties.contact.has(property)) return 'not_a_model_property';
  return { contactId: event.objectId };
}

/**
 * A company event: a change to a property the model reads, a deletion, a restore or a merge fans
 * out to the company's contacts. A merge fans out from every company it names: the one that
 * remains lists all the contacts now; the ones merged away are found through the snapshots.
 */
function triageCompany(
  event: WebhookEvent,
  kind: string,
  companyProperties: ReadonlySet<string>,
  appId?: string,
): Triage {
  if (companyProperties.size === 0) return 'not_a_model_property';
  if (kind === 'deletion' || kind === 'restore') return { companyIds: [event.objectId] };
  if (kind === 'merge') {
    const named = [
      event.newObjectId,
      event.primaryObjectId,
      event.objectId,
      ...(event.mergedObjectIds ?? []),
    ];
    return { companyIds: [...new Set(named.filter((id): id is string => id !== undefined))] };
  }
  if (kind !== 'propertyChange') return 'kind';
  const property = event.propertyName ?? '';
  if (isOwnProperty(property)) return 'own_property';
  if (isOwnWrite(event, appId)) return 'own_write';
  if (!companyProperties.has(property)) return 'not_a_model_property';
  return { companyIds: [event.objectId] };
}

/**
 * What a contact event says about the contact's stored data: a deletion or privacy deletion
 * removes it, a merge moves the merged-away contacts' data to the one that remains; else null.
 */
export function removalOf(event: WebhookEvent): ContactRemoval | null {
  if (!isContactEvent(event)) return null;
  const kind = eventKind(event);
  if (kind === 'deletion') return { kind: 'deleted', portalId: event.portalId, contactIds: [event.objectId] };
  if (kind === 'privacyDeletion')
    return { kind: 'erased', portalId: event.portalId, contactIds: [event.objectId] };
  if (kind !== 'merge') return null;
  const { into, from } = mergeOf(event);
  return from.length > 0 ? { kind: 'merged', portalId: event.portalId, from, into } : null;
}

/** Change sources of API writes: without the app id, such a change may be the app's own. */
const API_SOURCES = new Set(['INTEGRATION', 'API']);

/**
 * Is this a change a person (or another app) made to `lifecyclestage` or `hs_lead_status`? The
 * app's own writes are recognised by its id; without one, API writes are not trusted to be others'.
 */
export function feedbackProperty(
  event: WebhookEvent,
  appId?: string,
): 'lifecyclestage' | 'hs_lead_status' | null {
  if (!isContactEvent(event) || eventKind(event) !== 'propertyChange') return null;
  const property = event.propertyName;
  if (property !== 'lifecyclestage' && property !== 'hs_lead_status') return null;
  if (!event.propertyValue) return null;
  if (appId) {
    if (event.sourceId === appId || event.sourceId === `appId:${appId}`) return null;
  } else if (API_SOURCES.has(event.changeSource ?? '')) return null;
  return property;
}

/** An idempotency key from the event's composite key (HubSpot's eventId alone is not unique). */
function eventKey(event: WebhookEvent): string {
  return `webhook:${event.eventId}:${event.subscriptionId}:${event.objectId}:${event.occurredAt}:${event.propertyName ?? ''}`;
}

/** The sales decision a lead status or stage a person set expresses, or null. */
export function decisionOf(
  event: WebhookEvent,
  property: 'lifecyclestage' | 'hs_lead_status',
  model: QualificationModel,
): SalesDecisionRequest | null {
  const value = event.propertyValue ?? '';
  const base = {
    portalId: event.portalId,
    contactId: event.objectId,
    note: null,
    decidedBy: `hubspot:${event.changeSource ?? 'unknown'}${event.sourceId ? `:${event.sourceId}` : ''}`,
    decidedAt: event.occurredAt,
    idempotencyKey: eventKey(event),
    trigger: value,
  };
  if (property === 'lifecyclestage')
    return isSalesStage(value) ? { ...base, decision: 'accept', reason: null, source: 'lifecycle' } : null;
  // A lead status is HubSpot's text: `constructor` or `__proto__` must not find Object's members.
  const rule = ownValue(model.feedback.leadStatusDecisions, value);
  if (!rule) return null;
  return rule.decision === 'accept'
    ? { ...base, decision: 'accept', reason: null, source: 'lead-status' }
    : { ...base, decision: 'return', reason: rule.reason, source: 'lead-status' };
}

export interface AcceptBatchResult extends AcceptWebhooksResult {
  /** The events accepted as valid (stored, or found to be duplicates). */
  valid: readonly WebhookEvent[];
  /** The refused events of the first 100, in batch order. */
  invalid: readonly InvalidEvent[];
  /** Refused events by reason, those beyond the 100th included. */
  invalidByReason: Partial<Record<InvalidReason, number>>;
  /** Valid events of portals this service does not serve (counted, not stored), by portal. */
  otherPortals: Map<string, number>;
  /** Those events of the first 100, in batch order: where (`$[3].portalId`) and which portal. */
  otherPortalEvents: readonly { path: string; portalId: string }[];
}

/**
 * Accepts a batch as read: the valid events are stored with their work (see
 * {@link acceptWebhooks}); the others are refused one by one, with the reason.
 */
export async function acceptWebhookBatch(
  deps: AcceptWebhooksDeps,
  batch: ReceivedBatch,
  /** Which portals' events to store (the one this service serves); others are counted, not stored. */
  servesPortal: (portalId: string) => boolean = () => true,
): Promise<AcceptBatchResult> {
  const { valid, invalid, invalidByReason } = judgeBatch(batch);
  const ours = valid.filter((v) => servesPortal(v.event.portalId));
  const otherPortals = new Map<string, number>();
  const otherPortalEvents: { path: string; portalId: string }[] = [];
  for (const v of valid)
    if (!servesPortal(v.event.portalId)) {
      otherPortals.set(v.event.portalId, (otherPortals.get(v.event.portalId) ?? 0) + 1);
      otherPortalEvents.push({
        path: jsonPath([v.index, 'portalId']),
        portalId: v.event.portalId.slice(0, 20),
      });
    }
  const result =
    ours.length > 0
      ? await acceptWebhooks(deps, ours)
      : { accepted: 0, duplicates: 0, enqueued: 0, ignored: {} };
  return {
    ...result,
    valid: valid.map((v) => v.event),
    invalid,
    invalidByReason,
    otherPortals,
    otherPortalEvents,
  };
}

/**
 * Stores valid events, each with `raw`, the text it arrived in (kept as received, never
 * re-serialised), and queues the work they call for, in one transaction.
 */
export async function acceptWebhooks(
  deps: AcceptWebhooksDeps,
  received: readonly { event: WebhookEvent; raw: string }[],
): Promise<AcceptWebhooksResult> {
  const now = deps.clock();
  const events = received.map((r) => r.event);
  const ignored: Partial<Record<IgnoreReason, number>> = {};
  const records: WebhookEventRecord[] = [];
  const propertiesByPortal = new Map<string, ModelProperties>();
  const watchedByPortal = new Map<string, WatchedProperties>();
  const stages = await lifecycleTransitions(deps, events);
  const followUps: WebhookEvent[] = [];
  /** Companies that changed, and the fan-out work of the ones a merge named besides the first. */
  const changedCompanies = new Set<string>();
  const moreWork: EnqueueRequest[] = [];

  for (const [i, event] of events.entries()) {
    const { model } = await deps.models.get(event.portalId);
    let properties = propertiesByPortal.get(event.portalId);
    if (!properties) {
      const read = propertiesRead(model);
      properties = { contact: new Set(read.contact), company: new Set(read.company) };
      propertiesByPortal.set(event.portalId, properties);
    }
    let decision = triage(event, properties, deps.appId);
    let watched = watchedByPortal.get(event.portalId);
    if (!watched) watchedByPortal.set(event.portalId, (watched = watchedBy(model)));
    // HubSpot's own record of intent (an opt-out, a form, a meeting's outcome): read by the worker.
    const derived = derivedWorkOf(event, watched, isOwnWrite(event, deps.appId));
    const property = feedbackProperty(event, deps.appId);
    const salesDecision = property ? decisionOf(event, property, model) : null;
    // A decision is applied by the worker with the contact as it is then: queue the contact.
    if (salesDecision && typeof decision === 'string') decision = { contactId: event.objectId };
    if (typeof decision === 'string' && derived === null) ignored[decision] = (ignored[decision] ?? 0) + 1;
    let enqueue: EnqueueRequest | null = null;
    if (typeof decision !== 'string' && 'contactId' in decision)
      enqueue = {
        portalId: event.portalId,
        contactId: decision.contactId,
        reason: salesDecision ? 'sales-decision' : 'webhook',
      };
    if (typeof decision !== 'string' && 'dealId' in decision)
      enqueue = {
        portalId: event.portalId,
        contactId: dealWorkKey(decision.dealId),
        reason: DEAL_CHANGE_REASON,
      };
    if (typeof decision !== 'string' && 'companyIds' in decision) {
      const [first, ...others] = decision.companyIds.map((id) => ({
        portalId: event.portalId,
        contactId: companyWorkKey(id),
        reason: COMPANY_CHANGE_REASON,
      }));
      enqueue = first ?? null;
      moreWork.push(...others);
      for (const id of decision.companyIds) changedCompanies.add(id);
    }
    if (derived !== null) {
      if (enqueue === null) enqueue = derived;
      else moreWork.push(derived);
    }
    if (property === 'hs_lead_status' && FOLLOW_UP_LEAD_STATUSES.includes(event.propertyValue ?? ''))
      followUps.push(event);
    const transition = stages.get(event);
    records.push({
      portalId: event.portalId,
      eventId: event.eventId,
      subscriptionId: event.subscriptionId,
      subscriptionType: event.subscriptionType,
      objectId: event.objectId,
      occurredAt: event.occurredAt,
      propertyName: event.propertyName ?? null,
      propertyValue: event.propertyValue ?? null,
      changeSource: event.changeSource ?? null,
      sourceId: event.sourceId ?? null,
      attemptNumber: event.attemptNumber,
      raw: received[i]!.raw,
      receivedAt: now,
      enqueue,
      decision: salesDecision,
      transitions: transition ? [transition] : [],
      removal: removalOf(event),
    });
  }
  const result = await deps.store.events.accept(records, moreWork);
  for (const id of changedCompanies) deps.forgetCompany?.(id);
  // A person showed contact after acceptance: the follow-up SLA is met (if it runs and is not late).
  for (const e of followUps) await deps.store.sla.meet(e.portalId, e.objectId, 'follow_up', e.occurredAt);
  return { ...result, ignored };
}

/**
 * The `lifecycle` transitions of stages people set, per event: from the stage the app last knew
 * (or the previous event of the batch), with the high-water mark. Cleared stages are skipped.
 */
async function lifecycleTransitions(
  deps: AcceptWebhooksDeps,
  events: readonly WebhookEvent[],
): Promise<Map<WebhookEvent, TransitionRecord>> {
  const out = new Map<WebhookEvent, TransitionRecord>();
  const byPortal = new Map<string, WebhookEvent[]>();
  for (const e of events)
    if (feedbackProperty(e, deps.appId) === 'lifecyclestage')
      byPortal.set(e.portalId, [...(byPortal.get(e.portalId) ?? []), e]);
  for (const [portalId, list] of byPortal) {
    const ids = [...new Set(list.map((e) => e.objectId))];
    const [{ model }, evaluations, snapshots] = await Promise.all([
      deps.models.get(portalId),
      deps.store.contacts.latestEvaluations(portalId, ids),
      deps.store.contacts.snapshotsOf(portalId, ids),
    ]);
    const known = new Map<ContactId, { stage: string | null; highWater: string | null }>();
    for (const id of ids) {
      const snapshot = snapshots.get(id)?.properties ?? {};
      const stage = evaluations.get(id)?.lifecycleStage ?? snapshot.lifecyclestage ?? null;
      known.set(id, {
        stage,
        highWater: higherStage(snapshot.lq_highest_stage, snapshot.lifecyclestage, stage),
      });
    }
    for (const e of [...list].sort((a, b) => a.occurredAt - b.occurredAt)) {
      const before = known.get(e.objectId)!;
      const to = e.propertyValue ?? '';
      const highWater = higherStage(before.highWater, to);
      if (before.stage === to) continue;
      out.set(e, {
        portalId,
        contactId: e.objectId,
        kind: 'lifecycle',
        from: before.stage,
        to,
        at: e.occurredAt,
        modelVersion: evaluations.get(e.objectId)?.modelVersion ?? model.version,
        cause: 'hubspot',
        details: { highWater, changeSource: e.changeSource ?? null, sourceId: e.sourceId ?? null },
      });
      known.set(e.objectId, { stage: to, highWater });
    }
  }
  return out;
}

export {
  type InvalidEvent,
  type InvalidReason,
  judgeBatch,
  type ReceivedBatch,
  type ReceivedEvent,
} from './webhook-batch.js';
