/**
 * Every problem of the draft, next to its field: the page's own checks (instant, in words for
 * marketers) and the service's check of the whole model (`POST /settings/api/validate`, the core's
 * parser: every problem with its path), asked again after each edit. A field shows the page's
 * message when it has one, else the service's; what no field shows is listed with the editor.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { editorFields } from './editor-fields';
import { type Model, type Problem, paths, toDraftPath } from './model';
import { placeProblems } from './model-edit';
import { REASON_PATH } from './publish-reason';
import { settingsApi } from './settings-api';

export interface PlacedProblems {
  /** The message to show under the field at this path. */
  at: (path: string) => string | undefined;
  /** Problems no field shows. */
  unplaced: Problem[];
}

/** Places the page's problems and the service's on the editor's fields (the page's win per field). */
export function placeAll(model: Model, own: readonly Problem[], service: readonly Problem[]): PlacedProblems {
  const fields = [...editorFields(model), paths.note, REASON_PATH];
  const mine = placeProblems(own, fields);
  const theirs = placeProblems(service, fields);
  const at = (path: string) => (mine.byField.get(path) ?? theirs.byField.get(path))?.join(' · ');
  return { at, unplaced: [...mine.unplaced, ...theirs.unplaced] };
}

export interface ServiceCheck {
  /** The service's problems with the draft as it is now; null until it answered for this draft. */
  problems: Problem[] | null;
  /** Why the service could not check, if it could not. */
  error: string | null;
  /** The problems of the draft now, asking the service if it has not answered for it yet. */
  now: () => Promise<Problem[]>;
}

/**
 * Asks the service to check the model to send each time it changes (not for the model in force
 * as loaded), and maps the paths back to the draft's (disqualifiers switched off are left out).
 */
export function useServiceCheck(
  model: Model | null,
  sentJson: string,
  disqualifierIndex: readonly number[],
  enabled: boolean,
): ServiceCheck {
  const [answer, setAnswer] = useState<{ sent: string; problems: Problem[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(sentJson);
  latest.current = sentJson;

  const ask = useCallback(async (): Promise<Problem[]> => {
    if (model === null) return [];
    const sent = JSON.stringify(model);
    const result = await settingsApi.validate(model);
    const problems = result.problems.map((p) => ({ ...p, path: toDraftPath(p.path, disqualifierIndex) }));
    if (latest.current === sent) {
      setAnswer({ sent, problems });
      setError(null);
    }
    return problems;
  }, [model, disqualifierIndex]);

  useEffect(() => {
    if (!enabled) return;
    ask().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    // Asked once per distinct model sent (sentJson), not per render.
  }, [sentJson, enabled]);

  const current = answer?.sent === sentJson ? answer.problems : null;
  const now = useCallback(async () => current ?? (await ask()), [current, ask]);
  return useMemo(() => ({ problems: current, error, now }), [current, error, now]);
}
