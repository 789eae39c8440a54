/**
 * The model's switch for deals on accept (`feedback.dealOnAccept`, off when absent): when sales
 * accepts an MQL, a deal is created in this pipeline and stage, named by `nameTemplate`. The
 * template's placeholders are `{company}` (the company's name, else the contact), `{contact}`
 * (first and last name, else the e-mail, else the id) and `{date}` (the day of the accept, UTC).
 */
import { z } from 'zod';
import { ownValue } from './own.js';

/** The placeholders a deal name template may use. */
export const DEAL_NAME_PLACEHOLDERS = ['company', 'contact', 'date'] as const;

/** The default deal name. */
export const DEFAULT_DEAL_NAME_TEMPLATE = '{company} – new business';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** A HubSpot pipeline or stage id: `default`, `appointmentscheduled`, or a number for custom ones. */
const hubSpotId = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' })
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a HubSpot id: letters, digits, "_" or "-"' });

export const DealOnAcceptSchema = z.strictObject({
  /** The pipeline's id (`default` is HubSpot's Sales Pipeline). */
  pipeline: hubSpotId,
  /** The stage's id in that pipeline, e.g. `appointmentscheduled`; not a closed stage. */
  stage: hubSpotId,
  nameTemplate: z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(200, { error: 'must be at most 200 characters' })
    .refine(
      (template) =>
        [...template.matchAll(PLACEHOLDER)].every((m) =>
          (DEAL_NAME_PLACEHOLDERS as readonly string[]).includes(m[1] ?? ''),
        ),
      { error: `may use only the placeholders ${DEAL_NAME_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}` },
    )
    .default(DEFAULT_DEAL_NAME_TEMPLATE),
});
export type DealOnAccept = z.infer<typeof DealOnAcceptSchema>;

/** The facts a deal name is made of. */
export interface DealNameFacts {
  contactId: string;
  firstname?: string | null;
  lastname?: string | null;
  email?: string | null;
  company?: string | null;
  /** The accept's time, epoch ms. */
  acceptedAt: number;
}

/** The deal's name from the template (at most 250 characters; HubSpot's text properties take more). */
export function dealName(template: string, facts: DealNameFacts): string {
  const person =
    [facts.firstname, facts.lastname]
      .filter((s) => s && s.trim())
      .join(' ')
      .trim() ||
    facts.email?.trim() ||
    `contact ${facts.contactId}`;
  const values: Record<string, string> = {
    company: facts.company?.trim() || person,
    contact: person,
    date: new Date(facts.acceptedAt).toISOString().slice(0, 10),
  };
  return template
    .replace(PLACEHOLDER, (whole, name: string) => ownValue(values, name) ?? whole)
    .slice(0, 250);
}
