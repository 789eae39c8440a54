/**
 * HubSpot's write rules for deals, applied after the per-property checks:
 *
 * - `pipeline` defaults to the default pipeline (`default`) on creation; `dealstage` is required
 *   on creation and must be a stage of the deal's pipeline (HubSpot: "if you're setting a stage
 *   that is not in the default pipeline, you'll also need to set the pipeline property");
 * - the calculated properties follow the stage's metadata: `hs_is_closed`, `hs_is_closed_won`
 *   (a closed stage with probability 1) and `hs_deal_stage_probability`;
 * - a deal entering a closed stage without a close date gets the time of the move as `closedate`.
 *
 * The messages and error codes of refused writes are the sandbox's (HubSpot does not document
 * them); the rules are HubSpot's.
 */
import type { StoredObject } from './crm-types.js';
import type { PropertyFailure } from './errors.js';
import { DEFAULT_PIPELINE, findPipeline } from './pipelines.js';

const failure = (name: string, error: string, message: string): PropertyFailure => ({
  isValid: false,
  message,
  error,
  name,
  localizedErrorMessage: message,
});

/**
 * Checks a deal write against its pipeline and adds the calculated values to `values` (which
 * `null` clears); returns the failures. `existing` is the deal before the write (none: a creation).
 */
export function applyDealRules(
  values: Record<string, string | null>,
  existing: StoredObject | undefined,
  now: number,
): PropertyFailure[] {
  const before = existing?.properties ?? {};
  const pipelineId = values.pipeline ?? before.pipeline ?? DEFAULT_PIPELINE;
  const stageId = values.dealstage === undefined ? before.dealstage : values.dealstage;
  if (!existing && !stageId)
    return [failure('dealstage', 'REQUIRED_PROPERTY', 'dealstage is required to create a deal')];
  if (values.pipeline === null || values.dealstage === null)
    return [
      failure(
        values.pipeline === null ? 'pipeline' : 'dealstage',
        'INVALID_PROPERTY_VALUE',
        'a deal always has a pipeline and a stage: they cannot be cleared',
      ),
    ];
  const pipeline = findPipeline(pipelineId);
  if (!pipeline) return [failure('pipeline', 'INVALID_OPTION', `${pipelineId} is not a valid pipeline id`)];
  const stage = pipeline.stages.find((s) => s.id === stageId);
  if (!stage)
    return [
      failure(
        'dealstage',
        'INVALID_OPTION',
        `${stageId ?? '(none)'} is not a valid stage of pipeline ${pipeline.id} (${pipeline.label})`,
      ),
    ];
  if (!existing || values.pipeline !== undefined) values.pipeline = pipeline.id;
  values.hs_is_closed = String(stage.isClosed);
  values.hs_is_closed_won = String(stage.isClosed && stage.probability >= 1);
  values.hs_deal_stage_probability = String(stage.probability);
  const closeDate = values.closedate === undefined ? before.closedate : values.closedate;
  const wasClosed = before.hs_is_closed === 'true';
  if (stage.isClosed && !wasClosed && !closeDate) values.closedate = new Date(now).toISOString();
  return [];
}
