import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message left `sending` by a crash, whose provider cannot say whether it has it and would not
 * recognise a resend, is recorded `unknown` (it may well have been delivered) instead of `failed`.
 */
export class MessageStatusUnknown1764515000000 implements MigrationInterface {
  name = 'MessageStatusUnknown1764515000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE messages DROP CONSTRAINT messages_status_check');
    await db.query(`ALTER TABLE messages ADD CONSTRAINT messages_status_check CHECK (status IN ('queued', 'deferred', 'throttled', 'suppressed',
      'sending', 'unknown', 'sent', 'delivered', 'opened', 'clicked', 'failed', 'bounced'))`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
