import { createHmac } from 'node:crypto';
import { InboxTokens } from './inbox-tokens.js';

describe('InboxTokens', () => {
  const tokens = new InboxTokens('k'.repeat(32));

  it('is HMAC-SHA256(signingKey, userId), per workspace', () => {
    const key = tokens.signingKey('ws-1');
    const token = createHmac('sha256', key).update('user-1').digest('hex');
    expect(tokens.verify('ws-1', 'user-1', token)).toBe(true);
    expect(tokens.verify('ws-1', 'user-2', token)).toBe(false);
    expect(tokens.verify('ws-2', 'user-1', token)).toBe(false);
    expect(tokens.verify('ws-1', 'user-1', 'short')).toBe(false);
    expect(tokens.signingKey('ws-2')).not.toBe(key);
  });
});
