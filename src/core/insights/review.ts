/**
 * The quarterly review in a few lines: what changed with the last publish, how long the model has
 * been in force, and calibration before and after ("give a model 2–3 months before judging it").
 */
import { DAY_MS } from '../intent.js';
import type { Calibration } from './calibration.js';
import { percent, type Proportion } from './wilson.js';

export interface ReviewInput {
  /** The published version's label and when it was published. */
  current: { label: string; publishedAt: number; publishedBy: string | null; reason: string | null } | null;
  previous: { label: string; publishedAt: number } | null;
  changes: readonly string[];
  before: Calibration | null;
  after: Calibration | null;
  now: number;
  minimumDays: number;
}

const rate = (p: Proportion) =>
  p.n < 30 || p.rate === null ? `not enough data (n = ${p.n})` : `${percent(p.rate)} of ${p.n}`;

function mqlLine(name: string, c: Calibration): string {
  const mql = c.byQualification.find((x) => x.key === 'mql');
  if (!mql) return `${name} (${c.modelVersion}): no MQLs among ${c.contacts} contacts judged`;
  return `${name} (${c.modelVersion}): ${mql.n} MQLs of ${c.contacts} contacts; MQL→SQL ${rate(mql.rates.sql)}, →customer ${rate(mql.rates.customer)}`;
}

/** The review as lines of text. */
export function reviewLines(r: ReviewInput): string[] {
  if (!r.current) return ['No model has been published yet: the default preset is in force.'];
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const days = Math.floor((r.now - r.current.publishedAt) / DAY_MS);
  const lines = [
    `In force: ${r.current.label}, published ${day(r.current.publishedAt)}${r.current.publishedBy ? ` by ${r.current.publishedBy}` : ''} (${days} days ago)`,
  ];
  if (r.current.reason) lines.push(`Published early, because: ${r.current.reason}`);
  if (r.previous) {
    lines.push(`Before it: ${r.previous.label}, published ${day(r.previous.publishedAt)}`);
    lines.push(r.changes.length > 0 ? 'What changed:' : 'What changed: nothing that scores');
    for (const c of r.changes) lines.push(`  ${c}`);
  }
  if (days < r.minimumDays)
    lines.push(`Too early to judge: ${days} of the ${r.minimumDays} days the model asks for have passed.`);
  if (r.before) lines.push(mqlLine('Before', r.before));
  if (r.after) lines.push(mqlLine('After', r.after));
  return lines;
}
