import { encodeCursor, olderThanCursor } from './cursor.js';

describe('keyset cursors', () => {
  it('gives the condition of the next page with its values pushed after the query’s own', () => {
    const params: unknown[] = ['workspace'];
    const cursor = encodeCursor(['2026-12-02T09:00:00.123456Z', 'a1b2']);
    expect(olderThanCursor(cursor, { time: 'm.created_at', id: 'm.id' }, params)).toBe(
      '(m.created_at, m.id) < ($2::timestamptz, $3::uuid)',
    );
    expect(params).toEqual(['workspace', '2026-12-02T09:00:00.123456Z', 'a1b2']);
    expect(olderThanCursor(encodeCursor(['2026-12-02T09:00:00Z', 42]), { time: 'e.timestamp', id: 'e.id', idType: 'bigint' }, [])).toBe(
      '(e.timestamp, e.id) < ($1::timestamptz, $2::bigint)',
    );
  });

  it('is undefined on the first page, and refuses a cursor it did not issue', () => {
    const params: unknown[] = [];
    expect(olderThanCursor(undefined, { time: 't', id: 'id' }, params)).toBeUndefined();
    expect(params).toEqual([]);
    expect(() => olderThanCursor('not-a-cursor', { time: 't', id: 'id' }, params)).toThrow(/cursor is not valid/);
  });
});
