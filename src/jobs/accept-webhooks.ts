/**
 * Accept a webhook batch: decide which events need a rescore, then make the batch durable (events
 * deduplicated, contacts enqueued, in one transaction) before HubSpot gets its 2xx.
 *
 * No loops: changes to the app's own `lq_*` properties, and changes this app's own writes caused
 * (HubSpot echoes them with the app as `sourceId`), never enqueue a rescore. Anything else our
 * write touches converges anyway: a rescore finds nothing to change and writes nothing.
 */
import { propertiesRead } from '../core/properties.js';
import { eventKind, isContactEvent, type WebhookEvent } from '../hubspot/payloads.js';
import { isOwnProperty } from '../hubspot/write-back.js';
import type { AcceptEventsResult, Store, WebhookEventRecord } from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';

export interface AcceptWebhooksDeps {
  store: Pick<Store, 'acceptEvents'>;
  models: ActiveModels;
  clock: () => number;
  /** This app's id: events whose `sourceId` names it are echoes of our own writes. */
  appId?: string;
}

export type IgnoreReason = 'own_property' | 'own_write' | 'not_a_model_property' | 'not_a_contact' | 'kind';

export interface AcceptWebhooksResult extends AcceptEventsResult {
  ignored: Partial<Record<IgnoreReason, number>>;
}

/** Why an event does not need a rescore, or null when it does (with the contact to rescore). */
export function triage(
  event: WebhookEvent,
  modelProperties: ReadonlySet<string>,
  appId?: string,
): { contactId: string } | IgnoreReason {
  if (!isContactEvent(event)) return 'not_a_contact';
  const kind = eventKind(event);
  if (kind === 'creation' || kind === 'restore') return { contactId: event.objectId };
  if (kind === 'merge') return { contactId: event.primaryObjectId ?? event.newObjectId ?? event.objectId };
  if (kind !== 'propertyChange') return 'kind';
  const property = event.propertyName ?? '';
  if (isOwnProperty(property)) return 'own_property';
  if (appId && event.sourceId && (event.sourceId === appId || event.sourceId === `appId:${appId}`))
    return 'own_write';
  if (!modelProperties.has(property)) return 'not_a_model_property';
  return { contactId: event.objectId };
}

export async function acceptWebhooks(
  deps: AcceptWebhooksDeps,
  events: readonly WebhookEvent[],
  rawEvents: readonly unknown[],
): Promise<AcceptWebhooksResult> {
  const now = deps.clock();
  const ignored: Partial<Record<IgnoreReason, number>> = {};
  const records: WebhookEventRecord[] = [];
  const propertiesByPortal = new Map<string, Set<string>>();

  for (const [i, event] of events.entries()) {
    let properties = propertiesByPortal.get(event.portalId);
    if (!properties) {
      const { model } = await deps.models.get(event.portalId);
      properties = new Set(propertiesRead(model).contact);
      propertiesByPortal.set(event.portalId, properties);
    }
    const decision = triage(event, properties, deps.appId);
    if (typeof decision === 'string') ignored[decision] = (ignored[decision] ?? 0) + 1;
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
      raw: JSON.stringify(rawEvents[i] ?? event),
      receivedAt: now,
      enqueue:
        typeof decision === 'string'
          ? null
          : { portalId: event.portalId, contactId: decision.contactId, reason: 'webhook' },
    });
  }
  const result = await deps.store.acceptEvents(records);
  return { ...result, ignored };
}
