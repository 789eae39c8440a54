/**
 * What changed between two versions of the qualification model, in the words marketing and sales
 * use: "MQL intent bar 50 → 40; added industry Pharmaceuticals (+25)". Pure: both models are
 * already parsed (defaults filled), so a default left out and the same value written out are no
 * change. Lists are compared by their ids (criteria, disqualifiers, lost reasons) or types
 * (signals), so reordering is no change either. Owner ids are shown as given unless the caller
 * passes names for them.
 */
import type { Bar, Condition, Matcher } from './model-parts.js';
import type { QualificationModel } from './model-schema.js';
import { ownValue } from './own.js';

/** The part of the model a change belongs to, for grouping on a page. */
export type ModelChangeSection =
  | 'model'
  | 'mql'
  | 'fit'
  | 'intent'
  | 'disqualifiers'
  | 'installed-base'
  | 'iql'
  | 'routing'
  | 'feedback'
  | 'cadence'
  | 'normalization';

export interface ModelChange {
  section: ModelChangeSection;
  /** One line a person reads, e.g. `MQL intent bar 50 → 40`. */
  text: string;
}

export interface ModelDiffOptions {
  /** A person's name for a HubSpot owner id (default: `owner <id>`). */
  ownerName?: (ownerId: string) => string;
}

const ARROW = '→';

/** "Industry" → "industry"; "CEO role" and "ICP" stay as they are. */
function lowerFirst(label: string): string {
  if (label.length > 1 && label[1] === label[1]!.toUpperCase() && /[A-Z]/.test(label[1]!)) return label;
  return label.charAt(0).toLowerCase() + label.slice(1);
}

function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

function barChange(name: string, before: Bar, after: Bar): string | null {
  if (before.operator === after.operator && before.value === after.value) return null;
  if (before.operator === after.operator) return `${name} ${before.value} ${ARROW} ${after.value}`;
  return `${name} ${before.operator} ${before.value} ${ARROW} ${after.operator} ${after.value}`;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function properties(c: Condition): string[] {
  return typeof c.property === 'string' ? [c.property] : c.property;
}

/** Items of `after` not in `before`, and of `before` not in `after`, by exact text. */
function listDiff(before: readonly string[], after: readonly string[]) {
  const was = new Set(before);
  const is = new Set(after);
  return { added: after.filter((v) => !was.has(v)), removed: before.filter((v) => !is.has(v)) };
}

function quoteList(values: readonly string[]): string {
  return values.join(', ');
}

function range(m: Extract<Matcher, { type: 'range' }>): string {
  if (m.min !== undefined && m.max !== undefined) return `${m.min}–${m.max}`;
  return m.min !== undefined ? `at least ${m.min}` : `at most ${m.max}`;
}

/** The values a matcher lists (what "added … / removed …" is about), or null. */
function listedValues(m: Matcher): { values: string[]; what: string } | null {
  switch (m.type) {
    case 'one-of':
    case 'none-of':
    case 'contains':
      return { values: m.values, what: '' };
    case 'email-domain':
      return { values: m.domains, what: 'domain ' };
    default:
      return null;
  }
}

/** What changed in how a condition matches, as lines about `subject` ("industry", "Competitors"). */
function conditionChanges(subject: string, before: Condition, after: Condition, points?: number): string[] {
  const lines: string[] = [];
  if (!same(properties(before), properties(after)))
    lines.push(`${subject} reads ${quoteList(properties(after))} (was ${quoteList(properties(before))})`);
  const m0 = before.match;
  const m1 = after.match;
  if (m0.type !== m1.type) {
    lines.push(`${subject} now matches by ${m1.type} (was ${m0.type})`);
    return lines;
  }
  if (m0.type === 'range' && m1.type === 'range') {
    if (m0.min !== m1.min || m0.max !== m1.max)
      lines.push(`${subject} range ${range(m0)} ${ARROW} ${range(m1)}`);
    return lines;
  }
  if (m0.type === 'regex' && m1.type === 'regex') {
    if (m0.pattern !== m1.pattern || (m0.flags ?? '') !== (m1.flags ?? ''))
      lines.push(
        `${subject} pattern /${m0.pattern}/${m0.flags ?? ''} ${ARROW} /${m1.pattern}/${m1.flags ?? ''}`,
      );
    return lines;
  }
  const v0 = listedValues(m0);
  const v1 = listedValues(m1);
  if (v0 && v1) {
    const { added, removed } = listDiff(v0.values, v1.values);
    const tail = points !== undefined ? ` (${signed(points)})` : '';
    // A criterion reads "added industry Pharmaceuticals (+25)"; a rule "Competitor: added domain x".
    const line = (verb: string, what: string, v: string, end: string) =>
      points !== undefined ? `${verb} ${subject} ${what}${v}${end}` : `${subject}: ${verb} ${what}${v}`;
    for (const v of added) lines.push(line('added', v1.what, v, tail));
    for (const v of removed) lines.push(line('removed', v0.what, v, ''));
    if (m0.type === 'contains' && m1.type === 'contains') {
      const except = listDiff(m0.except ?? [], m1.except ?? []);
      for (const v of except.added) lines.push(`${subject} no longer counts "${v}"`);
      for (const v of except.removed) lines.push(`${subject} counts "${v}" again`);
    }
  }
  return lines;
}

/** Conditions of a rule (`when`, `unless`, `customerWhen`), compared by position. */
function conditionListChanges(subject: string, before: Condition[], after: Condition[]): string[] {
  const lines: string[] = [];
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const b = before[i];
    const a = after[i];
    if (b && a) lines.push(...conditionChanges(subject, b, a));
    else if (a) lines.push(`${subject}: added the condition ${quoteList(properties(a))} (${a.match.type})`);
    else if (b) lines.push(`${subject}: removed the condition ${quoteList(properties(b))} (${b.match.type})`);
  }
  return lines;
}

/** Items matched by key: added, removed, and pairs present in both (in `after`'s order). */
function byKey<T>(before: readonly T[], after: readonly T[], key: (item: T) => string) {
  const was = new Map(before.map((x) => [key(x), x]));
  const is = new Map(after.map((x) => [key(x), x]));
  return {
    added: after.filter((x) => !was.has(key(x))),
    removed: before.filter((x) => !is.has(key(x))),
    both: after.filter((x) => was.has(key(x))).map((x) => [was.get(key(x))!, x] as const),
  };
}

function fitChanges(before: QualificationModel, after: QualificationModel, out: (t: string) => void) {
  const { added, removed, both } = byKey(before.fit.criteria, after.fit.criteria, (c) => c.id);
  for (const c of added) out(`added fit criterion ${c.label} (${signed(c.points)})`);
  for (const c of removed) out(`removed fit criterion ${c.label}`);
  for (const [b, a] of both) {
    const name = lowerFirst(a.label);
    if (b.label !== a.label) out(`fit criterion "${b.label}" renamed "${a.label}"`);
    if (b.points !== a.points) out(`${name} points ${signed(b.points)} ${ARROW} ${signed(a.points)}`);
    conditionChanges(name, b, a, a.points).forEach(out);
  }
}

function intentChanges(before: QualificationModel, after: QualificationModel, out: (t: string) => void) {
  const { added, removed, both } = byKey(before.intent.signals, after.intent.signals, (s) => s.type);
  for (const s of added) out(`added signal ${s.label} (${signed(s.points)})`);
  for (const s of removed) out(`removed signal ${s.label}`);
  for (const [b, a] of both) {
    if (b.label !== a.label) out(`signal "${b.label}" renamed "${a.label}"`);
    if (b.points !== a.points) out(`${a.label} ${signed(b.points)} ${ARROW} ${signed(a.points)}`);
    if (b.ageing.fullDays !== a.ageing.fullDays)
      out(`${a.label} counts fully for ${b.ageing.fullDays} ${ARROW} ${a.ageing.fullDays} days`);
    if (b.ageing.expiresAfterDays !== a.ageing.expiresAfterDays)
      out(`${a.label} expires after ${b.ageing.expiresAfterDays} ${ARROW} ${a.ageing.expiresAfterDays} days`);
    if (!same(b.counting, a.counting))
      out(
        `${a.label} counts from occurrence ${a.counting.from}, ${a.counting.max === null ? 'every time' : `at most ${a.counting.max}`} (was from ${b.counting.from}, ${b.counting.max === null ? 'every time' : `at most ${b.counting.max}`})`,
      );
  }
}

function disqualifierChanges(
  before: QualificationModel,
  after: QualificationModel,
  out: (t: string) => void,
) {
  const { added, removed, both } = byKey(before.disqualifiers, after.disqualifiers, (d) => d.id);
  for (const d of added) out(`added disqualifier "${d.reason}"`);
  for (const d of removed) out(`removed disqualifier "${d.reason}"`);
  for (const [b, a] of both) {
    if (b.reason !== a.reason) out(`disqualifier "${b.reason}" renamed "${a.reason}"`);
    conditionListChanges(`disqualifier "${a.reason}"`, b.when, a.when).forEach(out);
    conditionListChanges(`disqualifier "${a.reason}" exception`, b.unless, a.unless).forEach(out);
  }
}

function thresholdChanges(
  before: QualificationModel,
  after: QualificationModel,
  out: (section: ModelChangeSection, t: string) => void,
) {
  const m0 = before.thresholds.mql;
  const m1 = after.thresholds.mql;
  const fit = barChange('MQL fit bar', m0.fit, m1.fit);
  if (fit) out('mql', fit);
  const intent = barChange('MQL intent bar', m0.intent, m1.intent);
  if (intent) out('mql', intent);
  const label = (id: string) => after.fit.criteria.find((c) => c.id === id)?.label ?? id;
  const required = listDiff(m0.requiredFitCriteria, m1.requiredFitCriteria);
  for (const id of required.added) out('mql', `an MQL now needs ${lowerFirst(label(id))}`);
  for (const id of required.removed)
    out(
      'mql',
      `an MQL no longer needs ${lowerFirst(before.fit.criteria.find((c) => c.id === id)?.label ?? id)}`,
    );

  const i0 = before.thresholds.iql;
  const i1 = after.thresholds.iql;
  if (!i0 && i1) out('iql', `IQL rule on (${quoteList(i1.signalTypes)})`);
  else if (i0 && !i1) out('iql', 'IQL rule off');
  else if (i0 && i1) {
    const d = listDiff(i0.signalTypes, i1.signalTypes);
    for (const t of d.added) out('iql', `IQL counts ${t}`);
    for (const t of d.removed) out('iql', `IQL no longer counts ${t}`);
  }

  const b0 = before.thresholds.installedBase;
  const b1 = after.thresholds.installedBase;
  if (!b0 && b1) out('installed-base', `installed-base rule on (window ${b1.windowDays} days)`);
  else if (b0 && !b1) out('installed-base', 'installed-base rule off');
  else if (b0 && b1) {
    if (b0.windowDays !== b1.windowDays)
      out('installed-base', `installed-base window ${b0.windowDays} ${ARROW} ${b1.windowDays} days`);
    const d = listDiff(b0.qualifyingSignals, b1.qualifyingSignals);
    for (const t of d.added) out('installed-base', `installed base qualifies on ${t}`);
    for (const t of d.removed) out('installed-base', `installed base no longer qualifies on ${t}`);
    conditionListChanges('customer rule', b0.customerWhen, b1.customerWhen).forEach((t) =>
      out('installed-base', t),
    );
  }
}

const SLA_NAMES = {
  installedBase: 'installed-base SLA',
  newBusiness: 'new-business SLA',
  demoRequest: 'demo-request SLA',
  salesAcceptance: 'sales acceptance SLA',
} as const;

function routingChanges(
  before: QualificationModel,
  after: QualificationModel,
  name: (id: string) => string,
  out: (t: string) => void,
) {
  const r0 = before.routing;
  const r1 = after.routing;
  for (const key of Object.keys(SLA_NAMES) as (keyof typeof SLA_NAMES)[])
    if (r0.slaHours[key] !== r1.slaHours[key])
      out(`${SLA_NAMES[key]} ${r0.slaHours[key]} ${ARROW} ${r1.slaHours[key]} hours`);
  const owners = listDiff(r0.newBusinessOwners, r1.newBusinessOwners);
  for (const id of owners.added) out(`${name(id)} joins the new-business round robin`);
  for (const id of owners.removed) out(`${name(id)} leaves the new-business round robin`);
  const away = listDiff(r0.unavailableOwners, r1.unavailableOwners);
  for (const id of away.added) out(`${name(id)} is unavailable`);
  for (const id of away.removed) out(`${name(id)} is available again`);
  const who = (id: string | null) => (id === null ? 'nobody' : name(id));
  if (r0.escalationOwner !== r1.escalationOwner)
    out(`escalation owner ${who(r0.escalationOwner)} ${ARROW} ${who(r1.escalationOwner)}`);
  if (r0.marketingOwner !== r1.marketingOwner)
    out(`marketing owner ${who(r0.marketingOwner)} ${ARROW} ${who(r1.marketingOwner)}`);
  const demo = listDiff(r0.demoRequestSignals, r1.demoRequestSignals);
  for (const t of demo.added) out(`${t} counts as a demo request`);
  for (const t of demo.removed) out(`${t} no longer counts as a demo request`);
}

function feedbackChanges(before: QualificationModel, after: QualificationModel, out: (t: string) => void) {
  const f0 = before.feedback;
  const f1 = after.feedback;
  const { added, removed, both } = byKey(f0.lostReasons, f1.lostReasons, (r) => r.id);
  for (const r of added) out(`added lost reason "${r.label}"`);
  for (const r of removed) out(`removed lost reason "${r.label}"`);
  for (const [b, a] of both) if (b.label !== a.label) out(`lost reason "${b.label}" renamed "${a.label}"`);
  const label = (id: string) =>
    (f1.lostReasons.find((r) => r.id === id) ?? f0.lostReasons.find((r) => r.id === id))?.label ?? id;
  const reasons = new Set([...Object.keys(f0.renurtureTracks), ...Object.keys(f1.renurtureTracks)]);
  for (const id of reasons) {
    const t0 = ownValue(f0.renurtureTracks, id) ?? null;
    const t1 = ownValue(f1.renurtureTracks, id) ?? null;
    if (t0 !== t1) out(`"${label(id)}" re-nurture track ${t0 ?? 'none'} ${ARROW} ${t1 ?? 'none'}`);
  }
  if (f0.recycleStage !== f1.recycleStage)
    out(`returned leads recycle to ${f0.recycleStage} ${ARROW} ${f1.recycleStage}`);
  if (!same(f0.returnLeadStatus, f1.returnLeadStatus)) out('lead statuses of returned leads changed');
  if (!same(f0.reasonSignals, f1.reasonSignals)) out('signals added by lost reasons changed');
  if (!same(f0.leadStatusDecisions, f1.leadStatusDecisions))
    out('lead statuses read as sales decisions changed');
}

/**
 * Every change from `before` to `after`, in the order of the model (name, MQL rule, fit, intent,
 * disqualifiers, IQL and installed base, routing, feedback, normalization). Empty when they agree.
 */
export function diffModels(
  before: QualificationModel,
  after: QualificationModel,
  options: ModelDiffOptions = {},
): ModelChange[] {
  const changes: ModelChange[] = [];
  const add = (section: ModelChangeSection) => (text: string) => changes.push({ section, text });
  if (before.name !== after.name) add('model')(`name "${before.name}" ${ARROW} "${after.name}"`);
  if ((before.description ?? '') !== (after.description ?? '')) add('model')('description changed');
  const thresholds: ModelChange[] = [];
  thresholdChanges(before, after, (section, text) => thresholds.push({ section, text }));
  changes.push(...thresholds.filter((c) => c.section === 'mql'));
  fitChanges(before, after, add('fit'));
  intentChanges(before, after, add('intent'));
  disqualifierChanges(before, after, add('disqualifiers'));
  changes.push(...thresholds.filter((c) => c.section !== 'mql'));
  routingChanges(before, after, options.ownerName ?? ((id) => `owner ${id}`), add('routing'));
  feedbackChanges(before, after, add('feedback'));
  if (before.cadence.minimumDays !== after.cadence.minimumDays)
    add('cadence')(
      `minimum days between publishes ${before.cadence.minimumDays} ${ARROW} ${after.cadence.minimumDays}`,
    );
  for (const key of Object.keys(after.normalization) as (keyof QualificationModel['normalization'])[])
    if (!same(before.normalization[key], after.normalization[key]))
      add('normalization')(`how values are read changed (${key})`);
  return changes;
}

/** The changes as one line: `MQL intent bar 50 → 40; added industry Pharmaceuticals (+25)`. */
export function describeModelDiff(changes: readonly ModelChange[]): string {
  return changes.length === 0 ? 'no changes' : changes.map((c) => c.text).join('; ');
}
