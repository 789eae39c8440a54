/**
 * Judging a contact of the past under a model: evaluate it, as it was known then, at each moment
 * the system would have judged it, and keep the moment that counts.
 */
import { evaluate as coreEvaluate } from '../evaluate.js';
import type { ContactInput, Evaluation } from '../evaluation.js';
import type { QualificationModel } from '../model.js';
import { contactAsOf, type HistoryContact, judgementMoments, negativeSignalExpiry } from './history.js';

/** The evaluation function the analyses call; tests pass a wrapped one to watch its inputs. */
export type EvaluateFn = (contact: ContactInput, model: QualificationModel, now: number) => Evaluation;

export interface Judgement {
  contact: HistoryContact;
  /** The judgement moment (epoch ms). */
  at: number;
  /** The contact as known at that moment. */
  view: ContactInput;
  evaluation: Evaluation;
}

export interface JudgeOptions {
  evaluate?: EvaluateFn;
}

/**
 * A model prepared for judging many contacts: its negative signals' expiry (for the moments) is
 * worked out once.
 */
export class Judge {
  private readonly expiry: Map<string, number>;
  private readonly evaluate: EvaluateFn;

  constructor(
    readonly model: QualificationModel,
    options: JudgeOptions = {},
  ) {
    this.expiry = negativeSignalExpiry(model);
    this.evaluate = options.evaluate ?? coreEvaluate;
  }

  /**
   * The first moment in [from, to) at which the contact is an MQL under the model, or null when it
   * never is. `mode: 'last'` falls back to the last moment in the period when it never is (how it
   * stood at the end), so every contact judged in the period is returned. `viewAt` lets a caller
   * judging one contact under two models share the views.
   */
  judge(
    contact: HistoryContact,
    from: number,
    to: number,
    mode: 'first-mql' | 'last',
    viewAt: (at: number) => ContactInput = (at) => contactAsOf(contact, at),
  ): Judgement | null {
    const moments = judgementMoments(contact, this.model, from, to, this.expiry);
    let last: Judgement | null = null;
    for (let i = 0; i < moments.length; i++) {
      const at = moments[i]!;
      const view = viewAt(at);
      const evaluation = this.evaluate(view, this.model, at);
      if (evaluation.isMql) return { contact, at, view, evaluation };
      if (mode === 'last' && i === moments.length - 1) last = { contact, at, view, evaluation };
    }
    return last;
  }
}
