import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ASSET_CATEGORIES, DEFAULT_RULE_SET } from '@cgi/domain';
import type { Department } from '@cgi/shared';
import { repoRoot } from './repo-root';

export const DEPARTMENT_NAMES: Record<Department, string> = {
  POLICE: 'Polícia Municipal do Porto',
  FIRE: 'Batalhão de Sapadores Bombeiros do Porto',
  CIVIL_PROTECTION: 'Serviço Municipal de Proteção Civil',
  MOBILITY: 'Direção Municipal da Mobilidade e Gestão da Via Pública',
  ENVIRONMENT: 'Direção Municipal do Ambiente',
  CGI: 'Centro de Gestão Integrada',
};

const UNITS_COMMENT = 'Unit kinds of the municipal fleet, on-scene geofence and staleness (issue 14)';
const ASSETS_COMMENT = 'Asset faults, Urban Platform alerts and nearby assets; categories CAMERA_FAULT and SENSOR_FAULT (issue 15)';

interface ParishFeature {
  properties: { code: string; name: string; short_name: string; area_km2: number };
  geometry: { type: 'Polygon'; coordinates: number[][][] };
}

/**
 * Reference data every environment needs: departments, Porto's parishes (CAOP, shipped in
 * data/porto), the first rule set (governance.md) and the city's operational level.
 * Idempotent: run after every migration.
 */
export async function seedReferenceData(ds: DataSource): Promise<void> {
  await ds.transaction(async (m) => {
    for (const [code, name] of Object.entries(DEPARTMENT_NAMES)) {
      await m.query(
        `INSERT INTO departments (code, name, assignable) VALUES ($1, $2, true)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`,
        [code, name],
      );
    }
    const geojson = JSON.parse(readFileSync(join(repoRoot(), 'data/porto/parishes.geojson'), 'utf8')) as {
      features: ParishFeature[];
    };
    for (const f of geojson.features) {
      await m.query(
        `INSERT INTO parishes (code, name, short_name, area_km2, geom)
         VALUES ($1, $2, $3, $4, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326))
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name,
           area_km2 = EXCLUDED.area_km2, geom = EXCLUDED.geom`,
        [f.properties.code, f.properties.name, f.properties.short_name, f.properties.area_km2, JSON.stringify(f.geometry)],
      );
    }
    await m.query(
      `INSERT INTO rule_sets (version, document, created_by, comment)
       SELECT 1, $1::jsonb, 'system', 'Governance rules of the CGI (governance.md)'
       WHERE NOT EXISTS (SELECT 1 FROM rule_sets)`,
      [JSON.stringify(DEFAULT_RULE_SET)],
    );
    // A database whose rules predate the support and coordinator ladders (ADR 0017) gets them as
    // a new version: the rules in force plus the seed's ladders, published like any other change.
    await m.query(`LOCK TABLE rule_sets IN SHARE ROW EXCLUSIVE MODE`);
    const [upgraded]: Array<{ version: number }> = await m.query(
      `INSERT INTO rule_sets (version, document, created_by, comment)
       SELECT version + 1, document || jsonb_build_object('supportEscalation', $1::jsonb), 'system',
              'Escalation ladders for support and coordinator departments (ADR 0017)'
         FROM rule_sets WHERE version = (SELECT max(version) FROM rule_sets) AND NOT document ? 'supportEscalation'
       RETURNING version`,
      [JSON.stringify(DEFAULT_RULE_SET.supportEscalation)],
    );
    if (upgraded) {
      const payload = { version: upgraded.version, comment: 'Escalation ladders for support and coordinator departments (ADR 0017)' };
      await m.query(
        `INSERT INTO occurrence_events (occurrence_id, type, actor, departments, payload) VALUES (NULL, 'RULE_SET_PUBLISHED', 'system', '{}', $1::jsonb)`,
        [JSON.stringify(payload)],
      );
    }
    // The same for the fleet's catalogue (issue 14): rules published before it get DEFAULT_UNIT_RULES.
    const [withUnits]: Array<{ version: number }> = await m.query(
      `INSERT INTO rule_sets (version, document, created_by, comment)
       SELECT version + 1, document || jsonb_build_object('units', $1::jsonb), 'system', $2
         FROM rule_sets WHERE version = (SELECT max(version) FROM rule_sets) AND NOT document ? 'units'
       RETURNING version`,
      [JSON.stringify(DEFAULT_RULE_SET.units), UNITS_COMMENT],
    );
    if (withUnits) {
      await m.query(
        `INSERT INTO occurrence_events (occurrence_id, type, actor, departments, payload) VALUES (NULL, 'RULE_SET_PUBLISHED', 'system', '{}', $1::jsonb)`,
        [JSON.stringify({ version: withUnits.version, comment: UNITS_COMMENT })],
      );
    }
    // The same for assets (issue 15): `assets` of the seed, and the categories it names that the rules lack.
    const newCategories = DEFAULT_RULE_SET.categories.filter((c) => ASSET_CATEGORIES.some((a) => a.code === c.code));
    const [withAssets]: Array<{ version: number }> = await m.query(
      `INSERT INTO rule_sets (version, document, created_by, comment)
       SELECT version + 1,
              jsonb_set(document || jsonb_build_object('assets', $1::jsonb), '{categories}',
                        (document->'categories') || coalesce((SELECT jsonb_agg(n) FROM jsonb_array_elements($2::jsonb) n
                                                               WHERE NOT document->'categories' @> jsonb_build_array(jsonb_build_object('code', n->'code'))), '[]'::jsonb)),
              'system', $3
         FROM rule_sets WHERE version = (SELECT max(version) FROM rule_sets) AND NOT document ? 'assets'
       RETURNING version`,
      [JSON.stringify(DEFAULT_RULE_SET.assets), JSON.stringify(newCategories), ASSETS_COMMENT],
    );
    if (withAssets) {
      await m.query(
        `INSERT INTO occurrence_events (occurrence_id, type, actor, departments, payload) VALUES (NULL, 'RULE_SET_PUBLISHED', 'system', '{}', $1::jsonb)`,
        [JSON.stringify({ version: withAssets.version, comment: ASSETS_COMMENT })],
      );
    }
    await m.query(
      `INSERT INTO operational_levels (scope, level, reason, set_by) VALUES ('CITY', 'NORMAL', 'initial', 'system')
       ON CONFLICT (scope) DO NOTHING`,
    );
  });
}
