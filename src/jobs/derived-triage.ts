/**
 * Which webhook events call for derived-signal work (see derive-signals.ts): a change of a contact
 * property a `derivedFrom` rule watches (`hs_email_optout`, `num_conversion_events`), a meeting
 * created, restored or changed in a watched property (`hs_meeting_outcome`), and a contact↔meeting
 * association added. The work is the record's (`derive:contact:<id>`, `derive:meeting:<id>`),
 * coalesced per record in the queue. Changes the app's own writes caused never count.
 */
import { watchedProperties } from '../core/derived-signals.js';
import type { QualificationModel } from '../core/model.js';
import { eventKind, isContactEvent, type WebhookEvent } from '../hubspot/payloads.js';
import { derivedWorkKey, type EnqueueRequest } from '../store/store.port.js';

/** HubSpot's object type ids of the records derived rules read (generic webhook format). */
const CONTACT_TYPE_ID = '0-1';
const MEETING_TYPE_ID = '0-47';

/** The queue reason of derived-signal work. */
export const DERIVED_WORK_REASON = 'derived-change';

/** The properties whose changes a model's derived rules watch, as sets. */
export interface WatchedProperties {
  contact: ReadonlySet<string>;
  meeting: ReadonlySet<string>;
}

export function watchedBy(model: QualificationModel): WatchedProperties {
  const watched = watchedProperties(model);
  return { contact: new Set(watched.contact), meeting: new Set(watched.meeting) };
}

/** Is this an event about a meeting (generic format, object type 0-47)? */
export function isMeetingEvent(event: WebhookEvent): boolean {
  return event.subscriptionType.startsWith('object.') && event.objectTypeId === MEETING_TYPE_ID;
}

/** The derived-signal work an event calls for, or null. `ownWrite`: the event echoes the app's own write. */
export function derivedWorkOf(
  event: WebhookEvent,
  watched: WatchedProperties,
  ownWrite: boolean,
): EnqueueRequest | null {
  if (ownWrite) return null;
  const kind = eventKind(event);
  const work = (object: 'contact' | 'meeting', id: string): EnqueueRequest => ({
    portalId: event.portalId,
    contactId: derivedWorkKey(object, id),
    reason: DERIVED_WORK_REASON,
  });
  if (isContactEvent(event) && kind === 'propertyChange')
    return watched.contact.has(event.propertyName ?? '') ? work('contact', event.objectId) : null;
  if (watched.meeting.size === 0) return null;
  if (isMeetingEvent(event)) {
    if (kind === 'creation' || kind === 'restore') return work('meeting', event.objectId);
    if (kind === 'propertyChange' && watched.meeting.has(event.propertyName ?? ''))
      return work('meeting', event.objectId);
    return null;
  }
  if (kind === 'associationChange' && !event.associationRemoved) {
    const { fromObjectTypeId: from, toObjectTypeId: to, fromObjectId, toObjectId } = event;
    if (from === MEETING_TYPE_ID && to === CONTACT_TYPE_ID && fromObjectId)
      return work('meeting', fromObjectId);
    if (from === CONTACT_TYPE_ID && to === MEETING_TYPE_ID && toObjectId) return work('meeting', toObjectId);
  }
  return null;
}
