/**
 * Next-change time: `nextChangeAt` against `evaluate` on the sandbox's synthetic contacts (the
 * same generator as the core bench), with the seed-fit-intent preset. Target: < 50 µs a contact.
 *
 * `npx tsx test/bench/next-change-bench.ts [contacts]`
 */
import { pathToFileURL } from 'node:url';
import { type ContactInput, evaluate, loadPreset, nextChangeAt } from '../../src/core/index.js';
import { BENCH_NOW as NOW, median, syntheticContacts, time } from './bench-kit.js';

export function nextChangeBenchmark(count = 20_000, rounds = 5) {
  const model = loadPreset('seed-fit-intent');
  const contacts = syntheticContacts(count);
  const withSignals = contacts.filter((c) => (c.signals?.length ?? 0) > 0);
  const fiveOrSo = contacts.filter((c) => {
    const n = c.signals?.length ?? 0;
    return n >= 4 && n <= 6;
  });

  let sink = 0;
  const perContact = (list: readonly ContactInput[], fn: (c: ContactInput) => void): number => {
    const ms: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const t = time(() => {
        for (const c of list) fn(c);
      });
      if (r > 0) ms.push(t);
    }
    return Math.round(((median(ms) * 1000) / list.length) * 100) / 100;
  };
  const evaluateUs = perContact(contacts, (c) => {
    sink += evaluate(c, model, NOW).intent.score;
  });
  const nextUs = perContact(contacts, (c) => {
    sink += nextChangeAt(c, model, NOW) ?? 0;
  });
  const nextWithSignalsUs = perContact(withSignals, (c) => {
    sink += nextChangeAt(c, model, NOW) ?? 0;
  });
  const nextFiveUs = perContact(fiveOrSo, (c) => {
    sink += nextChangeAt(c, model, NOW) ?? 0;
  });

  // The slowest contacts, one by one.
  const single: number[] = [];
  for (const c of withSignals) {
    const t0 = process.hrtime.bigint();
    sink += nextChangeAt(c, model, NOW) ?? 0;
    single.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  single.sort((a, b) => a - b);
  const never = contacts.filter((c) => nextChangeAt(c, model, NOW) === null).length;

  return {
    sink,
    figures: {
      next_change_contacts: count,
      next_change_contacts_with_signals: withSignals.length,
      next_change_contacts_4_to_6_signals: fiveOrSo.length,
      next_change_evaluate_us: evaluateUs,
      next_change_us: nextUs,
      next_change_with_signals_us: nextWithSignalsUs,
      next_change_4_to_6_signals_us: nextFiveUs,
      next_change_with_signals_p99_us: Math.round(single[Math.floor(single.length * 0.99)]! * 10) / 10,
      next_change_with_signals_max_us: Math.round(single[single.length - 1]! * 10) / 10,
      next_change_null_share: Math.round((never / count) * 1000) / 1000,
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { figures } = nextChangeBenchmark(Number(process.argv[2] ?? 20_000));
  process.stdout.write(`node ${process.version}\n${JSON.stringify(figures, null, 2)}\n`);
}
