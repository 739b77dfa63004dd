import { SharedCache } from './shared-cache.js';

describe('SharedCache', () => {
  const announced: Array<[string, string]> = [];
  const cache = () => new SharedCache<number>('things', async (name, key) => void announced.push([name, key]), 60_000);

  beforeEach(() => (announced.length = 0));

  it('loads a key once and serves it from memory afterwards', async () => {
    const things = cache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await things.get('w1', load)).toBe(1);
    expect(await things.get('w1', load)).toBe(1);
    expect(await things.get('w2', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('forgets a changed key here and announces it to the other processes', async () => {
    const things = cache();
    let value = 1;
    await things.get('w1', async () => value);
    value = 2;
    await things.changed('w1');
    expect(announced).toEqual([['things', 'w1']]);
    expect(await things.get('w1', async () => value)).toBe(2);
  });

  it('does not keep a value whose load began before the key was forgotten', async () => {
    const things = cache();
    let finish!: (n: number) => void;
    const stale = things.get('w1', () => new Promise<number>((resolve) => (finish = resolve)));
    things.forget('w1'); // the change was announced while the old value was being read
    finish(1);
    expect(await stale).toBe(1);
    expect(await things.get('w1', async () => 2)).toBe(2);
  });

  it('reloads a value older than its maximum age', async () => {
    const things = new SharedCache<number>('aged', async () => undefined, 0);
    let loads = 0;
    await things.get('w1', async () => ++loads);
    expect(await things.get('w1', async () => ++loads)).toBe(2);
  });

  it('forgets everything at once (the announcements may have been missed)', async () => {
    const things = cache();
    await things.get('w1', async () => 1);
    let finish!: (n: number) => void;
    const pending = things.get('w2', () => new Promise<number>((resolve) => (finish = resolve)));
    things.forgetAll();
    finish(5);
    await pending;
    expect(await things.get('w1', async () => 3)).toBe(3);
    expect(await things.get('w2', async () => 4)).toBe(4);
  });

  it('does not cache a failed load', async () => {
    const things = cache();
    await expect(things.get('w1', async () => Promise.reject(new Error('no such thing')))).rejects.toThrow('no such thing');
    expect(await things.get('w1', async () => 7)).toBe(7);
  });
});
