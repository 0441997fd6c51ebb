import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CategoryRule, UnitRules } from '@cgi/shared';
import { IntegrationScope, Public } from '../auth/auth.decorators';
import { RuleSetService } from '../rules/rule-set.service';

@ApiTags('reference')
@Controller('reference')
export class ReferenceController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly rules: RuleSetService,
  ) {}

  /** Porto's parishes as GeoJSON (CAOP, © DGT, CC BY 4.0): the map works without a tile server. */
  @Public()
  @Get('parishes')
  async parishes(): Promise<unknown> {
    const [{ fc }]: Array<{ fc: unknown }> = await this.ds.query(`
      SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', code,
        'properties', json_build_object('code', code, 'name', name, 'shortName', short_name, 'areaKm2', area_km2),
        'geometry', ST_AsGeoJSON(geom)::json) ORDER BY code), '[]'::json)) AS fc
      FROM parishes`);
    return fc;
  }

  @Get('departments')
  @IntegrationScope('reference:read')
  departments(): Promise<Array<{ code: string; name: string }>> {
    return this.ds.query(`SELECT code, name FROM departments ORDER BY code`);
  }

  /** The category catalogue of the rule set in force. */
  @Get('categories')
  @IntegrationScope('reference:read')
  async categories(): Promise<{ ruleSetVersion: number; categories: CategoryRule[] }> {
    const { version, document } = await this.rules.active();
    return { ruleSetVersion: version, categories: document.categories };
  }

  /** The fleet rules in force (unit kinds with their departments and mean speeds, on-scene radius, stale time). */
  @Get('units')
  async units(): Promise<{ ruleSetVersion: number; units: UnitRules }> {
    const { version, document } = await this.rules.active();
    return { ruleSetVersion: version, units: document.units };
  }
}
