import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-workspace configuration of channel, data-source and LLM providers (plugins). */
export class ProviderConfigs1764430000000 implements MigrationInterface {
  name = 'ProviderConfigs1764430000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE provider_configs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        plugin_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('channel', 'datasource', 'llm')),
        channel text,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        priority integer NOT NULL DEFAULT 0,
        enabled boolean NOT NULL DEFAULT true,
        config jsonb NOT NULL DEFAULT '{}',
        sealed_secrets text,
        secret_fields text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, name)
      )`);
    await db.query(`CREATE INDEX provider_configs_route_idx ON provider_configs (workspace_id, kind, channel, priority)`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
