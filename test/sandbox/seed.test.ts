import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  COMPETITORS,
  EMPLOYEE_RANGES,
  employeeRange,
  FREE_MAIL_DOMAINS,
  generateSeedData,
  INDUSTRIES,
  SIGNAL_TYPES,
  writeCliRecords,
} from '../../src/sandbox/index.js';

const NOW = Date.UTC(2025, 5, 1);

describe('generateSeedData', () => {
  it('when called twice with the same seed, then the data is identical; another seed differs', () => {
    const a = generateSeedData({ contacts: 300, seed: 11, now: NOW });
    const b = generateSeedData({ contacts: 300, seed: 11, now: NOW });
    const c = generateSeedData({ contacts: 300, seed: 12, now: NOW });
    expect(b.contacts).toEqual(a.contacts);
    expect(b.companies).toEqual(a.companies);
    expect([...b.signals]).toEqual([...a.signals]);
    expect(c.contacts).not.toEqual(a.contacts);
  });

  it('when 3,000 contacts are generated, then the mix holds free-mail, students, competitors and customers', () => {
    const data = generateSeedData({ contacts: 3000, seed: 5, now: NOW });
    const emails = data.contacts.map((c) => c.properties.email ?? '');
    const share = (test: (email: string) => boolean) => emails.filter(test).length / emails.length;
    expect(share((e) => FREE_MAIL_DOMAINS.some((d) => e.endsWith(`@${d}`)))).toBeGreaterThan(0.05);
    expect(share((e) => /@(student\.|.*\.edu$|.*ac\.uk$)/.test(e))).toBeGreaterThan(0.02);
    expect(share((e) => COMPETITORS.some((c) => e.endsWith(`@${c.domain}`)))).toBeGreaterThan(0.005);
    expect(new Set(emails).size).toBe(emails.length);

    const customers = data.companies.filter((c) => c.properties.lifecyclestage === 'customer');
    expect(customers.length).toBeGreaterThan(0);
    const ownerIds = new Set(data.owners.map((o) => o.id));
    expect(customers.every((c) => ownerIds.has(c.properties.hubspot_owner_id ?? ''))).toBe(true);

    const titles = new Set(data.contacts.map((c) => c.properties.jobtitle));
    for (const title of ['Intern', 'Student', 'CEO', 'Plant Manager', 'VP Operations'])
      expect(titles).toContain(title);
  });

  it('when properties are generated, then enumeration values are HubSpot option values', () => {
    const data = generateSeedData({ contacts: 2000, seed: 8, now: NOW });
    const industries = new Set<string>([...INDUSTRIES, 'HIGHER_EDUCATION']);
    expect(data.companies.filter((c) => !industries.has(c.properties.industry ?? ''))).toEqual([]);
    expect(data.companies.filter((c) => !(Number(c.properties.numberofemployees) > 0))).toEqual([]);
    const ranges = new Set<string>(EMPLOYEE_RANGES);
    const withRange = data.contacts.filter((c) => c.properties.numberofemployees !== undefined);
    expect(withRange.length).toBeGreaterThan(1500);
    expect(withRange.filter((c) => !ranges.has(c.properties.numberofemployees ?? ''))).toEqual([]);
    expect(new Set(data.companies.map((c) => c.properties.country)).size).toBeGreaterThanOrEqual(6);
  });

  it('when signals are generated, then types are known and all fall within 120 days before now', () => {
    const data = generateSeedData({ contacts: 1000, seed: 2, now: NOW });
    const all = [...data.signals.values()].flat();
    expect(all.length).toBeGreaterThan(500);
    const known = new Set<string>(SIGNAL_TYPES);
    const times = all.map((signal) => Date.parse(signal.occurredAt));
    expect(all.filter((signal) => !known.has(signal.type))).toEqual([]);
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.min(...times)).toBeGreaterThan(NOW - 120 * 86_400_000);
  });

  it('when employee counts are mapped to ranges, then boundaries follow HubSpot’s option labels', () => {
    expect([1, 5, 24, 25, 99, 100, 999, 1000].map(employeeRange)).toEqual([
      '1-5',
      '5-25',
      '5-25',
      '25-50',
      '50-100',
      '100-500',
      '500-1000',
      '1000+',
    ]);
  });

  it('when 100,000 contacts are generated, then it finishes within a few seconds', () => {
    const started = performance.now();
    const data = generateSeedData({ contacts: 100_000, seed: 1, now: NOW });
    expect(data.contacts).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('writeCliRecords', () => {
  it('when records are written, then each line is {id, properties, company?, signals}', async () => {
    const data = generateSeedData({ contacts: 50, seed: 4, now: NOW });
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const count = await writeCliRecords(data, stream);
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(count).toBe(50);
    expect(lines).toHaveLength(50);
    const withCompany = lines.find((line) => line.company);
    expect(Object.keys(withCompany).sort()).toEqual(['company', 'id', 'properties', 'signals']);
    expect(withCompany.company.name).toBe(withCompany.properties.company);
    const withoutCompany = lines.find((line) => !line.company);
    expect(withoutCompany === undefined || !('company' in withoutCompany)).toBe(true);
    expect(lines[0].signals).toEqual(data.signals.get(lines[0].id));
  });
});
