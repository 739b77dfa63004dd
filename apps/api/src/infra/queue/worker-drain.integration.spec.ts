import { Queue, QueueEvents } from 'bullmq';
import { startApiProcess } from '@itinera/testing';
import { loadConfig } from '../config/app-config.js';
import { redisOptionsFromUrl } from '../redis/redis-options.js';
import { QUEUES } from './queues.js';

/**
 * A real worker process (apps/api/dist/main.js, ITINERA_ROLE=worker) gets SIGTERM while it runs a
 * job: it must stop taking new jobs, finish the one in flight, close its connections and exit 0.
 */
describe('worker graceful shutdown (integration: real process, Redis)', () => {
  const config = loadConfig(process.env);
  const connection = redisOptionsFromUrl(config.REDIS_URL);
  // A queue prefix of this test only, so no other worker of the run takes its jobs.
  const prefix = `${config.REDIS_PREFIX}_drain`;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    queue = new Queue(QUEUES.system, { connection, prefix });
    events = new QueueEvents(QUEUES.system, { connection, prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('SIGTERM drains the in-flight job and leaves waiting jobs for the next worker', async () => {
    const worker = await startApiProcess({ ITINERA_ROLE: 'worker', REDIS_PREFIX: prefix, ITINERA_WORKER_CONCURRENCY: '1' });
    const active = new Promise<void>((resolve) => events.once('active', () => resolve()));
    const inFlight = await queue.add('probe', { holdMs: 1500 });
    await active;

    const stopped = worker.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const afterSignal = await queue.add('probe', { holdMs: 0 });
    const exitCode = await stopped;

    expect(exitCode).toBe(0);
    expect(await inFlight.getState()).toBe('completed');
    const result = (await queue.getJob(inFlight.id!))!.returnvalue as { pid: number; finishedAt: number };
    expect(result.pid).toBe(worker.child.pid);
    expect(await afterSignal.getState()).toBe('waiting');

    // The job left waiting is not lost: the next worker takes it.
    const next = await startApiProcess({ ITINERA_ROLE: 'worker', REDIS_PREFIX: prefix });
    try {
      await afterSignal.waitUntilFinished(events, 10_000);
      expect(await afterSignal.getState()).toBe('completed');
    } finally {
      expect(await next.stop('SIGTERM')).toBe(0);
    }
  }, 60_000);
});
