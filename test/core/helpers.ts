import type { ContactInput } from '../../src/core/index.js';

export const NOW = new Date('2026-11-23T12:00:00Z');
const DAY = 86_400_000;

/** An ISO date-time `days` before NOW. */
export function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * DAY).toISOString();
}

/** A contact that fits the seed-fit-intent ICP on all four criteria, with no signals. */
export function idealContact(overrides: Partial<ContactInput> = {}): ContactInput {
  return {
    id: overrides.id ?? 'c1',
    properties: {
      email: 'anna@acme-software.nl',
      jobtitle: 'VP Sales',
      country: 'Netherlands',
      lifecyclestage: 'lead',
      ...overrides.properties,
    },
    company:
      overrides.company === null
        ? null
        : {
            name: 'Acme Software',
            industry: 'COMPUTER_SOFTWARE',
            numberofemployees: '250',
            ...overrides.company,
          },
    signals: overrides.signals ?? [],
  };
}

/** Sums the leading signed numbers of explanation lines (`+25 …`, `−50 …`). */
export function explainedPoints(lines: readonly string[]): number {
  let sum = 0;
  for (const line of lines) {
    const m = /^([+\u2212-])(\d+) /.exec(line);
    if (m) sum += (m[1] === '+' ? 1 : -1) * Number(m[2]);
  }
  return sum;
}
