import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Message templates: an editable draft per template and its immutable published versions. */
export class Templates1764440000000 implements MigrationInterface {
  name = 'Templates1764440000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        key text NOT NULL CHECK (key ~ '^[a-z0-9]+([_-][a-z0-9]+)*$' AND length(key) <= 100),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text CHECK (length(description) <= 2000),
        draft jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(draft) = 'object'),
        draft_revision integer NOT NULL DEFAULT 1,
        draft_updated_at timestamptz NOT NULL DEFAULT now(),
        published_version integer CHECK (published_version >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, key)
      )`);
    await db.query(`
      CREATE TABLE template_versions (
        template_id uuid NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version >= 1),
        content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object'),
        note text CHECK (length(note) <= 1000),
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text,
        PRIMARY KEY (template_id, version)
      )`);
    await db.query(`
      ALTER TABLE templates ADD CONSTRAINT templates_published_version_fkey
        FOREIGN KEY (id, published_version) REFERENCES template_versions (template_id, version)`);
    // A published version is immutable: only the deletion of its template (cascade) removes it.
    await db.query(`
      CREATE FUNCTION template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'template versions are immutable' USING ERRCODE = 'restrict_violation';
      END $$`);
    await db.query(`
      CREATE TRIGGER template_versions_no_update BEFORE UPDATE ON template_versions
        FOR EACH ROW EXECUTE FUNCTION template_versions_immutable()`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
