import { roleSatisfies } from './roles.js';
import { generateApiKey, keyKind, sha256, visiblePrefix } from './secret-tokens.js';

describe('API key format', () => {
  it('marks the kind, is long and random, and shows only a short prefix', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey('secret')));
    expect(keys.size).toBe(200);
    const key = [...keys][0];
    expect(key).toMatch(/^itn_sk_[A-Za-z0-9]{32}$/);
    expect(keyKind(key)).toBe('secret');
    expect(keyKind(generateApiKey('write'))).toBe('write');
    expect(keyKind('sk_live_123')).toBeUndefined();
    expect(visiblePrefix(key)).toHaveLength(11);
    expect(sha256(key)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('roleSatisfies', () => {
  it('orders owner > editor > viewer', () => {
    expect(roleSatisfies('owner', 'editor')).toBe(true);
    expect(roleSatisfies('editor', 'editor')).toBe(true);
    expect(roleSatisfies('viewer', 'editor')).toBe(false);
    expect(roleSatisfies('editor', 'owner')).toBe(false);
  });
});
