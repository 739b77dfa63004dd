import type { JourneyProblem } from '@itinera/journey-model';
import { ApiError, getJourneysGetQueryKey, getJourneysListQueryKey, journeysGet, journeysUpdate, journeysValidate } from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EditorStore } from './model/store';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'error';

const DELAY_MS = 700;
const SERVER_ONLY = new Set(['unknown_template', 'unpublished_template', 'unknown_topic', 'unknown_plugin']);

/**
 * Saves the draft a moment after each edit, carrying the revision it started from: when someone
 * else saved in between, the server answers 409 and the state becomes `conflict` (nothing is
 * overwritten) until the user reloads theirs or keeps this one. After each save the server's
 * validate runs, for what only it knows (templates, topics, plugins).
 */
export function useAutosave(store: EditorStore, journeyId: string, initialRevision: number, enabled: boolean) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SaveState>('saved');
  const [error, setError] = useState<string | null>(null);
  const revision = useRef(initialRevision);
  const saving = useRef<Promise<void> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const savedVersion = useRef(store.getState().editVersion);
  const stateRef = useRef<SaveState>('saved');
  /** The save to run when edits came in during one: the callback cannot name itself. */
  const latestSave = useRef<() => Promise<void>>(async () => undefined);
  const setBoth = (next: SaveState) => {
    stateRef.current = next;
    setState(next);
  };

  const save = useCallback(async (): Promise<void> => {
    if (saving.current) {
      await saving.current;
      if (store.getState().editVersion === savedVersion.current) return;
    }
    if (stateRef.current === 'conflict') return;
    const version = store.getState().editVersion;
    if (version === savedVersion.current) return;
    const definition = store.getState().definition();
    setBoth('saving');
    const run = (async () => {
      try {
        const saved = await journeysUpdate(journeyId, {
          name: definition.name,
          description: definition.description,
          definition: definition as never,
          revision: revision.current,
        });
        revision.current = saved.revision;
        savedVersion.current = version;
        queryClient.setQueryData(getJourneysGetQueryKey(journeyId), saved);
        void queryClient.invalidateQueries({ queryKey: getJourneysListQueryKey() });
        setError(null);
        setBoth(store.getState().editVersion === version ? 'saved' : 'unsaved');
        const report = await journeysValidate(journeyId, {});
        store.getState().setServerProblems(report.problems.filter((p) => SERVER_ONLY.has(p.code)) as JourneyProblem[]);
      } catch (failure) {
        if (failure instanceof ApiError && failure.status === 409) {
          setError(failure.message);
          setBoth('conflict');
        } else {
          setError(failure instanceof Error ? failure.message : String(failure));
          setBoth('error');
        }
      }
    })();
    saving.current = run;
    await run;
    saving.current = null;
    if (stateRef.current === 'unsaved') timer.current = setTimeout(() => void latestSave.current(), DELAY_MS);
  }, [journeyId, queryClient, store]);
  useEffect(() => {
    latestSave.current = save;
  }, [save]);

  useEffect(() => {
    if (!enabled) return;
    return store.subscribe((next, previous) => {
      if (next.editVersion === previous.editVersion || next.readOnly) return;
      if (stateRef.current !== 'conflict' && stateRef.current !== 'saving') setBoth('unsaved');
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void save(), DELAY_MS);
    });
  }, [enabled, save, store]);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  // What only the server knows, once on opening; then after every save.
  useEffect(() => {
    if (!enabled) return;
    void journeysValidate(journeyId, {})
      .then((report) => store.getState().setServerProblems(report.problems.filter((p) => SERVER_ONLY.has(p.code)) as JourneyProblem[]))
      .catch(() => undefined);
  }, [enabled, journeyId, store]);

  /** Saves now (before publishing, for instance). */
  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    await save();
  }, [save]);

  /** Conflict: drop local edits and load what the server has. */
  const reload = useCallback(async () => {
    const latest = await journeysGet(journeyId);
    queryClient.setQueryData(getJourneysGetQueryKey(journeyId), latest);
    revision.current = latest.revision;
    store.getState().load(latest.draft as never);
    savedVersion.current = store.getState().editVersion;
    setError(null);
    setBoth('saved');
  }, [journeyId, queryClient, store]);

  /** Conflict: save this version over theirs. */
  const overwrite = useCallback(async () => {
    const latest = await journeysGet(journeyId);
    revision.current = latest.revision;
    savedVersion.current = -1;
    setBoth('unsaved');
    await save();
  }, [journeyId, save]);

  return { state, error, flush, reload, overwrite, revision };
}
