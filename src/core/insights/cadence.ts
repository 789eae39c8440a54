/**
 * The cadence guard: "give a model 2–3 months before judging it, and do not retune every week".
 * Publishing within the model's minimum period after the last publish needs a reason.
 */
import { DAY_MS } from '../intent.js';

export interface CadenceCheck {
  /** A reason must be given to publish now. */
  reasonRequired: boolean;
  /** Whole days since the last publish, or null when nothing was published yet. */
  daysSinceLastPublish: number | null;
  minimumDays: number;
  /** When publishing needs no reason any more (epoch ms), or null. */
  freeFrom: number | null;
  message: string | null;
}

/** Whether publishing at `now` needs a reason, given the last publish and the model's minimum period. */
export function checkCadence(lastPublishedAt: number | null, minimumDays: number, now: number): CadenceCheck {
  if (lastPublishedAt === null || minimumDays <= 0)
    return { reasonRequired: false, daysSinceLastPublish: null, minimumDays, freeFrom: null, message: null };
  const days = Math.floor((now - lastPublishedAt) / DAY_MS);
  const freeFrom = lastPublishedAt + minimumDays * DAY_MS;
  const reasonRequired = now < freeFrom;
  return {
    reasonRequired,
    daysSinceLastPublish: days,
    minimumDays,
    freeFrom: reasonRequired ? freeFrom : null,
    message: reasonRequired
      ? `The last publish was ${days} day${days === 1 ? '' : 's'} ago; the model asks for ${minimumDays} days between publishes ` +
        `(give a model 2–3 months before judging it). Publishing now needs a reason, shown in the version history.`
      : null,
  };
}
