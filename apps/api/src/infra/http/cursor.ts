import { ValidationError } from './errors.js';

/** Opaque keyset-pagination cursors: a base64url JSON array of the last row's sort keys. */
export function encodeCursor(keys: Array<string | number>): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (!cursor) return undefined;
  try {
    const keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(keys) && keys.length === arity && keys.every((k) => typeof k === 'string' || typeof k === 'number')) return keys.map(String);
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is not valid: pass the nextCursor of a previous page unchanged', [{ field: 'cursor', messages: ['is not a cursor this API issued'] }]);
}
