import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RedisClient } from '../../infra/redis/redis.module.js';
import { startTestApp, type TestApp, uniqueSuffix } from '../../testing/test-app.js';
import { EventStream, STREAM_START, type StreamPosition } from './event-stream.service.js';
import { partitionOf } from './stream.constants.js';

describe('EventStream (integration: PostgreSQL)', () => {
  let t: TestApp;
  let stream: EventStream;
  let db: DataSource;
  let workspaceId: string;

  beforeAll(async () => {
    t = await startTestApp();
    stream = t.app.get(EventStream);
    db = t.app.get(DataSource);
    workspaceId = (await t.workspace()).id;
  });
  afterAll(() => t.close());

  async function readAll(partition: number, from: StreamPosition) {
    const entries = [];
    let position = from;
    for (;;) {
      const page = await stream.read(partition, position, 100);
      if (page.length === 0) return { entries, position };
      entries.push(...page);
      position = page[page.length - 1];
    }
  }

  it('never skips an entry whose transaction started earlier but committed later', async () => {
    const profileId = randomUUID();
    const partition = partitionOf(profileId);
    const start = (await readAll(partition, STREAM_START)).position;

    // A long transaction appends first and stays open…
    const slow = db.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    await stream.append(slow.manager, [{ workspaceId, profileId, kind: 'profile_updated', payload: { n: 'slow' } }]);
    // …while a later one appends and commits.
    await db.transaction((m) => stream.append(m, [{ workspaceId, profileId, kind: 'profile_updated', payload: { n: 'fast' } }]));

    // The reader must not hand out "fast" yet: that would move its position past "slow".
    const early = await readAll(partition, start);
    expect(early.entries.filter((e) => e.profileId === profileId)).toEqual([]);

    await slow.commitTransaction();
    await slow.release();
    const late = await readAll(partition, start);
    expect(late.entries.filter((e) => e.profileId === profileId).map((e) => e.payload.n)).toEqual(['slow', 'fast']);
  });

  it('orders entries by number when their ids cross a power of ten', async () => {
    const profileId = randomUUID();
    const partition = partitionOf(profileId);
    const start = (await readAll(partition, STREAM_START)).position;
    // Entries written right below a power of ten: 9…98, 9…99, 10…00, 10…01 sort wrongly as text.
    const [{ next }] = await db.query("SELECT nextval('events_id_seq')::bigint AS next");
    const boundary = 10 ** String(next).length;
    await db.query("SELECT setval('events_id_seq', $1)", [boundary - 3]);
    await db.transaction((m) =>
      stream.append(
        m,
        [1, 2, 3, 4].map((n) => ({ workspaceId, profileId, kind: 'profile_updated' as const, payload: { n } })),
      ),
    );
    const mine = (await readAll(partition, start)).entries.filter((e) => e.profileId === profileId);
    expect(mine.map((e) => e.payload.n)).toEqual([1, 2, 3, 4]);
    expect(mine.map((e) => Number(e.id))).toEqual([boundary - 2, boundary - 1, boundary, boundary + 1]);
  });

  it('keeps a consumer position per partition that only moves forward', async () => {
    const consumer = `test-${uniqueSuffix()}`;
    expect(await stream.position(consumer, 3)).toEqual(STREAM_START);
    await stream.commit(consumer, 3, { xid: '100', id: '7' });
    await stream.commit(consumer, 3, { xid: '90', id: '9' });
    expect(await stream.position(consumer, 3)).toEqual({ xid: '100', id: '7' });
  });

  it('wakes subscribers through Redis after commit', async () => {
    const subscriber = t.app.get(RedisClient).duplicate();
    const received = new Promise<string>((resolve) => subscriber.on('message', (_channel: string, message: string) => resolve(message)));
    await subscriber.subscribe(stream.wakeChannel);
    await stream.wake([2, 5]);
    expect(await received).toBe('2,5');
    await subscriber.quit();
  });
});
