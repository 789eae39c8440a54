/**
 * Reading a string-keyed record by a key that may come from outside: a HubSpot value (a lead
 * status), a model's id (a lost reason), a property name. A plain object also answers for keys it
 * never had: `constructor`, `toString`, `hasOwnProperty`, `valueOf` and `__proto__` live on
 * `Object.prototype`, so `record['constructor']` is a function, which reads as a truthy rule. Use
 * this (or a `Map`) for every such lookup; the lint rule `lq/own-keys-only` finds the others.
 */

/** `record[key]` when `record` has `key` as its own property; otherwise undefined. */
export function ownValue<V>(
  record: Readonly<Record<string, V>> | null | undefined,
  key: string,
): V | undefined {
  // eslint-disable-next-line lq/own-keys-only -- the one lookup guarded by Object.hasOwn
  return record !== null && record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
