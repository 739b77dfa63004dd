import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Per-user inbox tokens: the product's backend computes `hex(HMAC-SHA256(inboxSigningKey,
 * userId))` and hands it to its front end, which then reads that user's feed and nothing else.
 * The signing key is per workspace, derived from ITINERA_SECRET (an owner reads it from
 * `GET /api/inbox/signing-key`).
 */
export class InboxTokens {
  private readonly master: Buffer;

  constructor(secret: string) {
    this.master = Buffer.from(hkdfSync('sha256', secret, 'itinera', 'itinera inbox signing v1', 32));
  }

  signingKey(workspaceId: string): string {
    return createHmac('sha256', this.master).update(workspaceId).digest('hex');
  }

  tokenFor(workspaceId: string, userId: string): string {
    return createHmac('sha256', this.signingKey(workspaceId)).update(userId).digest('hex');
  }

  verify(workspaceId: string, userId: string, token: string): boolean {
    const expected = Buffer.from(this.tokenFor(workspaceId, userId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
