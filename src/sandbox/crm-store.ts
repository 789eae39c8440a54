/**
 * The sandbox's CRM data: objects, property definitions and groups, associations and owners,
 * with HubSpot's write rules (property validation, unique email, the forward-only lifecycle stage).
 * Every accepted write is reported to change listeners, which turn it into webhook events.
 */
import type { ResolvedAssociation } from './crm-associations.js';
import { CrmRecords, ID_BASE } from './crm-records.js';
import type {
  AssociationInput,
  CrmSeed,
  CrmStoreOptions,
  LifecycleBackwardPolicy,
  StoredObject,
  WriteSource,
} from './crm-types.js';
import { validateWrite } from './crm-validation.js';
import { applyDealRules } from './deals.js';
import { type PropertyFailure, propertyValuesError, SandboxHttpError } from './errors.js';
import { OBJECT_TYPES, type ObjectType } from './object-types.js';
import { CREATED_PROPERTY, MODIFIED_PROPERTY, stageEnteredProperty } from './property-catalog.js';

export type {
  AssociatedRecord,
  AssociationInput,
  CrmChange,
  CrmSeed,
  CrmStoreOptions,
  LifecycleBackwardPolicy,
  Owner,
  StoredObject,
  WriteSource,
} from './crm-types.js';

/** A write's source as a property version's `sourceType` / `sourceId`. */
const versionSource = (source: WriteSource): { sourceType: string; sourceId?: string } => ({
  sourceType: source.changeSource,
  ...(source.sourceId !== undefined ? { sourceId: source.sourceId } : {}),
});

/** The store. One instance per sandbox; nothing is shared between instances. */
export class CrmStore extends CrmRecords {
  private readonly lifecyclePolicy: LifecycleBackwardPolicy;

  constructor(options: CrmStoreOptions) {
    super(options.now);
    this.lifecyclePolicy = options.lifecycleBackwardWrite ?? 'refuse';
    this.clear();
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
        this.graph.link(link.fromType, link.fromId, link.toType, link.toId, typeId);
    }
    for (const h of seed.history ?? []) this.loadHistory(h.type, h.id, h.name, h.versions);
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
    const result = validateWrite(
      {
        definition: (name) => this.defs(type).get(name),
        owners: this.ownerList,
        lifecyclePolicy: this.lifecyclePolicy,
      },
      type,
      input,
      existing,
    );
    if (type === 'deals' && result.failures.length === 0)
      result.failures.push(...applyDealRules(result.values, existing, this.now()));
    return result;
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
  ): { values: Record<string, string | null>; links: ResolvedAssociation[] } {
    const { values, failures } = this.validate(type, properties);
    // Tasks and meetings (engagements) need their timestamp, as on HubSpot.
    if ((type === 'tasks' || type === 'meetings') && !values.hs_timestamp) {
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
    const links = this.graph.resolve(type, associations);
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
    this.stampStageEntered(object, now);
    this.map(type).set(id, object);
    this.order.get(type)?.push(Number(id));
    if (type === 'contacts' && object.properties.email)
      this.emails.set(object.properties.email.toLowerCase(), id);
    const added = links.filter((link) => this.graph.link(type, id, link.to, link.toId, link.typeId));

    this.emit({ kind: 'creation', objectType: type, objectId: id, occurredAt: now, source });
    for (const [name, value] of Object.entries(values)) {
      if (value === null) continue;
      this.recordVersion(object, name, undefined, { value, timestamp: now, ...versionSource(source) });
      this.emitProperty(type, id, name, value, now, source);
    }
    for (const link of added)
      this.graph.emitChange(type, id, link.to, link.toId, link.typeId, false, now, source);
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
    this.graph.removeAll(type, id);
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
    this.graph.associate(fromType, fromId, toType, toId, typeId, source);
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
    return this.graph.dissociate(fromType, fromId, toType, toId, source);
  }

  // ---- internals -----------------------------------------------------------------------------

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
      } else continue;
      this.recordVersion(object, name, before, {
        value: value ?? '',
        timestamp: now,
        ...versionSource(source),
      });
    }
    if (object.type === 'contacts' && previousEmail !== object.properties.email) {
      if (previousEmail) this.emails.delete(previousEmail.toLowerCase());
      if (object.properties.email) this.emails.set(object.properties.email.toLowerCase(), object.id);
    }
    if (changed.length === 0) return;
    object.updatedAt = now;
    this.stampSystemProperties(object, false);
    if (changed.some(([name]) => name === 'lifecyclestage')) this.stampStageEntered(object, now);
    for (const [name, value] of changed) this.emitProperty(object.type, object.id, name, value, now, source);
  }

  private stampSystemProperties(object: StoredObject, setCreated: boolean): void {
    object.properties.hs_object_id = object.id;
    if (setCreated)
      object.properties[CREATED_PROPERTY[object.type]] = new Date(object.createdAt).toISOString();
    object.properties[MODIFIED_PROPERTY[object.type]] = new Date(object.updatedAt).toISOString();
  }

  /**
   * HubSpot's calculated `hs_v2_date_entered_<stage>`: a contact entering a lifecycle stage gets
   * the moment in that stage's property (kept in its history, source `CALCULATED`). No webhook
   * event: the app subscribes to none of them.
   */
  private stampStageEntered(object: StoredObject, now: number): void {
    const stage = object.properties.lifecyclestage;
    if (object.type !== 'contacts' || !stage) return;
    const name = stageEnteredProperty(stage);
    if (!this.property('contacts', name)) return;
    const before = object.properties[name];
    const value = new Date(now).toISOString();
    object.properties[name] = value;
    this.recordVersion(object, name, before, { value, timestamp: now, sourceType: 'CALCULATED' });
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
}
