import { ApiError } from '@itinera/sdk';

/**
 * The field-level problems of a refused request, one line each (`route: must be …`; a journey's
 * `node:` prefix dropped), or undefined when the answer listed none.
 */
export function fieldProblems(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const body = error.body as { errors?: Array<{ field: string; messages: string[] }> } | undefined;
  return body?.errors?.map((e) => `${e.field.replace(/^node:/, '')}: ${e.messages.join(', ')}`);
}
