/**
 * The shape of a contact record as the CLI and the store exchange it, close to HubSpot's own:
 * `{"id": "…", "properties": {…}, "company": {…}, "signals": [{"type": "…", "occurredAt": "ISO", "sourceId": "…"}]}`.
 * Records over the size limits (limits.ts) are refused with the field named.
 */
import { z } from 'zod';
import type { ContactInput } from './evaluation.js';
import { toEpochMs } from './intent.js';
import { checkInputLimits } from './limits.js';
import type { ModelProblem } from './problems.js';
import { jsonPath } from './text.js';

const DATE_MESSAGE =
  'must be an ISO-8601 date or date-time (e.g. 2026-11-20T09:00:00Z) or epoch seconds or milliseconds';
const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const propertyBag = z.record(z.string(), propertyValue, {
  error: 'must be an object of property names to values',
});

export const ContactRecordSchema = z.object({
  id: z
    .union([z.string().min(1), z.number().int()], { error: 'must be a contact id (text or a whole number)' })
    .transform(String),
  properties: propertyBag,
  company: propertyBag.nullable().optional(),
  signals: z
    .array(
      z.object({
        type: z.string().min(1, { error: 'must not be empty' }),
        occurredAt: z
          .union([z.string(), z.number()], { error: DATE_MESSAGE })
          .refine((at) => !Number.isNaN(toEpochMs(at)), { error: DATE_MESSAGE }),
        sourceId: z
          .union([z.string(), z.number()], { error: 'must be text or a number' })
          .transform(String)
          .nullable()
          .optional(),
      }),
    )
    .default([]),
});

export type ParseContactResult =
  { success: true; contact: ContactInput } | { success: false; problems: ModelProblem[] };

/** Parses one contact record; never throws. A record over the size limits is refused, each field named. */
export function parseContactRecord(input: unknown): ParseContactResult {
  if (input !== null && typeof input === 'object') {
    const tooBig = checkInputLimits(input);
    if (tooBig.length > 0) return { success: false, problems: tooBig };
  }
  const result = ContactRecordSchema.safeParse(input);
  if (result.success) return { success: true, contact: result.data };
  return {
    success: false,
    problems: result.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message })),
  };
}
