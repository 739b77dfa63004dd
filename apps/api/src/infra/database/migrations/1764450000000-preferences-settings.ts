import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Preference topics, per-profile preferences (per topic and channel), and per-workspace delivery settings. */
export class PreferencesSettings1764450000000 implements MigrationInterface {
  name = 'PreferencesSettings1764450000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE topics (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text CHECK (length(description) <= 2000),
        default_preference text NOT NULL CHECK (default_preference IN ('opted_in', 'opted_out', 'required')),
        bypass_quiet_hours boolean NOT NULL DEFAULT false,
        exempt_from_caps boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, key)
      )`);
    // topic_key '*' holds opt-outs of a whole channel (every non-required topic, and messages
    // without a topic); channel '*' is the topic on every channel.
    await db.query(`
      CREATE TABLE preferences (
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        profile_id uuid NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        topic_key text NOT NULL CHECK (topic_key = '*' OR topic_key ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        channel text NOT NULL CHECK (channel = '*' OR channel ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'),
        status text NOT NULL CHECK (status IN ('opted_in', 'opted_out')),
        source text NOT NULL CHECK (source IN ('api', 'preference_page', 'unsubscribe_link', 'one_click', 'inbox')),
        message_id text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (profile_id, topic_key, channel),
        CHECK (topic_key <> '*' OR status = 'opted_out')
      )`);
    await db.query(`CREATE INDEX preferences_topic_idx ON preferences (workspace_id, topic_key)`);
    await db.query(`
      CREATE TABLE workspace_settings (
        workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
        delivery jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
