import type { CreateJourneyDto, JourneyDto } from '@itinera/sdk';

/** The journey as a file: the SPEC document (name, description, entry, exit, caps, nodes, edges, ui). */
export function journeyDocument(journey: Pick<JourneyDto, 'name' | 'description' | 'draft'>): Record<string, unknown> {
  const { name: _name, description: _description, ...rest } = journey.draft;
  return { name: journey.name, ...(journey.description ? { description: journey.description } : {}), ...rest };
}

export function downloadJourney(journey: Pick<JourneyDto, 'name' | 'description' | 'draft'>): void {
  const blob = new Blob([`${JSON.stringify(journeyDocument(journey), null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${journey.name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'journey'}.journey.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export class JourneyFileError extends Error {}

const DOCUMENT_FIELDS = ['entry', 'exit', 'caps', 'nodes', 'edges', 'layout', 'ui'] as const;

/** What `POST /api/journeys` takes for an imported file: the document's own fields; the name from the file when it has none. */
export function importRequest(text: string, fileName: string): CreateJourneyDto {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new JourneyFileError(`The file is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new JourneyFileError('The file is not a journey: expected a JSON object');
  const document = parsed as Record<string, unknown>;
  if (!Array.isArray(document.nodes)) throw new JourneyFileError('The file is not a journey: it has no "nodes" list');
  const name =
    typeof document.name === 'string' && document.name.trim() ? document.name.trim() : fileName.replace(/\.journey\.json$|\.json$/i, '');
  const request: Record<string, unknown> = { name: name.slice(0, 200) };
  if (typeof document.description === 'string') request.description = document.description;
  for (const field of DOCUMENT_FIELDS) if (document[field] !== undefined) request[field] = document[field];
  if (request.edges === undefined) request.edges = [];
  return request as unknown as CreateJourneyDto;
}
