import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AVL history (issue 14): every accepted fix of a unit, for its trail and the after-action
 * report. `units.position` keeps only the newest; this keeps them all for
 * UNIT_POSITION_RETENTION_DAYS, pruned by the API's retention job (docs/operations.md).
 *
 * (unit_id, at) is unique: a fix is identified by its unit and the device's timestamp, so an
 * at-least-once redelivery (MQTT QoS 1, an HTTP retry) is never stored twice. The BRIN index on
 * `at` keeps the pruning cheap: rows arrive nearly in time order.
 */
export class UnitPositions1764361000000 implements MigrationInterface {
  name = 'UnitPositions1764361000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unit_positions (
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        position geography(Point, 4326) NOT NULL,
        speed_kmh real,
        heading_deg real,
        received_at timestamptz NOT NULL DEFAULT now(),
        transport text NOT NULL CHECK (transport IN ('http', 'mqtt')),
        PRIMARY KEY (unit_id, at)
      )`);
    await q.query(`CREATE INDEX unit_positions_at ON unit_positions USING brin (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_positions`);
  }
}
