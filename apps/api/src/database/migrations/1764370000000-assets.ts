import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The city's equipment (issue 15): cameras, traffic-light controllers, bollards and sensors.
 *
 * `assets` holds each asset's current state: its status with when it last changed, and the
 * newest observation taken (`last_observed_at`: an observation not newer than it is ignored, as
 * devices and brokers deliver out of order). `asset_status_history` keeps every change.
 * `asset_occurrences` links an asset to the occurrences its faults opened, with the number of
 * fault reports linked to each; an asset's open fault occurrence is its newest link while open.
 * Fault rules are rule-set data (`document.assets.faults`), checked by the API, not by a key.
 */
export class Assets1764370000000 implements MigrationInterface {
  name = 'Assets1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
        kind text NOT NULL CHECK (kind IN ('CAMERA','TRAFFIC_LIGHT','BOLLARD','FLOOD_SENSOR','AIR_QUALITY_SENSOR','NOISE_SENSOR','WEATHER_STATION')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        department text NOT NULL REFERENCES departments(code),
        location geography(Point, 4326) NOT NULL,
        address text,
        parish_code text REFERENCES parishes(code),
        status text NOT NULL DEFAULT 'OK' CHECK (status IN ('OK','FAULT','OFFLINE','MAINTENANCE')),
        status_changed_at timestamptz NOT NULL DEFAULT now(),
        status_reason text,
        status_source text NOT NULL DEFAULT 'IMPORT' CHECK (status_source IN ('OPERATOR','SENSOR','PLATFORM','IMPORT')),
        last_observed_at timestamptz,
        snapshot_url text,
        stream_url text,
        direction_deg smallint CHECK (direction_deg BETWEEN 0 AND 359),
        synthetic boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (kind = 'CAMERA' OR (snapshot_url IS NULL AND stream_url IS NULL AND direction_deg IS NULL))
      )`);
    // Nearby assets of an occurrence (ST_DWithin + KNN), and the console's layers.
    await q.query(`CREATE INDEX assets_location ON assets USING gist (location)`);
    await q.query(`CREATE INDEX assets_kind_status ON assets (kind, status)`);

    await q.query(`
      CREATE TABLE asset_status_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        asset_id uuid NOT NULL REFERENCES assets(id),
        status text NOT NULL CHECK (status IN ('OK','FAULT','OFFLINE','MAINTENANCE')),
        reason text,
        source text NOT NULL CHECK (source IN ('OPERATOR','SENSOR','PLATFORM','IMPORT')),
        observed_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL
      )`);
    await q.query(`CREATE INDEX asset_status_history_asset ON asset_status_history (asset_id, id DESC)`);

    await q.query(`
      CREATE TABLE asset_occurrences (
        asset_id uuid NOT NULL REFERENCES assets(id),
        occurrence_id uuid NOT NULL REFERENCES occurrences(id),
        opened_by_status text NOT NULL CHECK (opened_by_status IN ('FAULT','OFFLINE')),
        report_count integer NOT NULL DEFAULT 1 CHECK (report_count >= 1),
        last_reported_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (asset_id, occurrence_id)
      )`);
    // An asset's newest link (its open fault occurrence, if open) and its occurrences, newest first.
    await q.query(`CREATE INDEX asset_occurrences_asset_newest ON asset_occurrences (asset_id, created_at DESC)`);
    await q.query(`CREATE INDEX asset_occurrences_occurrence ON asset_occurrences (occurrence_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE asset_occurrences`);
    await q.query(`DROP TABLE asset_status_history`);
    await q.query(`DROP TABLE assets`);
  }
}
