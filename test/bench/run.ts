/**
 * `npm run bench [-- --json] [-- --only core,service,store,insights,backfill] [-- --contacts N]`
 *
 * Prints the project's performance figures; with `--json`, the last line is one JSON object of
 * every figure (name → number). Sections:
 *   core     evaluate vs JSON.parse on 100,000 contacts (target: ratio ≤ 1.0)
 *   regex    the same with two regex disqualifiers (RE2 engine), a hostile job title against
 *            `^(a+)+$` (target: well under 100 ms), RE2 vs V8 per match
 *   service  against the sandbox: HubSpot calls for 10,000 webhook events over 1,000 contacts
 *            (vs the naive 2 per event), full rescore under a small rate limit (target ≥ 0.9 of
 *            what the limit allows), a company change fanned out to its 1,000 contacts (< 30 s;
 *            ⌈n/100⌉ reads + ⌈n/100⌉ writes + the association reads), settings preview over
 *            100,000 stored contacts (< 15 s)
 *   store    queue drain jobs/s with 1 and 2 workers on PostgreSQL (TEST_DATABASE_URL)
 *   chaos    (not in the default set; `--only chaos [--requests N]`) 10,000 bad requests across
 *            every endpoint on SQLite and PostgreSQL (5xx, lost events, RSS, latency of the next
 *            valid request), and sandbox faults + two instances + SIGKILL on PostgreSQL (lost,
 *            written twice, calls per 10 s); see test/chaos/chaos-bench.ts
 *   backfill (`--only backfill [--contacts N]`) history backfill of 10,000 contacts with two years of
 *            changes against the sandbox: HubSpot calls by kind vs the bound of ⌈N/50⌉ history
 *            reads, wall time and throughput under a 190 calls / 10 s limit
 *   insights backtest of 100,000 contacts over 12 months under two models (target < 10 s) and
 *            insights (calibration + suggestions) on the same (target < 5 s)
 */
import { parseArgs } from 'node:util';
import { coreBenchmark } from './core-bench.js';
import { PATTERN_LIMITS } from '../../src/core/index.js';
import { regexBenchmark } from './regex-bench.js';
import { insightsBenchmark } from './insights-bench.js';
import {
  burstBenchmark,
  companyFanoutBenchmark,
  decayRescoreBenchmark,
  liveBurstBenchmark,
  previewBenchmark,
  rescoreBenchmark,
} from './service-bench.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    only: { type: 'string' },
    contacts: { type: 'string' },
    rounds: { type: 'string' },
    requests: { type: 'string' },
  },
});
const sections = new Set((values.only ?? 'core,regex,service,store,insights').split(','));
const figures: Record<string, number> = {};
const say = (text: string) => process.stdout.write(`${text}\n`);

if (sections.has('core')) {
  const { figures: f } = coreBenchmark(Number(values.contacts ?? 100_000), Number(values.rounds ?? 7));
  Object.assign(figures, f);
  say(
    `core: ${f.core_contacts} synthetic contacts (${f.core_json_bytes_per_contact} bytes of JSON each), median of ${f.core_rounds} rounds, node ${process.version}`,
  );
  say(
    `  evaluate          ${f.core_evaluate_ms} ms  (${f.core_contacts_per_second.toLocaleString('en')} contacts/s, ${f.core_us_per_contact} µs each, explanation included)`,
  );
  say(`  JSON.parse        ${f.core_json_parse_ms} ms  (same contacts)`);
  say(`  ratio             ${f.core_evaluate_to_json_parse_ratio}  (evaluate / JSON.parse; target ≤ 1.0)`);
}

if (sections.has('regex')) {
  const { figures: f, patterns } = regexBenchmark(
    Number(values.contacts ?? 100_000),
    Number(values.rounds ?? 7),
  );
  Object.assign(figures, f);
  say(`regex: the core figures with two regex disqualifiers (on the e-mail address and the job title)`);
  say(`  evaluate          ${f.regex_evaluate_ms} ms  (${f.regex_contacts} contacts)`);
  say(`  ratio             ${f.regex_evaluate_to_json_parse_ratio}  (evaluate / JSON.parse)`);
  say(
    `  hostile title     ${f.regex_hostile_evaluate_ms} ms for ${f.regex_hostile_title_chars} characters against ^(a+)+$ (target: well under 100 ms)`,
  );
  say(
    `  worst case        ${f.regex_worst_case_ms} ms for one match: a[ab]{490}[^ab] against ${PATTERN_LIMITS.valueChars} random a/b`,
  );
  patterns.forEach(({ pattern, flags }, i) => {
    const k = `regex_pattern${i + 1}`;
    say(
      `  /${pattern}/${flags}  RE2 ${f[`${k}_re2_ns_per_match` as keyof typeof f]} ns, V8 ${f[`${k}_v8_ns_per_match` as keyof typeof f]} ns per match`,
    );
  });
}

if (sections.has('service')) {
  const burst = await burstBenchmark();
  Object.assign(figures, burst);
  say(
    `service: ${burst.burst_events} webhook events over ${burst.burst_contacts} contacts, against the sandbox`,
  );
  say(
    `  HubSpot calls     ${burst.burst_hubspot_calls} = ${burst.burst_contact_reads} contact batch reads + ${burst.burst_company_reads} company batch reads + ${burst.burst_writes} batch writes`,
  );
  say(
    `  bound             ${burst.burst_call_bound} = 1.2 × (⌈contacts/100⌉ reads + ⌈changed/100⌉ writes); contact reads + writes: ${burst.burst_contact_reads + burst.burst_writes}`,
  );
  say(`  naive             ${burst.burst_naive_calls} calls (a read and a write per event)`);
  say(
    `  time              ${burst.burst_webhooks_accepted_ms} ms to accept all batches, ${burst.burst_seconds} s until every contact was written`,
  );
  const live = await liveBurstBenchmark();
  Object.assign(figures, live);
  say(`the same burst as HubSpot sends it (one request after another) to a running worker`);
  say(
    `  HubSpot calls     ${live.burst_live_hubspot_calls} = ${live.burst_live_contact_reads} contact reads + ${live.burst_live_company_reads} company reads + ${live.burst_live_writes} writes; bound ${live.burst_live_call_bound} → ratio ${live.burst_live_ratio_to_bound} (target ≤ 1.2)`,
  );
  say(
    `  time              ${live.burst_live_webhooks_accepted_ms} ms to accept all batches, ${live.burst_live_seconds} s until the queue was empty`,
  );
  const decay = await decayRescoreBenchmark();
  Object.assign(figures, decay);
  say(
    `scheduled rescoring: ${decay.decay_rescore_contacts} MQLs whose signals fade below the bar at staggered moments, no events`,
  );
  say(
    `  ${decay.decay_rescore_changed} of ${decay.decay_rescore_were_mql} rewritten; lag from the moment to HubSpot: p50 ${decay.decay_rescore_lag_p50_ms} ms, p95 ${decay.decay_rescore_lag_p95_ms} ms, max ${decay.decay_rescore_lag_max_ms} ms (target p95 ≤ 10 s)`,
  );
  const rescore = await rescoreBenchmark();
  Object.assign(figures, rescore);
  say(
    `rescore --all: ${rescore.rescore_contacts} contacts at ${rescore.rescore_rate_limit_per_10s} calls / 10 s`,
  );
  say(
    `  ${rescore.rescore_contacts_per_second} contacts/s in ${rescore.rescore_seconds} s (${rescore.rescore_calls} calls); the limit allows ${rescore.rescore_allowed_contacts_per_second}/s → ratio ${rescore.rescore_ratio_to_allowed} (target ≥ 0.9)`,
  );
  const fanout = await companyFanoutBenchmark();
  Object.assign(figures, fanout);
  say(
    `company fan-out: a company of ${fanout.company_fanout_contacts} MQLs moves to a disqualifying industry (one signed company.propertyChange)`,
  );
  say(
    `  ${fanout.company_fanout_seconds} s until every contact was rewritten (target < 30 s); HubSpot calls ${fanout.company_fanout_calls} = ${fanout.company_fanout_association_reads} association reads + ${fanout.company_fanout_company_reads} company read + ${fanout.company_fanout_contact_reads} contact reads + ${fanout.company_fanout_writes} writes (bound ${fanout.company_fanout_call_bound}, plus the company read)`,
  );
  say(
    `  another contact's event, arriving during the fan-out, was written after ${fanout.company_fanout_other_work_ms} ms (${fanout.company_fanout_done_before_other_work} of the company's contacts done by then)`,
  );
  const preview = await previewBenchmark();
  Object.assign(figures, preview);
  say(`settings preview: ${preview.preview_contacts} stored contacts (${preview.preview_signals} signals)`);
  say(
    `  ${preview.preview_ms} ms, response ${preview.preview_response_bytes} bytes (hubspot.fetch limits: 15 s, 1 MB)`,
  );
}

if (sections.has('store')) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    say('store: skipped (set TEST_DATABASE_URL to a PostgreSQL database to measure the shared queue)');
  else {
    const { drainBenchmark } = await import('../store/drain-bench.js');
    const one = await drainBenchmark({ databaseUrl: url, workers: 1 });
    const two = await drainBenchmark({ databaseUrl: url, workers: 2 });
    figures.store_drain_jobs = one.jobs;
    figures.store_drain_jobs_per_second_1_worker = one.jobsPerSecond;
    figures.store_drain_jobs_per_second_2_workers = two.jobsPerSecond;
    say(`store: draining ${one.jobs} jobs on PostgreSQL, batches of 100`);
    say(`  1 worker   ${one.jobsPerSecond} jobs/s (${one.seconds} s)`);
    say(`  2 workers  ${two.jobsPerSecond} jobs/s (${two.seconds} s)`);
  }
}

if (sections.has('chaos')) {
  const { chaosBenchmark, fuzzBenchmark } = await import('../chaos/chaos-bench.js');
  const total = Number(values.requests ?? 10_000);
  const pgUrl = process.env.TEST_DATABASE_URL;
  say(
    `chaos (a): ${total.toLocaleString('en')} bad requests of every class across every endpoint, then a valid signed one after each class`,
  );
  say(
    '  database     requests  5xx  wrong  valid events  lost  RSS before → after (growth)   valid after a class p50 / p95   time',
  );
  for (const postgres of pgUrl ? [false, true] : [false]) {
    const f = await fuzzBenchmark(total, postgres);
    const name = postgres ? 'PostgreSQL' : 'SQLite';
    const key = postgres ? 'chaos_fuzz_pg' : 'chaos_fuzz_sqlite';
    Object.assign(figures, {
      [`${key}_requests`]: f.requests,
      [`${key}_5xx`]: f.fiveXx,
      [`${key}_judged_wrong`]: f.judgedWrong,
      [`${key}_lost_events`]: f.lostEvents,
      [`${key}_rss_growth_mb`]: f.rssGrowthMb,
      [`${key}_valid_after_p50_ms`]: f.validAfterP50Ms,
      [`${key}_valid_after_p95_ms`]: f.validAfterP95Ms,
    });
    say(
      `  ${name.padEnd(11)}  ${String(f.requests).padStart(8)}  ${String(f.fiveXx).padStart(3)}  ${String(f.judgedWrong).padStart(5)}  ${String(f.validEvents).padStart(12)}  ${String(f.lostEvents).padStart(4)}  ${f.rssBeforeMb} → ${f.rssAfterMb} MB (${f.rssGrowthMb >= 0 ? '+' : ''}${f.rssGrowthMb})`.padEnd(
        104,
      ) +
        `${f.validAfterP50Ms} / ${f.validAfterP95Ms} ms`.padEnd(32) +
        `${f.seconds} s`,
    );
    for (const p of f.firstProblems) say(`    ${p.slice(0, 300)}`);
    say(
      `    valid after a class, p50/p95 ms by endpoint: ${Object.entries(f.validAfterByEndpoint)
        .map(([endpoint, [p50, p95]]) => `${endpoint} ${p50}/${p95}`)
        .join(', ')}`,
    );
  }
  say('  targets: 0 × 5xx, 0 lost, RSS growth < 50 MB, valid request after each class < 100 ms');
  if (!pgUrl) say('  PostgreSQL: skipped (set TEST_DATABASE_URL)');
  if (!pgUrl) say('chaos (b): skipped: two instances need a shared PostgreSQL store (set TEST_DATABASE_URL)');
  else {
    const c = (await chaosBenchmark())!;
    Object.assign(figures, {
      chaos_events_in: c.eventsIn,
      chaos_contacts_written: c.contactsWritten,
      chaos_lost: c.lost,
      chaos_written_twice: c.writtenTwice,
      chaos_tasks_twice: c.tasksTwice,
      chaos_dead_letters: c.deadLetters,
      chaos_max_calls_per_10s: c.maxCallsPer10s,
      chaos_seconds: c.seconds,
    });
    say(
      `chaos (b): ${c.contacts} contacts, sandbox faults 50% 429 + 10% 5xx on every endpoint, two instances on one PostgreSQL store, one killed with SIGKILL holding ${c.killedHeldClaims} claimed contacts and restarted`,
    );
    say(
      `  events in             ${c.eventsIn} in ${c.batches} signed batches (${c.batchesFailed} batches never accepted)`,
    );
    say(`  contacts written      ${c.contactsWritten} of ${c.contacts} (the others already held the values)`);
    say(
      `  lost                  ${c.lost}${c.lostIds.length > 0 ? ` (${c.lostIds.join(', ')})` : ''}   (target 0)`,
    );
    say(
      `  written twice         ${c.writtenTwice} writes that changed nothing; ${c.contactsWithMoreThanOneWrite} contacts changed more than once; ${c.tasksTwice} contacts with two tasks   (target 0)`,
    );
    say(
      `  dead letters          ${c.deadLetters}${c.deadReasons.length > 0 ? ` (${c.deadReasons.join('; ')})` : ''}`,
    );
    if (c.secondChanges.length > 0) say(`  changed again         ${c.secondChanges.join(', ')}`);
    say(
      `  HubSpot calls         ${c.hubspotCalls} (${c.injected429} answered 429, ${c.injected5xx} answered 5xx)`,
    );
    say(
      `  busiest 10 s          ${c.maxCallsPer10s} calls; the portal's limit is ${c.portalLimitPer10s}   (target ≤ limit)`,
    );
    say(`  time                  ${c.seconds} s until every contact was evaluated and nothing was due`);
  }
}

if (sections.has('backfill')) {
  const { backfillBenchmark } = await import('./backfill-bench.js');
  const { figures: f } = await backfillBenchmark(Number(values.contacts ?? 10_000));
  Object.assign(figures, f);
  say(
    `backfill: ${f.backfill_contacts} contacts with two years of changes (${f.backfill_form_submissions} form submissions, ${f.backfill_opt_outs} opt-outs, ${f.backfill_meetings} meetings, ${f.backfill_no_shows} no-shows; seeded in ${f.backfill_seed_seconds} s), at ${f.backfill_rate_limit_per_10s} calls / 10 s`,
  );
  say(
    `  history reads     ${f.backfill_contact_history_reads} contact history reads (bound ⌈${f.backfill_contacts}/50⌉ = ${f.backfill_history_read_bound}) + ${f.backfill_meeting_history_reads} meeting history reads`,
  );
  say(
    `  HubSpot calls     ${f.backfill_calls} = ${f.backfill_contact_lists} contact pages + ${f.backfill_contact_history_reads} contact histories + ${f.backfill_association_reads} association reads + ${f.backfill_meeting_history_reads} meeting histories + ${f.backfill_company_reads} company reads + ${f.backfill_writes} writes + ${f.backfill_other_calls} other; ${f.backfill_http_429} answered 429`,
  );
  say(
    `  signals           ${f.backfill_signals_found} found, ${f.backfill_signals_created} stored; ${f.backfill_written} contacts written`,
  );
  say(
    `  time              ${f.backfill_seconds} s (${f.backfill_contacts_per_second} contacts/s, ${f.backfill_pages} pages); the rate limit alone needs ${f.backfill_budget_floor_seconds} s for these calls`,
  );
}

if (sections.has('insights')) {
  const { figures: f, summary, top } = insightsBenchmark(Number(values.contacts ?? 100_000));
  Object.assign(figures, f);
  say(
    `insights: ${f.insights_contacts} contacts with two years of history (${f.insights_signals} signals), the last 12 months`,
  );
  say(
    `  backtest          ${f.insights_backtest_ms} ms (${f.insights_backtest_cpu_ms} ms CPU) under two models (target < 10 s): ${f.insights_backtest_mqls_published} → ${f.insights_backtest_mqls_draft} MQLs`,
  );
  say(`                    ${summary}`);
  say(
    `  insights          ${f.insights_ms} ms (${f.insights_cpu_ms} ms CPU; target < 5 s): ${f.insights_judged} contacts judged, ${f.insights_suggestions} suggestions`,
  );
  say(`                    top: ${top}`);
}

if (values.json) say(JSON.stringify(figures));
