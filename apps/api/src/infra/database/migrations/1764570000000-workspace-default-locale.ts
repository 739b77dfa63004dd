import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The locale a workspace's messages use for profiles that have none (null: the templates' default content). */
export class WorkspaceDefaultLocale1764570000000 implements MigrationInterface {
  name = 'WorkspaceDefaultLocale1764570000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE workspaces ADD COLUMN default_locale text');
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
