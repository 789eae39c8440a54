/**
 * Learning from history at scale: 100,000 contacts with two years of history (the sandbox's
 * history seed), a backtest over the last 12 months under two models (the published preset and a
 * draft with a lower intent bar), and insights (calibration + suggestions) over the same 12
 * months. Targets: backtest < 10 s, insights < 5 s. The history is generated before timing.
 */
import { backtest, insights, loadPreset, MONTH_DAYS, parseModel } from '../../src/core/index.js';
import { generateHistorySeed } from '../../src/sandbox/history-seed.js';
import { BENCH_NOW, time } from './bench-kit.js';

const DAY = 86_400_000;

export function insightsBenchmark(count = 100_000) {
  const { history } = generateHistorySeed({ contacts: count, seed: 42, now: BENCH_NOW });
  const published = loadPreset('seed-fit-intent');
  const draftInput = structuredClone(published);
  draftInput.version = 'draft-intent-40';
  draftInput.thresholds.mql.intent = { operator: '>=', value: 40 };
  const parsed = parseModel(draftInput);
  if (!parsed.success) throw new Error('bench draft is invalid');
  const from = BENCH_NOW - 12 * MONTH_DAYS * DAY;
  const options = { from, to: BENCH_NOW, observedUntil: BENCH_NOW };
  const signals = history.reduce((n, c) => n + c.signals.length, 0);

  // CPU time too: on a shared, loaded machine the wall clock measures the neighbours as well.
  const cpu = (fn: () => void) => {
    const before = process.cpuUsage();
    const wall = time(fn);
    const used = process.cpuUsage(before);
    return { wall, cpu: (used.user + used.system) / 1000 };
  };
  let b!: ReturnType<typeof backtest>;
  const backtestMs = cpu(() => {
    b = backtest(history, published, parsed.model, options);
  });
  let r!: ReturnType<typeof insights>;
  const insightsMs = cpu(() => {
    r = insights(history, published, options);
  });
  return {
    summary: b.summary,
    top: r.suggestions.suggestions[0]?.text ?? r.suggestions.message ?? '',
    figures: {
      insights_contacts: count,
      insights_signals: signals,
      insights_backtest_ms: Math.round(backtestMs.wall),
      insights_backtest_cpu_ms: Math.round(backtestMs.cpu),
      insights_backtest_mqls_published: b.published.contacts,
      insights_backtest_mqls_draft: b.draft.contacts,
      insights_ms: Math.round(insightsMs.wall),
      insights_cpu_ms: Math.round(insightsMs.cpu),
      insights_judged: r.calibration.contacts,
      insights_suggestions: r.suggestions.suggestions.length,
      insights_heap_used_mb: Math.round(process.memoryUsage().heapUsed / 1_048_576),
    },
  };
}
