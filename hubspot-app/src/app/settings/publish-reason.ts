/**
 * The reason for publishing within the model's minimum period after the last publish (the cadence
 * guard: "give a model 2–3 months before judging it"). The service refuses such a publish without
 * one, naming `$.reason`; the page asks for it first, and shows the service's refusal at the field.
 */
import type { Problem } from './model';
import type { Cadence } from './settings-api';

/** The path the service names in its refusal, and the page's field uses. */
export const REASON_PATH = '$.reason';
/** The service's limit on a reason. */
export const REASON_MAX = 1000;

/** What is wrong with the reason typed, given whether publishing now needs one. */
export function reasonProblems(reason: string, cadence: Cadence | null): Problem[] {
  const text = reason.trim();
  if (text.length > REASON_MAX)
    return [
      {
        path: REASON_PATH,
        message: `Keep the reason to ${REASON_MAX} characters or fewer (now ${text.length}).`,
      },
    ];
  if (cadence?.reasonRequired && text === '')
    return [
      {
        path: REASON_PATH,
        message: `Say why you publish now: the last publish was ${cadence.daysSinceLastPublish ?? 0} days ago, and the model asks for ${cadence.minimumDays} days between publishes.`,
      },
    ];
  return [];
}
