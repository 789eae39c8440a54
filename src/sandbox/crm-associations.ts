/**
 * The CRM store's association graph: both directions of every association between records, the
 * `associatedcompanyid` it implies on contacts, and the association-change events HubSpot reports.
 */
import { SandboxHttpError } from './errors.js';
import {
  ASSOCIATION_TYPES,
  type AssociationTypeDefinition,
  findAssociationType,
  type ObjectType,
  UPPER_NAME,
} from './object-types.js';
import type {
  AssociatedRecord,
  AssociationInput,
  CrmChange,
  StoredObject,
  WriteSource,
} from './crm-types.js';

/**
 * Object types whose association changes are reported: HubSpot's `*.associationChange`
 * subscriptions cover contacts, companies, deals, tickets, line items and products; tasks have none.
 */
const ASSOCIATION_EVENT_TYPES: ReadonlySet<ObjectType> = new Set(['contacts', 'companies']);

const associationKey = (type: ObjectType, id: string): string => `${type}:${id}`;

/** The unlabeled type a primary association implies, by `from:to` (contact 279/280, deal 341/342). */
const IMPLIED_UNLABELED: Readonly<Record<string, readonly number[]>> = {
  'contacts:companies': [279],
  'companies:contacts': [280],
  'deals:companies': [341],
  'companies:deals': [342],
};

const isContactCompany = (a: ObjectType, b: ObjectType): boolean =>
  (a === 'contacts' && b === 'companies') || (a === 'companies' && b === 'contacts');

/** An association from a create body, checked and resolved to its target type. */
export interface ResolvedAssociation {
  to: ObjectType;
  toId: string;
  typeId: number;
}

/** What the graph needs from the store that owns it. */
export interface AssociationHost {
  /** The live object, or undefined. */
  get(type: ObjectType, id: string): StoredObject | undefined;
  now(): number;
  emit(change: CrmChange): void;
}

/** The association graph of one {@link CrmStore}. */
export class CrmAssociations {
  private readonly links = new Map<string, Map<ObjectType, Map<string, Set<number>>>>();

  constructor(private readonly host: AssociationHost) {}

  /** Removes every association. */
  clear(): void {
    this.links.clear();
  }

  /** The objects associated to one object, with the association type ids. */
  list(fromType: ObjectType, fromId: string, toType: ObjectType): AssociatedRecord[] {
    const targets = this.links.get(associationKey(fromType, fromId))?.get(toType);
    if (!targets) return [];
    return [...targets.entries()]
      .map(([toId, typeIds]) => ({ toId, typeIds: [...typeIds].sort((a, b) => a - b) }))
      .sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  resolve(type: ObjectType, associations: readonly AssociationInput[]): ResolvedAssociation[] {
    const resolved: ResolvedAssociation[] = [];
    for (const association of associations) {
      for (const spec of association.types ?? []) {
        const definition: AssociationTypeDefinition | undefined = findAssociationType(
          type,
          spec.associationTypeId,
        );
        if (!definition || spec.associationCategory !== 'HUBSPOT_DEFINED') {
          throw new SandboxHttpError(400, {
            message: `${spec.associationCategory} association type ${spec.associationTypeId} is not valid for ${UPPER_NAME[type]}.`,
            category: 'VALIDATION_ERROR',
          });
        }
        const toId = String(association.to?.id ?? '');
        if (!this.host.get(definition.to, toId)) {
          throw new SandboxHttpError(400, {
            message: `One or more associations are invalid: ${UPPER_NAME[definition.to]} ${toId} does not exist.`,
            category: 'VALIDATION_ERROR',
            context: { ids: [toId] },
          });
        }
        resolved.push({ to: definition.to, toId, typeId: definition.typeId });
      }
    }
    return resolved;
  }

  /** Stores an association (and what it implies); false when it was there already. */
  link(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, typeId: number): boolean {
    const definition = ASSOCIATION_TYPES.find(
      (t) => t.from === fromType && t.to === toType && t.typeId === typeId,
    );
    if (!definition) throw new Error(`no association type ${typeId} from ${fromType} to ${toType}`);
    let added = false;
    const add = (aType: ObjectType, aId: string, bType: ObjectType, bId: string, id: number): void => {
      const key = associationKey(aType, aId);
      let byType = this.links.get(key);
      if (!byType) {
        byType = new Map();
        this.links.set(key, byType);
      }
      let targets = byType.get(bType);
      if (!targets) {
        targets = new Map();
        byType.set(bType, targets);
      }
      let ids = targets.get(bId);
      if (!ids) {
        ids = new Set();
        targets.set(bId, ids);
      }
      if (!ids.has(id)) added = true;
      ids.add(id);
    };
    // A primary association with a company is also an unlabeled one, as in HubSpot.
    const implied = definition.label === 'Primary' ? (IMPLIED_UNLABELED[`${fromType}:${toType}`] ?? []) : [];
    for (const id of [typeId, ...implied]) {
      const type = ASSOCIATION_TYPES.find((t) => t.from === fromType && t.to === toType && t.typeId === id);
      if (!type) continue;
      add(fromType, fromId, toType, toId, type.typeId);
      add(toType, toId, fromType, fromId, type.inverseTypeId);
    }
    // HubSpot keeps the contact's `associatedcompanyid` on its primary company.
    if (definition.label === 'Primary' && isContactCompany(fromType, toType)) {
      const [contactId, companyId] = fromType === 'contacts' ? [fromId, toId] : [toId, fromId];
      const contact = this.host.get('contacts', contactId);
      if (contact) contact.properties.associatedcompanyid = companyId;
    }
    return added;
  }

  /** Removes every association between two objects, both directions; returns the type ids removed (from → to). */
  unlink(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): number[] {
    const forward = this.links.get(associationKey(fromType, fromId))?.get(toType);
    const typeIds = [...(forward?.get(toId) ?? [])].sort((a, b) => a - b);
    forward?.delete(toId);
    this.links.get(associationKey(toType, toId))?.get(fromType)?.delete(fromId);
    const wasPrimary = typeIds.some((id) => findAssociationType(fromType, id)?.label === 'Primary');
    if (wasPrimary && isContactCompany(fromType, toType)) {
      const [contactId, companyId] = fromType === 'contacts' ? [fromId, toId] : [toId, fromId];
      const contact = this.host.get('contacts', contactId);
      if (contact?.properties.associatedcompanyid === companyId)
        delete contact.properties.associatedcompanyid;
    }
    return typeIds;
  }

  /** Removes every association of an object (a deleted record is associated with nothing any more). */
  removeAll(type: ObjectType, id: string): void {
    for (const [toType, targets] of this.links.get(associationKey(type, id)) ?? [])
      for (const toId of [...targets.keys()]) this.unlink(type, id, toType, toId);
    this.links.delete(associationKey(type, id));
  }

  /**
   * Associates two existing objects with a HubSpot-defined type id (both directions are stored)
   * and reports the change, one event per side, unless they were already associated so.
   */
  associate(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeId: number,
    source: WriteSource = { changeSource: 'CRM_UI' },
  ): void {
    if (this.link(fromType, fromId, toType, toId, typeId))
      this.emitChange(fromType, fromId, toType, toId, typeId, false, this.host.now(), source);
  }

  /**
   * Removes every association between two objects (both directions) and reports it, one event per
   * side. A contact whose primary company this was has no `associatedcompanyid` any more.
   */
  dissociate(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    source: WriteSource = { changeSource: 'CRM_UI' },
  ): boolean {
    const typeIds = this.unlink(fromType, fromId, toType, toId);
    if (typeIds.length === 0) return false;
    const primary = typeIds.find((id) => findAssociationType(fromType, id)?.label === 'Primary');
    this.emitChange(fromType, fromId, toType, toId, primary ?? typeIds[0]!, true, this.host.now(), source);
    return true;
  }

  /** Reports an association change as HubSpot does: one event for each side. */
  emitChange(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeId: number,
    removed: boolean,
    occurredAt: number,
    source: WriteSource,
  ): void {
    if (!ASSOCIATION_EVENT_TYPES.has(fromType) || !ASSOCIATION_EVENT_TYPES.has(toType)) return;
    const definition = findAssociationType(fromType, typeId);
    const primary = definition?.label === 'Primary';
    const sides = [
      { objectType: fromType, objectId: fromId, toObjectType: toType, toObjectId: toId, typeId },
      {
        objectType: toType,
        objectId: toId,
        toObjectType: fromType,
        toObjectId: fromId,
        typeId: definition?.inverseTypeId ?? typeId,
      },
    ];
    for (const side of sides)
      this.host.emit({
        kind: 'associationChange',
        objectType: side.objectType,
        objectId: side.objectId,
        toObjectType: side.toObjectType,
        toObjectId: side.toObjectId,
        associationTypeId: side.typeId,
        removed,
        primary,
        occurredAt,
        source,
      });
  }
}
