/**
 * Derived signals: the intent signals HubSpot's own records hold (an opt-out, a form conversion,
 * a meeting's outcome), read from a record's property history by the model's `derivedFrom` rules.
 *
 * One pure function serves live changes and replayed history alike: `derivedSignals(model,
 * record)` takes the versions of a record's properties that are known (a webhook's change with the
 * value before it, or HubSpot's whole `propertiesWithHistory`) and returns every signal they
 * contain. Each signal is dated with HubSpot's timestamp of the change (never the time it is
 * read) and keyed by its source, `<object>:<id>:<property>:<timestamp>`, so reading the same
 * change twice, in any order or from any number of overlapping histories, yields one signal.
 */
import { matchValue } from './matchers.js';
import type { QualificationModel } from './model.js';
import type { DerivedFrom, DerivedObject, RecordCondition } from './model-derived.js';
import { modelIndex } from './model-index.js';
import { ownValue } from './own.js';

/** One value a property held, from `timestamp` (epoch ms, HubSpot's) on. Null: no value. */
export interface PropertyVersion {
  value: string | null;
  timestamp: number;
}

/** What is known of a record's properties over time: their versions, in any order. */
export interface RecordHistory {
  object: DerivedObject;
  /** The record's HubSpot id. */
  id: string;
  history: Readonly<Record<string, readonly PropertyVersion[] | undefined>>;
}

/** A signal found in a record's history. */
export interface DerivedSignal {
  /** The model's signal type. */
  type: string;
  /** When HubSpot recorded the change (epoch ms): the signal's date. */
  occurredAt: number;
  /** Where it came from: `<object>:<id>:<property>:<timestamp>`, the same however often it is read. */
  sourceKey: string;
  object: DerivedObject;
  objectId: string;
  property: string;
  /** The value the property took. */
  value: string | null;
}

/**
 * Versions of a record's other properties whose timestamps are this close to the change are taken
 * as written with it: HubSpot writes a form submission's properties (`num_conversion_events`,
 * `recent_conversion_event_name`, …) together, but not necessarily in the same millisecond.
 * [UNVERIFIED: HubSpot does not document how far apart they may be; seconds is an assumption.]
 */
export const SAME_CHANGE_MS = 5_000;

/** The source key of a change: what makes a derived signal the same signal wherever it is read. */
export function derivedSourceKey(
  object: DerivedObject,
  id: string,
  property: string,
  timestamp: number,
): string {
  return `${object}:${id}:${property}:${timestamp}`;
}

/** The properties the model's derived rules read, per record kind, sorted: what to read with history. */
export function derivedProperties(model: QualificationModel): Record<DerivedObject, string[]> {
  const out: Record<DerivedObject, Set<string>> = { contact: new Set(), meeting: new Set() };
  for (const signal of model.intent.signals)
    for (const rule of signal.derivedFrom ?? []) {
      out[rule.object].add(rule.property);
      for (const condition of rule.conditions)
        for (const ref of refsOf(condition)) out[rule.object].add(ref.slice(ref.indexOf('.') + 1));
    }
  return { contact: [...out.contact].sort(), meeting: [...out.meeting].sort() };
}

/** The properties whose *changes* the derived rules watch, per record kind (what to subscribe to). */
export function watchedProperties(model: QualificationModel): Record<DerivedObject, string[]> {
  const out: Record<DerivedObject, Set<string>> = { contact: new Set(), meeting: new Set() };
  for (const signal of model.intent.signals)
    for (const rule of signal.derivedFrom ?? []) out[rule.object].add(rule.property);
  return { contact: [...out.contact].sort(), meeting: [...out.meeting].sort() };
}

/**
 * Every signal a record's known history holds under the model's derived rules, deduplicated by
 * (type, source key) and sorted by date, type and source key, so the answer depends only on the set
 * of versions given, not on their order or repeats.
 */
export function derivedSignals(model: QualificationModel, record: RecordHistory): DerivedSignal[] {
  const found = new Map<string, DerivedSignal>();
  for (const signal of model.intent.signals)
    for (const rule of signal.derivedFrom ?? []) {
      if (rule.object !== record.object) continue;
      for (const s of signalsOfRule(model, signal.type, rule, record))
        found.set(`${s.type}|${s.sourceKey}`, s);
    }
  return [...found.values()].sort(
    (a, b) => a.occurredAt - b.occurredAt || compare(a.type, b.type) || compare(a.sourceKey, b.sourceKey),
  );
}

function signalsOfRule(
  model: QualificationModel,
  type: string,
  rule: DerivedFrom,
  record: RecordHistory,
): DerivedSignal[] {
  const { normalizer } = modelIndex(model);
  const versions = versionsOf(record, rule.property);
  const out: DerivedSignal[] = [];
  const ref = `${rule.object}.${rule.property}`;
  const matches = (value: string | null): boolean =>
    rule.change.type === 'becomes' &&
    matchValue(value, rule.change.match, { kind: normalizer.kindOf(ref), normalizer }).status === 'match';
  for (let i = 0; i < versions.length; i++) {
    const version = versions[i]!;
    const before = i > 0 ? versions[i - 1]!.value : null;
    if (rule.change.type === 'becomes') {
      if (!matches(version.value) || (i > 0 && matches(before))) continue;
    } else {
      const now = numberOf(version.value);
      if (now === null || now <= (numberOf(before) ?? 0)) continue;
    }
    // The other properties as they were at the change (the next change of this property bounds
    // how far "written with it" reaches).
    const next = versions[i + 1]?.timestamp;
    const until = Math.min(version.timestamp + SAME_CHANGE_MS, next === undefined ? Infinity : next - 1);
    if (!rule.conditions.every((c) => conditionHolds(model, c, record, until))) continue;
    out.push({
      type,
      occurredAt: version.timestamp,
      sourceKey: derivedSourceKey(rule.object, record.id, rule.property, version.timestamp),
      object: rule.object,
      objectId: record.id,
      property: rule.property,
      value: version.value,
    });
  }
  return out;
}

/**
 * A condition on the record's properties as they stood at `at` (the latest version not after it):
 * the first of its properties with a value is matched, as the model's conditions are.
 */
function conditionHolds(
  model: QualificationModel,
  condition: RecordCondition,
  record: RecordHistory,
  at: number,
): boolean {
  const { normalizer } = modelIndex(model);
  for (const ref of refsOf(condition)) {
    const value = valueAt(versionsOf(record, ref.slice(ref.indexOf('.') + 1)), at);
    if (value === null || value.trim() === '') continue;
    const result = matchValue(value, condition.match, { kind: normalizer.kindOf(ref), normalizer });
    if (result.noValue) continue;
    return result.status === 'match';
  }
  return matchValue(null, condition.match, { normalizer }).status === 'match';
}

function versionsOf(record: RecordHistory, property: string): PropertyVersion[] {
  return sortedVersions(ownValue(record.history, property));
}

function refsOf(condition: RecordCondition): readonly string[] {
  return typeof condition.property === 'string' ? [condition.property] : condition.property;
}

/** The value at `at`: the latest version with a timestamp not after it; null before the first. */
function valueAt(versions: readonly PropertyVersion[], at: number): string | null {
  let value: string | null = null;
  for (const v of versions) {
    if (v.timestamp > at) break;
    value = v.value;
  }
  return value;
}

/**
 * Versions oldest first, repeats (same timestamp and value) once, and versions of one timestamp
 * ordered by value, so any order or repetition of the input gives the same sequence.
 */
function sortedVersions(versions: readonly PropertyVersion[] | undefined): PropertyVersion[] {
  if (!versions || versions.length === 0) return [];
  const sorted = versions
    .filter((v) => Number.isFinite(v.timestamp))
    .map((v) => ({ value: v.value === '' ? null : v.value, timestamp: v.timestamp }))
    .sort((a, b) => a.timestamp - b.timestamp || compare(a.value ?? '', b.value ?? ''));
  return sorted.filter(
    (v, i) => i === 0 || v.timestamp !== sorted[i - 1]!.timestamp || v.value !== sorted[i - 1]!.value,
  );
}

/** A HubSpot number property's value (plain decimal digits), or null. */
function numberOf(value: string | null): number | null {
  if (value === null || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return null;
  return Number(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
