import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Send requests (with their idempotency keys), messages with their lifecycle, and delivery events. */
export class Messages1764460000000 implements MigrationInterface {
  name = 'Messages1764460000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE send_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        idempotency_key text,
        body_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('processing', 'accepted', 'done', 'failed')),
        kind text NOT NULL CHECK (kind IN ('template', 'journey')),
        target text NOT NULL,
        user_id text NOT NULL,
        body jsonb NOT NULL,
        response jsonb,
        outcome jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await db.query(
      `CREATE UNIQUE INDEX send_requests_idempotency_key ON send_requests (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        profile_id uuid NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        idempotency_key text NOT NULL,
        request_id uuid REFERENCES send_requests(id) ON DELETE SET NULL,
        journey_id uuid,
        run_id uuid,
        node_id text,
        template_key text,
        template_version integer,
        topic text,
        cap_exempt boolean NOT NULL DEFAULT false,
        channel text NOT NULL,
        provider_config_id uuid,
        plugin_id text,
        status text NOT NULL CHECK (status IN ('queued', 'deferred', 'throttled', 'suppressed', 'sending', 'sent', 'delivered',
                                               'opened', 'clicked', 'failed', 'bounced')),
        status_reason text,
        provider_message_id text,
        recipient text,
        content jsonb,
        attempts integer NOT NULL DEFAULT 0,
        deferred_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sending_at timestamptz,
        sent_at timestamptz,
        delivered_at timestamptz,
        opened_at timestamptz,
        clicked_at timestamptz,
        failed_at timestamptz,
        bounced_at timestamptz,
        seen_at timestamptz,
        read_at timestamptz,
        archived_at timestamptz,
        UNIQUE (workspace_id, idempotency_key)
      )`);
    await db.query(`CREATE INDEX messages_list_idx ON messages (workspace_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX messages_profile_idx ON messages (profile_id, created_at DESC)`);
    await db.query(
      `CREATE INDEX messages_caps_idx ON messages (profile_id, sending_at DESC) WHERE sending_at IS NOT NULL AND NOT cap_exempt`,
    );
    await db.query(`CREATE INDEX messages_provider_idx ON messages (plugin_id, provider_message_id) WHERE provider_message_id IS NOT NULL`);
    await db.query(`CREATE INDEX messages_deferred_idx ON messages (deferred_until) WHERE status = 'deferred'`);
    await db.query(`CREATE INDEX messages_inbox_idx ON messages (profile_id, created_at DESC, id DESC) WHERE channel = 'inapp'`);
    await db.query(`
      CREATE TABLE message_events (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        status text NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX message_events_message_idx ON message_events (message_id, occurred_at)`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
