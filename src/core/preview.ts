/**
 * What a model change would do, before it goes live: evaluate the same contacts (their last
 * known inputs and signals) under the current and the proposed model, and count the moves.
 * Pure: the caller loads the contacts; `now` is an argument.
 */
import { type ContactInput, evaluate } from './evaluate.js';
import type { Qualification } from './lifecycle.js';
import type { QualificationModel } from './model.js';

export type QualificationCounts = Record<Qualification, number>;

export interface PreviewSide {
  qualification: Qualification;
  fitScore: number;
  intentScore: number;
  explanation: string[];
}

export interface PreviewSample {
  contactId: string;
  before: PreviewSide;
  after: PreviewSide;
}

export interface ModelPreview {
  contacts: number;
  before: QualificationCounts;
  after: QualificationCounts;
  /** Contacts that become MQL under the proposed model. */
  mqlIn: number;
  /** Contacts that stop being MQL. */
  mqlOut: number;
  /** Contacts disqualified now that were not before. */
  newlyDisqualified: number;
  /** Contacts whose qualification changes at all. */
  changed: number;
  /** Up to `sampleSize` changed contacts with both explanations, MQL moves first. */
  sample: PreviewSample[];
}

const emptyCounts = (): QualificationCounts => ({ mql: 0, iql: 0, nurture: 0, disqualified: 0 });

/** Folds contacts into a preview one at a time, so a caller can stream them from storage. */
export class PreviewAccumulator {
  private readonly result: ModelPreview = {
    contacts: 0,
    before: emptyCounts(),
    after: emptyCounts(),
    mqlIn: 0,
    mqlOut: 0,
    newlyDisqualified: 0,
    changed: 0,
    sample: [],
  };
  private readonly others: PreviewSample[] = [];

  constructor(
    private readonly current: QualificationModel,
    private readonly proposed: QualificationModel,
    private readonly now: number,
    private readonly sampleSize = 10,
  ) {}

  add(contact: ContactInput): void {
    const before = evaluate(contact, this.current, this.now);
    const after = evaluate(contact, this.proposed, this.now);
    const r = this.result;
    r.contacts++;
    r.before[before.qualification]++;
    r.after[after.qualification]++;
    if (before.qualification === after.qualification) return;
    r.changed++;
    const mqlMove = after.isMql !== before.isMql;
    if (after.isMql && !before.isMql) r.mqlIn++;
    if (before.isMql && !after.isMql) r.mqlOut++;
    if (after.qualification === 'disqualified') r.newlyDisqualified++;
    const keep = mqlMove ? r.sample : this.others;
    if (keep.length < this.sampleSize)
      keep.push({ contactId: contact.id, before: side(before), after: side(after) });
  }

  finish(): ModelPreview {
    const r = this.result;
    return { ...r, sample: [...r.sample, ...this.others].slice(0, this.sampleSize) };
  }
}

function side(e: ReturnType<typeof evaluate>): PreviewSide {
  return {
    qualification: e.qualification,
    fitScore: e.fit.score,
    intentScore: e.intent.score,
    explanation: e.explanation,
  };
}

/** The preview over a list of contacts. */
export function previewModelChange(
  contacts: Iterable<ContactInput>,
  current: QualificationModel,
  proposed: QualificationModel,
  now: number,
  sampleSize = 10,
): ModelPreview {
  const acc = new PreviewAccumulator(current, proposed, now, sampleSize);
  for (const c of contacts) acc.add(c);
  return acc.finish();
}
