import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { ApiKeyKind } from './api-key.entity.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_PREFIXES: Record<ApiKeyKind, string> = { write: 'itn_wk_', secret: 'itn_sk_' };
/** Characters of a key kept in clear to tell keys apart (type marker + 4). */
const VISIBLE_LENGTH = 11;

/** A uniformly random base62 string (no modulo bias: randomInt is unbiased). */
export function randomToken(length: number): string {
  let token = '';
  for (let i = 0; i < length; i += 1) token += ALPHABET[randomInt(ALPHABET.length)];
  return token;
}

export function generateApiKey(kind: ApiKeyKind): string {
  return `${KEY_PREFIXES[kind]}${randomToken(32)}`;
}

export function keyKind(key: string): ApiKeyKind | undefined {
  return (Object.keys(KEY_PREFIXES) as ApiKeyKind[]).find((kind) => key.startsWith(KEY_PREFIXES[kind]));
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_LENGTH);
}

/** SHA-256 hex: keys and session tokens are high-entropy, so a fast hash is the right tool. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
