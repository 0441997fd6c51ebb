import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { validateRuleSet } from '@cgi/domain';
import { ASSET_CODE_PATTERN, type AssetView, type NearbyAssetView, type Page, type RuleSetDocument } from '@cgi/shared';
import { seedReferenceData } from '../src/database/reference-data';
import { AssetImportService } from '../src/assets/asset-import.service';
import { AssetStatusService } from '../src/assets/asset-status.service';
import { DEMO_ASSET_STATUSES, demoAssets, seedDemoAssets } from '../src/demo/demo-assets';
import { loadAddresses } from '../src/demo/demo-data';
import { startApi, type ApiHarness } from '../../../test/support/api-harness';

describe('the demo asset registry', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const count = (kinds: string[]) => demoAssets(loadAddresses()).filter((a) => kinds.includes(a.kind)).length;

  it('is 118 cameras, 154 traffic lights, 40 bollards and 30 sensors, valid, at real address points, no two of a kind at one', () => {
    const assets = demoAssets(loadAddresses());
    expect(count(['CAMERA'])).toBe(118);
    expect(count(['TRAFFIC_LIGHT'])).toBe(154);
    expect(count(['BOLLARD'])).toBe(40);
    expect(count(['FLOOD_SENSOR', 'AIR_QUALITY_SENSOR', 'NOISE_SENSOR', 'WEATHER_STATION'])).toBe(30);
    expect(new Set(assets.map((a) => a.code)).size).toBe(assets.length);
    expect(assets.every((a) => ASSET_CODE_PATTERN.test(a.code) && a.synthetic && a.name.endsWith('(sintético)'))).toBe(true);
    const points = new Set(loadAddresses().map((a) => `${a.lat},${a.lon}`));
    expect(assets.every((a) => points.has(`${a.location.lat},${a.location.lon}`))).toBe(true);
    for (const kind of ['CAMERA', 'TRAFFIC_LIGHT', 'BOLLARD']) {
      const of = assets.filter((a) => a.kind === kind);
      expect(new Set(of.map((a) => `${a.location.lat},${a.location.lon}`)).size).toBe(of.length);
    }
    expect(assets.filter((a) => a.kind === 'CAMERA').every((a) => a.camera?.snapshotUrl?.startsWith('https://'))).toBe(true);
    expect(demoAssets(loadAddresses())).toEqual(assets);
  });

  it('is seeded once, with its demo faults as real occurrences; journey 8: the Boavista light has two cameras nearest', async () => {
    const ds = api.app.get<DataSource>(getDataSourceToken());
    const [admin] = (await api.db.query(`SELECT id FROM users WHERE username = 'admin'`)).rows;
    const actor = { id: admin.id as string, username: 'admin', role: 'ADMIN' as const, department: null };
    const imports = api.app.get(AssetImportService);
    const status = api.app.get(AssetStatusService);
    expect(await seedDemoAssets(ds, imports, status, loadAddresses(), actor)).toBe(342);
    expect(await seedDemoAssets(ds, imports, status, loadAddresses(), actor)).toBe(0);
    const list = (await api.http().get('/api/v1/assets').set('authorization', api.auth('viewer')).expect(200)).body as Page<AssetView>;
    expect(list.items).toHaveLength(342);
    for (const [code, s] of Object.entries(DEMO_ASSET_STATUSES)) {
      const a = list.items.find((x) => x.code === code)!;
      expect(a.status).toBe(s.status);
      expect(a.openOccurrence !== null).toBe(s.status === 'FAULT' || s.status === 'OFFLINE');
    }
    expect(await api.count(`asset_occurrences`)).toBe(5);

    const light = list.items.find((a) => a.code === 'SEM-001')!;
    expect(light.address).toMatch(/Boavista/);
    const res = await api.http().post(`/api/v1/assets/${light.id}/status`).set('authorization', api.auth('operator')).send({ status: 'FAULT' }).expect(200);
    const occurrenceId = (res.body as AssetView).openOccurrence!.id;
    const nearby = (await api.http().get(`/api/v1/occurrences/${occurrenceId}/assets`).set('authorization', api.auth('mobilityAgent')).expect(200)).body as { items: NearbyAssetView[] };
    expect(nearby.items.slice(0, 2).map((n) => n.asset.code)).toEqual(['CAM-001', 'CAM-002']);
    expect(nearby.items.every((n) => n.distanceMeters <= 300)).toBe(true);
  });

  it('the reference seed upgrades rules published before assets: assets and the two categories as a new version, valid, once', async () => {
    const ds = api.app.get<DataSource>(getDataSourceToken());
    const [{ document }] = (await api.db.query(`SELECT document FROM rule_sets ORDER BY version DESC LIMIT 1`)).rows as Array<{ document: RuleSetDocument }>;
    const before: Partial<RuleSetDocument> = { ...document, categories: document.categories.filter((c) => c.code !== 'CAMERA_FAULT' && c.code !== 'SENSOR_FAULT') };
    delete before.assets;
    await api.db.query(`INSERT INTO rule_sets (version, document, created_by) SELECT max(version) + 1, $1::jsonb, 'test' FROM rule_sets`, [JSON.stringify(before)]);
    await seedReferenceData(ds);
    await seedReferenceData(ds);
    const rows = (await api.db.query(`SELECT version, document, comment FROM rule_sets ORDER BY version DESC LIMIT 2`)).rows as Array<{ version: number; document: RuleSetDocument; comment: string }>;
    expect(rows[0].version).toBe(rows[1].version + 1);
    expect(rows[0].comment).toMatch(/issue 15/);
    expect(validateRuleSet(rows[0].document)).toMatchObject({ ok: true });
    expect(rows[0].document.assets).toEqual(document.assets);
    expect(rows[0].document.categories.map((c) => c.code)).toEqual([...(before.categories ?? []).map((c) => c.code), 'CAMERA_FAULT', 'SENSOR_FAULT']);
    expect(await api.count(`occurrence_events WHERE type = 'RULE_SET_PUBLISHED' AND payload->>'version' = '${rows[0].version}'`)).toBe(1);
  });
});
