/**
 * How the contact card words and shapes what the service sends: points, the SLA clock, the owner,
 * the rows of the score-over-time chart, and the checks on what sales types before anything is
 * sent. Pure: the time to compare with and the portal's time zone are arguments.
 */
import type { CardData, Decision } from './card-api';

const HOUR_MS = 3_600_000;

const QUALIFICATIONS: Record<string, string> = {
  mql: 'MQL',
  iql: 'IQL (information qualified)',
  nurture: 'Nurture',
  disqualified: 'Disqualified',
};

export function qualificationLabel(q: string): string {
  return QUALIFICATIONS[q] ?? q;
}

/** "+25", "−50" or "0": the sign always shown, so a column of lines reads as a sum. */
export function formatPoints(points: number): string {
  if (points > 0) return `+${points}`;
  if (points < 0) return `−${Math.abs(points)}`;
  return '0';
}

/** A moment in the portal's time zone, e.g. "2026-12-01, 14:05 CET"; "—" for none. */
export function formatMoment(ms: number | null, timeZone: string): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const options: Intl.DateTimeFormatOptions = {
    dateStyle: 'medium',
    timeStyle: 'short',
    hourCycle: 'h23',
  };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(ms);
  } catch {
    // A time zone this runtime does not know: UTC, said as such.
    return `${new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(ms)} UTC`;
  }
}

function hours(h: number): string {
  const rounded = Math.round(Math.abs(h) * 10) / 10;
  return `${rounded} hour${rounded === 1 ? '' : 's'}`;
}

export interface SlaClock {
  /** "Acceptance" or "Follow-up". */
  label: string;
  text: string;
  variant: 'success' | 'warning' | 'danger' | 'default';
}

/**
 * The SLA clock in words: what is running and how long is left (or how late it is), or how the
 * last one ended. `now` is only used for a clock the service sent without `hoursLeft`.
 */
export function slaClock(sla: CardData['sla'], timeZone: string, now: number): SlaClock | null {
  if (!sla) return null;
  const label = sla.kind === 'acceptance' ? 'Acceptance' : 'Follow-up';
  const due = formatMoment(sla.dueAt, timeZone);
  if (sla.closedAt !== null) {
    const outcome = sla.outcome ?? 'closed';
    return {
      label,
      text: `${outcome} on ${formatMoment(sla.closedAt, timeZone)} (was due ${due})`,
      variant: outcome === 'breached' ? 'danger' : outcome === 'met' ? 'success' : 'default',
    };
  }
  const left = sla.hoursLeft ?? (sla.dueAt - now) / HOUR_MS;
  if (left < 0) return { label, text: `overdue by ${hours(left)} (was due ${due})`, variant: 'danger' };
  return { label, text: `${hours(left)} left (due ${due})`, variant: left < 4 ? 'warning' : 'success' };
}

const OWNER_SOURCES: Record<string, string> = {
  'account-owner': 'the company’s owner',
  'contact-owner': 'the contact’s owner',
  'round-robin': 'round robin',
  none: 'no owner available',
};

/** Who the route gave the lead to, by name where the portal's owner list has them. */
export function ownerText(route: CardData['route'], names: ReadonlyMap<string, string>): string {
  if (!route) return 'Not routed (only MQLs are routed)';
  const how = OWNER_SOURCES[route.ownerSource] ?? route.ownerSource;
  if (route.ownerId === null) return `Nobody yet (${how})`;
  return `${names.get(route.ownerId) ?? `HubSpot owner ${route.ownerId}`} (${how})`;
}

export interface ChartRow {
  [key: string]: number | string;
  day: number;
  score: 'Fit' | 'Intent';
  points: number;
}

/** The score over time as LineChart rows: one line per score, one point per day. */
export function timelineRows(timeline: CardData['timeline']): ChartRow[] {
  return timeline.flatMap((p) => [
    { day: p.at, score: 'Fit' as const, points: p.fit },
    { day: p.at, score: 'Intent' as const, points: p.intent },
  ]);
}

/** The max lengths the service accepts (src/jobs/contact-card.ts). */
export const NOTE_MAX = 1000;
export const DISPUTE_REASON_MAX = 500;

/** What is wrong with a return before it is sent, by field; empty when it can go. */
export function returnProblems(
  input: { reason: string; note: string },
  reasons: CardData['lostReasons'],
): { reason?: string; note?: string } {
  const problems: { reason?: string; note?: string } = {};
  if (!reasons.some((r) => r.id === input.reason)) problems.reason = 'Pick why the lead goes back.';
  else if (input.reason === 'other' && !input.note.trim()) problems.note = 'Say why in the note.';
  if (input.note.length > NOTE_MAX) problems.note = `At most ${NOTE_MAX} characters.`;
  return problems;
}

export function disputeProblem(reason: string): string | null {
  if (!reason.trim()) return 'Say what does not make sense about this score.';
  if (reason.trim().length > DISPUTE_REASON_MAX) return `At most ${DISPUTE_REASON_MAX} characters.`;
  return null;
}

/** The return as the service takes it: the note only when there is one. */
export function returnDecision(input: { reason: string; note: string }): Decision {
  const note = input.note.trim();
  return { decision: 'return', reason: input.reason, ...(note ? { note } : {}) };
}
