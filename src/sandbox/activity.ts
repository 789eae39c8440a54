/**
 * What happens on a portal besides API writes, recorded the way HubSpot records it: a contact
 * submits a form (HubSpot counts the conversion in `num_conversion_events` and names the form in
 * `recent_conversion_event_name`, with `recent_conversion_date`, and `first_conversion_event_name`
 * on the first one), a contact unsubscribes from all e-mail (`hs_email_optout` becomes `true`), a
 * meeting is logged on a contact and later gets its outcome (`hs_meeting_outcome`).
 *
 * Each helper writes through the store (so the values, their property history and the association
 * are there for the API to read) and returns the webhook events HubSpot sends for the change: a
 * `propertyChange` per property written (contacts in the chosen format, meetings in the generic
 * `object.*` one, which is all HubSpot has for them), and a meeting's `object.creation`.
 */
import type { CrmChange, CrmStore, WriteSource } from './crm-store.js';
import type { EventFactory, WebhookEvent, WebhookFormat } from './webhook-events.js';

export type MeetingOutcome = 'SCHEDULED' | 'COMPLETED' | 'RESCHEDULED' | 'NO_SHOW' | 'CANCELED';

/** HubSpot-defined association type id meeting → contact (`meeting_event_to_contact`). */
export const MEETING_TO_CONTACT = 200;

export interface Activity {
  /** The contact submits the form named `formName`. */
  submitForm(contactId: string, formName: string, format?: WebhookFormat): WebhookEvent[];
  /** The contact unsubscribes from all e-mail. */
  optOut(contactId: string, format?: WebhookFormat): WebhookEvent[];
  /** A meeting logged on the contact (created with its outcome, by default SCHEDULED). */
  logMeeting(
    contactId: string,
    meeting?: { title?: string; startAt?: number; outcome?: MeetingOutcome },
  ): { meetingId: string; events: WebhookEvent[] };
  /** A person sets a meeting's outcome. */
  setMeetingOutcome(meetingId: string, outcome: MeetingOutcome): WebhookEvent[];
}

export function createActivity(store: CrmStore, events: EventFactory, now: () => number): Activity {
  /** Runs writes and returns the events HubSpot sends for the changes they made. */
  const recorded = (format: WebhookFormat, write: () => void): WebhookEvent[] => {
    const changes: CrmChange[] = [];
    const stop = store.onChange((change) => changes.push(change));
    try {
      write();
    } finally {
      stop();
    }
    return changes
      .filter((c) => c.kind !== 'associationChange')
      .map((c) => events.fromChange(c, c.objectType === 'meetings' ? 'generic' : format));
  };
  const contact = (id: string) => {
    const found = store.get('contacts', id);
    if (!found) throw new Error(`no contact ${id}`);
    return found;
  };
  const ui: WriteSource = { changeSource: 'CRM_UI' };

  return {
    submitForm(contactId, formName, format = 'legacy') {
      const properties = contact(contactId).properties;
      const count = Number(properties.num_conversion_events ?? '0') || 0;
      return recorded(format, () =>
        store.update(
          'contacts',
          contactId,
          {
            num_conversion_events: String(count + 1),
            recent_conversion_event_name: formName,
            recent_conversion_date: new Date(now()).toISOString(),
            ...(properties.first_conversion_event_name ? {} : { first_conversion_event_name: formName }),
          },
          { changeSource: 'FORM' },
        ),
      );
    },
    optOut(contactId, format = 'legacy') {
      contact(contactId);
      return recorded(format, () =>
        store.update('contacts', contactId, { hs_email_optout: 'true' }, { changeSource: 'EMAIL' }),
      );
    },
    logMeeting(contactId, meeting = {}) {
      contact(contactId);
      let meetingId = '';
      const start = new Date(meeting.startAt ?? now()).toISOString();
      const emitted = recorded('generic', () => {
        meetingId = store.create(
          'meetings',
          {
            hs_timestamp: start,
            hs_meeting_start_time: start,
            hs_meeting_title: meeting.title ?? 'Demo',
            hs_meeting_outcome: meeting.outcome ?? 'SCHEDULED',
          },
          ui,
          [
            {
              to: { id: contactId },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: MEETING_TO_CONTACT }],
            },
          ],
        ).id;
      });
      return { meetingId, events: emitted };
    },
    setMeetingOutcome(meetingId, outcome) {
      return recorded('generic', () =>
        store.update('meetings', meetingId, { hs_meeting_outcome: outcome }, ui),
      );
    },
  };
}
