import {
  getTemplatesGetQueryKey,
  getTemplatesListQueryKey,
  type TemplateContentDto,
  type TemplateDto,
  templatesUpdate,
} from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { NO_PROBLEMS, problemsOf, type TemplateProblems } from '../model/template-problems';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'invalid' | 'failed';

const AUTOSAVE_MS = 900;

/**
 * The template's draft content as edited, saved on its own a moment after the last change. A
 * content the API refuses (a Liquid or MJML error) stays in the editor, marked `invalid` with the
 * problems, until it is fixed. Mount it once per template (key the editor by template key). `flush()` saves now and resolves once the stored draft is current.
 */
export function useTemplateDraft(template: TemplateDto) {
  const queryClient = useQueryClient();
  const [content, setContentState] = useState<TemplateContentDto>(template.content);
  const [state, setState] = useState<SaveState>('saved');
  const [problems, setProblems] = useState<TemplateProblems>(NO_PROBLEMS);
  const latest = useRef<TemplateContentDto>(template.content);
  const saved = useRef<string>(JSON.stringify(template.content));
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const key = template.key;

  const save = useCallback(async (): Promise<void> => {
    if (inFlight.current) await inFlight.current;
    const body = latest.current;
    const text = JSON.stringify(body);
    if (text === saved.current) {
      setState((s) => (s === 'invalid' || s === 'failed' ? s : 'saved'));
      return;
    }
    setState('saving');
    const run = (async () => {
      try {
        const stored = await templatesUpdate(key, { content: body });
        saved.current = text;
        queryClient.setQueryData(getTemplatesGetQueryKey(key), stored);
        void queryClient.invalidateQueries({ queryKey: getTemplatesListQueryKey() });
        setProblems(NO_PROBLEMS);
        setState(JSON.stringify(latest.current) === text ? 'saved' : 'unsaved');
      } catch (error) {
        const found = problemsOf(error);
        setProblems(found);
        setState(found.fields.length > 0 ? 'invalid' : 'failed');
        throw error;
      }
    })();
    inFlight.current = run.finally(() => (inFlight.current = null)).catch(() => undefined);
    return run;
  }, [key, queryClient]);

  const setContent = useCallback(
    (next: TemplateContentDto) => {
      latest.current = next;
      setContentState(next);
      setState('unsaved');
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void save().catch(() => undefined), AUTOSAVE_MS);
    },
    [save],
  );

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    await save();
  }, [save]);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  return { content, setContent, state, problems, flush };
}
