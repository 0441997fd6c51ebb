import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake idempotency (ADR 0014): a client's `Idempotency-Key`, scoped by who sent it, so a report
 * retried after a lost answer (an API restart, a dropped connection) is stored once.
 */
export class IntakeIdempotency1764330000000 implements MigrationInterface {
  name = 'IntakeIdempotency1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE occurrences ADD COLUMN idempotency_key text`);
    await q.query(`CREATE UNIQUE INDEX occurrences_idempotency_key ON occurrences (idempotency_key) WHERE idempotency_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX occurrences_idempotency_key`);
    await q.query(`ALTER TABLE occurrences DROP COLUMN idempotency_key`);
  }
}
