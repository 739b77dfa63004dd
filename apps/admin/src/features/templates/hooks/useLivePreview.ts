import { type PreviewTemplateDto, type RenderedContentDto, templatesPreview } from '@itinera/sdk';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { problemsOf, type TemplateProblems } from '../model/template-problems';
import { useDebounced } from './useDebounced';

const PREVIEW_DEBOUNCE_MS = 350;

export interface LivePreview {
  /** The latest rendering that succeeded (kept while the content has an error). */
  rendered?: RenderedContentDto;
  /** Why the current content does not render (Liquid or MJML errors with line and column), or null. */
  problems: TemplateProblems | null;
}

/** Last good rendering per template, channel and locale, shown under the error while the author fixes it. */
const lastRendered = new Map<string, RenderedContentDto>();

/**
 * The server's rendering of the edited (unsaved) content for one channel, as the author types:
 * debounced, and the previous rendering kept on screen while the next one loads.
 */
export function useLivePreview(templateKey: string, body: PreviewTemplateDto | null) {
  const settled = useDebounced(body, PREVIEW_DEBOUNCE_MS);
  const query = useQuery<LivePreview>({
    queryKey: ['template-preview', templateKey, settled],
    queryFn: async ({ signal }) => {
      const slot = `${templateKey}:${settled!.channel}:${settled!.locale ?? ''}`;
      try {
        const rendered = await templatesPreview(templateKey, settled!, { signal });
        lastRendered.set(slot, rendered);
        return { rendered, problems: null };
      } catch (error) {
        if (signal.aborted) throw error;
        return { rendered: lastRendered.get(slot), problems: problemsOf(error) };
      }
    },
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 30_000,
  });
  return {
    rendered: query.data?.rendered,
    problems: query.data?.problems ?? null,
    isUpdating: query.isFetching || JSON.stringify(settled) !== JSON.stringify(body),
  };
}
