/**
 * "Add to draft": a suggestion becomes a change in a copy of the model (a fit criterion, a value
 * added to an existing criterion, a signal's points), validated by the model parser. Never
 * published by itself: the result is a draft for people to look at, backtest and agree on.
 */
import { parseModel, type ParseModelResult } from '../model.js';
import type { FitCriterion, IntentSignal, QualificationModel } from '../model.js';
import { MODEL_LIMITS } from '../limits.js';
import { SEGMENT_PROPERTIES, type Segment } from './segments.js';

/** The points a suggested criterion or signal change adds or takes away. */
export const SUGGESTED_POINTS = 10;

/** Ageing of a signal a suggestion adds to the model: the seeds' full 30 days, gone after 90. */
export const SUGGESTED_AGEING = { fullDays: 30, expiresAfterDays: 90 } as const;

export interface DraftSuggestion {
  segment: Segment;
  direction: 'more' | 'less';
}

const clampPoints = (x: number) => Math.max(-MODEL_LIMITS.points, Math.min(MODEL_LIMITS.points, x));

function snake(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'value' : s;
}

function freeId(model: QualificationModel, base: string): string {
  const ids = new Set(model.fit.criteria.map((c) => c.id));
  const stem = base.slice(0, MODEL_LIMITS.idChars - 4);
  if (!ids.has(stem)) return stem;
  for (let i = 2; ; i++) if (!ids.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** The first criterion that reads one of these properties with this kind of matcher. */
function criterionOn(
  model: QualificationModel,
  refs: readonly string[],
  type: 'one-of' | 'contains',
): FitCriterion | undefined {
  return model.fit.criteria.find((c) => {
    const props = Array.isArray(c.property) ? c.property : [c.property];
    return c.points > 0 && c.match.type === type && props.some((p) => refs.includes(p));
  });
}

function newCriterion(model: QualificationModel, s: DraftSuggestion): FitCriterion {
  const points = s.direction === 'more' ? SUGGESTED_POINTS : -SUGGESTED_POINTS;
  const id = freeId(model, `suggested_${s.segment.kind}_${snake(s.segment.value)}`);
  const label = s.segment.label.slice(0, MODEL_LIMITS.labelChars);
  switch (s.segment.kind) {
    case 'size': {
      const [min, max] = s.segment.value.replace('+', '').split('-').map(Number);
      const existing = model.fit.criteria.find((c) => c.match.type === 'range');
      const property = existing?.property ?? SEGMENT_PROPERTIES.size;
      return {
        id,
        label: `Company size ${label}`.slice(0, MODEL_LIMITS.labelChars),
        property,
        match: max === undefined ? { type: 'range', min: min! } : { type: 'range', min: min!, max },
        points,
      };
    }
    case 'industry':
      return {
        id,
        label: `Industry: ${label}`.slice(0, MODEL_LIMITS.labelChars),
        property: SEGMENT_PROPERTIES.industry,
        match: { type: 'one-of', values: [s.segment.value] },
        points,
      };
    case 'region':
      return {
        id,
        label: `Region: ${label}`.slice(0, MODEL_LIMITS.labelChars),
        property: SEGMENT_PROPERTIES.region,
        match: { type: 'one-of', values: [s.segment.value] },
        points,
      };
    default:
      return {
        id,
        label: `Role: ${s.segment.value}`.slice(0, MODEL_LIMITS.labelChars),
        property: SEGMENT_PROPERTIES.role[0]!,
        match: { type: 'contains', values: [s.segment.value] },
        points,
      };
  }
}

/**
 * A suggestion as a change to a draft, in plain JSON so the settings page can apply it to the draft
 * being edited (which may differ from the model the suggestion was made on). Each operation is
 * idempotent: applied twice, the draft changes once.
 */
export type DraftChange =
  /** Add this criterion, unless one with its id is already there. */
  | { op: 'add-criterion'; criterion: FitCriterion }
  /** Add `value` (`label` for people) to the criterion's list; where it is gone, add `fallback` instead. */
  | { op: 'add-value'; criterionId: string; value: string; label: string; fallback: FitCriterion }
  /** Move the signal's points by `delta`; where the draft lacks the signal, add `signal`. */
  | { op: 'signal-points'; signalType: string; delta: number; signal: IntentSignal }
  /** Let these positive signals, counted once, count twice within their window. */
  | { op: 'count-twice'; signalTypes: string[] };

/**
 * The change a suggestion stands for, made on `model`: a segment converting more widens an
 * existing criterion on the same property when there is one (a value added to its list), or adds
 * a +10 criterion; one converting less adds a −10 criterion. Signals: their points move by 10 (a
 * signal the model lacks is added). Touches: positive signals counted once may count twice.
 */
export function draftChangeOf(model: QualificationModel, suggestion: DraftSuggestion): DraftChange {
  const { segment, direction } = suggestion;
  const delta = direction === 'more' ? SUGGESTED_POINTS : -SUGGESTED_POINTS;
  switch (segment.kind) {
    case 'signal':
      return {
        op: 'signal-points',
        signalType: segment.value,
        delta,
        signal: {
          type: segment.value,
          label: segment.label.replace(/ within \d+ days$/, '').slice(0, MODEL_LIMITS.labelChars),
          points: delta,
          ageing: { ...SUGGESTED_AGEING },
          counting: { from: 1, max: 1 },
        },
      };
    case 'touches':
      return {
        op: 'count-twice',
        signalTypes: model.intent.signals.filter(countedOnce).map((s) => s.type),
      };
    case 'industry':
    case 'region':
    case 'role': {
      const type = segment.kind === 'role' ? 'contains' : 'one-of';
      const existing =
        direction === 'more' ? criterionOn(model, SEGMENT_PROPERTIES[segment.kind], type) : undefined;
      const criterion = newCriterion(model, suggestion);
      return existing
        ? {
            op: 'add-value',
            criterionId: existing.id,
            value: segment.value,
            label: segment.label,
            fallback: criterion,
          }
        : { op: 'add-criterion', criterion };
    }
    case 'size':
      return { op: 'add-criterion', criterion: newCriterion(model, suggestion) };
  }
}

const countedOnce = (s: IntentSignal) => s.points > 0 && s.counting.from === 1 && s.counting.max === 1;

/** `model` with `change` made, parsed again by the model's schema (a model the product accepts). */
export function applyDraftChange(model: QualificationModel, change: DraftChange): ParseModelResult {
  const draft = structuredClone(model);
  switch (change.op) {
    case 'add-criterion':
      if (!draft.fit.criteria.some((c) => c.id === change.criterion.id))
        draft.fit.criteria.push(structuredClone(change.criterion));
      break;
    case 'add-value': {
      const existing = draft.fit.criteria.find((c) => c.id === change.criterionId);
      if (existing && 'values' in existing.match && Array.isArray(existing.match.values)) {
        const { values } = existing.match;
        if (values.includes(change.value)) break;
        if (values.length < MODEL_LIMITS.matcherValues) {
          values.push(change.value);
          break;
        }
      }
      if (!draft.fit.criteria.some((c) => c.id === change.fallback.id))
        draft.fit.criteria.push(structuredClone(change.fallback));
      break;
    }
    case 'signal-points': {
      const signal = draft.intent.signals.find((s) => s.type === change.signalType);
      if (signal) signal.points = clampPoints(signal.points + change.delta);
      else draft.intent.signals.push(structuredClone(change.signal));
      break;
    }
    case 'count-twice':
      for (const s of draft.intent.signals)
        if (change.signalTypes.includes(s.type) && countedOnce(s)) s.counting = { from: 1, max: 2 };
      break;
  }
  return parseModel(draft);
}

/** The model with the suggestion added (draftChangeOf, then applyDraftChange). */
export function applySuggestion(model: QualificationModel, suggestion: DraftSuggestion): ParseModelResult {
  return applyDraftChange(model, draftChangeOf(model, suggestion));
}
