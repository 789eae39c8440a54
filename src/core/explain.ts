/**
 * Explanations a sales rep can read in 30 seconds: a verdict line, then the points that made the
 * scores, largest first. Every line that carries points starts with them (`+25`, `−50`), and
 * together those lines add up to both scores' sums before clamping; a clamp gets its own line.
 */
import type { Evaluation } from './evaluation.js';
import type { FitPart } from './fit.js';
import type { IntentPart } from './intent.js';
import { formatRange } from './matchers.js';
import type { Bar, FitCriterion, QualificationModel } from './model.js';
import { modelIndex } from './model-index.js';
import { cutText, SHOWN_VALUE_CHARS } from './text.js';

export const MAX_EXPLANATION_LINES = 8;

/** `+25` / `−50` / `0`, with a true minus sign. */
export function signed(points: number): string {
  if (points > 0) return `+${points}`;
  if (points < 0) return `\u2212${-points}`;
  return '0';
}

function failText(score: number, bar: Bar): string {
  return `${score} ${bar.operator === '>' ? '≤' : '<'} ${bar.value}`;
}

function passText(score: number, bar: Bar): string {
  return `${score} ${bar.operator === '>' ? '>' : '≥'} ${bar.value}`;
}

/** A bar of "≥ 0" lets every score pass: it is left out of the verdict. */
function isOpen(bar: Bar): boolean {
  return bar.operator === '>=' && bar.value === 0;
}

/**
 * Verdicts repeat: without a disqualification or a missing required criterion they depend only on
 * the qualification and the two scores, so each model remembers them by those three.
 */
const verdicts = new WeakMap<QualificationModel, Map<number, string>>();
const QUALIFICATION_CODE = { mql: 0, iql: 1, nurture: 2, disqualified: 3 } as const;

/** The verdict: why this contact is (not) an MQL, in one line. */
export function verdict(e: Omit<Evaluation, 'explanation'>, model: QualificationModel): string {
  if (e.disqualification || e.mqlRule.missingRequired.length > 0 || e.mqlRule.installedBaseSignal)
    return composeVerdict(e, model);
  let byKey = verdicts.get(model);
  if (!byKey) {
    byKey = new Map();
    verdicts.set(model, byKey);
  }
  const key = (QUALIFICATION_CODE[e.qualification] * 101 + e.fit.score) * 101 + e.intent.score;
  let text = byKey.get(key);
  if (text === undefined) {
    text = composeVerdict(e, model);
    byKey.set(key, text);
  }
  return text;
}

function composeVerdict(e: Omit<Evaluation, 'explanation'>, model: QualificationModel): string {
  const { mql } = model.thresholds;
  if (e.disqualification)
    return `Disqualified: ${e.disqualification.reason} (${e.disqualification.detail.replace(/^[a-z]+\.[a-z0-9_]+: /, '')})`;
  const fit = e.fit.score;
  const intent = e.intent.score;
  const rule = e.mqlRule;
  if (e.qualification === 'mql') {
    if (rule.fitPasses && rule.intentPasses && rule.missingRequired.length === 0) {
      const met: string[] = [];
      if (mql.requiredFitCriteria.length > 0) met.push('all required fit criteria met');
      if (!isOpen(mql.fit)) met.push(`fit ${passText(fit, mql.fit)}`);
      if (!isOpen(mql.intent)) met.push(`intent ${passText(intent, mql.intent)}`);
      return `MQL: ${met.join(' and ')}`;
    }
    return `MQL (installed base): existing customer, ${rule.installedBaseSignal} in the last ${model.thresholds.installedBase?.windowDays} days`;
  }
  const reasons: string[] = [];
  if (rule.missingRequired.length > 0) reasons.push(`required ${rule.missingRequired.join(', ')} not met`);
  if (!rule.fitPasses) reasons.push(`fit ${failText(fit, mql.fit)}`);
  if (!rule.intentPasses) reasons.push(`intent ${failText(intent, mql.intent)}`);
  const prefix = e.qualification === 'iql' ? 'IQL, information only (not for sales)' : 'Not MQL';
  return `${prefix}: ${reasons.join(' and ')}`;
}

/**
 * Fit lines repeat across contacts (the same industry, the same band), so each criterion remembers
 * its lines per (status, value), up to 1024 of them. The text never depends on the cache.
 */
const fitLines = new WeakMap<
  FitCriterion,
  { byStatus: Record<FitPart['status'], Map<string, string>>; oneKind: boolean }
>();

export function describeFit(
  part: FitPart,
  criterion: FitCriterion | undefined,
  model: QualificationModel,
): string {
  if (!criterion) return composeFitLine(part, undefined);
  let cache = fitLines.get(criterion);
  if (!cache) {
    const { normalizer } = modelIndex(model);
    const refs = typeof criterion.property === 'string' ? [criterion.property] : criterion.property;
    cache = {
      byStatus: { match: new Map(), 'no-match': new Map(), unknown: new Map() },
      // With one kind of value, what a value was read as follows from the value itself.
      oneKind: new Set(refs.map((r) => normalizer.kindOf(r))).size === 1,
    };
    fitLines.set(criterion, cache);
  }
  const lines = cache.byStatus[part.status];
  const whole = part.shown.length < SHOWN_VALUE_CHARS || !part.shown.endsWith('…');
  const key =
    (part.readAs === undefined && part.detail === undefined) || (cache.oneKind && whole)
      ? part.shown
      : `${part.shown}\u0000${part.readAs ?? ''}\u0000${part.detail ?? ''}`;
  let line = lines.get(key);
  if (line === undefined) {
    if (lines.size >= 1024) lines.clear();
    line = composeFitLine(part, criterion);
    lines.set(key, line);
  }
  return line;
}

/**
 * One fit line. An alias says what it was read as ("Region: Holland → Netherlands is in the ICP"),
 * a range says its rule ("Company size: 100-500 (75% within 200–1000)"), an unknown value says
 * why ("Industry: unknown ("N/A" means no value)").
 */
function composeFitLine(part: FitPart, criterion: FitCriterion | undefined): string {
  const head = `${signed(part.points)} ${part.label}: `;
  if (part.status === 'unknown')
    return `${head}unknown (${part.detail === undefined ? part.shown : `"${part.shown}" ${part.detail}`})`;
  const hit = part.status === 'match';
  const arrow = part.readAs === undefined ? '' : ` → ${part.readAs}`;
  const m = criterion?.match;
  switch (m?.type) {
    case 'one-of':
      return `${head}${part.shown}${arrow} ${hit ? 'is' : 'is not'} in the ICP`;
    case 'range':
      return `${head}${part.shown} (${part.detail ?? `${hit ? '' : 'wanted '}${formatRange(m.min, m.max)}`})`;
    case 'contains':
    case 'regex':
      return `${head}"${part.shown}"${arrow}${hit ? '' : ' does not match'}`;
    default:
      return `${head}${part.shown}${arrow}${hit ? '' : ' (no match)'}`;
  }
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

export function describeIntent(part: IntentPart): string {
  let notes = part.occurredAt.slice(0, 10);
  // "fading from +30", not "83% left after 40 days": the text then changes only when the points
  // do, so ageing costs a HubSpot write per point lost, not one per day (see next-change.ts).
  if (part.decayFactor < 1) notes += `, fading from ${signed(part.basePoints)}`;
  if (part.occurrence > 1) notes += `, ${ordinal(part.occurrence)} time`;
  return `${signed(part.points)} ${part.label} (${notes})`;
}

interface ScoredLine {
  score: 'fit' | 'intent';
  points: number;
  text: string;
}

/**
 * Builds the short explanation (at most 8 lines). When the scored items do not all fit, the
 * smallest are folded into one line per score ("+15 from 3 more fit items"), so the points still add up.
 */
export function explain(e: Omit<Evaluation, 'explanation'>, model: QualificationModel): string[] {
  const { criteria } = modelIndex(model);
  const lines = [verdict(e, model)];

  const clampLines: string[] = [];
  addClampLine(clampLines, 'Fit', e.fit.raw);
  addClampLine(clampLines, 'Intent', e.intent.raw);

  const scored: ScoredLine[] = [];
  let unknown = '';
  for (const p of e.fit.parts) {
    if (p.points !== 0)
      scored.push({ score: 'fit', points: p.points, text: describeFit(p, criteria.get(p.ruleId), model) });
    else if (p.status === 'unknown') {
      // A value that was there but could not be read is named: "Industry (N/A)".
      const item = p.detail === undefined ? p.label : `${p.label} (${cutText(p.shown, 24)})`;
      unknown += unknown === '' ? item : `, ${item}`;
    }
  }
  for (const p of e.intent.parts)
    if (p.points !== 0) scored.push({ score: 'intent', points: p.points, text: describeIntent(p) });
  // Largest effect first; a stable sort keeps model order among equals.
  scored.sort(byEffect);

  const unknownLines = unknown === '' ? 0 : 1;
  const room = MAX_EXPLANATION_LINES - lines.length - clampLines.length - unknownLines;
  // Show as many items as fit, leaving one line per score whose items are folded.
  let shown = Math.min(scored.length, room);
  while (shown > 0 && shown < scored.length && shown + foldedScores(scored, shown) > room) shown--;
  for (let i = 0; i < shown; i++) lines.push(scored[i]!.text);
  if (shown < scored.length) {
    for (const score of ['fit', 'intent'] as const) {
      let sum = 0;
      let count = 0;
      for (let i = shown; i < scored.length; i++) {
        if (scored[i]!.score !== score) continue;
        sum += scored[i]!.points;
        count++;
      }
      if (count > 0) lines.push(`${signed(sum)} from ${count} more ${score} item${count > 1 ? 's' : ''}`);
    }
  }
  if (unknown !== '') lines.push(`? Unknown, so no points: ${unknown}`);
  lines.push(...clampLines);
  return lines;
}

function byEffect(a: ScoredLine, b: ScoredLine): number {
  return Math.abs(b.points) - Math.abs(a.points);
}

/** How many scores (fit, intent) have items from `from` on: each needs a folded line. */
function foldedScores(scored: readonly ScoredLine[], from: number): number {
  let fit = 0;
  let intent = 0;
  for (let i = from; i < scored.length; i++) {
    if (scored[i]!.score === 'fit') fit = 1;
    else intent = 1;
  }
  return fit + intent;
}

function addClampLine(lines: string[], name: string, raw: number): void {
  if (raw > 100) lines.push(`${name} capped at 100 (sum ${raw})`);
  else if (raw < 0) lines.push(`${name} floored at 0 (sum ${signed(raw)})`);
}

/** The full breakdown, every rule and every signal, for `cli explain` and the contact card. */
export function explainInFull(e: Evaluation, model: QualificationModel): string {
  const { criteria } = modelIndex(model);
  const out: string[] = [];
  out.push(`Contact ${e.contactId}, model ${e.modelVersion}, evaluated ${e.evaluatedAt}`);
  out.push(verdict(e, model));
  out.push('');
  out.push(`Fit ${e.fit.score}/100${e.fit.raw !== e.fit.score ? ` (sum ${e.fit.raw}, clamped)` : ''}`);
  for (const p of e.fit.parts) {
    out.push(`  ${describeFit(p, criteria.get(p.ruleId), model)}  (${p.property})`);
  }
  out.push('');
  out.push(
    `Intent ${e.intent.score}/100${e.intent.raw !== e.intent.score ? ` (sum ${e.intent.raw}, clamped)` : ''}`,
  );
  if (e.intent.parts.length === 0) out.push('  no signals inside their windows');
  for (const p of e.intent.parts)
    out.push(`  ${describeIntent(p)}${p.counted ? '' : ' [does not count: see the counting rule]'}`);
  const ig = e.intent.ignored;
  const ignored = Object.entries(ig).filter(([, n]) => n > 0);
  if (ignored.length > 0) out.push(`  ignored: ${ignored.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const w of e.warnings ?? []) out.push(`  warning: ${w.message}`);
  out.push('');
  out.push(
    `Lifecycle: ${e.lifecycle.current ?? '(empty)'} → ${e.lifecycle.proposed ?? '(empty)'} (${e.lifecycle.why})`,
  );
  out.push(
    `Lead status: ${e.leadStatus.current ?? '(empty)'} → ${e.leadStatus.proposed ?? '(empty)'} (${e.leadStatus.why})`,
  );
  if (e.route)
    out.push(
      `Route: ${e.route.kind} to ${e.route.to}; accept within ${e.route.acceptanceSlaHours} h, follow up within ${e.route.followUpSlaHours} h (${e.route.why})`,
    );
  return out.join('\n');
}
