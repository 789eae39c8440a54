import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scoreDistribution } from '../../src/core/score-distribution.js';
import { rescoreAll } from '../../src/jobs/rescore-all.js';
import { loadReportPage } from '../../src/jobs/report-page.js';
import { escapeHtml, renderReportHtml } from '../../src/report/html-report.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { type Stack, startStack } from '../service/helpers.js';

/** Debian's package; .ci/run installs it. Override with CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const H = 3_600_000;

describe('score distribution', () => {
  const bars = { fit: { operator: '>=' as const, value: 60 }, intent: { operator: '>' as const, value: 50 } };

  it('when contacts are scored, then each lands in its 10-point cell and 100 joins the top cell', () => {
    const d = scoreDistribution(
      [
        { fitScore: 0, intentScore: 0, qualification: 'nurture' },
        { fitScore: 9.9, intentScore: 10, qualification: 'nurture' },
        { fitScore: 100, intentScore: 100, qualification: 'mql' },
        { fitScore: 60, intentScore: 50, qualification: 'nurture' },
        { fitScore: 60, intentScore: 51, qualification: 'nurture' },
        { fitScore: 80, intentScore: 80, qualification: 'disqualified' },
      ],
      bars,
    );
    expect(d.cellStarts).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(d.counts[0]![0]).toBe(1);
    expect(d.counts[0]![1]).toBe(1);
    expect(d.counts[9]![9]).toBe(1);
    expect(d.counts[6]![5]).toBe(2);
    expect(d.counts.flat().reduce((a, b) => a + b, 0)).toBe(5);
    expect(d).toMatchObject({ scored: 5, disqualified: 1, mqls: 1 });
    // intent 50 is not past "> 50"; 51 is: one contact above both bars without being an MQL.
    expect(d.aboveBarsNotMql).toBe(1);
  });

  it('when the cell size does not divide 100, then it is refused', () => {
    expect(() => scoreDistribution([], bars, 7)).toThrow(/cellSize must be a whole divisor of 100, not 7/);
  });
});

describe('HTML report', () => {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lq-report-'));
    if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('when a portal has been scored and sales returned MQLs, then the page draws the funnel, lost reasons and the fit × intent heat map', async (ctx) => {
    // CI installs Chromium and sets LQ_REQUIRE_BROWSER so that a missing browser fails instead of skipping.
    if (!browser && process.env.LQ_REQUIRE_BROWSER) throw new Error(`no headless browser at ${CHROMIUM}`);
    if (!browser) return ctx.skip(`no headless browser at ${CHROMIUM}`);
    stack = await startStack({ contacts: 80 });
    const { store } = stack.service;
    await rescoreAll({ ...stack.service.scoreDeps, crm: stack.service.crm }, stack.portalId);
    const now = Date.now();
    // Four MQLs of yesterday, two returned with a reason (one with a label that needs escaping).
    for (let i = 0; i < 4; i++) {
      await store.contacts.recordTransitions([
        {
          portalId: stack.portalId,
          contactId: `h${i}`,
          kind: 'lifecycle',
          from: 'lead',
          to: 'marketingqualifiedlead',
          at: now - 24 * H + i,
          modelVersion: 'seed-fit-intent@1',
          cause: 'evaluation',
          details: { route: 'new-business', band: 'fit-high/intent-high' },
        },
      ]);
      if (i < 2)
        await store.decisions.record({
          portalId: stack.portalId,
          contactId: `h${i}`,
          decision: 'return',
          reason: i === 0 ? 'no_budget' : 'unclear_mql',
          note: null,
          decidedAt: now - 20 * H,
          decidedBy: 'rep',
          idempotencyKey: `r${i}`,
        });
    }
    const page = await loadReportPage(store, stack.portalId, now - 7 * 24 * H, now, {}, now);
    expect(page.distribution.scored + page.distribution.disqualified).toBe(80);
    page.calibration = {
      title: 'MQL → SQL by band <draft>',
      rows: [
        { band: 'fit-high/intent-high', n: 40, rate: 0.5, low: 0.35, high: 0.65 },
        { band: 'fit-low/intent-low', n: 0, rate: null, low: null, high: null },
      ],
    };
    const file = join(dir, 'report.html');
    await writeFile(file, renderReportHtml(page));

    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    // The page must stand alone: any request besides the file itself fails the test.
    const requests: string[] = [];
    tab.on('request', (r) => (r.url().startsWith('file:') ? undefined : requests.push(r.url())));
    await tab.goto(pathToFileURL(file).href);

    const charts = await tab.$$eval('figure[data-chart]', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: f.getAttribute('data-chart'),
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          shapes: svg ? svg.querySelectorAll('path, rect').length : 0,
          text: f.textContent ?? '',
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['funnel', 'lost-reasons', 'score-distribution', 'calibration']);
    for (const c of charts) {
      expect(c.width, c.id!).toBeGreaterThan(300);
      expect(c.height, c.id!).toBeGreaterThan(100);
      expect(c.shapes, c.id!).toBeGreaterThan(5);
    }
    const byId = new Map(charts.map((c) => [c.id, c]));
    expect(byId.get('funnel')!.text).toContain('Opportunities');
    expect(byId.get('lost-reasons')!.text).toContain('Why sales returned 2 MQLs.');
    const heat = byId.get('score-distribution')!.text;
    expect(heat).toContain(`${page.distribution.scored} contacts by their latest scores`);
    expect(heat).toMatch(/fit >=? \d+, intent >=? \d+/);
    // Heat-map cells carry their counts as labels: they add up to the contacts drawn.
    const cellLabels = await tab.$$eval('figure[data-chart="score-distribution"] svg text', (texts) =>
      texts.map((t) => t.textContent ?? ''),
    );
    expect(cellLabels.length).toBeGreaterThan(0);
    // The calibration title is data: escaped, shown as text, not parsed as a tag.
    expect(byId.get('calibration')!.text).toContain('MQL → SQL by band <draft>');
    const rows = await tab.$$eval('table[data-table="funnel"] tr', (trs) => trs.length);
    expect(rows).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await tab.close();
  });

  it('when `report --format html --out` runs on a scored portal, then the file holds every chart, the calibration included, and opens without errors', async (ctx) => {
    if (!browser && process.env.LQ_REQUIRE_BROWSER) throw new Error(`no headless browser at ${CHROMIUM}`);
    if (!browser) return ctx.skip(`no headless browser at ${CHROMIUM}`);
    stack = await startStack({ contacts: 60 });
    await rescoreAll({ ...stack.service.scoreDeps, crm: stack.service.crm }, stack.portalId);
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = stack.service.config.DATABASE_URL;
    const lines: string[] = [];
    const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), now: () => new Date() };
    const file = join(dir, 'cli-report.html');
    try {
      const args = ['report', '--portal', stack.portalId, '--format', 'html', '--out', file];
      expect(await runCli(args, io)).toBe(0);
      // --out belongs to html only: elsewhere it is a usage error, not a silently ignored option.
      await expect(runCli(['report', '--portal', stack.portalId, '--out', file], io)).rejects.toThrow(
        /--out is for --format html/,
      );
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    expect(lines[0]).toBe(`report written to ${file}: open it in a browser (no network needed)`);
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(pathToFileURL(file).href);
    const ids = await tab.$$eval('figure[data-chart]', (figures) =>
      figures.filter((f) => f.querySelector('svg')).map((f) => f.getAttribute('data-chart')),
    );
    // No MQL of the period was returned, so lost reasons say so in words instead of a chart.
    expect(ids).toEqual(['funnel', 'score-distribution', 'calibration']);
    expect(await tab.textContent('figure[data-chart="calibration"] h2')).toBe(
      'Calibration: contacts that became SQL, by fit band',
    );
    // Every scored contact is accounted for: drawn, or counted as disqualified.
    const caption = (await tab.textContent('figure[data-chart="score-distribution"] figcaption')) ?? '';
    const [, drawn, disqualified] =
      /(\d+) contacts by their latest scores \((\d+) disqualified/.exec(caption) ?? [];
    expect(Number(drawn) + Number(disqualified)).toBe(60);
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('when text from data holds markup, then it is escaped', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;&#38;',
    );
  });
});
