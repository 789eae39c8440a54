/**
 * Webhook events with HubSpot's field names (hubspot.md §2.1), in the legacy
 * (`contact.propertyChange`) and generic (`object.propertyChange` + `objectTypeId`) formats.
 */
import type { CrmChange } from './crm-store.js';
import { OBJECT_TYPE_IDS, type ObjectType, SINGULAR } from './object-types.js';

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
    // HubSpot has no legacy subscription types for tasks.
    const generic = (input.format ?? 'legacy') === 'generic' || objectType === 'tasks';
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

  const source = (input: Common): Pick<WebhookEvent, 'changeSource' | 'sourceId'> => ({
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
      return factory.propertyChange({
        ...common,
        propertyName: change.propertyName,
        propertyValue: change.propertyValue,
      });
    },
  };
  return factory;
}
