import { ValidationError } from './errors.js';
import { unstorableTextReason } from './input-rules.js';

/** Sort keys are timestamps and ids: short, plain text. */
const MAX_KEY_LENGTH = 64;
const isCursorKey = (key: unknown): key is string | number =>
  (typeof key === 'string' && key.length <= MAX_KEY_LENGTH && unstorableTextReason(key) === undefined) ||
  (typeof key === 'number' && Number.isFinite(key));

/** Opaque keyset-pagination cursors: a base64url JSON array of the last row's sort keys. */
export function encodeCursor(keys: Array<string | number>): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (!cursor) return undefined;
  try {
    const keys = cursor.length <= 512 ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown) : undefined;
    if (Array.isArray(keys) && keys.length === arity && keys.every(isCursorKey)) return keys.map(String);
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is not valid: pass the nextCursor of a previous page unchanged', [
    { field: 'cursor', messages: ['is not a cursor this API issued'] },
  ]);
}

/**
 * The keyset condition of the page after `cursor` in (time DESC, id DESC) order, with its two
 * values pushed onto `params`; undefined on the first page.
 */
export function olderThanCursor(
  cursor: string | undefined,
  columns: { time: string; id: string; idType?: 'uuid' | 'bigint' },
  params: unknown[],
): string | undefined {
  const before = decodeCursor(cursor, 2);
  if (!before) return undefined;
  return `(${columns.time}, ${columns.id}) < ($${params.push(before[0])}::timestamptz, $${params.push(before[1])}::${columns.idType ?? 'uuid'})`;
}

/** Selects a timestamp column as the exact text a cursor carries (microseconds, UTC). */
export function cursorTime(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_time`;
}

/**
 * One page of a keyset query that fetched `limit + 1` rows ordered by (time, id): the rows to
 * return, and the cursor of the next page (null on the last one).
 */
export function pageOf<R extends { cursor_time: string; id: string }, T>(
  rows: R[],
  limit: number,
  toItem: (row: R) => T,
): { data: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map(toItem), nextCursor: rows.length > limit ? encodeCursor([last.cursor_time, last.id]) : null };
}
