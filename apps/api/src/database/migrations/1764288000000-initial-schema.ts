import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The occurrence service's schema: reference data (departments, parishes, rule sets),
 * occurrences with their assignments and reporter contact, the append-only event log,
 * operational levels and users.
 */
export class InitialSchema1764288000000 implements MigrationInterface {
  name = 'InitialSchema1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE TABLE departments (
        code text PRIMARY KEY,
        name text NOT NULL,
        assignable boolean NOT NULL DEFAULT true
      )`);

    await q.query(`
      CREATE TABLE parishes (
        code text PRIMARY KEY,
        name text NOT NULL,
        short_name text NOT NULL,
        area_km2 numeric(10,4) NOT NULL,
        geom geometry(Polygon, 4326) NOT NULL
      )`);
    await q.query(`CREATE INDEX parishes_geom_gist ON parishes USING gist (geom)`);

    await q.query(`
      CREATE TABLE rule_sets (
        version integer PRIMARY KEY CHECK (version > 0),
        document jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        comment text
      )`);

    await q.query(`CREATE SEQUENCE occurrence_reference_seq`);
    await q.query(`
      CREATE TABLE occurrences (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference text NOT NULL UNIQUE,
        category text NOT NULL,
        priority text NOT NULL CHECK (priority IN ('P1','P2','P3','P4')),
        status text NOT NULL CHECK (status IN ('NEW','TRIAGED','DISPATCHED','ACKNOWLEDGED','ON_SCENE','RESOLVED','CLOSED','CANCELLED','MERGED')),
        source text NOT NULL CHECK (source IN ('OPERATOR','CITIZEN','SENSOR')),
        location geography(Point, 4326) NOT NULL,
        address text,
        parish_code text REFERENCES parishes(code),
        injuries boolean NOT NULL DEFAULT false,
        hazardous_materials boolean NOT NULL DEFAULT false,
        blocks_traffic boolean NOT NULL DEFAULT false,
        people_at_risk integer NOT NULL DEFAULT 0 CHECK (people_at_risk >= 0),
        description text NOT NULL,
        lead_department text NOT NULL REFERENCES departments(code),
        rule_set_version integer NOT NULL REFERENCES rule_sets(version),
        routing jsonb NOT NULL,
        override jsonb,
        escalation_level text NOT NULL DEFAULT 'L0' CHECK (escalation_level IN ('L0','L1','L2','L3')),
        report_count integer NOT NULL DEFAULT 1 CHECK (report_count >= 1),
        parent_id uuid REFERENCES occurrences(id),
        cancel_reason text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        triaged_at timestamptz,
        dispatched_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        search tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', coalesce(reference,'') || ' ' || coalesce(address,'') || ' ' || description)
        ) STORED,
        CHECK (parent_id IS NULL OR parent_id <> id)
      )`);
    await q.query(`CREATE INDEX occurrences_location_gist ON occurrences USING gist (location)`);
    await q.query(`CREATE INDEX occurrences_created_id ON occurrences (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX occurrences_status ON occurrences (status)`);
    await q.query(`CREATE INDEX occurrences_category_created ON occurrences (category, created_at)`);
    await q.query(`CREATE INDEX occurrences_parish ON occurrences (parish_code)`);
    await q.query(`CREATE INDEX occurrences_parent ON occurrences (parent_id) WHERE parent_id IS NOT NULL`);
    await q.query(`CREATE INDEX occurrences_search ON occurrences USING gin (search)`);

    await q.query(`
      CREATE TABLE occurrence_assignments (
        occurrence_id uuid NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
        department text NOT NULL REFERENCES departments(code),
        role text NOT NULL CHECK (role IN ('LEAD','SUPPORT','COORDINATOR')),
        state text NOT NULL CHECK (state IN ('PENDING','ACKNOWLEDGED','ON_SCENE','RELEASED')),
        assigned_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by text,
        on_scene_at timestamptz,
        released_at timestamptz,
        acknowledge_due_at timestamptz,
        on_scene_due_at timestamptz,
        resolve_due_at timestamptz,
        escalation_level text NOT NULL DEFAULT 'L0' CHECK (escalation_level IN ('L0','L1','L2','L3')),
        PRIMARY KEY (occurrence_id, department)
      )`);
    await q.query(`CREATE INDEX assignments_department_open ON occurrence_assignments (department) WHERE state <> 'RELEASED'`);

    await q.query(`
      CREATE TABLE reporter_contacts (
        occurrence_id uuid PRIMARY KEY REFERENCES occurrences(id) ON DELETE CASCADE,
        name text,
        phone text,
        email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        anonymised_at timestamptz
      )`);

    // The append-only event log. Global order is (tx_id, seq): tx_id is the writing
    // transaction's id (assigned before commit), and a reader only reads transactions
    // older than its snapshot's xmin, so a transaction that commits late is never skipped.
    await q.query(`
      CREATE TABLE occurrence_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        occurrence_id uuid REFERENCES occurrences(id),
        type text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        departments text[] NOT NULL DEFAULT '{}',
        payload jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX occurrence_events_position ON occurrence_events (tx_id, seq)`);
    await q.query(`CREATE INDEX occurrence_events_occurrence ON occurrence_events (occurrence_id, seq)`);
    await q.query(`
      CREATE FUNCTION occurrence_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'occurrence_events is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER occurrence_events_no_update BEFORE UPDATE OR DELETE ON occurrence_events
      FOR EACH ROW EXECUTE FUNCTION occurrence_events_append_only()`);

    await q.query(`
      CREATE TABLE operational_levels (
        scope text PRIMARY KEY,
        level text NOT NULL CHECK (level IN ('NORMAL','ALERT','CRISIS')),
        reason text,
        set_by text NOT NULL,
        set_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('CGI_OPERATOR','CGI_SUPERVISOR','DEPARTMENT_AGENT','DEPARTMENT_SUPERVISOR','VIEWER','ADMIN')),
        department text REFERENCES departments(code),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((role IN ('DEPARTMENT_AGENT','DEPARTMENT_SUPERVISOR')) = (department IS NOT NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['users', 'operational_levels', 'occurrence_events', 'reporter_contacts', 'occurrence_assignments', 'occurrences', 'rule_sets', 'parishes', 'departments']) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS occurrence_events_append_only`);
    await q.query(`DROP SEQUENCE IF EXISTS occurrence_reference_seq`);
  }
}
