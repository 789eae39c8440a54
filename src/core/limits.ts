/**
 * Size limits, in one place: what HubSpot accepts in a property, and what the product accepts as
 * input. Pure checks that name the offending field, for every edge that takes contact records (the
 * CLI, the store, webhooks and workflow actions).
 */
import type { ModelProblem } from './model.js';
import { cutText } from './text.js';

/** HubSpot refuses a property value longer than this (characters). */
export const HUBSPOT_TEXT_LIMIT = 65_536;

/**
 * The largest input the product accepts. A record over these is refused with the field named,
 * never cut silently: a 5 MB job title is a data problem to fix at the source.
 */
export const INPUT_LIMITS = {
  /** Characters in one property value: HubSpot's own limit, so a real value always fits. */
  propertyValueChars: HUBSPOT_TEXT_LIMIT,
  /** Properties of the contact, and of its company. */
  propertiesPerObject: 1_000,
  /** Characters in a property name (HubSpot allows 100). */
  propertyNameChars: 100,
  /** Intent signals of one contact. */
  signalsPerContact: 10_000,
  /** Characters in a contact id, a signal type or a signal's source id. */
  idChars: 256,
} as const;

/** Cuts a text property to HubSpot's limit with a visible "…" at the end; shorter text is unchanged. */
export function cutToHubSpotLimit(text: string): string {
  return cutText(text, HUBSPOT_TEXT_LIMIT);
}

const count = (n: number) => n.toLocaleString('en-US');

/** Why `text` at `path` is too long, or null. */
export function tooLong(path: string, text: string, max: number, what = ''): ModelProblem | null {
  if (text.length <= max) return null;
  return {
    path,
    message: `is ${count(text.length)} characters; at most ${count(max)} are accepted${what ? ` (${what})` : ''}`,
  };
}

/** The parts of a contact record the limits look at (a HubSpot-shaped record, before or after parsing). */
export interface LimitedInput {
  id?: unknown;
  properties?: unknown;
  company?: unknown;
  signals?: unknown;
}

/**
 * Checks a contact record against INPUT_LIMITS and returns every problem with its JSON path, e.g.
 * `$.properties.jobtitle: is 5,242,880 characters; at most 65,536 are accepted (HubSpot's limit for
 * a property value)`. Fields of the wrong type are left to the schema; this only measures sizes.
 */
export function checkInputLimits(input: LimitedInput): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const push = (p: ModelProblem | null) => {
    if (p) problems.push(p);
  };
  if (typeof input.id === 'string') push(tooLong('$.id', input.id, INPUT_LIMITS.idChars));
  for (const [key, bag] of [
    ['properties', input.properties],
    ['company', input.company],
  ] as const) {
    if (bag === null || typeof bag !== 'object' || Array.isArray(bag)) continue;
    const entries = Object.entries(bag as Record<string, unknown>);
    if (entries.length > INPUT_LIMITS.propertiesPerObject)
      problems.push({
        path: `$.${key}`,
        message: `has ${count(entries.length)} properties; at most ${count(INPUT_LIMITS.propertiesPerObject)} are accepted`,
      });
    for (const [name, value] of entries) {
      const path = `$.${key}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name.slice(0, 40))}]`}`;
      push(tooLong(path, name, INPUT_LIMITS.propertyNameChars, 'a property name'));
      if (typeof value === 'string')
        push(tooLong(path, value, INPUT_LIMITS.propertyValueChars, "HubSpot's limit for a property value"));
    }
  }
  if (Array.isArray(input.signals)) {
    if (input.signals.length > INPUT_LIMITS.signalsPerContact)
      problems.push({
        path: '$.signals',
        message: `has ${count(input.signals.length)} signals; at most ${count(INPUT_LIMITS.signalsPerContact)} are accepted`,
      });
    else
      input.signals.forEach((signal: unknown, i) => {
        if (signal === null || typeof signal !== 'object') return;
        const s = signal as Record<string, unknown>;
        for (const field of ['type', 'sourceId', 'occurredAt'] as const)
          if (typeof s[field] === 'string')
            push(tooLong(`$.signals[${i}].${field}`, s[field], INPUT_LIMITS.idChars));
      });
  }
  return problems;
}
