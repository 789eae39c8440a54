/**
 * A tab's loading state: what was loaded, the error, whether a request runs, and whether one was
 * ever made (tabs load the first time they show). Only the newest request's answer is shown,
 * whatever order the answers come in.
 */
import { useCallback, useRef, useState } from 'react';

export function useLatest<A extends unknown[], T>(request: (...args: A) => Promise<T>) {
  const [shown, setShown] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const requested = useRef(false);
  const latest = useRef(0);

  const load = useCallback(
    async (...args: A) => {
      const mine = ++latest.current;
      requested.current = true;
      setLoading(true);
      setError(null);
      try {
        const answer = await request(...args);
        if (mine === latest.current) setShown(answer);
      } catch (e) {
        if (mine === latest.current) {
          setShown(null);
          setError(e instanceof Error ? e.message : String(e));
        }
      } finally {
        if (mine === latest.current) setLoading(false);
      }
    },
    [request],
  );
  return { shown, error, loading, load, requested };
}
