/**
 * The report as one self-contained HTML page: the funnel, the lost reasons, where contacts sit on
 * the fit × intent plane under the MQL bars, and the calibration when there is one.
 *
 * Charts are drawn with Apache ECharts' server-side SVG renderer, so the page carries its charts
 * as inline SVG: no script, no network, nothing to install to open it (it can be mailed or
 * attached to a ticket). Only the page around the charts is ours.
 */
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { funnelRows } from '../core/funnel.js';
import type { ReportPage } from '../jobs/report-page.js';

const WIDTH = 760;
const PALETTE = {
  ink: '#33475b',
  muted: '#7c98b6',
  accent: '#ff7a59',
  teal: '#00a4bd',
  grid: '#eaf0f6',
};

/** Renders one chart to an SVG string; the chart is disposed whatever happens. */
function svg(option: EChartsOption, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pct(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function funnelChart(page: ReportPage): string {
  const f = page.funnel;
  const steps: [string, number, number | null][] = [
    ['MQLs', f.mqls, null],
    ['Accepted', f.accepted, f.acceptanceRate],
    ['SQLs', f.sqls, f.mqlToSql],
    ['Opportunities', f.opportunities, f.sqlToOpportunity],
    ['Customers', f.customers, f.sqlToCustomer],
  ];
  return svg(
    {
      grid: { left: 110, right: 120, top: 10, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: PALETTE.grid } } },
      yAxis: { type: 'category', inverse: true, data: steps.map(([name]) => name) },
      series: [
        {
          type: 'bar',
          name: 'contacts',
          data: steps.map(([, count]) => count),
          itemStyle: { color: PALETTE.teal },
          label: {
            show: true,
            position: 'right',
            formatter: ({ dataIndex }: { dataIndex: number }) => {
              const [, count, rate] = steps[dataIndex]!;
              return rate === null ? String(count) : `${count}  (${pct(rate)})`;
            },
          },
        },
      ],
    },
    230,
  );
}

function lostReasonsChart(page: ReportPage): string | null {
  const reasons = page.funnel.lostReasons;
  if (reasons.length === 0) return null;
  return svg(
    {
      grid: { left: 180, right: 120, top: 10, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: PALETTE.grid } } },
      yAxis: { type: 'category', inverse: true, data: reasons.map((r) => r.label) },
      series: [
        {
          type: 'bar',
          name: 'returned',
          data: reasons.map((r) => r.count),
          itemStyle: { color: PALETTE.accent },
          label: {
            show: true,
            position: 'right',
            formatter: ({ dataIndex }: { dataIndex: number }) => {
              const r = reasons[dataIndex]!;
              return `${r.count}  (${pct(r.share)})`;
            },
          },
        },
      ],
    },
    Math.max(140, 40 + reasons.length * 32),
  );
}

function heatMapChart(page: ReportPage): string {
  const d = page.distribution;
  const labels = d.cellStarts.map((s) => `${s}–${s + d.cellSize - 1}`);
  const cells: [number, number, number][] = [];
  let max = 1;
  d.counts.forEach((row, fit) =>
    row.forEach((count, intent) => {
      if (count > 0) cells.push([fit, intent, count]);
      max = Math.max(max, count);
    }),
  );
  // The bars are drawn on a value axis laid over the category grid, so a bar of 55 sits halfway
  // through a cell instead of snapping to a cell's edge.
  const overlay = { min: 0, max: 100, show: false };
  return svg(
    {
      grid: { left: 70, right: 30, top: 20, bottom: 95 },
      xAxis: [
        { type: 'category', data: labels, name: 'fit', nameLocation: 'middle', nameGap: 28 },
        { type: 'value', ...overlay },
      ],
      yAxis: [
        { type: 'category', data: labels, name: 'intent', nameLocation: 'middle', nameGap: 50 },
        { type: 'value', ...overlay },
      ],
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 200,
        text: ['more contacts', 'fewer'],
        inRange: { color: ['#f5f8fa', PALETTE.teal, '#0b3d4f'] },
        seriesIndex: 0,
      },
      series: [
        {
          type: 'heatmap',
          name: 'contacts',
          data: cells,
          label: { show: true, fontSize: 10 },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
        },
        {
          type: 'line',
          name: `MQL fit bar ${d.bars.fit.value}`,
          xAxisIndex: 1,
          yAxisIndex: 1,
          data: [
            [d.bars.fit.value, 0],
            [d.bars.fit.value, 100],
          ],
          symbol: 'none',
          lineStyle: { color: PALETTE.accent, width: 2, type: 'dashed' },
        },
        {
          type: 'line',
          name: `MQL intent bar ${d.bars.intent.value}`,
          xAxisIndex: 1,
          yAxisIndex: 1,
          data: [
            [0, d.bars.intent.value],
            [100, d.bars.intent.value],
          ],
          symbol: 'none',
          lineStyle: { color: PALETTE.accent, width: 2, type: 'dashed' },
        },
      ],
    },
    520,
  );
}

function calibrationChart(page: ReportPage): string | null {
  const rows = page.calibration?.rows.filter((r) => r.n > 0) ?? [];
  if (rows.length === 0) return null;
  return svg(
    {
      grid: { left: 60, right: 20, top: 20, bottom: 60 },
      xAxis: { type: 'category', data: rows.map((r) => r.band), axisLabel: { rotate: 30 } },
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        axisLabel: { formatter: '{value}%' },
        splitLine: { lineStyle: { color: PALETTE.grid } },
      },
      series: [
        {
          type: 'bar',
          name: 'observed conversion',
          data: rows.map((r) => (r.rate === null ? 0 : +(r.rate * 100).toFixed(1))),
          itemStyle: { color: PALETTE.teal },
          label: {
            show: true,
            position: 'insideBottom',
            color: '#fff',
            formatter: ({ dataIndex }: { dataIndex: number }) => `n=${rows[dataIndex]!.n}`,
          },
        },
        {
          // The 95% interval of each band as a whisker: a vertical line from low to high.
          type: 'custom',
          name: '95% interval',
          z: 10,
          data: rows.map((r, i) => [i, (r.low ?? 0) * 100, (r.high ?? 0) * 100]),
          renderItem: (_params, api) => {
            const [lx = 0, ly = 0] = api.coord([api.value(0), api.value(1)]);
            const [hx = 0, hy = 0] = api.coord([api.value(0), api.value(2)]);
            const cap = 6;
            const style = { stroke: PALETTE.ink, lineWidth: 1.5 };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: lx, y1: ly, x2: hx, y2: hy }, style },
                { type: 'line', shape: { x1: lx - cap, y1: ly, x2: lx + cap, y2: ly }, style },
                { type: 'line', shape: { x1: hx - cap, y1: hy, x2: hx + cap, y2: hy }, style },
              ],
            };
          },
        },
      ],
    },
    340,
  );
}

function figure(id: string, title: string, caption: string, chart: string): string {
  return `<figure data-chart="${id}"><h2>${escapeHtml(title)}</h2>${chart}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The whole page. Every text that comes from data (reason labels, versions) is escaped. */
export function renderReportHtml(page: ReportPage): string {
  const f = page.funnel;
  const d = page.distribution;
  const period = `${day(page.from)} – ${day(page.to - 1)}`;
  const rows = funnelRows(f)
    .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  const warnings = f.warnings.map((w) => `<li>${escapeHtml(w.message)}</li>`).join('');
  const figures = [
    figure(
      'funnel',
      'Funnel',
      `What became of the ${f.mqls} MQLs of ${period}; each rate is against the step it follows from.`,
      funnelChart(page),
    ),
  ];
  const lost = lostReasonsChart(page);
  figures.push(
    lost
      ? figure('lost-reasons', 'Lost reasons', `Why sales returned ${f.returned} MQLs.`, lost)
      : `<figure data-chart="lost-reasons" data-empty="true"><h2>Lost reasons</h2><p>No MQL of the period was returned.</p></figure>`,
  );
  figures.push(
    figure(
      'score-distribution',
      'Fit × intent',
      `${d.scored} contacts by their latest scores (${d.disqualified} disqualified, not drawn); ` +
        `dashed lines: the MQL bars of ${page.modelVersion} (fit ${d.bars.fit.operator} ${d.bars.fit.value}, intent ${d.bars.intent.operator} ${d.bars.intent.value}). ` +
        `${d.mqls} MQLs; ${d.aboveBarsNotMql} above both bars but held back by a required criterion or a route.`,
      heatMapChart(page),
    ),
  );
  const calibration = calibrationChart(page);
  if (calibration && page.calibration) {
    figures.push(
      figure(
        'calibration',
        page.calibration.title,
        'Observed conversion per band with its 95% interval; n is the number of contacts in the band.',
        calibration,
      ),
    );
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lead qualification report · portal ${escapeHtml(page.portalId)} · ${escapeHtml(period)}</title>
<style>
  body { font-family: system-ui, sans-serif; color: ${PALETTE.ink}; max-width: ${WIDTH + 40}px; margin: 24px auto; padding: 0 20px; }
  h1 { font-size: 1.4rem; margin-bottom: 0; } h2 { font-size: 1.1rem; margin: 0 0 8px; }
  .meta { color: ${PALETTE.muted}; margin-top: 4px; }
  figure { margin: 28px 0; } figcaption { color: ${PALETTE.muted}; font-size: 0.9rem; }
  table { border-collapse: collapse; } th, td { text-align: left; padding: 3px 14px 3px 0; border-bottom: 1px solid ${PALETTE.grid}; }
  th { font-weight: 500; } .warnings li { color: #b3261e; }
</style>
</head>
<body>
<h1>Lead qualification report</h1>
<p class="meta">Portal ${escapeHtml(page.portalId)} · MQLs of ${escapeHtml(period)} · model ${escapeHtml(page.modelVersion)} · generated ${escapeHtml(new Date(page.generatedAt).toISOString())}</p>
${warnings ? `<ul class="warnings">${warnings}</ul>` : ''}
${figures.join('\n')}
<h2>Figures</h2>
<table data-table="funnel">${rows}</table>
</body>
</html>
`;
}
