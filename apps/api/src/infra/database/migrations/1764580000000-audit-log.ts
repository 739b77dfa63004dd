import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: one row per change asked of the management API (who, when, what, on which target,
 * with what outcome and which fields). Rows are append-only: updating one always fails; deleting
 * one fails unless the retention purge says so for its transaction or its workspace is gone.
 */
export class AuditLog1764580000000 implements MigrationInterface {
  name = 'AuditLog1764580000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'api_key')),
        actor_id uuid,
        actor_label text NOT NULL,
        method text NOT NULL,
        route text NOT NULL,
        resource text NOT NULL,
        action text NOT NULL,
        target_id text,
        status integer NOT NULL,
        changes jsonb,
        result jsonb
      )`);
    await db.query('CREATE INDEX audit_entries_time_idx ON audit_entries (workspace_id, occurred_at DESC, id DESC)');
    await db.query('CREATE INDEX audit_entries_target_idx ON audit_entries (workspace_id, resource, target_id)');
    await db.query(`
      CREATE FUNCTION itinera_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND (current_setting('itinera.audit_purge', true) = 'on'
            OR NOT EXISTS (SELECT 1 FROM workspaces WHERE id = OLD.workspace_id)) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit entries cannot be changed or deleted' USING ERRCODE = 'IT002';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION itinera_audit_append_only()`);
    await db.query(
      'ALTER TABLE workspaces ADD COLUMN audit_retention_days integer NOT NULL DEFAULT 365 CHECK (audit_retention_days BETWEEN 1 AND 3650)',
    );
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
