import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Support and coordinator ladders (ADR 0017): an escalation deadline row belongs to the ladder of
 * one assignment role. Existing rows are the lead's. The role is part of the row's identity, so a
 * department moved from support to lead (or back) gets the other ladder's rows, never a clash.
 */
export class SupportEscalation1764350000000 implements MigrationInterface {
  name = 'SupportEscalation1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE escalation_deadlines
        ADD COLUMN role text NOT NULL DEFAULT 'LEAD' CHECK (role IN ('LEAD','SUPPORT','COORDINATOR'))`);
    // The old key's name was chosen by PostgreSQL (truncated to 63 bytes): look it up.
    const [old]: Array<{ name: string }> = await q.query(
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'escalation_deadlines'::regclass AND contype = 'u'`,
    );
    await q.query(`ALTER TABLE escalation_deadlines DROP CONSTRAINT "${old.name}"`);
    await q.query(`
      ALTER TABLE escalation_deadlines ADD CONSTRAINT escalation_deadlines_once
        UNIQUE (occurrence_id, department, role, kind, level, due_at)`);
    await q.query(`DROP INDEX escalation_deadlines_one_pending`);
    await q.query(`
      CREATE UNIQUE INDEX escalation_deadlines_one_pending ON escalation_deadlines (occurrence_id, department, role, kind, level)
        WHERE fired_at IS NULL AND cancelled_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM escalation_deadlines WHERE role <> 'LEAD'`);
    await q.query(`DROP INDEX escalation_deadlines_one_pending`);
    await q.query(`
      CREATE UNIQUE INDEX escalation_deadlines_one_pending ON escalation_deadlines (occurrence_id, department, kind, level)
        WHERE fired_at IS NULL AND cancelled_at IS NULL`);
    await q.query(`ALTER TABLE escalation_deadlines DROP CONSTRAINT escalation_deadlines_once`);
    await q.query(`ALTER TABLE escalation_deadlines ADD UNIQUE (occurrence_id, department, kind, level, due_at)`);
    await q.query(`ALTER TABLE escalation_deadlines DROP COLUMN role`);
  }
}
