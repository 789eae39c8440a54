/** The progress line of the long portal commands (`rescore --all`, with `--backfill`): bar, rate, ETA. */

/** `1m04s`, `9s`; `?` when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * `[######..] 2300/10000 contacts, 120 written, 950/s, ETA 8s` and any `extra` after the counts.
 * The rate counts this run's contacts only (`doneBefore`: those a resumed run found done).
 */
export function progressLine(
  p: { scored: number; written: number; startedAt: number; now: number },
  total: number,
  extra = '',
  doneBefore = 0,
): string {
  const seconds = Math.max(0.001, (p.now - p.startedAt) / 1000);
  const rate = (p.scored - doneBefore) / seconds;
  const eta = total ? ((total - p.scored) / Math.max(rate, 1e-9)) * 1000 : Number.NaN;
  const width = 24;
  const done = total ? Math.min(width, Math.round((p.scored / total) * width)) : 0;
  const bar = total ? `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ` : '';
  return `${bar}${p.scored}${total ? `/${total}` : ''} contacts, ${extra}${p.written} written, ${rate.toFixed(0)}/s, ETA ${formatDuration(Math.max(0, eta))}   `;
}

/** Where progress lines go: the caller's (tests), or stderr, rewritten in place. */
export function progressSink(io: { progress?: (line: string) => void }): {
  show: (line: string) => void;
  end: () => void;
} {
  if (io.progress) return { show: io.progress, end: () => {} };
  return {
    show: (line) => process.stderr.write(`\r${line}`),
    end: () => process.stderr.write('\n'),
  };
}
