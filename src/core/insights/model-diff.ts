/**
 * What changed between two models, in words a review meeting reads: the MQL bars, fit criteria and
 * intent signals added, removed or re-pointed, disqualifiers added or removed, the cadence.
 */
import type { QualificationModel } from '../model.js';

/** One line per change, in model order; empty when nothing that scores changed. */
export function modelChanges(before: QualificationModel, after: QualificationModel): string[] {
  const out: string[] = [];
  const bar = (m: QualificationModel, k: 'fit' | 'intent') =>
    `${m.thresholds.mql[k].operator} ${m.thresholds.mql[k].value}`;
  for (const k of ['fit', 'intent'] as const)
    if (bar(before, k) !== bar(after, k)) out.push(`MQL ${k} bar: ${bar(before, k)} → ${bar(after, k)}`);

  const criteria = (m: QualificationModel) => new Map(m.fit.criteria.map((c) => [c.id, c]));
  const [cb, ca] = [criteria(before), criteria(after)];
  for (const [id, c] of ca) {
    const old = cb.get(id);
    if (!old) out.push(`fit criterion added: ${c.label} (${c.points} points)`);
    else {
      if (old.points !== c.points) out.push(`fit criterion ${c.label}: ${old.points} → ${c.points} points`);
      if (JSON.stringify([old.property, old.match]) !== JSON.stringify([c.property, c.match]))
        out.push(`fit criterion ${c.label}: condition changed`);
    }
  }
  for (const [id, c] of cb) if (!ca.has(id)) out.push(`fit criterion removed: ${c.label}`);

  const signals = (m: QualificationModel) => new Map(m.intent.signals.map((s) => [s.type, s]));
  const [sb, sa] = [signals(before), signals(after)];
  for (const [type, s] of sa) {
    const old = sb.get(type);
    if (!old) out.push(`signal added: ${s.label} (${s.points} points)`);
    else {
      if (old.points !== s.points) out.push(`signal ${s.label}: ${old.points} → ${s.points} points`);
      if (JSON.stringify([old.ageing, old.counting]) !== JSON.stringify([s.ageing, s.counting]))
        out.push(`signal ${s.label}: ageing or counting changed`);
    }
  }
  for (const [type, s] of sb) if (!sa.has(type)) out.push(`signal removed: ${s.label}`);

  const dq = (m: QualificationModel) => new Map(m.disqualifiers.map((d) => [d.id, d]));
  const [db, da] = [dq(before), dq(after)];
  for (const [id, d] of da) {
    const old = db.get(id);
    if (!old) out.push(`disqualifier added: ${d.reason}`);
    else if (JSON.stringify(old) !== JSON.stringify(d)) out.push(`disqualifier changed: ${d.reason}`);
  }
  for (const [id, d] of db) if (!da.has(id)) out.push(`disqualifier removed: ${d.reason}`);
  if (before.cadence.minimumDays !== after.cadence.minimumDays)
    out.push(`minimum days between publishes: ${before.cadence.minimumDays} → ${after.cadence.minimumDays}`);
  return out;
}
