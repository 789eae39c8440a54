/**
 * A contact's history as a file holds it, one JSON object per line (`cli insights --input`), close
 * to HubSpot's shapes: dates as ISO text or epoch ms. Parsed into a {@link HistoryContact}; a bad
 * record is refused with each offending field named.
 */
import { z } from 'zod';
import { toEpochMs } from '../intent.js';
import type { ModelProblem } from '../problems.js';
import { jsonPath } from '../text.js';
import type { HistoryContact } from './history.js';

const DATE_MESSAGE = 'must be an ISO-8601 date or date-time, or epoch milliseconds';
const date = z
  .union([z.string(), z.number()], { error: DATE_MESSAGE })
  .transform((at) => toEpochMs(at))
  .refine((at) => !Number.isNaN(at), { error: DATE_MESSAGE });
const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const bag = z.record(z.string(), value, { error: 'must be an object of property names to values' });
const histories = z.record(z.string(), z.array(z.strictObject({ value, at: date })));

export const HistoryRecordSchema = z.strictObject({
  id: z.union([z.string().min(1), z.number().int()], { error: 'must be a contact id' }).transform(String),
  createdAt: date,
  properties: bag,
  company: bag.nullable().optional(),
  history: z.strictObject({ contact: histories.optional(), company: histories.optional() }).optional(),
  signals: z
    .array(
      z.strictObject({
        type: z.string().min(1, { error: 'must not be empty' }),
        occurredAt: date,
        sourceId: z.string().nullable().optional(),
      }),
    )
    .default([]),
  stageEntered: z.record(z.string(), date).default({}),
  decisions: z
    .array(
      z.strictObject({
        decision: z.enum(['accept', 'return'], { error: 'must be "accept" or "return"' }),
        at: date,
        reason: z.string().nullable().optional(),
      }),
    )
    .optional(),
  deals: z
    .array(
      z.strictObject({
        createdAt: date,
        closedWon: z.boolean().nullable(),
        closedAt: date.nullable().optional(),
        amount: z.number().nullable().optional(),
      }),
    )
    .optional(),
});

export type ParseHistoryResult =
  { success: true; contact: HistoryContact } | { success: false; problems: ModelProblem[] };

/** Parses one history record; never throws. */
export function parseHistoryRecord(input: unknown): ParseHistoryResult {
  const result = HistoryRecordSchema.safeParse(input);
  if (result.success) return { success: true, contact: result.data as HistoryContact };
  return {
    success: false,
    problems: result.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })),
  };
}
