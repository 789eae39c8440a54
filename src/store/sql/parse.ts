/**
 * Rows in, records out: what the row converters of every aggregate (`<aggregate>.rows.ts`) share
 * to parse what the database returns (JSON text, nullable times) into the port's types, so a row
 * that does not fit fails loudly there instead of somewhere downstream.
 */
import { z } from 'zod';

/** A JSON object of free-form facts (transition details, a decision's outcome). */
export const DetailsJson = z.record(z.string(), z.unknown());

/** Parses a JSON text column with `schema`; `what` names it in the error. */
export function json<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`stored ${what} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`stored ${what} does not have the expected shape`);
  return parsed.data;
}

/** Nullable epoch-ms column to number | null (PostgreSQL int8 arrives as a number already). */
export function time(value: number | null): number | null {
  return value === null ? null : Number(value);
}
