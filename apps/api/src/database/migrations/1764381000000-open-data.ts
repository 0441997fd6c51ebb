import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open data (issue 16): the generated files, one row per period × format, served as they are.
 * `issued_at` is the first generation, `modified_at` the last one that changed the bytes.
 */
export class OpenData1764381000000 implements MigrationInterface {
  name = 'OpenData1764381000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE open_datasets (
        kind text NOT NULL CHECK (kind IN ('daily','monthly')),
        period text NOT NULL,
        format text NOT NULL CHECK (format IN ('csv','geojson','parishes.csv')),
        content bytea NOT NULL,
        sha256 text NOT NULL,
        row_count integer NOT NULL CHECK (row_count >= 0),
        suppressed integer NOT NULL CHECK (suppressed >= 0),
        issued_at timestamptz NOT NULL DEFAULT now(),
        modified_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, period, format)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS open_datasets`);
  }
}
