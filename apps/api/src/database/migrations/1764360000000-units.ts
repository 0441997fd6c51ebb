import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Units of the municipal fleet and their assignments to occurrences (issue 14).
 *
 * `units` holds each unit's current state: status (with the occurrence it is on, exactly while
 * DISPATCHED or ON_SCENE), and the last AVL fix, kept only when newer by the device's timestamp.
 * `unit_assignments` is one row per dispatch of a unit to an occurrence; a unit has at most one
 * that is not released. Kinds are rule-set data (`document.units.kinds`), so `kind` is checked by
 * the API against the rule set in force, not by a foreign key.
 */
export class Units1764360000000 implements MigrationInterface {
  name = 'Units1764360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
        callsign text NOT NULL UNIQUE CHECK (length(callsign) BETWEEN 1 AND 40),
        department text NOT NULL REFERENCES departments(code),
        kind text NOT NULL,
        home_base geography(Point, 4326) NOT NULL,
        home_base_address text,
        status text NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE','DISPATCHED','ON_SCENE','UNAVAILABLE')),
        unavailable_reason text,
        occurrence_id uuid REFERENCES occurrences(id),
        status_changed_at timestamptz NOT NULL DEFAULT now(),
        crew text[] NOT NULL DEFAULT '{}',
        position geography(Point, 4326),
        position_at timestamptz,
        speed_kmh real,
        heading_deg real,
        synthetic boolean NOT NULL DEFAULT false,
        retired_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'UNAVAILABLE') = (unavailable_reason IS NOT NULL)),
        CHECK ((status IN ('DISPATCHED','ON_SCENE')) = (occurrence_id IS NOT NULL)),
        CHECK ((position IS NULL) = (position_at IS NULL))
      )`);
    // Nearest available units (KNN on the last fix; COALESCE to the base is the proposal query's fallback).
    await q.query(`CREATE INDEX units_available_position ON units USING gist (position) WHERE status = 'AVAILABLE' AND retired_at IS NULL`);
    await q.query(`CREATE INDEX units_department ON units (department, status) WHERE retired_at IS NULL`);
    await q.query(`CREATE INDEX units_occurrence ON units (occurrence_id) WHERE occurrence_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE unit_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurrence_id uuid NOT NULL REFERENCES occurrences(id),
        unit_id uuid NOT NULL REFERENCES units(id),
        department text NOT NULL REFERENCES departments(code),
        dispatched_at timestamptz NOT NULL DEFAULT now(),
        dispatched_by text NOT NULL,
        dispatch_distance_m integer,
        dispatch_eta_s integer,
        on_scene_proposed_at timestamptz,
        on_scene_at timestamptz,
        on_scene_by text,
        released_at timestamptz,
        released_by text,
        released_reason text,
        CHECK (released_at IS NULL OR released_at >= dispatched_at),
        CHECK ((released_at IS NULL) = (released_reason IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX unit_assignments_one_active ON unit_assignments (unit_id) WHERE released_at IS NULL`);
    await q.query(`CREATE INDEX unit_assignments_occurrence ON unit_assignments (occurrence_id, dispatched_at)`);
    await q.query(`CREATE INDEX unit_assignments_unit ON unit_assignments (unit_id, dispatched_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_assignments`);
    await q.query(`DROP TABLE units`);
  }
}
