/**
 * Derived signals, live: HubSpot told us (a webhook) that a record changed in a way the model's
 * `derivedFrom` rules watch (a contact's opt-out or form conversion, a meeting's outcome). The
 * webhook queues the record's derived work (`derive:contact:<id>`, `derive:meeting:<id>`,
 * coalesced per record); the worker hands a claim of them here:
 *
 *   read      the contacts' history of the properties the rules read (≤50 a call); their
 *             meetings (associations, ≤1,000 a call); the meetings' contacts; the meetings'
 *             history (≤50 a call): all through the gateway's one rate budget
 *   derive    core.derivedSignals on each record: dated with HubSpot's timestamps, keyed by source
 *   record    each signal once per contact (its idempotency key is the source key), and the
 *             contact queued for rescoring when a signal is new
 *
 * The history is read rather than the webhook's value taken, for two reasons: a rule may need
 * other properties as they were at the change (the form a conversion was for), which arrive as
 * separate events in no guaranteed order; and the same function then serves a history backfill,
 * which finds exactly the signals the live path found (same source keys, nothing twice).
 */
import { derivedProperties, derivedSignals, type DerivedSignal } from '../core/derived-signals.js';
import type { QualificationModel } from '../core/model.js';
import type { DerivedReads } from '../hubspot/crm-history.js';
import type { Logger } from '../logger.js';
import type { ContactId, ContactStore, PortalId } from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';

/** The queue reason of a contact that got a new derived signal. */
export const DERIVED_SIGNAL_REASON = 'derived-signal';
/** The `source` of a stored derived signal. */
export const DERIVED_SIGNAL_SOURCE = 'hubspot-record';

export interface DeriveSignalsDeps {
  store: { contacts: Pick<ContactStore, 'recordSignals'> };
  crm: DerivedReads;
  models: ActiveModels;
  clock: () => number;
  logger?: Logger;
}

export interface DeriveResult {
  /** Signals found in the histories read (each once per contact). */
  found: number;
  /** Of those, new to the store (the rest were recorded before). */
  created: number;
  /** Contacts queued for rescoring. */
  queued: number;
}

/** The stored idempotency key of a derived signal of one contact: its source key, per type and contact. */
export function derivedSignalKey(
  contactId: ContactId,
  signal: Pick<DerivedSignal, 'type' | 'sourceKey'>,
): string {
  return `derived:${contactId}:${signal.type}:${signal.sourceKey}`;
}

/** Reads, derives and records the signals of these records (of one portal); see the module. */
export async function deriveSignals(
  deps: DeriveSignalsDeps,
  portalId: PortalId,
  work: { contacts: readonly ContactId[]; meetings: readonly string[] },
): Promise<DeriveResult> {
  const { model } = await deps.models.get(portalId);
  const found = await readAndDerive(deps.crm, model, work);
  const { created, contacts } = await recordDerivedSignals(deps.store, portalId, found, deps.clock(), {
    enqueue: true,
  });
  const outcome = { found: found.length, created, queued: contacts.size };
  if (created > 0)
    deps.logger?.info({ portalId, ...outcome }, 'derived signals recorded from HubSpot records');
  return outcome;
}

/**
 * Stores each found signal once per contact (keyed by {@link derivedSignalKey}: the live path and a
 * backfill store the same signal under the same key), queueing its contact for rescoring when it is
 * new and `enqueue` is set. Returns how many were new, and their contacts.
 */
export async function recordDerivedSignals(
  store: { contacts: Pick<ContactStore, 'recordSignals'> },
  portalId: PortalId,
  found: readonly { contactId: ContactId; signal: DerivedSignal }[],
  now: number,
  options: { enqueue: boolean },
): Promise<{ created: number; contacts: Set<ContactId> }> {
  const signals = found.map(({ contactId, signal }) => ({
    portalId,
    contactId,
    type: signal.type,
    occurredAt: signal.occurredAt,
    source: DERIVED_SIGNAL_SOURCE,
    idempotencyKey: derivedSignalKey(contactId, signal),
    recordedAt: now,
  }));
  // One transaction for the lot: a backfill's page holds hundreds.
  const created = await store.contacts.recordSignals(
    signals,
    options.enqueue ? DERIVED_SIGNAL_REASON : undefined,
  );
  const contacts = new Set(signals.filter((s) => created.has(s.idempotencyKey)).map((s) => s.contactId));
  return { created: created.size, contacts };
}

/** The signals of the records, each with the contact it belongs to (a meeting's, each of its contacts). */
export async function readAndDerive(
  crm: DerivedReads,
  model: QualificationModel,
  work: { contacts: readonly ContactId[]; meetings: readonly string[] },
): Promise<{ contactId: ContactId; signal: DerivedSignal }[]> {
  const read = derivedProperties(model);
  const out: { contactId: ContactId; signal: DerivedSignal }[] = [];
  const contacts = [...new Set(work.contacts)];
  if (contacts.length > 0 && read.contact.length > 0) {
    const histories = await crm.readHistories('contacts', contacts, read.contact);
    for (const [id, history] of histories)
      for (const signal of derivedSignals(model, { object: 'contact', id, history }))
        out.push({ contactId: id, signal });
  }
  if (read.meeting.length === 0) return out;

  // Which contacts each meeting belongs to: the changed meetings' own, and the changed contacts'.
  const contactsOf = new Map<string, Set<ContactId>>();
  const add = (meetingId: string, contactId: ContactId) => {
    const set = contactsOf.get(meetingId) ?? new Set<ContactId>();
    contactsOf.set(meetingId, set);
    set.add(contactId);
  };
  if (contacts.length > 0)
    for (const [contactId, meetings] of await crm.associatedIds('contacts', 'meetings', contacts))
      for (const meetingId of meetings) add(meetingId, contactId);
  const meetings = [...new Set(work.meetings)];
  if (meetings.length > 0)
    for (const [meetingId, ids] of await crm.associatedIds('meetings', 'contacts', meetings))
      for (const contactId of ids) add(meetingId, contactId);
  if (contactsOf.size === 0) return out;

  const histories = await crm.readHistories('meetings', [...contactsOf.keys()], read.meeting);
  for (const [id, history] of histories) {
    const signals = derivedSignals(model, { object: 'meeting', id, history });
    for (const contactId of contactsOf.get(id) ?? [])
      for (const signal of signals) out.push({ contactId, signal });
  }
  return out;
}
