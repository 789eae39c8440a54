/**
 * JSON shapes of the sandbox's responses, as @hubspot/api-client's models expect them
 * (dates as ISO strings, every property value a string or null).
 */
import type { CrmStore, Owner, StoredObject } from './crm-store.js';
import { ASSOCIATION_TYPES, type ObjectType } from './object-types.js';
import {
  ALWAYS_READ_PROPERTIES,
  DEFAULT_READ_PROPERTIES,
  type PropertyDefinition,
  type PropertyGroupDefinition,
} from './property-catalog.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A record as HubSpot returns it: asked-for properties that exist (null when empty), plus the
 * always-returned ones; `associations` only for types that have some.
 */
export function toApiObject(
  store: CrmStore,
  object: StoredObject,
  requested: readonly string[] | undefined,
  associationTypes: readonly ObjectType[] = [],
): Record<string, unknown> {
  const names = new Set([
    ...(requested ?? DEFAULT_READ_PROPERTIES[object.type]),
    ...ALWAYS_READ_PROPERTIES[object.type],
  ]);
  const properties: Record<string, string | null> = {};
  for (const name of [...names].sort()) {
    if (!store.property(object.type, name)) continue;
    properties[name] = object.properties[name] ?? null;
  }
  const result: Record<string, unknown> = {
    id: object.id,
    properties,
    createdAt: iso(object.createdAt),
    updatedAt: iso(object.updatedAt),
    archived: object.archived,
  };
  if (object.archivedAt !== undefined) result.archivedAt = iso(object.archivedAt);
  const associations: Record<string, { results: { id: string; type: string }[] }> = {};
  for (const toType of associationTypes) {
    const results = store.associations(object.type, object.id, toType).flatMap(({ toId, typeIds }) =>
      typeIds.map((typeId) => {
        const definition = ASSOCIATION_TYPES.find(
          (t) => t.from === object.type && t.to === toType && t.typeId === typeId,
        );
        return { id: toId, type: definition?.v3Name ?? String(typeId) };
      }),
    );
    if (results.length > 0) associations[toType] = { results };
  }
  if (Object.keys(associations).length > 0) result.associations = associations;
  return result;
}

/**
 * HubSpot's `propertiesWithHistory` of a record: for each asked-for property it has, every value
 * it held, newest first (`value`, `timestamp` as ISO text, `sourceType`, `sourceId`).
 */
export function toApiHistory(
  store: CrmStore,
  object: StoredObject,
  names: readonly string[],
): Record<string, Record<string, string>[]> {
  const out: Record<string, Record<string, string>[]> = {};
  for (const name of names) {
    if (!store.property(object.type, name)) continue;
    out[name] = store.historyOf(object.type, object.id, name).map((v) => ({
      value: v.value,
      timestamp: iso(v.timestamp),
      sourceType: v.sourceType,
      ...(v.sourceId !== undefined ? { sourceId: v.sourceId } : {}),
    }));
  }
  return out;
}

/** A written record: the properties of the write plus the always-returned ones. */
export const toWriteResult = (
  store: CrmStore,
  object: StoredObject,
  written: unknown,
): Record<string, unknown> =>
  toApiObject(
    store,
    object,
    Object.keys(written && typeof written === 'object' ? (written as Record<string, unknown>) : {}),
  );

/** A property definition in HubSpot's `Property` shape. */
export const toApiProperty = (definition: PropertyDefinition): Record<string, unknown> => ({
  updatedAt: iso(definition.updatedAt),
  createdAt: iso(definition.createdAt),
  name: definition.name,
  label: definition.label,
  type: definition.type,
  fieldType: definition.fieldType,
  description: definition.description,
  groupName: definition.groupName,
  options: definition.options.map((option) => ({ ...option })),
  displayOrder: definition.displayOrder,
  calculated: false,
  externalOptions: definition.externalOptions,
  hasUniqueValue: definition.hasUniqueValue,
  hidden: definition.hidden,
  hubspotDefined: definition.hubspotDefined,
  modificationMetadata: {
    archivable: !definition.hubspotDefined,
    readOnlyDefinition: definition.hubspotDefined,
    readOnlyValue: definition.readOnlyValue,
  },
  formField: definition.formField,
  archived: false,
  ...(definition.referencedObjectType ? { referencedObjectType: definition.referencedObjectType } : {}),
});

/** A property group in HubSpot's `PropertyGroup` shape. */
export const toApiGroup = (group: PropertyGroupDefinition): Record<string, unknown> => ({ ...group });

/** An owner in HubSpot's `PublicOwner` shape. */
export const toApiOwner = (owner: Owner): Record<string, unknown> => ({
  id: owner.id,
  email: owner.email,
  type: 'PERSON',
  firstName: owner.firstName,
  lastName: owner.lastName,
  userId: owner.userId,
  userIdIncludingInactive: owner.userId,
  createdAt: iso(owner.createdAt),
  updatedAt: iso(owner.updatedAt),
  archived: owner.archived,
  teams: owner.teams.map((team) => ({ ...team })),
});
