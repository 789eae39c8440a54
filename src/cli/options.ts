/**
 * Typed, range-checked option values for the CLI and the demo. Each parser is a commander
 * `argParser`: a bad value throws InvalidArgumentError, which commander turns into one line naming
 * the option (exit code 2). Dates are ISO 8601 only: `01/11/2026` is refused, never guessed at.
 */
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

const ISO_DATE = z.iso.date();
const ISO_DATE_TIME = z.iso.datetime({ offset: true, local: true });

/** A whole number within [min, max]. */
export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`must be a whole number (${min}–${max})`);
    if (n < min || n > max) throw new InvalidArgumentError(`must be from ${min} to ${max}`);
    return n;
  };
}

/** A finite decimal number of at least `min` (amounts, averages). */
export function decimal(min: number): (value: string) => number {
  return (value) => {
    const n = /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`must be a number such as 1500 or 12.5`);
    if (n < min) throw new InvalidArgumentError(`must be ${min} or more`);
    return n;
  };
}

/** A calendar day, `YYYY-MM-DD` only, as midnight UTC in epoch milliseconds. */
export function isoDay(value: string): number {
  if (!ISO_DATE.safeParse(value).success)
    throw new InvalidArgumentError('must be a date as YYYY-MM-DD (e.g. 2026-11-01), a real day of the year');
  return Date.parse(`${value}T00:00:00Z`);
}

/**
 * An instant: `YYYY-MM-DD`, or an ISO 8601 date-time (`2026-11-23T12:00:00Z`, `…+01:00`).
 * Without an offset it is UTC, as for signal dates in the core.
 */
export function isoInstant(value: string): Date {
  if (ISO_DATE.safeParse(value).success) return new Date(`${value}T00:00:00Z`);
  if (!ISO_DATE_TIME.safeParse(value).success)
    throw new InvalidArgumentError('must be an ISO-8601 date or date-time (e.g. 2026-11-23T12:00:00Z)');
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  return new Date(hasOffset ? value : `${value}Z`);
}

/** A HubSpot portal (hub) id: digits only. */
export function portalId(value: string): string {
  if (!/^\d{1,20}$/.test(value))
    throw new InvalidArgumentError('must be the numeric HubSpot portal (hub) id, e.g. 62515');
  return value;
}

/** Text that must not be empty (ids of contacts, dead letters). */
export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}
