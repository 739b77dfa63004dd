import type { DefaultJobOptions } from 'bullmq';

/** Every BullMQ queue Itinera uses. A queue's jobs are handled by one processor in the worker role. */
export const QUEUES = {
  system: 'system',
  delivery: 'delivery',
  journeys: 'journeys',
} as const;

/** Completed jobs are kept briefly for inspection, failed ones longer; PostgreSQL holds the durable record. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
};
