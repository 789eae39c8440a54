/**
 * Seed data in the CLI's input shape, one JSON object per line:
 * `{"id", "properties": {...}, "company": {...} | absent, "signals": [{"type", "occurredAt"}]}`.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { SeedData, SeedSignal } from './seed.js';

/** One contact as the CLI reads it. */
export interface CliRecord {
  id: string;
  properties: Record<string, string>;
  /** Properties of the contact's primary company, when it has one. */
  company?: Record<string, string>;
  signals: SeedSignal[];
}

/** The contacts of a data set as CLI records, in id order. */
export function* cliRecords(data: SeedData): Generator<CliRecord> {
  const companies = new Map(data.companies.map((company) => [company.id, company]));
  const primaryCompany = new Map<string, string>();
  for (const link of data.associations) if (link.primary) primaryCompany.set(link.contactId, link.companyId);
  for (const contact of data.contacts) {
    const companyId = primaryCompany.get(contact.id);
    const company = companyId === undefined ? undefined : companies.get(companyId);
    yield {
      id: contact.id,
      properties: { ...contact.properties },
      ...(company ? { company: { ...company.properties } } : {}),
      signals: [...(data.signals.get(contact.id) ?? [])],
    };
  }
}

/** Writes the records as JSON Lines to a file path or stream; resolves with the number of lines. */
export async function writeCliRecords(data: SeedData, target: string | Writable): Promise<number> {
  const stream = typeof target === 'string' ? createWriteStream(target, { encoding: 'utf8' }) : target;
  let lines = 0;
  for (const record of cliRecords(data)) {
    if (!stream.write(`${JSON.stringify(record)}\n`)) await once(stream, 'drain');
    lines++;
  }
  if (typeof target === 'string') {
    stream.end();
    await once(stream, 'finish');
  }
  return lines;
}
