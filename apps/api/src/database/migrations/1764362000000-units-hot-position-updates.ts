import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A unit's last fix is rewritten every few seconds (200 row updates a second at 1,000 units).
 * With `position` in an index, none of those updates is HOT: each leaves a dead row version and
 * a dead index entry that only VACUUM removes — and PostgreSQL as installed here runs with
 * autovacuum off, so `units` and the proposals' scan over it would grow by ~720,000 dead rows an
 * hour (docs/benchmarks.md, "Units").
 *
 * The GiST index on `position` served no query: the proposals order by
 * `coalesce(position, home_base) <-> point`, which no index on `position` can answer, and a scan
 * of the available units (hundreds, a few thousand for the metropolitan area) takes about a
 * millisecond. Without it, and with room left on each page (fillfactor 50), a fix is a HOT
 * update: the old version is pruned in place by the next reader of the page, with or without
 * autovacuum (ADR 0025). Measured: 0 → 99.9 % HOT updates, dead versions 39,549 → 290 after
 * 40,000 fixes, the table 4.3 MB → 0.7 MB, the batched update 3.8 → 1.1 ms.
 */
export class UnitsHotPositionUpdates1764362000000 implements MigrationInterface {
  name = 'UnitsHotPositionUpdates1764362000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX units_available_position`);
    await q.query(`ALTER TABLE units SET (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE units RESET (fillfactor)`);
    await q.query(`CREATE INDEX units_available_position ON units USING gist (position) WHERE status = 'AVAILABLE' AND retired_at IS NULL`);
  }
}
