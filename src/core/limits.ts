/**
 * Size limits, in one place: what HubSpot accepts in a property, and what the product accepts as
 * input. Pure checks that name the offending field, for every edge that takes contact records (the
 * CLI, the store, webhooks and workflow actions).
 */
import type { ModelProblem } from './problems.js';
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

/**
 * The bounds of a model, enforced by its schema (`model.ts`) and listed in the README ("The
 * model"). A model comes from people (the CLI, the settings page), but it is run on every contact:
 * these keep it small enough to validate, store and evaluate in bounded time and memory, and keep
 * every number finite and meaningful (a day count of 1e300 is no date PostgreSQL can store).
 * Regex patterns have their own bounds (`PATTERN_LIMITS` in `regex.ts`).
 */
export const MODEL_LIMITS = {
  /** Fit criteria and intent signal types: each adds points to a 0–100 score, so more say nothing. */
  fitCriteria: 40,
  signals: 40,
  /** Disqualifiers: independent yes/no rules (a competitor's domains, a region), so more of them. */
  disqualifiers: 100,
  /** Conditions in one `when`, `unless` or `customerWhen` list. */
  conditionsPerRule: 20,
  /** Properties a condition tries in order. */
  propertiesPerCondition: 10,
  /** Regex conditions in the whole model (each compiled pattern keeps a matching cache of its own). */
  regexConditions: 50,
  /** Values of a one-of, none-of or contains matcher (and its `except` words). */
  matcherValues: 500,
  /** Domains of an email-domain matcher (a list of disposable-mail domains fits). */
  emailDomains: 5_000,
  /** Characters in one listed value; an e-mail domain may have DNS's 253. */
  valueChars: 200,
  domainChars: 253,
  /** Characters in a label or reason, an id, a version, a description. */
  labelChars: 80,
  idChars: 64,
  versionChars: 64,
  descriptionChars: 2_000,
  /** Points of a fit criterion or a signal occurrence: −100…100, whole numbers. */
  points: 100,
  /** Day counts (`fullDays`, `expiresAfterDays`, `windowDays`): ten years. */
  days: 3_650,
  /** SLA hours: a year. */
  slaHours: 8_760,
  /** `counting.from` and `counting.max`. */
  occurrences: 1_000,
  /** A range's `min` and `max` lie within ±this (10^15: well inside exact integers). */
  rangeBound: 1e15,
  /** Owner ids in `newBusinessOwners` and `unavailableOwners`, and digits in one. */
  owners: 500,
  ownerIdDigits: 20,
  /** Lost reasons (and the entries of the maps keyed by them). */
  lostReasons: 50,
  /** Lead-status values in `leadStatusDecisions`, and characters in one. */
  leadStatuses: 100,
  leadStatusChars: 100,
  /** Entries of `propertyKinds` and `countryAliases`. */
  propertyKinds: 1_000,
  countryAliases: 1_000,
  /** Entries of `industryKeywords` (HubSpot has 147 industries) and characters in a key. */
  industries: 200,
  industryChars: 100,
  /** Entries of `titleSynonyms`. */
  titleSynonyms: 500,
  /** `unknownValues`, and the phrases of one keyword or synonym entry, and characters in one. */
  unknownValues: 200,
  phrasesPerEntry: 100,
  phraseChars: 80,
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
