/**
 * Webhook events with HubSpot's field names (hubspot.md §2.1), in the legacy
 * (`contact.propertyChange`) and generic (`object.propertyChange` + `objectTypeId`) formats.
 *
 * Association changes: legacy events (`contact.associationChange`) carry `associationType`
 * (`CONTACT_TO_COMPANY`), `fromObjectId`, `toObjectId`, `associationRemoved` and
 * `isPrimaryAssociation` (HubSpot's changelog "New subscription types for webhooks"); generic ones
 * (`object.associationChange`) name the ends' object type ids and the association type id and
 * category instead, and, as HubSpot's generic-webhooks changelog lists `objectTypeId` only for the
 * other event kinds, carry none. Both carry `objectId` (the "from" end), as most samples do.
 */
import type { CrmChange } from './crm-store.js';
import { OBJECT_TYPE_IDS, type ObjectType, SINGULAR, UPPER_NAME } from './object-types.js';

/** One webhook event as HubSpot sends it inside the JSON array of a delivery. */
export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  objectTypeId?: string;
  propertyName?: string;
  propertyValue?: string;
  changeSource?: string;
  sourceId?: string;
  changeFlag?: string;
  isSensitive?: boolean;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  fromObjectTypeId?: string;
  toObjectTypeId?: string;
  associationTypeId?: number;
  associationCategory?: string;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
}

/** `legacy`: `contact.propertyChange`; `generic`: `object.propertyChange` with `objectTypeId`. */
export type WebhookFormat = 'legacy' | 'generic';

/** Options of {@link createEventFactory}. */
export interface EventFactoryOptions {
  portalId: number;
  appId: number;
  now: () => number;
  /** Fixed subscription ids by subscription type (and `type:propertyName`); others are numbered from 1. */
  subscriptionIds?: Record<string, number>;
  firstEventId?: number;
}

interface Common {
  objectType?: ObjectType;
  objectId: number | string;
  occurredAt?: number;
  changeSource?: string;
  sourceId?: string;
  format?: WebhookFormat;
}

/** Builds events with HubSpot's fields; each event gets the next event id. */
export interface EventFactory {
  propertyChange(input: Common & { propertyName: string; propertyValue: string }): WebhookEvent;
  creation(input: Common): WebhookEvent;
  deletion(input: Common): WebhookEvent;
  /**
   * A GDPR deletion of a contact: `contact.privacyDeletion`, a "hub event" that exists only in the
   * legacy format. HubSpot sends a `contact.deletion` for it as well (hubspot.md §2.1).
   */
  privacyDeletion(input: Omit<Common, 'objectType' | 'format'>): WebhookEvent;
  merge(
    input: Common & {
      primaryObjectId: number;
      mergedObjectIds: number[];
      newObjectId: number;
      numberOfPropertiesMoved?: number;
    },
  ): WebhookEvent;
  /** One side of an association added or removed (HubSpot sends one event per side). */
  associationChange(
    input: Omit<Common, 'objectId'> & {
      fromObjectId: number | string;
      toObjectType: ObjectType;
      toObjectId: number | string;
      /** The HubSpot-defined association type id from the "from" side (default 1: contact → primary company). */
      associationTypeId?: number;
      removed?: boolean;
      primary?: boolean;
    },
  ): WebhookEvent;
  /** The event HubSpot would send for an accepted store change. */
  fromChange(change: CrmChange, format: WebhookFormat): WebhookEvent;
}

/** Creates an {@link EventFactory}. */
export function createEventFactory(options: EventFactoryOptions): EventFactory {
  let nextEventId = options.firstEventId ?? 1_000_001;
  const subscriptionIds = new Map(Object.entries(options.subscriptionIds ?? {}));
  let nextSubscriptionId = 1;
  const subscriptionId = (key: string, fallbackKey: string): number => {
    const fixed = subscriptionIds.get(key) ?? subscriptionIds.get(fallbackKey);
    if (fixed !== undefined) return fixed;
    const assigned = nextSubscriptionId++;
    subscriptionIds.set(key, assigned);
    return assigned;
  };

  const base = (input: Common, action: string, propertyName?: string): WebhookEvent => {
    const objectType = input.objectType ?? 'contacts';
    // HubSpot has no legacy subscription types for tasks and meetings.
    const generic =
      (input.format ?? 'legacy') === 'generic' || objectType === 'tasks' || objectType === 'meetings';
    const subscriptionType = generic ? `object.${action}` : `${SINGULAR[objectType]}.${action}`;
    const key = propertyName ? `${subscriptionType}:${propertyName}` : subscriptionType;
    const event: WebhookEvent = {
      eventId: nextEventId++,
      subscriptionId: subscriptionId(key, subscriptionType),
      portalId: options.portalId,
      appId: options.appId,
      occurredAt: input.occurredAt ?? options.now(),
      subscriptionType,
      attemptNumber: 0,
      objectId: Number(input.objectId),
    };
    if (generic) event.objectTypeId = OBJECT_TYPE_IDS[objectType];
    return event;
  };

  const source = (
    input: Pick<Common, 'changeSource' | 'sourceId'>,
  ): Pick<WebhookEvent, 'changeSource' | 'sourceId'> => ({
    changeSource: input.changeSource ?? 'CRM_UI',
    ...(input.sourceId !== undefined ? { sourceId: input.sourceId } : {}),
  });

  const factory: EventFactory = {
    propertyChange: (input) => ({
      ...base(input, 'propertyChange', input.propertyName),
      propertyName: input.propertyName,
      propertyValue: input.propertyValue,
      ...source(input),
      ...(input.format === 'generic' ? { isSensitive: false } : {}),
    }),
    creation: (input) => ({ ...base(input, 'creation'), ...source(input), changeFlag: 'NEW' }),
    deletion: (input) => ({ ...base(input, 'deletion'), ...source(input), changeFlag: 'DELETED' }),
    privacyDeletion: (input) => ({
      ...base({ ...input, objectType: 'contacts', format: 'legacy' }, 'privacyDeletion'),
      ...source(input),
    }),
    merge: (input) => ({
      ...base(input, 'merge'),
      ...source(input),
      changeFlag: 'MERGED',
      primaryObjectId: input.primaryObjectId,
      mergedObjectIds: input.mergedObjectIds,
      newObjectId: input.newObjectId,
      numberOfPropertiesMoved: input.numberOfPropertiesMoved ?? 0,
    }),
    associationChange: (input) => {
      const fromType = input.objectType ?? 'contacts';
      const generic = (input.format ?? 'legacy') === 'generic';
      const event: WebhookEvent = {
        ...base({ ...input, objectType: fromType, objectId: input.fromObjectId }, 'associationChange'),
        ...source(input),
      };
      if (generic) {
        // Distinct subscriptions per object type, as the project declares them.
        event.subscriptionId = subscriptionId(
          `object.associationChange:${SINGULAR[fromType]}`,
          'object.associationChange',
        );
        delete event.objectTypeId;
        event.fromObjectTypeId = OBJECT_TYPE_IDS[fromType];
        event.toObjectTypeId = OBJECT_TYPE_IDS[input.toObjectType];
        event.associationTypeId = input.associationTypeId ?? 1;
        event.associationCategory = 'HUBSPOT_DEFINED';
      } else {
        event.associationType = `${UPPER_NAME[fromType]}_TO_${UPPER_NAME[input.toObjectType]}`;
      }
      event.fromObjectId = Number(input.fromObjectId);
      event.toObjectId = Number(input.toObjectId);
      event.associationRemoved = input.removed ?? false;
      event.isPrimaryAssociation = input.primary ?? false;
      return event;
    },
    fromChange: (change, format) => {
      const common: Common = {
        objectType: change.objectType,
        objectId: change.objectId,
        occurredAt: change.occurredAt,
        changeSource: change.source.changeSource,
        format,
        ...(change.source.sourceId !== undefined ? { sourceId: change.source.sourceId } : {}),
      };
      if (change.kind === 'creation') return factory.creation(common);
      if (change.kind === 'deletion') return factory.deletion(common);
      if (change.kind === 'associationChange')
        return factory.associationChange({
          ...common,
          fromObjectId: change.objectId,
          toObjectType: change.toObjectType,
          toObjectId: change.toObjectId,
          associationTypeId: change.associationTypeId,
          removed: change.removed,
          primary: change.primary,
        });
      return factory.propertyChange({
        ...common,
        propertyName: change.propertyName,
        propertyValue: change.propertyValue,
      });
    },
  };
  return factory;
}
