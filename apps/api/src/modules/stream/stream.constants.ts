import { createHash } from 'node:crypto';

/** The stream is split in this many partitions; a profile always lands in the same one. */
export const STREAM_PARTITIONS = 16;

export type ProfileChangeKind = 'profile_updated' | 'profile_merged' | 'profile_deleted';
export type StreamEntryKind = 'event' | ProfileChangeKind;

/** Hashing is most of the cost on the ingestion hot path, and a profile's partition never changes. */
const known = new Map<string, number>();
const KNOWN_MAX = 100_000;

export function partitionOf(profileId: string): number {
  let partition = known.get(profileId);
  if (partition === undefined) {
    partition = createHash('sha1').update(profileId).digest().readUInt16BE(0) % STREAM_PARTITIONS;
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(profileId, partition);
  }
  return partition;
}
