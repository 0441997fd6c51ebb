import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderation of citizen reports (ADR 0020): a citizen's own words and house-level location are
 * shown to the public (Open311 readers other than the client that sent the report) only once the
 * CGI has marked the report public. Who marked it, and when; null while it is not public.
 */
export class ReportPublication1764340000000 implements MigrationInterface {
  name = 'ReportPublication1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE occurrences ADD COLUMN description_public_at timestamptz, ADD COLUMN description_public_by text`);
    await q.query(`ALTER TABLE occurrences ADD CONSTRAINT occurrences_description_public_by
      CHECK ((description_public_at IS NULL) = (description_public_by IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE occurrences DROP CONSTRAINT occurrences_description_public_by`);
    await q.query(`ALTER TABLE occurrences DROP COLUMN description_public_by, DROP COLUMN description_public_at`);
  }
}
