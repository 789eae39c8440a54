/**
 * The shape of a contact record as the CLI and the store exchange it, close to HubSpot's own:
 * `{"id": "…", "properties": {…}, "company": {…}, "signals": [{"type": "…", "occurredAt": "ISO"}]}`.
 */
import { z } from 'zod';
import type { ContactInput } from './evaluate.js';
import { jsonPath, type ModelProblem } from './model.js';

const DATE_MESSAGE = 'must be an ISO-8601 date-time (e.g. 2026-11-20T09:00:00Z) or epoch milliseconds';
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
        occurredAt: z.union(
          [z.iso.datetime({ offset: true, error: DATE_MESSAGE }), z.number().int({ error: DATE_MESSAGE })],
          {
            error: DATE_MESSAGE,
          },
        ),
      }),
    )
    .default([]),
});

export type ParseContactResult =
  { success: true; contact: ContactInput } | { success: false; problems: ModelProblem[] };

/** Parses one contact record; never throws. */
export function parseContactRecord(input: unknown): ParseContactResult {
  const result = ContactRecordSchema.safeParse(input);
  if (result.success) return { success: true, contact: result.data };
  return {
    success: false,
    problems: result.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message })),
  };
}
