/**
 * The weekly report of returned leads for marketing: how many sales returned and accepted in the
 * week, the reasons with their shares, and sales' notes. Pure; the scheduler sends it as a task.
 */
import { ownValue } from './own.js';

/** A sales decision as the report reads it (the funnel's `FunnelDecision` has this shape). */
export interface ReturnedLeadDecision {
  contactId: string;
  decision: 'accept' | 'return';
  reason: string | null;
  note: string | null;
  decidedAt: number;
}

export interface ReasonCount {
  reason: string;
  label: string;
  count: number;
  /** Share of the returned leads, 0–1. */
  share: number;
}

export interface WeeklyReportInput {
  decisions: readonly ReturnedLeadDecision[];
  reasonLabels: Readonly<Record<string, string>>;
  from: number;
  to: number;
}

export interface WeeklyReport {
  title: string;
  body: string;
  returned: number;
  topReasons: ReasonCount[];
}

/** The weekly report of returned leads with their reasons, for marketing. */
export function weeklyReturnedLeadsReport(input: WeeklyReportInput): WeeklyReport {
  const returned = input.decisions.filter(
    (d) => d.decision === 'return' && d.decidedAt >= input.from && d.decidedAt < input.to,
  );
  const accepted = input.decisions.filter(
    (d) => d.decision === 'accept' && d.decidedAt >= input.from && d.decidedAt < input.to,
  ).length;
  const counts = new Map<string, number>();
  for (const d of returned) counts.set(d.reason ?? 'other', (counts.get(d.reason ?? 'other') ?? 0) + 1);
  const topReasons = [...counts.entries()]
    .map(([reason, count]) => ({
      reason,
      label: ownValue(input.reasonLabels, reason) ?? reason,
      count,
      share: count / returned.length,
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const title = `Returned leads ${day(input.from)} – ${day(input.to - 1)}: ${returned.length} returned, ${accepted} accepted`;
  const lines = [title, ''];
  if (returned.length === 0) lines.push('No leads were returned this week.');
  else {
    lines.push('Reasons:');
    for (const r of topReasons)
      lines.push(`  ${String(r.count).padStart(3)}  ${(r.share * 100).toFixed(0).padStart(3)}%  ${r.label}`);
    if (topReasons.slice(0, 3).some((r) => r.reason === 'unclear_mql'))
      lines.push(
        '',
        'Warning: "No idea why this is an MQL" is a top reason; review the model and its explanations with sales.',
      );
    const notes = returned.filter((d) => d.note).slice(0, 10);
    if (notes.length > 0) {
      lines.push('', 'Notes from sales:');
      for (const d of notes)
        lines.push(
          `  contact ${d.contactId} (${ownValue(input.reasonLabels, d.reason ?? 'other') ?? d.reason}): ${d.note}`,
        );
    }
  }
  return { title, body: lines.join('\n'), returned: returned.length, topReasons };
}
