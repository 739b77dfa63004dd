import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('keeps the total weight under its bound, counting re-weighed entries', () => {
    const cache = new LruCache<string, string>(10, 100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    cache.reweigh('a', 50);
    expect(cache.weight).toBe(90);
    cache.set('c', 'C', 30);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.weight).toBe(70);
    cache.set('huge', 'H', 500);
    expect(cache.size).toBe(0);
    expect(cache.weight).toBe(0);
    cache.reweigh('gone', 5);
    expect(cache.weight).toBe(0);
  });
});
