/**
 * The CRM store's state and read side: records in id order, property definitions and groups,
 * owners, the association graph and change listeners. {@link CrmStore} adds the record writes.
 */
import { CrmAssociations } from './crm-associations.js';
import type { AssociatedRecord, CrmChange, Owner, PropertyVersionRecord, StoredObject } from './crm-types.js';
import { SandboxHttpError } from './errors.js';
import { OBJECT_TYPES, type ObjectType } from './object-types.js';
import {
  builtInGroups,
  builtInProperties,
  type PropertyDefinition,
  type PropertyGroupDefinition,
} from './property-catalog.js';

/** The first id given to a new record of each type. */
export const ID_BASE: Record<ObjectType, number> = {
  contacts: 100_001,
  companies: 5_000_001,
  tasks: 9_000_001,
  meetings: 7_000_001,
  deals: 20_000_001,
};

export type { PropertyVersionRecord } from './crm-types.js';

/** The store's state and everything that reads it; one instance per sandbox. */
export abstract class CrmRecords {
  protected readonly now: () => number;
  protected readonly objects = new Map<ObjectType, Map<string, StoredObject>>();
  protected readonly archived = new Map<ObjectType, Map<string, StoredObject>>();
  /** Live ids per type in ascending numeric order, for `after` paging. */
  protected readonly order = new Map<ObjectType, number[]>();
  protected readonly nextId = new Map<ObjectType, number>();
  protected readonly definitions = new Map<ObjectType, Map<string, PropertyDefinition>>();
  protected readonly groups = new Map<ObjectType, Map<string, PropertyGroupDefinition>>();
  protected readonly emails = new Map<string, string>();
  protected readonly graph = new CrmAssociations({
    get: (type, id) => this.get(type, id),
    now: () => this.now(),
    emit: (change) => this.emit(change),
  });
  protected readonly ownerList: Owner[] = [];
  private readonly listeners = new Set<(change: CrmChange) => void>();
  /** Property versions per record (`type:id`) and property, oldest first. */
  private readonly versions = new Map<string, Map<string, PropertyVersionRecord[]>>();

  constructor(now: () => number) {
    this.now = now;
  }

  /** Removes all data and restores the built-in property definitions. */
  clear(): void {
    for (const type of OBJECT_TYPES) {
      this.objects.set(type, new Map());
      this.archived.set(type, new Map());
      this.order.set(type, []);
      this.nextId.set(type, ID_BASE[type]);
      this.definitions.set(type, new Map(builtInProperties(type).map((p) => [p.name, p])));
      this.groups.set(type, new Map(builtInGroups(type).map((g) => [g.name, g])));
    }
    this.emails.clear();
    this.versions.clear();
    this.graph.clear();
    this.ownerList.length = 0;
  }

  /** Subscribes to accepted changes; returns the unsubscribe function. */
  onChange(listener: (change: CrmChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** The live object, or undefined. */
  get(type: ObjectType, id: string): StoredObject | undefined {
    return this.map(type).get(id);
  }

  /** An archived object, or undefined. */
  getArchived(type: ObjectType, id: string): StoredObject | undefined {
    return this.archived.get(type)?.get(id);
  }

  /** Finds a live object by a unique property (`email` on contacts, `hs_object_id`, or a custom unique one). */
  findByUniqueProperty(type: ObjectType, propertyName: string, value: string): StoredObject | undefined {
    if (propertyName === 'hs_object_id') return this.get(type, value);
    if (type === 'contacts' && propertyName === 'email') {
      const id = this.emails.get(value.toLowerCase());
      return id === undefined ? undefined : this.get(type, id);
    }
    for (const object of this.map(type).values())
      if (object.properties[propertyName] === value) return object;
    return undefined;
  }

  /** All live objects of a type, in id order. */
  *all(type: ObjectType): IterableIterator<StoredObject> {
    const map = this.map(type);
    for (const id of this.order.get(type) ?? []) {
      const object = map.get(String(id));
      if (object) yield object;
    }
  }

  /** Number of live objects of a type. */
  count(type: ObjectType): number {
    return this.map(type).size;
  }

  /** One page in id order starting at the first id ≥ `after`; `nextAfter` is set when more follow. */
  page(
    type: ObjectType,
    input: { limit: number; after?: string; archived?: boolean },
  ): { results: StoredObject[]; nextAfter?: string } {
    if (input.archived) {
      const all = [...(this.archived.get(type)?.values() ?? [])].sort((a, b) => Number(a.id) - Number(b.id));
      const start = input.after === undefined ? 0 : all.findIndex((o) => Number(o.id) >= Number(input.after));
      const slice = start < 0 ? [] : all.slice(start, start + input.limit);
      const following = start < 0 ? undefined : all[start + input.limit];
      return { results: slice, ...(following ? { nextAfter: following.id } : {}) };
    }
    const ids = this.order.get(type) ?? [];
    const afterNumber = input.after === undefined ? Number.NEGATIVE_INFINITY : Number(input.after);
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((ids[mid] ?? 0) < afterNumber) low = mid + 1;
      else high = mid;
    }
    const map = this.map(type);
    const results: StoredObject[] = [];
    for (let i = low; i < ids.length && results.length < input.limit; i++) {
      const object = map.get(String(ids[i]));
      if (object) results.push(object);
    }
    const following = ids[low + input.limit];
    return { results, ...(following === undefined ? {} : { nextAfter: String(following) }) };
  }

  /**
   * A property's history, newest first, as `propertiesWithHistory` answers: every value written
   * since the sandbox started, and before those the value the record was loaded with (dated at its
   * creation, source `IMPORT`).
   */
  historyOf(type: ObjectType, id: string, name: string): PropertyVersionRecord[] {
    const recorded = this.versions.get(`${type}:${id}`)?.get(name);
    if (recorded) return [...recorded].reverse();
    const object = this.get(type, id) ?? this.getArchived(type, id);
    const value = object?.properties[name];
    if (!object || value === undefined) return [];
    return [{ value, timestamp: object.createdAt, sourceType: 'IMPORT' }];
  }

  /** Records a value written to a property (`before`: its value until now, kept as the first version). */
  protected recordVersion(
    object: StoredObject,
    name: string,
    before: string | undefined,
    version: PropertyVersionRecord,
  ): void {
    const key = `${object.type}:${object.id}`;
    let byName = this.versions.get(key);
    if (!byName) this.versions.set(key, (byName = new Map()));
    let list = byName.get(name);
    if (!list) {
      list =
        before === undefined ? [] : [{ value: before, timestamp: object.createdAt, sourceType: 'IMPORT' }];
      byName.set(name, list);
    }
    list.push(version);
  }

  /**
   * Sets a loaded record's property history (any order; kept oldest first): what HubSpot held
   * before the sandbox started, e.g. a seeded portal's past form conversions.
   */
  protected loadHistory(
    type: ObjectType,
    id: string,
    name: string,
    versions: readonly PropertyVersionRecord[],
  ): void {
    const key = `${type}:${id}`;
    let byName = this.versions.get(key);
    if (!byName) this.versions.set(key, (byName = new Map()));
    byName.set(
      name,
      [...versions].sort((a, b) => a.timestamp - b.timestamp).map((v) => ({ ...v })),
    );
  }

  /** Property definitions of a type. */
  properties(type: ObjectType): PropertyDefinition[] {
    return [...this.defs(type).values()];
  }

  /** One property definition. */
  property(type: ObjectType, name: string): PropertyDefinition | undefined {
    return this.defs(type).get(name);
  }

  /** Property groups of a type. */
  propertyGroups(type: ObjectType): PropertyGroupDefinition[] {
    return [...(this.groups.get(type)?.values() ?? [])];
  }

  /** One property group. */
  propertyGroup(type: ObjectType, name: string): PropertyGroupDefinition | undefined {
    return this.groups.get(type)?.get(name);
  }

  /** All owners. */
  owners(): readonly Owner[] {
    return this.ownerList;
  }

  /** The objects associated to one object, with the association type ids. */
  associations(fromType: ObjectType, fromId: string, toType: ObjectType): AssociatedRecord[] {
    return this.graph.list(fromType, fromId, toType);
  }

  // ---- schema writes -------------------------------------------------------------------------

  /** Adds a property group; throws 409 when the name exists. */
  createGroup(
    type: ObjectType,
    input: { name: string; label: string; displayOrder?: number },
  ): PropertyGroupDefinition {
    const groups = this.groups.get(type);
    if (!groups) throw new Error(`unknown object type ${type}`);
    if (groups.has(input.name)) {
      throw new SandboxHttpError(409, {
        message: `A property group named '${input.name}' already exists.`,
        category: 'OBJECT_ALREADY_EXISTS',
      });
    }
    const group = {
      name: input.name,
      label: input.label,
      displayOrder: input.displayOrder ?? -1,
      archived: false,
    };
    groups.set(group.name, group);
    return group;
  }

  /** Adds a property definition; throws 409 when the name exists. */
  createProperty(
    type: ObjectType,
    definition: Omit<PropertyDefinition, 'createdAt' | 'updatedAt'>,
  ): PropertyDefinition {
    const definitions = this.defs(type);
    if (definitions.has(definition.name)) {
      throw new SandboxHttpError(409, {
        message: `Property named '${definition.name}' already exists.`,
        category: 'OBJECT_ALREADY_EXISTS',
        context: { name: [definition.name] },
      });
    }
    const now = this.now();
    const created = { ...definition, createdAt: now, updatedAt: now };
    definitions.set(created.name, created);
    return created;
  }

  // ---- internals -----------------------------------------------------------------------------

  protected map(type: ObjectType): Map<string, StoredObject> {
    const map = this.objects.get(type);
    if (!map) throw new Error(`unknown object type ${type}`);
    return map;
  }

  protected defs(type: ObjectType): Map<string, PropertyDefinition> {
    const defs = this.definitions.get(type);
    if (!defs) throw new Error(`unknown object type ${type}`);
    return defs;
  }

  protected emit(change: CrmChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
