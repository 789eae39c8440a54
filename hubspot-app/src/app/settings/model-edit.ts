/**
 * Pure helpers of the model editor: JSON paths (the service's format, `$.fit.criteria[2].points`),
 * immutable updates of the draft at a path, templates for what the page adds (a criterion, a
 * signal, a derived rule, a disqualifier, a lost reason), matcher type switches, value lists typed
 * as text, and where each problem goes: next to the field whose path is nearest to the problem's.
 */
import type { Condition, Draft, Matcher, Model, Problem } from './model';

export type Segment = string | number;

/** A path as the service writes it (the core's `jsonPath`): `$.fit.criteria[0].match.values`. */
export function jsonPath(segments: readonly Segment[]): string {
  let out = '$';
  for (const key of segments) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

// -------------------------------------------------------------------------------------------
// Immutable updates

type Json = unknown;

function child(node: Json, key: Segment): Json {
  if (node === null || typeof node !== 'object') return undefined;
  return (node as Record<string | number, Json>)[key];
}

/** The value at a path of a model, or undefined. */
export function getAt(root: Json, segments: readonly Segment[]): Json {
  return segments.reduce(child, root);
}

function replaced(node: Json, key: Segment, value: Json): Json {
  if (Array.isArray(node) && typeof key === 'number') return node.map((v, i) => (i === key ? value : v));
  const base = node !== null && typeof node === 'object' ? node : {};
  return { ...(base as object), [key]: value };
}

function updateIn(node: Json, segments: readonly Segment[], update: (value: Json) => Json): Json {
  if (segments.length === 0) return update(node);
  const [key, ...rest] = segments as [Segment, ...Segment[]];
  return replaced(node, key, updateIn(child(node, key), rest, update));
}

/** The draft with the model's value at `segments` replaced by `update(old)`; all else shared. */
export function updateModel(
  draft: Draft,
  segments: readonly Segment[],
  update: (value: Json) => Json,
): Draft {
  return { ...draft, model: updateIn(draft.model, segments, update) as Model };
}

export function setAt(draft: Draft, segments: readonly Segment[], value: Json): Draft {
  return updateModel(draft, segments, () => value);
}

/** Appends to the list at `segments` (a missing list is started). */
export function appendAt(draft: Draft, segments: readonly Segment[], item: Json): Draft {
  return updateModel(draft, segments, (list) => [...(Array.isArray(list) ? list : []), item]);
}

/** Removes a list item (the last segment a number) or an object key (a string). */
export function removeAt(draft: Draft, segments: readonly Segment[]): Draft {
  const key = segments.at(-1);
  if (key === undefined) return draft;
  return updateModel(draft, segments.slice(0, -1), (node) => {
    if (Array.isArray(node)) return node.filter((_, i) => i !== key);
    if (node === null || typeof node !== 'object') return node;
    const { [key]: _gone, ...rest } = node as Record<string, Json>;
    return rest;
  });
}

// -------------------------------------------------------------------------------------------
// Ids, lists and templates

/** A snake_case id from a label, made unique among `taken` (`new_signal`, `new_signal_2`, …). */
export function uniqueId(label: string, taken: readonly string[]): string {
  const slug =
    label
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^[^a-z]+|_+$/g, '')
      .slice(0, 56) || 'item';
  if (!taken.includes(slug)) return slug;
  let n = 2;
  while (taken.includes(`${slug}_${n}`)) n++;
  return `${slug}_${n}`;
}

/** Values typed as text: one per line or separated by commas; blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function joinList(values: readonly string[] | undefined): string {
  return (values ?? []).join(', ');
}

/** A property reference or a list of them, as the model holds it (one stays a string). */
export function propertyValue(refs: readonly string[]): string | string[] {
  return refs.length === 1 ? refs[0]! : [...refs];
}

export function propertyRefs(property: string | string[]): string[] {
  return typeof property === 'string' ? [property] : property;
}

export const MATCHER_TYPES = [
  { value: 'one-of', label: 'is one of' },
  { value: 'none-of', label: 'is known and none of' },
  { value: 'range', label: 'is a number in a range' },
  { value: 'contains', label: 'contains words (titles)' },
  { value: 'regex', label: 'matches a pattern' },
  { value: 'email-domain', label: 'is an e-mail address at' },
  { value: 'known', label: 'has a value' },
  { value: 'unknown', label: 'is empty' },
] as const;
export type MatcherType = (typeof MATCHER_TYPES)[number]['value'];

/** A matcher of another type, keeping the listed values where the new type lists values too. */
export function switchMatcher(previous: Matcher, type: MatcherType): Matcher {
  const listed = previous.values ?? previous.domains ?? [];
  switch (type) {
    case 'one-of':
    case 'none-of':
    case 'contains':
      return { type, values: [...listed] };
    case 'email-domain':
      return { type, domains: [...listed] };
    case 'range':
      return { type, min: 0 };
    case 'regex':
      return { type, pattern: previous.pattern ?? listed.join('|'), flags: 'i' };
    default:
      return { type };
  }
}

/** The matcher a new condition on a property of this HubSpot type starts with. */
export function matcherForType(propertyType: string | undefined, ref: string): Matcher {
  if (propertyType === 'number') return { type: 'range', min: 0 };
  if (propertyType === 'enumeration' || propertyType === 'bool') return { type: 'one-of', values: [] };
  if (ref.endsWith('.email')) return { type: 'email-domain', domains: [] };
  return { type: 'contains', values: [] };
}

export function newCriterion(model: Model, ref: string, label: string, propertyType?: string) {
  const taken = model.fit.criteria.map((c) => c.id);
  return {
    id: uniqueId(label, taken),
    label,
    property: ref,
    match: matcherForType(propertyType, ref),
    points: 10,
  };
}

/** A signal type named after its label (workflows record it by that type: `webinar_attended`). */
export function newSignal(model: Model, label: string) {
  const type = uniqueId(
    label,
    model.intent.signals.map((s) => s.type),
  );
  return {
    type,
    label,
    points: 10,
    ageing: { fullDays: 30, expiresAfterDays: 90 },
    counting: { from: 1, max: 1 },
  };
}

/** A derived rule: HubSpot records the change itself (a property becomes a value; a meeting outcome). */
export function newDerivedRule(kind: 'contact' | 'meeting') {
  return kind === 'meeting'
    ? {
        object: 'meeting',
        property: 'hs_meeting_outcome',
        change: { type: 'becomes', match: { type: 'one-of', values: ['COMPLETED'] } },
        conditions: [],
      }
    : {
        object: 'contact',
        property: 'num_conversion_events',
        change: { type: 'increases' },
        conditions: [],
      };
}

/** Academic domains: universities write from these (a subdomain matches: `mit.edu`). */
export const ACADEMIC_DOMAINS = ['edu', 'ac.uk', 'ac.nz', 'ac.za', 'ac.jp', 'edu.au', 'uva.nl', 'tudelft.nl'];

export const DISQUALIFIER_KINDS = [
  { value: 'academic', label: 'Academic e-mail domains' },
  { value: 'free-mail', label: 'Free e-mail domains' },
  { value: 'competitor', label: 'A competitor (names and domains)' },
  { value: 'condition', label: 'A property condition (e.g. wrong region)' },
] as const;
export type DisqualifierKind = (typeof DISQUALIFIER_KINDS)[number]['value'];

export function newDisqualifier(model: Model, kind: DisqualifierKind) {
  const taken = (model.disqualifiers ?? []).map((d) => d.id);
  const make = (reason: string, when: Condition[]) => ({
    id: uniqueId(reason, taken),
    reason,
    when,
    unless: [],
  });
  switch (kind) {
    case 'academic':
      return make('Academic e-mail domain', [
        { property: 'contact.email', match: { type: 'email-domain', domains: [...ACADEMIC_DOMAINS] } },
      ]);
    case 'free-mail':
      return make('Free e-mail domain', [
        { property: 'contact.email', match: { type: 'email-domain', domains: ['gmail.com', 'outlook.com'] } },
      ]);
    case 'competitor':
      return make('Works for a competitor', [
        { property: 'contact.email', match: { type: 'email-domain', domains: [] } },
        { property: ['company.name', 'contact.company'], match: { type: 'contains', values: [] } },
      ]);
    default:
      return make('Outside our regions', [
        { property: ['contact.country', 'company.country'], match: { type: 'none-of', values: [] } },
      ]);
  }
}

export function newCondition(ref = 'contact.country'): Condition {
  return { property: ref, match: { type: 'one-of', values: [] } };
}

// -------------------------------------------------------------------------------------------
// Removing what others name: the names go with it

function withoutId(draft: Draft, segments: readonly Segment[], id: string): Draft {
  const list = getAt(draft.model, segments);
  return Array.isArray(list) && list.includes(id)
    ? setAt(
        draft,
        segments,
        list.filter((x) => x !== id),
      )
    : draft;
}

/** Removes a fit criterion, and its id from the criteria that must match. */
export function removeCriterion(draft: Draft, index: number): Draft {
  const id = draft.model.fit.criteria[index]?.id;
  const next = removeAt(draft, ['fit', 'criteria', index]);
  return id === undefined ? next : withoutId(next, ['thresholds', 'mql', 'requiredFitCriteria'], id);
}

/**
 * Removes a signal type, and its type from the lists that name it (IQL, installed base, demo
 * requests) and from the lost reasons that add it. An IQL rule left with no type is dropped.
 */
export function removeSignal(draft: Draft, index: number): Draft {
  const type = draft.model.intent.signals[index]?.type;
  let next = removeAt(draft, ['intent', 'signals', index]);
  if (type === undefined) return next;
  next = withoutId(next, ['thresholds', 'iql', 'signalTypes'], type);
  if ((getAt(next.model, ['thresholds', 'iql', 'signalTypes']) as unknown[] | undefined)?.length === 0)
    next = setAt(next, ['thresholds', 'iql'], null);
  next = withoutId(next, ['thresholds', 'installedBase', 'qualifyingSignals'], type);
  next = withoutId(next, ['routing', 'demoRequestSignals'], type);
  const reasonSignals = getAt(next.model, ['feedback', 'reasonSignals']) as
    Record<string, string> | undefined;
  for (const [reason, signal] of Object.entries(reasonSignals ?? {}))
    if (signal === type) next = removeAt(next, ['feedback', 'reasonSignals', reason]);
  return next;
}

// -------------------------------------------------------------------------------------------
// Lost reasons: a reason's entries in the maps keyed by it, and the lead statuses naming it, go with it

const REASON_MAPS = ['renurtureTracks', 'returnLeadStatus', 'reasonSignals'] as const;

export function removeLostReason(draft: Draft, index: number): Draft {
  const id = (getAt(draft.model, ['feedback', 'lostReasons', index]) as { id?: string } | undefined)?.id;
  let next = removeAt(draft, ['feedback', 'lostReasons', index]);
  if (id === undefined) return next;
  for (const map of REASON_MAPS)
    if (getAt(next.model, ['feedback', map, id]) !== undefined) next = removeAt(next, ['feedback', map, id]);
  // A lead status that returned leads with this reason now returns them as "other" where it can.
  const decisions = getAt(next.model, ['feedback', 'leadStatusDecisions']) as
    Record<string, { decision: string; reason?: string }> | undefined;
  const fallback = id !== 'other' && reasonIds(next).includes('other') ? 'other' : undefined;
  for (const [status, rule] of Object.entries(decisions ?? {}))
    if (rule.reason === id)
      next = fallback
        ? setAt(next, ['feedback', 'leadStatusDecisions', status, 'reason'], fallback)
        : removeAt(next, ['feedback', 'leadStatusDecisions', status]);
  return next;
}

function reasonIds(draft: Draft): string[] {
  const reasons = getAt(draft.model, ['feedback', 'lostReasons']);
  return Array.isArray(reasons) ? reasons.map((r: { id: string }) => r.id) : [];
}

/** Sets a reason's entry in one of the maps keyed by reason; an empty value removes it. */
export function setReasonEntry(draft: Draft, map: (typeof REASON_MAPS)[number], id: string, value: string) {
  return value.trim() === ''
    ? removeAt(draft, ['feedback', map, id])
    : setAt(draft, ['feedback', map, id], value.trim());
}

// -------------------------------------------------------------------------------------------
// Problems next to their fields

/** True when `ancestor` is `path` or contains it (`$.a` contains `$.a.b` and `$.a[0]`). */
export function isWithin(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}

/**
 * Puts each problem next to a field: the deepest field whose path contains the problem's
 * (`$.fit.criteria[0].match.values[3]` → the values field), else the first field inside the
 * problem's path (a problem with a whole criterion → its first field). What fits no field is
 * returned in `unplaced`, to be shown with the section. Messages of one field keep their order,
 * without repeats.
 */
export function placeProblems(
  problems: readonly Problem[],
  fields: readonly string[],
): { byField: Map<string, string[]>; unplaced: Problem[] } {
  const byField = new Map<string, string[]>();
  const unplaced: Problem[] = [];
  for (const problem of problems) {
    let field: string | undefined;
    for (const f of fields)
      if (isWithin(problem.path, f) && (field === undefined || f.length > field.length)) field = f;
    field ??= fields.find((f) => isWithin(f, problem.path) && problem.path !== '$');
    if (field === undefined) {
      unplaced.push(problem);
      continue;
    }
    const messages = byField.get(field) ?? [];
    const tail = problem.path.slice(field.length);
    const message = tail === '' ? problem.message : `${describeTail(tail)}: ${problem.message}`;
    if (!messages.includes(message)) messages.push(message);
    byField.set(field, messages);
  }
  return { byField, unplaced };
}

/** The rest of a path below its field, as read: `.values[3]` → `values #4`. */
export function describeTail(tail: string): string {
  return tail
    .replace(/\[(\d+)\]/g, (_, n: string) => ` #${Number(n) + 1}`)
    .replace(/\["?([^"\]]*)"?\]/g, ' $1')
    .replace(/\./g, ' ')
    .trim();
}
