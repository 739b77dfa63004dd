import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Journey drafts carry a revision (every saved edit adds one, and an edit made from an older
 * revision is refused) and who saved them last (`user:<id>` or `api_key:<id>`).
 */
export class JourneyDraftRevisions1764510000000 implements MigrationInterface {
  name = 'JourneyDraftRevisions1764510000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE journeys ADD COLUMN draft_revision integer NOT NULL DEFAULT 1, ADD COLUMN draft_updated_by text`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
