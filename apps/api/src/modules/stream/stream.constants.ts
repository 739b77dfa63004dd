import { createHash } from 'node:crypto';

/** The stream is split in this many partitions; a profile always lands in the same one. */
export const STREAM_PARTITIONS = 16;

export type ProfileChangeKind = 'profile_updated' | 'profile_merged' | 'profile_deleted';
export type StreamEntryKind = 'event' | ProfileChangeKind;

export function partitionOf(profileId: string): number {
  return createHash('sha1').update(profileId).digest().readUInt16BE(0) % STREAM_PARTITIONS;
}
