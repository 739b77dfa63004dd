import { parse as parseCsv } from 'csv-parse';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { CONTACT_CHANNELS, type ContactPointInput, isValidTimezone } from './profile-facts.js';
import type { ProfileInput } from './profile-writer.js';

export type ImportFormat = 'csv' | 'ndjson';

export interface ImportRowError {
  row: number;
  reason: string;
}

/** Columns of a CSV import with a meaning of their own; every other column becomes a trait. */
const CSV_FIELDS = new Set(['userId', 'user_id', 'timezone', 'locale']);

/**
 * Reads a CSV (header row: userId, then traits; `email`/`phone` columns become contact points
 * too) or NDJSON (one `{ userId, traits?, contactPoints?, timezone?, locale? }` per line) stream
 * row by row, without holding the file in memory. Yields each row as a profile or an error.
 */
export async function* readImportRows(
  body: Readable,
  format: ImportFormat,
): AsyncGenerator<{ row: number } & ({ profile: ProfileInput } | { error: string })> {
  if (format === 'csv') {
    const parser = body.pipe(parseCsv({ columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }));
    let row = 1;
    try {
      for await (const record of parser as AsyncIterable<Record<string, string>>) {
        row += 1;
        yield { row, ...fromCsv(record) };
      }
    } catch (error) {
      yield { row: row + 1, error: `CSV is malformed here: ${(error as Error).message}` };
    }
    return;
  }
  let row = 0;
  for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
    row += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield { row, error: 'line is not valid JSON' };
      continue;
    }
    yield { row, ...fromObject(value) };
  }
}

function fromCsv(record: Record<string, string>): { profile: ProfileInput } | { error: string } {
  const traits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!CSV_FIELDS.has(key) && value !== '') traits[key] = value;
  }
  return fromObject({
    userId: record.userId ?? record.user_id,
    traits,
    timezone: record.timezone || undefined,
    locale: record.locale || undefined,
  });
}

function fromObject(value: unknown): { profile: ProfileInput } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'row must be a JSON object' };
  const input = value as Record<string, unknown>;
  const userId = typeof input.userId === 'number' ? String(input.userId) : input.userId;
  if (typeof userId !== 'string' || userId.trim() === '' || userId.length > 255)
    return { error: 'userId is required (a string of at most 255 characters)' };
  if (input.traits !== undefined && (typeof input.traits !== 'object' || input.traits === null || Array.isArray(input.traits)))
    return { error: 'traits must be an object' };
  if (input.timezone !== undefined && (typeof input.timezone !== 'string' || !isValidTimezone(input.timezone)))
    return { error: 'timezone must be an IANA time zone such as Europe/Paris' };
  if (input.locale !== undefined && typeof input.locale !== 'string') return { error: 'locale must be a string' };
  const contactPoints: ContactPointInput[] = [];
  if (input.contactPoints !== undefined) {
    if (!Array.isArray(input.contactPoints)) return { error: 'contactPoints must be an array' };
    for (const cp of input.contactPoints as Array<Record<string, unknown>>) {
      if (!cp || !CONTACT_CHANNELS.includes(cp.channel as never) || typeof cp.value !== 'string' || cp.value === '') {
        return { error: `each contact point needs a channel (${CONTACT_CHANNELS.join(', ')}) and a value` };
      }
      contactPoints.push({ channel: cp.channel as ContactPointInput['channel'], value: cp.value });
    }
  }
  const serialized = JSON.stringify(input);
  if (serialized.includes('\\u0000')) return { error: 'contains a NUL (\\u0000) character' };
  if (serialized.length > 32 * 1024) return { error: 'row is larger than 32 KB' };
  return {
    profile: {
      userId: userId.trim(),
      traits: (input.traits as Record<string, unknown>) ?? {},
      timezone: input.timezone as string | undefined,
      locale: input.locale as string | undefined,
      contactPoints,
    },
  };
}

export function importFormatOf(contentType: string | undefined): ImportFormat | undefined {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  return undefined;
}

export { Readable };
