/**
 * The sandbox's CRM data: objects, property definitions and groups, associations and owners,
 * with HubSpot's write rules (property validation, unique email, the forward-only lifecycle stage).
 * Every accepted write is reported to change listeners, which turn it into webhook events.
 */
import { type PropertyFailure, propertyValuesError, SandboxHttpError } from './errors.js';
import {
  ASSOCIATION_TYPES,
  type AssociationTypeDefinition,
  findAssociationType,
  OBJECT_TYPES,
  type ObjectType,
  UPPER_NAME,
} from './object-types.js';
import {
  builtInGroups,
  builtInProperties,
  CREATED_PROPERTY,
  MODIFIED_PROPERTY,
  type PropertyDefinition,
  type PropertyGroupDefinition,
} from './property-catalog.js';

/** One stored CRM record. Property values are strings, as HubSpot returns them. */
export interface StoredObject {
  id: string;
  type: ObjectType;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

/** A HubSpot user who can own records. */
export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  teams: { id: string; name: string; primary: boolean }[];
}

/** Who made a write, as HubSpot reports it in webhooks (`changeSource`, `sourceId`). */
export interface WriteSource {
  changeSource: string;
  sourceId?: string;
}

/** A change the store accepted. */
export type CrmChange =
  | { kind: 'creation'; objectType: ObjectType; objectId: string; occurredAt: number; source: WriteSource }
  | { kind: 'deletion'; objectType: ObjectType; objectId: string; occurredAt: number; source: WriteSource }
  | {
      kind: 'propertyChange';
      objectType: ObjectType;
      objectId: string;
      propertyName: string;
      propertyValue: string;
      occurredAt: number;
      source: WriteSource;
    }
  | {
      /** One side of an association added or removed (HubSpot reports each side as its own event). */
      kind: 'associationChange';
      /** The "from" side. */
      objectType: ObjectType;
      objectId: string;
      toObjectType: ObjectType;
      toObjectId: string;
      /** The HubSpot-defined type id, seen from the "from" side (1: contact → its primary company). */
      associationTypeId: number;
      removed: boolean;
      primary: boolean;
      occurredAt: number;
      source: WriteSource;
    };

/**
 * Object types whose association changes are reported: HubSpot's `*.associationChange`
 * subscriptions cover contacts, companies, deals, tickets, line items and products; tasks have none.
 */
const ASSOCIATION_EVENT_TYPES: ReadonlySet<ObjectType> = new Set(['contacts', 'companies']);

/** What to do with a write that moves `lifecyclestage` backward. */
export type LifecycleBackwardPolicy = 'refuse' | 'ignore';

/** Options of {@link CrmStore}. */
export interface CrmStoreOptions {
  now: () => number;
  /** Default `refuse`: a 400 validation error. `ignore` drops the value and keeps the rest of the write. */
  lifecycleBackwardWrite?: LifecycleBackwardPolicy;
}

/** An association requested in a create body. */
export interface AssociationInput {
  to: { id: string };
  types: { associationCategory: string; associationTypeId: number }[];
}

/** One associated object with the association type ids that link to it. */
export interface AssociatedRecord {
  toId: string;
  typeIds: number[];
}

/** Input for {@link CrmStore.load}. */
export interface CrmSeed {
  owners?: readonly Owner[];
  objects?: readonly {
    type: ObjectType;
    id: string;
    properties: Record<string, string>;
    createdAt: number;
  }[];
  associations?: readonly {
    fromType: ObjectType;
    fromId: string;
    toType: ObjectType;
    toId: string;
    typeIds: number[];
  }[];
}

const ID_BASE: Record<ObjectType, number> = { contacts: 100_001, companies: 5_000_001, tasks: 9_000_001 };
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const associationKey = (type: ObjectType, id: string): string => `${type}:${id}`;

/** The store. One instance per sandbox; nothing is shared between instances. */
export class CrmStore {
  private readonly now: () => number;
  private readonly lifecyclePolicy: LifecycleBackwardPolicy;
  private readonly objects = new Map<ObjectType, Map<string, StoredObject>>();
  private readonly archived = new Map<ObjectType, Map<string, StoredObject>>();
  /** Live ids per type in ascending numeric order, for `after` paging. */
  private readonly order = new Map<ObjectType, number[]>();
  private readonly nextId = new Map<ObjectType, number>();
  private readonly definitions = new Map<ObjectType, Map<string, PropertyDefinition>>();
  private readonly groups = new Map<ObjectType, Map<string, PropertyGroupDefinition>>();
  private readonly emails = new Map<string, string>();
  private readonly links = new Map<string, Map<ObjectType, Map<string, Set<number>>>>();
  private readonly ownerList: Owner[] = [];
  private readonly listeners = new Set<(change: CrmChange) => void>();

  constructor(options: CrmStoreOptions) {
    this.now = options.now;
    this.lifecyclePolicy = options.lifecycleBackwardWrite ?? 'refuse';
    this.clear();
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
    this.links.clear();
    this.ownerList.length = 0;
  }

  /** Subscribes to accepted changes; returns the unsubscribe function. */
  onChange(listener: (change: CrmChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bulk-loads seed data without validation or change events. */
  load(seed: CrmSeed): void {
    for (const owner of seed.owners ?? []) this.ownerList.push({ ...owner, teams: [...owner.teams] });
    for (const input of seed.objects ?? []) {
      const modified = Date.parse(input.properties[MODIFIED_PROPERTY[input.type]] ?? '');
      const object: StoredObject = {
        id: input.id,
        type: input.type,
        properties: { ...input.properties },
        createdAt: input.createdAt,
        updatedAt: Number.isFinite(modified) ? modified : input.createdAt,
        archived: false,
      };
      const properties = object.properties;
      if (
        properties.hs_object_id !== object.id ||
        !properties[CREATED_PROPERTY[input.type]] ||
        !Number.isFinite(modified)
      ) {
        this.stampSystemProperties(object, !properties[CREATED_PROPERTY[input.type]]);
      }
      this.map(input.type).set(input.id, object);
      const email = object.properties.email;
      if (input.type === 'contacts' && email) this.emails.set(email.toLowerCase(), input.id);
      const numericId = Number(input.id);
      if (numericId >= (this.nextId.get(input.type) ?? 0)) this.nextId.set(input.type, numericId + 1);
    }
    for (const type of OBJECT_TYPES) {
      this.order.set(
        type,
        [...this.map(type).keys()].map(Number).sort((a, b) => a - b),
      );
    }
    for (const link of seed.associations ?? []) {
      for (const typeId of link.typeIds)
        this.link(link.fromType, link.fromId, link.toType, link.toId, typeId);
    }
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
    const targets = this.links.get(associationKey(fromType, fromId))?.get(toType);
    if (!targets) return [];
    return [...targets.entries()]
      .map(([toId, typeIds]) => ({ toId, typeIds: [...typeIds].sort((a, b) => a - b) }))
      .sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  // ---- writes --------------------------------------------------------------------------------

  /**
   * Validates a write without applying it: returns the normalised values to store (null clears)
   * and HubSpot-style failures. Lifecycle stage moves backward are failures or dropped per policy.
   */
  validate(
    type: ObjectType,
    input: unknown,
    existing?: StoredObject,
  ): { values: Record<string, string | null>; failures: PropertyFailure[] } {
    const values: Record<string, string | null> = {};
    const failures: PropertyFailure[] = [];
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return { values, failures };
    }
    for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
      const definition = this.defs(type).get(name);
      const failure = (error: string, message: string): void => {
        failures.push({ isValid: false, message, error, name, localizedErrorMessage: message });
      };
      if (!definition) {
        failure('PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`);
        continue;
      }
      if (definition.readOnlyValue) {
        failure('READ_ONLY_VALUE', `"${name}" is a read only property; its value cannot be set.`);
        continue;
      }
      if (raw !== null && typeof raw === 'object') {
        failure('INVALID_PROPERTY_VALUE', `${JSON.stringify(raw)} is not a valid value for ${name}.`);
        continue;
      }
      const text = raw === null || raw === undefined ? '' : String(raw);
      if (text === '') {
        values[name] = null;
        continue;
      }
      const checked = this.checkValue(definition, text);
      if ('error' in checked) {
        failure(checked.error, checked.message);
        continue;
      }
      values[name] = checked.value;
    }
    if (type === 'contacts' && typeof values.email === 'string' && !EMAIL_PATTERN.test(values.email)) {
      const message = `Email address ${values.email} is invalid`;
      failures.push({
        isValid: false,
        message,
        error: 'INVALID_EMAIL',
        name: 'email',
        localizedErrorMessage: message,
      });
    }
    const stage = values.lifecyclestage;
    const current = existing?.properties.lifecyclestage;
    if (typeof stage === 'string' && current && this.isBackward(type, current, stage)) {
      if (this.lifecyclePolicy === 'ignore') {
        delete values.lifecyclestage;
      } else {
        const message =
          `lifecyclestage can only be set forward: the record is at "${current}" and "${stage}" comes earlier ` +
          'in the stage order. To set it backward, first clear it by writing "", then write the new value.';
        failures.push({
          isValid: false,
          message,
          error: 'INVALID_LIFECYCLE_STAGE_BACKWARD',
          name: 'lifecyclestage',
          localizedErrorMessage: message,
        });
      }
    }
    return { values, failures };
  }

  /** Creates an object; throws HubSpot-shaped errors for invalid values, duplicates and bad associations. */
  create(
    type: ObjectType,
    properties: unknown,
    source: WriteSource,
    associations: readonly AssociationInput[] = [],
  ): StoredObject {
    return this.commitCreate(type, this.prepareCreate(type, properties, associations), source);
  }

  /**
   * Creates several objects as one unit, as HubSpot's batch create does: when any input is
   * invalid, nothing is created and the first problem is thrown.
   */
  createBatch(
    type: ObjectType,
    inputs: readonly { properties: unknown; associations?: readonly AssociationInput[] }[],
    source: WriteSource,
  ): StoredObject[] {
    const prepared = inputs.map((input) =>
      this.prepareCreate(type, input.properties, input.associations ?? []),
    );
    const emails = prepared.map((p) => p.values.email?.toLowerCase()).filter(Boolean);
    if (new Set(emails).size !== emails.length)
      throw new SandboxHttpError(409, { message: 'Duplicate emails in batch input', category: 'CONFLICT' });
    return prepared.map((p) => this.commitCreate(type, p, source));
  }

  /**
   * Creates each valid input and reports the others, as HubSpot's batch create does when every
   * input carries an `objectWriteTraceId` (its multi-status mode): one result per input, in order.
   */
  createEach(
    type: ObjectType,
    inputs: readonly { properties: unknown; associations?: readonly AssociationInput[] }[],
    source: WriteSource,
  ): ({ object: StoredObject } | { error: SandboxHttpError })[] {
    const emails = new Set<string>();
    type Prepared = { prepared: ReturnType<CrmStore['prepareCreate']> } | { error: SandboxHttpError };
    const prepared = inputs.map((input): Prepared => {
      try {
        const p = this.prepareCreate(type, input.properties, input.associations ?? []);
        const email = p.values.email?.toLowerCase();
        if (email && emails.has(email))
          throw new SandboxHttpError(409, {
            message: 'Duplicate emails in batch input',
            category: 'CONFLICT',
          });
        if (email) emails.add(email);
        return { prepared: p };
      } catch (error) {
        if (error instanceof SandboxHttpError) return { error };
        throw error;
      }
    });
    return prepared.map((p) => ('error' in p ? p : { object: this.commitCreate(type, p.prepared, source) }));
  }

  private prepareCreate(
    type: ObjectType,
    properties: unknown,
    associations: readonly AssociationInput[],
  ): { values: Record<string, string | null>; links: { to: ObjectType; toId: string; typeId: number }[] } {
    const { values, failures } = this.validate(type, properties);
    if (type === 'tasks' && !values.hs_timestamp) {
      const message = 'hs_timestamp is required';
      failures.push({
        isValid: false,
        message,
        error: 'REQUIRED_PROPERTY',
        name: 'hs_timestamp',
        localizedErrorMessage: message,
      });
    }
    if (failures.length > 0) throw propertyValuesError(failures);
    const links = this.resolveAssociations(type, associations);
    this.assertEmailFree(type, values.email);
    return { values, links };
  }

  private commitCreate(
    type: ObjectType,
    { values, links }: ReturnType<CrmStore['prepareCreate']>,
    source: WriteSource,
  ): StoredObject {
    const now = this.now();
    const id = String(this.nextId.get(type) ?? ID_BASE[type]);
    this.nextId.set(type, Number(id) + 1);
    const object: StoredObject = {
      id,
      type,
      properties: {},
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    for (const [name, value] of Object.entries(values)) if (value !== null) object.properties[name] = value;
    this.stampSystemProperties(object, !(CREATED_PROPERTY[type] in object.properties));
    this.map(type).set(id, object);
    this.order.get(type)?.push(Number(id));
    if (type === 'contacts' && object.properties.email)
      this.emails.set(object.properties.email.toLowerCase(), id);
    const added = links.filter((link) => this.link(type, id, link.to, link.toId, link.typeId));

    this.emit({ kind: 'creation', objectType: type, objectId: id, occurredAt: now, source });
    for (const [name, value] of Object.entries(values)) {
      if (value !== null) this.emitProperty(type, id, name, value, now, source);
    }
    for (const link of added)
      this.emitAssociation(type, id, link.to, link.toId, link.typeId, false, now, source);
    return object;
  }

  /**
   * Updates an object: only values that differ are applied and reported. Throws 404 for a missing
   * object, 400 for invalid values, 409 for an email already in use.
   */
  update(type: ObjectType, id: string, properties: unknown, source: WriteSource): StoredObject {
    const object = this.get(type, id);
    if (!object) throw new SandboxHttpError(404, { message: '', category: 'OBJECT_NOT_FOUND' });
    const { values, failures } = this.validate(type, properties, object);
    if (failures.length > 0) throw propertyValuesError(failures);
    if (
      typeof values.email === 'string' &&
      values.email.toLowerCase() !== object.properties.email?.toLowerCase()
    ) {
      this.assertEmailFree(type, values.email);
    }
    this.apply(object, values, source);
    return object;
  }

  /**
   * Validates a batch of updates as one unit (HubSpot fails the whole batch on invalid values),
   * then applies those whose object exists. Returns the updated objects and the missing ids.
   */
  updateBatch(
    type: ObjectType,
    inputs: readonly { id: string; properties: unknown }[],
    source: WriteSource,
  ): { updated: StoredObject[]; missing: string[] } {
    const planned: { object: StoredObject; values: Record<string, string | null> }[] = [];
    const missing: string[] = [];
    const failures: PropertyFailure[] = [];
    for (const input of inputs) {
      const object = this.get(type, input.id);
      if (!object) {
        missing.push(input.id);
        continue;
      }
      const result = this.validate(type, input.properties, object);
      failures.push(...result.failures);
      planned.push({ object, values: result.values });
    }
    if (failures.length > 0) throw propertyValuesError(failures);
    for (const { object, values } of planned) {
      if (
        typeof values.email === 'string' &&
        values.email.toLowerCase() !== object.properties.email?.toLowerCase()
      ) {
        this.assertEmailFree(type, values.email);
      }
    }
    for (const { object, values } of planned) this.apply(object, values, source);
    return { updated: planned.map((p) => p.object), missing };
  }

  /** Moves an object to the archive (HubSpot's DELETE). */
  archive(type: ObjectType, id: string, source: WriteSource): boolean {
    const object = this.get(type, id);
    if (!object) return false;
    const now = this.now();
    this.map(type).delete(id);
    const ids = this.order.get(type) ?? [];
    const index = ids.indexOf(Number(id));
    if (index >= 0) ids.splice(index, 1);
    if (type === 'contacts' && object.properties.email)
      this.emails.delete(object.properties.email.toLowerCase());
    object.archived = true;
    object.archivedAt = now;
    this.archived.get(type)?.set(id, object);
    // A deleted record is associated with nothing any more (a contact loses it as its company).
    for (const [toType, targets] of this.links.get(associationKey(type, id)) ?? [])
      for (const toId of [...targets.keys()]) this.unlink(type, id, toType, toId);
    this.links.delete(associationKey(type, id));
    this.emit({ kind: 'deletion', objectType: type, objectId: id, occurredAt: now, source });
    return true;
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
      this.emitAssociation(fromType, fromId, toType, toId, typeId, false, this.now(), source);
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
    this.emitAssociation(fromType, fromId, toType, toId, primary ?? typeIds[0]!, true, this.now(), source);
    return true;
  }

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

  private map(type: ObjectType): Map<string, StoredObject> {
    const map = this.objects.get(type);
    if (!map) throw new Error(`unknown object type ${type}`);
    return map;
  }

  private defs(type: ObjectType): Map<string, PropertyDefinition> {
    const defs = this.definitions.get(type);
    if (!defs) throw new Error(`unknown object type ${type}`);
    return defs;
  }

  private isBackward(type: ObjectType, current: string, next: string): boolean {
    const options = this.defs(type).get('lifecyclestage')?.options ?? [];
    const from = options.findIndex((o) => o.value === current);
    const to = options.findIndex((o) => o.value === next);
    return from >= 0 && to >= 0 && to < from;
  }

  private checkValue(
    definition: PropertyDefinition,
    text: string,
  ): { value: string } | { error: string; message: string } {
    if (definition.type !== 'string' && text.trim() !== text) {
      return {
        error: 'LEADING_TRAILING_WHITESPACE',
        message: `"${text}" includes leading or trailing whitespace.`,
      };
    }
    switch (definition.type) {
      case 'string':
        return { value: text };
      case 'number': {
        const number = Number(text);
        return Number.isFinite(number)
          ? { value: String(number) }
          : { error: 'INVALID_DOUBLE', message: `${text} is not a valid number.` };
      }
      case 'bool': {
        const lower = text.toLowerCase();
        return lower === 'true' || lower === 'false'
          ? { value: lower }
          : { error: 'INVALID_BOOLEAN', message: `${text} is not a valid boolean. Use "true" or "false".` };
      }
      case 'datetime':
      case 'date': {
        const ms = /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
        if (!Number.isFinite(ms)) return { error: 'INVALID_DATE', message: `${text} is not a valid date.` };
        if (definition.type === 'date' && ms % 86_400_000 !== 0) {
          return {
            error: 'INVALID_DATE',
            message: `${text} is not at midnight UTC, as date properties require.`,
          };
        }
        const iso = new Date(ms).toISOString();
        return { value: definition.type === 'date' ? iso.slice(0, 10) : iso };
      }
      case 'enumeration': {
        if (definition.referencedObjectType === 'OWNER') {
          return this.ownerList.some((owner) => owner.id === text)
            ? { value: text }
            : { error: 'INVALID_OWNER_ID', message: `${text} is not a valid owner id.` };
        }
        const allowed = definition.options.map((o) => o.value);
        const chosen = definition.fieldType === 'checkbox' ? text.split(';') : [text];
        const wrong = chosen.find((value) => !allowed.includes(value));
        if (wrong !== undefined) {
          return {
            error: 'INVALID_OPTION',
            message: `${wrong} was not one of the allowed options: [${allowed.join(', ')}]`,
          };
        }
        return { value: text };
      }
    }
  }

  private assertEmailFree(type: ObjectType, email: string | null | undefined): void {
    if (type !== 'contacts' || !email) return;
    const existing = this.emails.get(email.toLowerCase());
    if (existing !== undefined) {
      throw new SandboxHttpError(409, {
        message: `Contact already exists. Existing ID: ${existing}`,
        category: 'CONFLICT',
      });
    }
  }

  private resolveAssociations(
    type: ObjectType,
    associations: readonly AssociationInput[],
  ): { to: ObjectType; toId: string; typeId: number }[] {
    const resolved: { to: ObjectType; toId: string; typeId: number }[] = [];
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
        if (!this.get(definition.to, toId)) {
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
  private link(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeId: number,
  ): boolean {
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
    // A primary contact-company association is also an unlabeled one, as in HubSpot.
    const implied = definition.label === 'Primary' ? (fromType === 'contacts' ? [279] : [280]) : [];
    for (const id of [typeId, ...implied]) {
      const type = ASSOCIATION_TYPES.find((t) => t.from === fromType && t.to === toType && t.typeId === id);
      if (!type) continue;
      add(fromType, fromId, toType, toId, type.typeId);
      add(toType, toId, fromType, fromId, type.inverseTypeId);
    }
    // HubSpot keeps the contact's `associatedcompanyid` on its primary company.
    if (definition.label === 'Primary') {
      const [contactId, companyId] = fromType === 'contacts' ? [fromId, toId] : [toId, fromId];
      const contact = this.map('contacts').get(contactId);
      if (contact) contact.properties.associatedcompanyid = companyId;
    }
    return added;
  }

  /** Removes every association between two objects, both directions; returns the type ids removed (from → to). */
  private unlink(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): number[] {
    const forward = this.links.get(associationKey(fromType, fromId))?.get(toType);
    const typeIds = [...(forward?.get(toId) ?? [])].sort((a, b) => a - b);
    forward?.delete(toId);
    this.links.get(associationKey(toType, toId))?.get(fromType)?.delete(fromId);
    const wasPrimary = typeIds.some((id) => findAssociationType(fromType, id)?.label === 'Primary');
    if (wasPrimary) {
      const [contactId, companyId] = fromType === 'contacts' ? [fromId, toId] : [toId, fromId];
      const contact = this.map('contacts').get(contactId);
      if (contact?.properties.associatedcompanyid === companyId)
        delete contact.properties.associatedcompanyid;
    }
    return typeIds;
  }

  private apply(object: StoredObject, values: Record<string, string | null>, source: WriteSource): void {
    const now = this.now();
    const previousEmail = object.properties.email;
    const changed: [string, string][] = [];
    for (const [name, value] of Object.entries(values)) {
      const before = object.properties[name];
      if (value === null) {
        if (before === undefined) continue;
        delete object.properties[name];
        changed.push([name, '']);
      } else if (before !== value) {
        object.properties[name] = value;
        changed.push([name, value]);
      }
    }
    if (object.type === 'contacts' && previousEmail !== object.properties.email) {
      if (previousEmail) this.emails.delete(previousEmail.toLowerCase());
      if (object.properties.email) this.emails.set(object.properties.email.toLowerCase(), object.id);
    }
    if (changed.length === 0) return;
    object.updatedAt = now;
    this.stampSystemProperties(object, false);
    for (const [name, value] of changed) this.emitProperty(object.type, object.id, name, value, now, source);
  }

  private stampSystemProperties(object: StoredObject, setCreated: boolean): void {
    object.properties.hs_object_id = object.id;
    if (setCreated)
      object.properties[CREATED_PROPERTY[object.type]] = new Date(object.createdAt).toISOString();
    object.properties[MODIFIED_PROPERTY[object.type]] = new Date(object.updatedAt).toISOString();
  }

  private emitProperty(
    objectType: ObjectType,
    objectId: string,
    propertyName: string,
    propertyValue: string,
    occurredAt: number,
    source: WriteSource,
  ): void {
    this.emit({
      kind: 'propertyChange',
      objectType,
      objectId,
      propertyName,
      propertyValue,
      occurredAt,
      source,
    });
  }

  /** Reports an association change as HubSpot does: one event for each side. */
  private emitAssociation(
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
      this.emit({
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

  private emit(change: CrmChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
