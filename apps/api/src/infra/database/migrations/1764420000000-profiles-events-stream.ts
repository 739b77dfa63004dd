import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Profiles with their anonymous ids, contact points and accounts; events; the journey hand-off stream. */
export class ProfilesEventsStream1764420000000 implements MigrationInterface {
  name = 'ProfilesEventsStream1764420000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        group_id text NOT NULL,
        traits jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, group_id)
      )`);
    await db.query(`
      CREATE TABLE profiles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        user_id text,
        traits jsonb NOT NULL DEFAULT '{}',
        email text,
        phone text,
        timezone text,
        locale text,
        account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX profiles_user_key ON profiles (workspace_id, user_id) WHERE user_id IS NOT NULL`);
    await db.query(`CREATE INDEX profiles_email_idx ON profiles (workspace_id, lower(email)) WHERE email IS NOT NULL`);
    await db.query(`CREATE INDEX profiles_page_idx ON profiles (workspace_id, created_at, id)`);
    await db.query(`CREATE INDEX profiles_traits_idx ON profiles USING gin (traits jsonb_path_ops)`);
    await db.query(`
      CREATE TABLE profile_anonymous_ids (
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        anonymous_id text NOT NULL,
        profile_id uuid NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, anonymous_id)
      )`);
    await db.query(`CREATE INDEX profile_anonymous_ids_profile_idx ON profile_anonymous_ids (profile_id)`);
    await db.query(`
      CREATE TABLE contact_points (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        profile_id uuid NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'slack', 'teams')),
        value text NOT NULL CHECK (length(value) BETWEEN 1 AND 4096),
        metadata jsonb NOT NULL DEFAULT '{}',
        source text NOT NULL DEFAULT 'api',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (profile_id, channel, value)
      )`);
    await db.query(`
      CREATE TABLE events (
        id bigserial PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        message_id text NOT NULL,
        type text NOT NULL CHECK (type IN ('track', 'identify', 'page', 'screen', 'group', 'alias')),
        event text,
        name text,
        profile_id uuid REFERENCES profiles(id) ON DELETE CASCADE,
        user_id text,
        anonymous_id text,
        group_id text,
        previous_id text,
        properties jsonb NOT NULL DEFAULT '{}',
        traits jsonb NOT NULL DEFAULT '{}',
        context jsonb NOT NULL DEFAULT '{}',
        timestamp timestamptz NOT NULL,
        original_timestamp timestamptz,
        sent_at timestamptz,
        received_at timestamptz NOT NULL,
        UNIQUE (workspace_id, message_id)
      )`);
    await db.query(`CREATE INDEX events_profile_idx ON events (profile_id, timestamp DESC, id DESC)`);
    await db.query(`CREATE INDEX events_name_idx ON events (workspace_id, event, timestamp DESC)`);
    await db.query(`CREATE INDEX events_time_idx ON events (workspace_id, timestamp DESC, id DESC)`);
    await db.query(`
      CREATE TABLE stream_entries (
        id bigserial PRIMARY KEY,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        partition smallint NOT NULL,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        profile_id uuid NOT NULL,
        kind text NOT NULL,
        event_id bigint,
        payload jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX stream_entries_read_idx ON stream_entries (partition, xid, id)`);
    await db.query(`CREATE INDEX stream_entries_profile_idx ON stream_entries (profile_id)`);
    await db.query(`
      CREATE TABLE stream_cursors (
        consumer text NOT NULL,
        partition smallint NOT NULL,
        xid xid8 NOT NULL DEFAULT '0',
        id bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, partition)
      )`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
