import type { HistoryContact } from '../../../src/core/index.js';

export const DAY = 86_400_000;
/** The analyses' "now" in these tests. */
export const T_NOW = Date.parse('2026-11-01T00:00:00Z');
/** A year before T_NOW. */
export const YEAR_AGO = T_NOW - 365 * DAY;

export interface ContactSpec {
  id: string;
  createdAt: number;
  industry?: string;
  employees?: string;
  country?: string;
  jobtitle?: string;
  signals?: { type: string; at: number }[];
  /** Stage → epoch ms. */
  stages?: Record<string, number>;
}

/** A history contact with a company, from a short spec. */
export function historyContact(spec: ContactSpec): HistoryContact {
  return {
    id: spec.id,
    createdAt: spec.createdAt,
    properties: {
      email: `${spec.id}@acme.example`,
      jobtitle: spec.jobtitle ?? 'VP Sales',
      country: spec.country ?? 'Netherlands',
      lifecyclestage: 'customer',
    },
    company: {
      industry: spec.industry ?? 'COMPUTER_SOFTWARE',
      numberofemployees: spec.employees ?? '250',
    },
    signals: (spec.signals ?? []).map((s, i) => ({ type: s.type, occurredAt: s.at, sourceId: `s${i}` })),
    stageEntered: { lead: spec.createdAt, ...spec.stages },
  };
}

/**
 * A contact that converted (or not) after creation: an SQL, an opportunity and a customer a few
 * weeks later.
 */
export function convertedContact(spec: ContactSpec, converted: boolean): HistoryContact {
  const t = spec.createdAt;
  return historyContact({
    ...spec,
    stages: converted
      ? { salesqualifiedlead: t + 7 * DAY, opportunity: t + 21 * DAY, customer: t + 45 * DAY, ...spec.stages }
      : spec.stages,
  });
}
