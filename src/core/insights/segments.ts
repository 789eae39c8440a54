/**
 * The segments suggestions look at: what a contact was, and did, at the moment it was judged. Size
 * band, industry, region, role word in the job title, touches within 30 days, and each signal type
 * within 30 days. The same words the seeds use to describe who became a customer.
 */
import { findCountry } from '../countries.js';
import type { ContactInput } from '../evaluation.js';
import { DAY_MS } from '../intent.js';
import { readProperty } from '../matchers.js';
import type { PropertyRef, QualificationModel } from '../model.js';
import { parseNumericInterval } from '../normalize.js';
import { humanizeOption, wordForm } from '../text.js';

export type SegmentKind = 'size' | 'industry' | 'region' | 'role' | 'touches' | 'signal';

export interface Segment {
  kind: SegmentKind;
  /** What the draft change matches: `50-199`, `FOOD_PRODUCTION`, `NL`, `director`, `2`, `demo_requested`. */
  value: string;
  /** For people: "50–199 employees", "Food Production", "Netherlands", "“director” in the job title". */
  label: string;
  /** The seeds' way: "had 50–199 employees", "were in Food Production". */
  phrase: string;
}

/** Where the size, industry, country and job title are read, first with a value wins. */
export const SEGMENT_PROPERTIES: Readonly<Record<'size' | 'industry' | 'region' | 'role', PropertyRef[]>> = {
  size: ['company.numberofemployees', 'contact.numemployees', 'contact.numberofemployees'],
  industry: ['company.industry', 'contact.industry'],
  region: ['contact.country', 'company.country'],
  role: ['contact.jobtitle'],
};

/** Size bands in employees, as the seeds cut them ("50–200 employees", "100–1000"). */
export const SIZE_BANDS: readonly { min: number; max: number | null }[] = [
  { min: 1, max: 9 },
  { min: 10, max: 49 },
  { min: 50, max: 199 },
  { min: 200, max: 999 },
  { min: 1000, max: null },
];

/** Role words, most senior first; a title gives its first match (“VP Operations” → vp). */
export const ROLE_WORDS: readonly string[] = [
  'ceo',
  'cto',
  'cfo',
  'coo',
  'chief',
  'founder',
  'owner',
  'vp',
  'vice president',
  'director',
  'head',
  'plant manager',
  'manager',
  'lead',
  'engineer',
  'analyst',
  'consultant',
  'specialist',
  'assistant',
  'student',
  'intern',
];

/** Touches within this many days before the judgement count as "touches within a month". */
export const TOUCH_WINDOW_DAYS = 30;

function first(view: ContactInput, refs: readonly PropertyRef[]): string | null {
  for (const ref of refs) {
    const v = readProperty(view, ref);
    if (v !== null) return v;
  }
  return null;
}

function sizeSegment(text: string): Segment | null {
  const interval = parseNumericInterval(text, true);
  if (!interval) return null;
  const value = Number.isFinite(interval.high) ? (interval.low + interval.high) / 2 : interval.low;
  const band = SIZE_BANDS.find((b) => value >= b.min && (b.max === null || value <= b.max));
  if (!band) return null;
  const label = band.max === null ? `${band.min}+ employees` : `${band.min}–${band.max} employees`;
  return {
    kind: 'size',
    value: band.max === null ? `${band.min}+` : `${band.min}-${band.max}`,
    label,
    phrase: `had ${label}`,
  };
}

function roleWord(title: string): string | null {
  const padded = ` ${wordForm(title)} `;
  return ROLE_WORDS.find((w) => padded.includes(` ${w} `)) ?? null;
}

/**
 * Segments of raw values, remembered: the same industries, countries, sizes and titles come back
 * for thousands of contacts. Bounded, so odd free text cannot grow it for ever.
 */
const remembered = new Map<string, Segment | null>();
function remember(key: string, make: () => Segment | null): Segment | null {
  let hit = remembered.get(key);
  if (hit === undefined) {
    hit = make();
    if (remembered.size >= 50_000) remembered.clear();
    remembered.set(key, hit);
  }
  return hit;
}

/** The segments a contact, as known at `at`, belongs to. */
export function segmentsOf(view: ContactInput, at: number, model: QualificationModel): Segment[] {
  const out: Segment[] = [];
  const size = first(view, SEGMENT_PROPERTIES.size);
  const sizeSeg = size === null ? null : remember(`s${size}`, () => sizeSegment(size));
  if (sizeSeg) out.push(sizeSeg);
  const industry = first(view, SEGMENT_PROPERTIES.industry);
  if (industry !== null)
    out.push(
      remember(`i${industry}`, () => {
        const label = humanizeOption(industry);
        return { kind: 'industry', value: industry, label, phrase: `were in ${label}` };
      })!,
    );
  const country = first(view, SEGMENT_PROPERTIES.region);
  if (country !== null)
    out.push(
      remember(`c${country}`, () => {
        const found = findCountry(country);
        const label = found?.name ?? country;
        return { kind: 'region', value: found?.code ?? country, label, phrase: `were in ${label}` };
      })!,
    );
  const title = first(view, SEGMENT_PROPERTIES.role);
  const roleSeg =
    title === null
      ? null
      : remember(`r${title}`, () => {
          const role = roleWord(title);
          return role === null
            ? null
            : {
                kind: 'role',
                value: role,
                label: `“${role}” in the job title`,
                phrase: `had “${role}” in their job title`,
              };
        });
  if (roleSeg) out.push(roleSeg);

  const { negative, labels } = signalFacts(model);
  const since = at - TOUCH_WINDOW_DAYS * DAY_MS;
  const types = new Set<string>();
  let touches = 0;
  for (const s of view.signals ?? []) {
    const t = typeof s.occurredAt === 'number' ? s.occurredAt : Date.parse(s.occurredAt);
    if (!(t > since && t <= at)) continue;
    types.add(s.type);
    if (!negative.has(s.type)) touches++;
  }
  const bucket = Math.min(touches, 3);
  const touchLabel = bucket === 3 ? '3 or more touches' : `${bucket} touch${bucket === 1 ? '' : 'es'}`;
  out.push({
    kind: 'touches',
    value: bucket === 3 ? '3+' : String(bucket),
    label: `${touchLabel} within ${TOUCH_WINDOW_DAYS} days`,
    phrase: `had ${touchLabel} within a month`,
  });
  for (const type of [...types].sort()) {
    const label = labels.get(type) ?? humanizeOption(type);
    out.push({
      kind: 'signal',
      value: type,
      label: `${label} within ${TOUCH_WINDOW_DAYS} days`,
      phrase: `had “${label}” within a month`,
    });
  }
  return out;
}

const factsOf = new WeakMap<QualificationModel, { negative: Set<string>; labels: Map<string, string> }>();
/** The model's negative signal types and signal labels, worked out once per model. */
function signalFacts(model: QualificationModel) {
  let facts = factsOf.get(model);
  if (!facts) {
    facts = {
      negative: new Set(model.intent.signals.filter((s) => s.points < 0).map((s) => s.type)),
      labels: new Map(model.intent.signals.map((s) => [s.type, s.label])),
    };
    factsOf.set(model, facts);
  }
  return facts;
}
