import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Urban Platform (issue 15, ADR 0027): `PLATFORM` as an occurrence source of its own (an
 * NGSI-LD Alert notified by the city's context broker), so reports count the platform as a
 * channel; and the checkpoint of the publisher that sends the CGI's occurrences to the broker as
 * Alert entities (a consumer of the event log, like the Open311 status callbacks).
 */
export class Platform1764371000000 implements MigrationInterface {
  name = 'Platform1764371000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE occurrences DROP CONSTRAINT occurrences_source_check`);
    await q.query(`ALTER TABLE occurrences ADD CONSTRAINT occurrences_source_check CHECK (source IN ('OPERATOR','CITIZEN','SENSOR','PLATFORM'))`);
    await q.query(`INSERT INTO event_consumers (name) VALUES ('platform-publisher') ON CONFLICT (name) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM event_consumers WHERE name = 'platform-publisher'`);
    await q.query(`ALTER TABLE occurrences DROP CONSTRAINT occurrences_source_check`);
    await q.query(`ALTER TABLE occurrences ADD CONSTRAINT occurrences_source_check CHECK (source IN ('OPERATOR','CITIZEN','SENSOR'))`);
  }
}
