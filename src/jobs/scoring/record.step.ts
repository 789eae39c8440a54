/**
 * Record: for every contact HubSpot did not refuse, the inputs of its evaluation (snapshot), the
 * evaluation, and the transitions it caused (qualification always; stage and status only when
 * they were written), in one transaction. The funnel is computed from these transitions.
 */
import type { Evaluation } from '../../core/evaluate.js';
import { higherStage } from '../../core/feedback.js';
import type { EvaluationRecord, PortalId, TransitionRecord } from '../../store/store.port.js';
import type { ScoreDeps, ScoringBatch } from './batch.js';

/** A coarse fit×intent band, for cutting the funnel: `fit-high/intent-low`. */
export function scoreBand(fit: number, intent: number): string {
  const band = (x: number) => (x >= 67 ? 'high' : x >= 34 ? 'mid' : 'low');
  return `fit-${band(fit)}/intent-${band(intent)}`;
}

export async function recordEvaluations(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { portalId, now, decided } = batch;
  const written = new Set(batch.written);
  const owners = new Map(batch.routes.map((r) => [r.route.contactId, r.route.ownerId]));
  const kept = [...batch.scored].filter(([id]) => !batch.refused.has(id));
  const transitions: TransitionRecord[] = [];
  for (const [id, { evaluation: e }] of kept) {
    const effective = decided.effective.get(id);
    transitions.push(
      ...transitionsOf(
        portalId,
        e,
        batch.loaded.previous.get(id)?.qualification ?? null,
        written.has(id),
        now,
        {
          highWater: higherStage(
            effective?.lq_highest_stage,
            effective?.lifecyclestage,
            e.lifecycle.proposed,
          ),
          owner: owners.get(id) ?? null,
        },
      ),
    );
  }
  await deps.store.contacts.saveSnapshots(
    kept.map(([contactId, s]) => ({
      portalId,
      contactId,
      properties: s.properties,
      company: s.company,
      readAt: now,
    })),
  );
  await deps.store.contacts.saveEvaluations(
    kept.map(([, s]) => ({ ...toRecord(portalId, s.evaluation, now), nextChangeAt: s.nextChangeAt })),
    transitions,
  );
}

function toRecord(portalId: PortalId, e: Evaluation, now: number): Omit<EvaluationRecord, 'nextChangeAt'> {
  return {
    portalId,
    contactId: e.contactId,
    modelVersion: e.modelVersion,
    fitScore: e.fit.score,
    intentScore: e.intent.score,
    qualification: e.qualification,
    disqualificationId: e.disqualification?.id ?? null,
    lifecycleStage: e.lifecycle.proposed,
    leadStatus: e.leadStatus.proposed,
    route: e.route?.kind ?? null,
    explanation: e.explanation,
    evaluatedAt: now,
  };
}

function transitionsOf(
  portalId: PortalId,
  e: Evaluation,
  previousQualification: string | null,
  written: boolean,
  now: number,
  extra: { highWater: string | null; owner: string | null },
): TransitionRecord[] {
  const base = {
    portalId,
    contactId: e.contactId,
    at: now,
    modelVersion: e.modelVersion,
    cause: 'evaluation',
    details: {
      fitScore: e.fit.score,
      intentScore: e.intent.score,
      band: scoreBand(e.fit.score, e.intent.score),
      route: e.route?.kind ?? null,
      owner: extra.owner,
      highWater: extra.highWater,
      disqualification: e.disqualification?.id ?? null,
      // The rules that made this MQL, for "which rules produce rejected leads".
      rules: e.isMql
        ? [
            ...e.fit.parts.filter((p) => p.points > 0).map((p) => p.ruleId),
            ...e.intent.parts.filter((p) => p.points > 0).map((p) => p.ruleId),
          ]
        : [],
    },
  };
  const out: TransitionRecord[] = [];
  if (previousQualification !== e.qualification)
    out.push({ ...base, kind: 'qualification', from: previousQualification, to: e.qualification });
  // Stage and status transitions happen when they are written, not when they are merely proposed.
  if (written && e.lifecycle.changed)
    out.push({ ...base, kind: 'lifecycle', from: e.lifecycle.current, to: e.lifecycle.proposed });
  if (written && e.leadStatus.changed)
    out.push({ ...base, kind: 'lead_status', from: e.leadStatus.current, to: e.leadStatus.proposed });
  return out;
}
