/**
 * The qualification model as the settings page sees it: only the parts the page edits are typed;
 * everything else is carried through untouched (the service validates the whole model with the
 * product's one zod schema). Edits are pure functions that return a new model; validation mirrors
 * the service's rules so a typo is caught before any request, with the same JSON paths the
 * service uses in its `problems` (`$.fit.criteria[2].points`).
 */

export type Operator = '>' | '>=';

export interface Bar {
  operator: Operator;
  value: number;
}

/** How a criterion or condition matches a property value; read only, for the summaries. */
export interface Matcher {
  type: string;
  values?: string[];
  except?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  flags?: string;
  domains?: string[];
  [key: string]: unknown;
}

export interface Condition {
  property: string | string[];
  match: Matcher;
  [key: string]: unknown;
}

export interface FitCriterion extends Condition {
  id: string;
  label: string;
  points: number;
}

export interface IntentSignal {
  type: string;
  label: string;
  points: number;
  ageing: { fullDays: number; expiresAfterDays: number; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Disqualifier {
  id: string;
  reason: string;
  when: Condition[];
  unless?: Condition[];
  [key: string]: unknown;
}

export interface Model {
  version: string;
  name: string;
  fit: { criteria: FitCriterion[]; [key: string]: unknown };
  intent: { signals: IntentSignal[]; [key: string]: unknown };
  disqualifiers?: Disqualifier[];
  thresholds: { mql: { fit: Bar; intent: Bar; [key: string]: unknown }; [key: string]: unknown };
  [key: string]: unknown;
}

/** What the page edits: the model, plus which disqualifiers are switched off (left out when sent). */
export interface Draft {
  model: Model;
  /** Ids of disqualifiers switched off. */
  off: string[];
}

export type Qualification = 'mql' | 'iql' | 'nurture' | 'disqualified';

export const QUALIFICATIONS: readonly Qualification[] = ['mql', 'iql', 'nurture', 'disqualified'];

export const QUALIFICATION_LABELS: Record<Qualification, string> = {
  mql: 'MQL',
  iql: 'IQL (information only)',
  nurture: 'Nurture',
  disqualified: 'Disqualified',
};

/** One thing wrong, located by the JSON path the service uses. */
export interface Problem {
  path: string;
  message: string;
}

export const POINTS_MIN = -100;
export const POINTS_MAX = 100;
export const LABEL_MAX = 80;
export const NOTE_MAX = 1000;
export const AGREED_BY_MAX = 200;

// -------------------------------------------------------------------------------------------
// Paths

export const paths = {
  bar: (which: 'fit' | 'intent', field: 'operator' | 'value') => `$.thresholds.mql.${which}.${field}`,
  criterion: (i: number, field: 'label' | 'points') => `$.fit.criteria[${i}].${field}`,
  signal: (i: number, field: 'points' | 'fullDays' | 'expiresAfterDays') =>
    field === 'points' ? `$.intent.signals[${i}].points` : `$.intent.signals[${i}].ageing.${field}`,
  disqualifier: (i: number, field: 'reason') => `$.disqualifiers[${i}].${field}`,
  note: '$.note',
  agreedBy: '$.agreedBy',
};

// -------------------------------------------------------------------------------------------
// Edits (each returns a new model; fields the page does not edit are kept as they are)

export function draftOf(model: Model): Draft {
  return { model, off: [] };
}

export function setBar(draft: Draft, which: 'fit' | 'intent', patch: Partial<Bar>): Draft {
  const { thresholds } = draft.model;
  const mql = { ...thresholds.mql, [which]: { ...thresholds.mql[which], ...patch } };
  return { ...draft, model: { ...draft.model, thresholds: { ...thresholds, mql } } };
}

export function setCriterion(
  draft: Draft,
  index: number,
  patch: Partial<Pick<FitCriterion, 'label' | 'points'>>,
): Draft {
  const criteria = draft.model.fit.criteria.map((c, i) => (i === index ? { ...c, ...patch } : c));
  return { ...draft, model: { ...draft.model, fit: { ...draft.model.fit, criteria } } };
}

export function setSignalPoints(draft: Draft, index: number, points: number): Draft {
  const signals = draft.model.intent.signals.map((s, i) => (i === index ? { ...s, points } : s));
  return { ...draft, model: { ...draft.model, intent: { ...draft.model.intent, signals } } };
}

export function setSignalAgeing(
  draft: Draft,
  index: number,
  field: 'fullDays' | 'expiresAfterDays',
  days: number,
): Draft {
  const signals = draft.model.intent.signals.map((s, i) =>
    i === index ? { ...s, ageing: { ...s.ageing, [field]: days } } : s,
  );
  return { ...draft, model: { ...draft.model, intent: { ...draft.model.intent, signals } } };
}

export function setDisqualifierReason(draft: Draft, index: number, reason: string): Draft {
  const disqualifiers = (draft.model.disqualifiers ?? []).map((d, i) => (i === index ? { ...d, reason } : d));
  return { ...draft, model: { ...draft.model, disqualifiers } };
}

export function setDisqualifierOn(draft: Draft, id: string, on: boolean): Draft {
  const off = draft.off.filter((x) => x !== id);
  return { ...draft, off: on ? off : [...off, id] };
}

/**
 * The model to send: the draft without the disqualifiers switched off, and for each sent
 * disqualifier the index it has in the draft (to put the service's problems back next to the
 * right field).
 */
export function modelToSend(draft: Draft): { model: Model; disqualifierIndex: number[] } {
  const all = draft.model.disqualifiers;
  if (all === undefined) return { model: draft.model, disqualifierIndex: [] };
  const disqualifierIndex: number[] = [];
  const kept = all.filter((d, i) => {
    const on = !draft.off.includes(d.id);
    if (on) disqualifierIndex.push(i);
    return on;
  });
  return { model: { ...draft.model, disqualifiers: kept }, disqualifierIndex };
}

/** A problem path of the sent model, as a path of the draft (disqualifier indexes differ). */
export function toDraftPath(path: string, disqualifierIndex: readonly number[]): string {
  return path.replace(/^\$\.disqualifiers\[(\d+)\]/, (whole, sent: string) => {
    const original = disqualifierIndex[Number(sent)];
    return original === undefined ? whole : `$.disqualifiers[${original}]`;
  });
}

/** How many values differ between the draft and the model it started from, plus the disqualifiers switched off. */
export function countChanges(draft: Draft, base: Model): number {
  return draft.off.length + countDifferences(base, draft.model);
}

function countDifferences(a: unknown, b: unknown): number {
  if (Object.is(a, b)) return 0;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return 1;
  if (Array.isArray(a) !== Array.isArray(b)) return 1;
  // A list of values (industries, domains) is one field: changed or not.
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((v) => v === null || typeof v !== 'object'))
    return a.length === b.length && a.every((v, i) => Object.is(v, b[i])) ? 0 : 1;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  let n = 0;
  for (const key of keys) {
    const inX = Object.hasOwn(x, key) && x[key] !== undefined;
    const inY = Object.hasOwn(y, key) && y[key] !== undefined;
    if (inX !== inY) n++;
    else if (inX) n += countDifferences(x[key], y[key]);
  }
  return n;
}

// -------------------------------------------------------------------------------------------
// Validation (the service's rules, with messages a marketer can act on)

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function pointsProblem(v: unknown): string | null {
  if (!isNumber(v) || !Number.isInteger(v) || v < POINTS_MIN || v > POINTS_MAX)
    return `Points must be a whole number between ${POINTS_MIN} and ${POINTS_MAX}.`;
  return null;
}

export function barValueProblem(v: unknown): string | null {
  if (!isNumber(v) || v < 0 || v > 100) return 'Enter a score between 0 and 100.';
  return null;
}

export function labelProblem(v: unknown, what = 'a label'): string | null {
  if (typeof v !== 'string' || v.trim() === '') return `Enter ${what}; it cannot be empty.`;
  if (v.trim().length > LABEL_MAX)
    return `Keep it to ${LABEL_MAX} characters or fewer (now ${v.trim().length}).`;
  return null;
}

/** Every problem of the draft's edited fields (disqualifiers switched off are not checked). */
export function validateDraft(draft: Draft): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string | null) => {
    if (message) problems.push({ path, message });
  };
  const { mql } = draft.model.thresholds;
  for (const which of ['fit', 'intent'] as const) {
    if (mql[which].operator !== '>' && mql[which].operator !== '>=')
      add(paths.bar(which, 'operator'), 'Choose "above" or "at least".');
    add(paths.bar(which, 'value'), barValueProblem(mql[which].value));
  }
  draft.model.fit.criteria.forEach((c, i) => {
    add(paths.criterion(i, 'label'), labelProblem(c.label));
    add(paths.criterion(i, 'points'), pointsProblem(c.points));
  });
  draft.model.intent.signals.forEach((s, i) => {
    add(paths.signal(i, 'points'), pointsProblem(s.points));
    const { fullDays, expiresAfterDays } = s.ageing;
    if (!isNumber(fullDays) || fullDays < 0) add(paths.signal(i, 'fullDays'), 'Enter 0 or more days.');
    else if (isNumber(expiresAfterDays) && fullDays > expiresAfterDays)
      add(
        paths.signal(i, 'fullDays'),
        `Full points cannot last longer than the signal counts at all (${expiresAfterDays} days).`,
      );
    if (!isNumber(expiresAfterDays) || expiresAfterDays <= 0)
      add(paths.signal(i, 'expiresAfterDays'), 'Enter a number of days above 0.');
  });
  (draft.model.disqualifiers ?? []).forEach((d, i) => {
    if (!draft.off.includes(d.id))
      add(paths.disqualifier(i, 'reason'), labelProblem(d.reason, 'the reason sales will read'));
  });
  return problems;
}

export function validatePublishForm(note: string, agreedBy: string): Problem[] {
  const problems: Problem[] = [];
  if (note.length > NOTE_MAX)
    problems.push({
      path: paths.note,
      message: `Keep the note to ${NOTE_MAX} characters or fewer (now ${note.length}).`,
    });
  if (agreedBy.length > AGREED_BY_MAX)
    problems.push({ path: paths.agreedBy, message: `Keep this to ${AGREED_BY_MAX} characters or fewer.` });
  return problems;
}

// -------------------------------------------------------------------------------------------
// Plain-language summaries (what each rule means, so marketing and sales read the same thing)

function list(values: readonly string[] | undefined, max = 4): string {
  const v = values ?? [];
  return v.length <= max ? v.join(', ') : `${v.slice(0, max).join(', ')} and ${v.length - max} more`;
}

function propertyNames(property: string | string[]): string {
  return (typeof property === 'string' ? [property] : property).join(' or ');
}

export function describeMatcher(m: Matcher): string {
  switch (m.type) {
    case 'one-of':
      return `is one of ${list(m.values)}`;
    case 'none-of':
      return `is known and none of ${list(m.values)}`;
    case 'range':
      if (m.min !== undefined && m.max !== undefined) return `is between ${m.min} and ${m.max}`;
      return m.min !== undefined ? `is at least ${m.min}` : `is at most ${m.max}`;
    case 'contains':
      return `contains ${list(m.values)}${m.except?.length ? ` (not ${list(m.except, 2)})` : ''}`;
    case 'regex':
      return `matches /${m.pattern ?? ''}/`;
    case 'email-domain':
      return `is an address at ${list(m.domains)}`;
    case 'known':
      return 'has a value';
    case 'unknown':
      return 'is empty';
    default:
      return `matches a ${m.type} rule`;
  }
}

export function describeCondition(c: Condition): string {
  return `${propertyNames(c.property)} ${describeMatcher(c.match)}`;
}

export function describeDisqualifier(d: Disqualifier): string {
  const when = d.when.map(describeCondition).join('; or ');
  const unless = d.unless?.length ? `, unless ${d.unless.map(describeCondition).join('; or ')}` : '';
  return `When ${when}${unless}`;
}

/** How repeats of a signal count, when it is not simply "the latest one, once". */
export function describeCounting(signal: IntentSignal): string | null {
  const counting = signal.counting as { from?: number; max?: number | null } | undefined;
  const from = counting?.from ?? 1;
  const max = counting?.max === undefined ? 1 : counting.max;
  if (from === 1 && max === 1) return null;
  const start = from > 1 ? `counts from occurrence ${from}` : 'counts';
  const times = max === null ? 'every time' : max === 1 ? 'once' : `up to ${max} times`;
  return `${start}, ${times}`;
}

export function describeBar(bar: Bar): string {
  return `${bar.operator === '>' ? 'above' : 'at least'} ${bar.value}`;
}

/** A path as a person reads it: `Fit criterion "Industry": points`. */
export function describePath(path: string, model: Model): string {
  let m = /^\$\.fit\.criteria\[(\d+)\]\.?(.*)$/.exec(path);
  if (m)
    return `Fit criterion "${model.fit.criteria[Number(m[1])]?.label ?? m[1]}"${m[2] ? `: ${m[2]}` : ''}`;
  m = /^\$\.intent\.signals\[(\d+)\]\.?(.*)$/.exec(path);
  if (m) return `Signal "${model.intent.signals[Number(m[1])]?.label ?? m[1]}"${m[2] ? `: ${m[2]}` : ''}`;
  m = /^\$\.disqualifiers\[(\d+)\]\.?(.*)$/.exec(path);
  if (m)
    return `Disqualifier "${model.disqualifiers?.[Number(m[1])]?.reason ?? m[1]}"${m[2] ? `: ${m[2]}` : ''}`;
  m = /^\$\.thresholds\.mql\.(fit|intent)\.?(.*)$/.exec(path);
  if (m) return `MQL ${m[1]} threshold${m[2] ? `: ${m[2]}` : ''}`;
  return path === '$' ? 'The model' : path.replace(/^\$\./, '');
}
