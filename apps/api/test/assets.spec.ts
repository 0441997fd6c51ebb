import type { AssetDetail, AssetView, NearbyAssetView, OccurrenceDetail, OccurrenceEventView, Page } from '@cgi/shared';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AssetStatusService } from '../src/assets/asset-status.service';
import { importAssetsCli } from '../src/assets/import-assets.cli';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';

/**
 * The asset registry over HTTP on a real database (issue 15): imports (GeoJSON and CSV, all or
 * nothing), faults becoming occurrences through the real intake, repeat reports linked, back to
 * OK proposing resolution, out-of-order observations, concurrency, nearby assets, scoping.
 */
describe('assets: the registry and its faults', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const as = (who: TestIdentity) => ({
    get: (url: string) => api.http().get(`/api/v1${url}`).set('authorization', api.auth(who)),
    post: (url: string, body: object = {}) => api.http().post(`/api/v1${url}`).set('authorization', api.auth(who)).send(body),
    patch: (url: string, body: object = {}) => api.http().patch(`/api/v1${url}`).set('authorization', api.auth(who)).send(body),
    raw: (url: string, type: string, body: string) => api.http().post(`/api/v1${url}`).set('authorization', api.auth(who)).set('content-type', type).send(body),
  });
  const admin = as('admin');
  const operator = as('operator');

  /** Boavista (Rotunda): a traffic light, two cameras at ~40 m and ~90 m, one at ~250 m, a bollard at ~60 m. */
  const BOAVISTA = { lat: 41.1579, lon: -8.6291 };
  const north = (m: number) => ({ lat: BOAVISTA.lat + m / 111_320, lon: BOAVISTA.lon });

  const feature = (code: string, kind: string, at: { lat: number; lon: number }, extra: Record<string, unknown> = {}) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [at.lon, at.lat] },
    properties: { code, kind, name: `${kind} ${code}`, department: kind === 'CAMERA' ? 'MOBILITY' : 'MOBILITY', ...extra },
  });
  const collection = (...features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });
  const registryDigest = async (): Promise<string> =>
    JSON.stringify((await api.db.query(`SELECT a.*, (SELECT count(*) FROM asset_occurrences) AS l, (SELECT count(*) FROM occurrences) AS o FROM assets a ORDER BY code`)).rows);
  const assetByCode = async (code: string): Promise<AssetView> => {
    const list = (await operator.get('/assets').expect(200)).body as Page<AssetView>;
    const found = list.items.find((a) => a.code === code);
    if (!found) throw new Error(`no asset ${code}`);
    return found;
  };
  // Observations an hour ago and on, a second apart (never in the future: those are refused).
  let clock = Date.now() - 3_600_000;
  const nextObservation = (): string => new Date((clock += 1000)).toISOString();
  const report = (id: string, status: string, who: TestIdentity = 'operator', extra: object = {}) =>
    as(who).post(`/assets/${id}/status`, { status, observedAt: nextObservation(), ...extra });

  beforeAll(async () => {
    const res = await admin.raw('/assets/import', 'application/geo+json', collection(
      feature('SEM-T-0001', 'TRAFFIC_LIGHT', BOAVISTA, { address: 'Rotunda da Boavista' }),
      feature('CAM-T-0002', 'CAMERA', north(90), { snapshotUrl: 'https://cameras.example/cam-2.jpg', directionDeg: 180 }),
      feature('CAM-T-0001', 'CAMERA', north(40), { snapshotUrl: 'https://cameras.example/cam-1.jpg', streamUrl: 'rtsp://cameras.example/cam-1' }),
      feature('CAM-T-0003', 'CAMERA', north(250)),
      feature('PIL-T-0001', 'BOLLARD', north(60)),
      feature('CAM-T-FAR', 'CAMERA', north(900)),
    ));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 6, updated: 0, unchanged: 0, dryRun: false });
  });

  describe('import', () => {
    it('imports CSV, upserts by code (created/updated/unchanged) and a dry run stores nothing', async () => {
      const csv = [
        'code,kind,name,department,lat,lon,address,synthetic',
        `FLD-T-0001,FLOOD_SENSOR,"Sensor de cheia, Ribeira",CIVIL_PROTECTION,41.1407,-8.6133,Cais da Ribeira,true`,
        `AQ-T-0001,AIR_QUALITY_SENSOR,Qualidade do ar Campanhã,ENVIRONMENT,${PLACES.campanha.lat},${PLACES.campanha.lon},,false`,
      ].join('\n');
      const dry = await admin.raw('/assets/import?dryRun=true', 'text/csv', csv).expect(200);
      expect(dry.body).toEqual({ created: 2, updated: 0, unchanged: 0, dryRun: true });
      expect(await api.count(`assets WHERE code LIKE '%-T-0001' AND kind LIKE '%SENSOR'`)).toBe(0);
      expect((await admin.raw('/assets/import', 'text/csv', csv).expect(200)).body).toEqual({ created: 2, updated: 0, unchanged: 0, dryRun: false });
      const changed = csv.replace('Qualidade do ar Campanhã', 'Qualidade do ar Estação de Campanhã');
      expect((await admin.raw('/assets/import', 'text/csv', changed).expect(200)).body).toEqual({ created: 0, updated: 1, unchanged: 1, dryRun: false });
      const flood = await assetByCode('FLD-T-0001');
      expect(flood).toMatchObject({ kind: 'FLOOD_SENSOR', name: 'Sensor de cheia, Ribeira', department: 'CIVIL_PROTECTION', status: 'OK', synthetic: true, camera: null, version: 1 });
      expect(flood.parishCode).not.toBeNull();
    });

    it('refuses a file with bad rows: 400 naming every rows[N].field, nothing stored', async () => {
      const before = await registryDigest();
      const res = await admin.raw('/assets/import', 'application/geo+json', collection(
        feature('SEM-T-0100', 'TRAFFIC_LIGHT', BOAVISTA),
        feature('SEM-T-0101', 'TRAFFIC_LIGHT', { lat: 95, lon: -8.6 }),
        feature('sem bad', 'LAMPPOST', BOAVISTA, { department: 'NOBODY' }),
        feature('PIL-T-0100', 'BOLLARD', BOAVISTA, { snapshotUrl: 'https://x.example/a.jpg' }),
        feature('SEM-T-0100', 'TRAFFIC_LIGHT', BOAVISTA),
      )).expect(400);
      const fields = (res.body.error.fields as Array<{ field: string }>).map((f) => f.field);
      expect(fields).toEqual(expect.arrayContaining(['rows[1].lat', 'rows[2].code', 'rows[2].kind', 'rows[2].department', 'rows[3].snapshotUrl', 'rows[4].code']));
      expect(fields.some((f) => f.startsWith('rows[0]'))).toBe(false);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(await registryDigest()).toBe(before);

      const csv = await admin.raw('/assets/import', 'text/csv', 'code,kind,name,department,lat,lon\nSEM-T-0102,TRAFFIC_LIGHT,Ok,MOBILITY,41.15,-8.61\nSEM-T-0103,TRAFFIC_LIGHT,Longe,MOBILITY,38.72,-9.14\n').expect(400);
      expect((csv.body.error.fields as Array<{ field: string; message: string }>)).toEqual(expect.arrayContaining([
        expect.objectContaining({ field: 'rows[1].lat', message: expect.stringContaining('line 3') }),
      ]));
      expect(await registryDigest()).toBe(before);
    });

    it('imports from the command line the same way: counts, or every bad rows[N].field and exit 1 with nothing stored', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'assets-cli-'));
      const good = join(dir, 'good.geojson');
      writeFileSync(good, collection(feature('PIL-T-CLI1', 'BOLLARD', north(120)), feature('PIL-T-CLI2', 'BOLLARD', north(130))));
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, 'code,kind,name,department,lat,lon\nPIL-T-CLI3,BOLLARD,Bom,MOBILITY,41.158,-8.629\nPIL-T-CLI4,BOLLARD,,MOBILITY,41.158,-8.629\n');
      const vars = { DATABASE_URL: api.env.DATABASE_URL };
      const lines: string[] = [];
      expect(await importAssetsCli([good, '--dry-run'], (l) => lines.push(l), vars)).toBe(0);
      expect(await importAssetsCli([good], (l) => lines.push(l), vars)).toBe(0);
      expect(lines).toEqual(['dry run (nothing stored): 2 created, 0 updated, 0 unchanged', '2 created, 0 updated, 0 unchanged']);
      const before = await registryDigest();
      lines.length = 0;
      expect(await importAssetsCli([bad], (l) => lines.push(l), vars)).toBe(1);
      expect(lines.slice(1)).toEqual(['  rows[1].name: is required (line 3)']);
      expect(await registryDigest()).toBe(before);
      expect(await api.count(`security_audit_log WHERE action = 'ASSETS_IMPORTED' AND actor = 'ADMIN:cli'`)).toBe(1);
    });

    it('refuses a kind change of an existing code, and imports for ADMIN only', async () => {
      const before = await registryDigest();
      const res = await admin.raw('/assets/import', 'application/geo+json', collection(feature('PIL-T-0001', 'CAMERA', north(60)))).expect(400);
      expect(res.body.error.fields[0].field).toBe('rows[0].kind');
      await operator.post('/assets/import', { type: 'FeatureCollection', features: [feature('SEM-T-0200', 'TRAFFIC_LIGHT', BOAVISTA)] }).expect(403);
      await admin.raw('/assets/import', 'text/plain', 'x').expect((r) => expect([400, 415]).toContain(r.status));
      const notJson = await admin.raw('/assets/import', 'application/geo+json', '{"type": "FeatureCollection", ').expect(400);
      expect(notJson.body.error.fields).toEqual([expect.objectContaining({ field: 'body' })]);
      const latin1 = await api.http().post('/api/v1/assets/import').set('authorization', api.auth('admin')).set('content-type', 'text/csv')
        .send(Buffer.from('code,kind,name,department,lat,lon\nPIL-T-0900,BOLLARD,Pilarete da Sé \xe9,MOBILITY,41.14,-8.61\n', 'latin1')).expect(400);
      expect(latin1.body.error.fields).toEqual([expect.objectContaining({ field: 'body', message: 'is not UTF-8 text' })]);
      expect(await registryDigest()).toBe(before);
    });
  });

  describe('faults become occurrences', () => {
    it('a TRAFFIC_LIGHT going FAULT opens one TRAFFIC_LIGHT_FAULT for MOBILITY linked to the asset; ten more reports link to it (reportCount 11)', async () => {
      const light = await assetByCode('SEM-T-0001');
      const first = (await report(light.id, 'FAULT', 'operator', { reason: 'Vermelho fundido' }).expect(200)).body as AssetView;
      expect(first.status).toBe('FAULT');
      expect(first.statusReason).toBe('Vermelho fundido');
      expect(first.openOccurrence).not.toBeNull();
      const occ = (await operator.get(`/occurrences/${first.openOccurrence!.id}`).expect(200)).body as OccurrenceDetail;
      expect(occ).toMatchObject({ category: 'TRAFFIC_LIGHT_FAULT', lead: 'MOBILITY', source: 'SENSOR', status: 'DISPATCHED' });
      for (let i = 0; i < 10; i++) await report(light.id, 'FAULT').expect(200);
      expect(await api.count(`occurrences WHERE category = 'TRAFFIC_LIGHT_FAULT'`)).toBe(1);
      const after = (await operator.get(`/occurrences/${occ.id}`).expect(200)).body as OccurrenceDetail;
      expect(after.reportCount).toBe(11);
      const detail = (await operator.get(`/assets/${light.id}`).expect(200)).body as AssetDetail;
      expect(detail.occurrences).toEqual([expect.objectContaining({ id: occ.id, reportCount: 11, category: 'TRAFFIC_LIGHT_FAULT' })]);
      expect(detail.statusHistory.map((h) => h.status)).toEqual(['FAULT']);
      const reported = after.timeline.filter((e: OccurrenceEventView) => e.type === 'ASSET_FAULT_REPORTED');
      expect(reported).toHaveLength(10);
      expect(reported.map((e) => e.payload.reportCount)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(reported[9].payload).toMatchObject({ code: 'SEM-T-0001', status: 'FAULT', source: 'OPERATOR' });
    });

    it('OFFLINE of a linked asset links; an older observation is ignored; back to OK adds the note proposing resolution', async () => {
      const light = await assetByCode('SEM-T-0001');
      const occId = light.openOccurrence!.id;
      const offline = (await report(light.id, 'OFFLINE').expect(200)).body as AssetView;
      expect(offline).toMatchObject({ status: 'OFFLINE', openOccurrence: { id: occId } });
      expect(((await operator.get(`/occurrences/${occId}`)).body as OccurrenceDetail).reportCount).toBe(12);
      const stale = (await operator.post(`/assets/${light.id}/status`, { status: 'OK', observedAt: new Date(clock - 3_600_000).toISOString() }).expect(200)).body as AssetView;
      expect(stale.status).toBe('OFFLINE');
      const ok = (await report(light.id, 'OK', 'operator', { reason: 'Reparado' }).expect(200)).body as AssetView;
      expect(ok.status).toBe('OK');
      const occ = (await operator.get(`/occurrences/${occId}`).expect(200)).body as OccurrenceDetail;
      const restored = occ.timeline.filter((e: OccurrenceEventView) => e.type === 'ASSET_RESTORED');
      expect(restored).toHaveLength(1);
      expect(restored[0].payload).toMatchObject({ code: 'SEM-T-0001', proposeResolution: true, text: expect.stringContaining('propõe-se resolver') });
      expect(occ.status).toBe('DISPATCHED');
      expect(occ.reportCount).toBe(12);
    });

    it('two fault reports of one asset at once open one occurrence (the asset row is locked)', async () => {
      const bollard = await assetByCode('PIL-T-0001');
      const service = api.app.get(AssetStatusService);
      const actor = { id: 'test', username: 'test', role: 'ADMIN' as const, department: null };
      const at = clock += 10_000;
      const results = await Promise.all([0, 1, 2, 3].map((k) => service.reportStatus({
        code: bollard.code, status: 'FAULT', observedAt: new Date(at + k), source: 'SENSOR', actor,
      })));
      expect(results.filter((r) => r.occurrence?.created)).toHaveLength(1);
      expect(await api.count(`asset_occurrences WHERE asset_id = '${bollard.id}'`)).toBe(1);
      const occ = (await operator.get(`/occurrences/${(await assetByCode('PIL-T-0001')).openOccurrence!.id}`).expect(200)).body as OccurrenceDetail;
      expect(occ.category).toBe('BOLLARD_FAULT');
      // The reports taken after the first one (newer observations) are linked; older ones are ignored.
      expect(occ.reportCount).toBe(1 + results.filter((r) => !r.ignored && !r.occurrence?.created).length);
    });

    it("in the caller's transaction: the status, the occurrence and its link commit or roll back together", async () => {
      const service = api.app.get(AssetStatusService);
      const ds = api.app.get<DataSource>(getDataSourceToken());
      const cam = await assetByCode('CAM-T-0002');
      const actor = { id: 'platform-test', username: 'platform', role: 'INTEGRATION' as const, department: null, scopes: [] };
      const occurrencesBefore = await api.count('occurrences');
      const before = await registryDigest();
      await expect(ds.transaction(async (m) => {
        const r = await service.reportStatus({ code: cam.code, status: 'OFFLINE', observedAt: new Date((clock += 1000)), source: 'PLATFORM', actor }, m);
        expect(r.occurrence?.created).toBe(true);
        throw new Error('the caller fails after the report');
      })).rejects.toThrow('the caller fails');
      expect(await registryDigest()).toBe(before);
      expect(await api.count('occurrences')).toBe(occurrencesBefore);
      const kept = await ds.transaction((m) => service.reportStatus({ code: cam.code, status: 'OFFLINE', observedAt: new Date((clock += 1000)), source: 'PLATFORM', actor }, m));
      expect(kept.asset).toMatchObject({ status: 'OFFLINE', openOccurrence: { id: kept.occurrence?.id } });
      const occ = (await operator.get(`/occurrences/${kept.occurrence!.id}`).expect(200)).body as OccurrenceDetail;
      expect(occ).toMatchObject({ category: 'CAMERA_FAULT', lead: 'MOBILITY', status: 'NEW', reportCount: 1 });
    });

    it('an unknown code is refused naming code; bad bodies are 400 naming the field, nothing stored', async () => {
      const service = api.app.get(AssetStatusService);
      await expect(service.reportStatus({ code: 'NOPE-1', status: 'FAULT', observedAt: new Date(), source: 'PLATFORM', actor: { id: 't', username: 't', role: 'ADMIN', department: null } }))
        .rejects.toMatchObject({ code: 'NOT_FOUND', fields: [expect.objectContaining({ field: 'code' })] });
      const cam = await assetByCode('CAM-T-0003');
      const before = await registryDigest();
      const bad = await operator.post(`/assets/${cam.id}/status`, { status: 'BROKEN' }).expect(400);
      expect(bad.body.error.fields[0].field).toBe('status');
      const when = await operator.post(`/assets/${cam.id}/status`, { status: 'FAULT', observedAt: 'yesterday' }).expect(400);
      expect(when.body.error.fields[0].field).toBe('observedAt');
      expect(await registryDigest()).toBe(before);
    });
  });

  describe('reading', () => {
    it('lists the two nearest cameras first near an occurrence, within 300 m', async () => {
      const occ = (await operator.post('/occurrences', { category: 'TRAFFIC_ACCIDENT', location: { ...BOAVISTA, address: 'Rotunda da Boavista' }, description: 'Colisão' }).expect(201)).body as OccurrenceDetail;
      const res = (await operator.get(`/occurrences/${occ.id}/assets`).expect(200)).body as { items: NearbyAssetView[] };
      const codes = res.items.map((n) => n.asset.code);
      expect(codes.slice(0, 2)).toEqual(['CAM-T-0001', 'CAM-T-0002']);
      expect(codes).toContain('CAM-T-0003');
      expect(codes).not.toContain('CAM-T-FAR');
      expect(codes.indexOf('SEM-T-0001')).toBeGreaterThan(codes.indexOf('CAM-T-0003'));
      expect(res.items[0].distanceMeters).toBeGreaterThanOrEqual(35);
      expect(res.items[0].distanceMeters).toBeLessThanOrEqual(45);
      expect(res.items[0].asset.camera).toMatchObject({ snapshotUrl: 'https://cameras.example/cam-1.jpg' });
      const wide = (await operator.get(`/occurrences/${occ.id}/assets?radius=1000`).expect(200)).body as { items: NearbyAssetView[] };
      expect(wide.items.map((n) => n.asset.code)).toContain('CAM-T-FAR');
      const bad = await operator.get(`/occurrences/${occ.id}/assets?radius=5000`).expect(400);
      expect(bad.body.error.fields[0].field).toBe('radius');
      // Scoped like the occurrence: POLICE leads it, the FIRE agent is not on it.
      await as('fireAgent').get(`/occurrences/${occ.id}/assets`).expect(404);
      await as('policeAgent').get(`/occurrences/${occ.id}/assets`).expect(200);
    });

    it('every logged-in role reads the registry; only ADMIN writes it', async () => {
      for (const who of ['viewer', 'fireAgent', 'mobilityAgent', 'supervisor'] as const) {
        const list = (await as(who).get('/assets?layer=CAMERA').expect(200)).body as Page<AssetView>;
        expect(list.items.every((a) => a.kind === 'CAMERA')).toBe(true);
        expect(list.items.length).toBeGreaterThanOrEqual(4);
      }
      await api.http().get('/api/v1/assets').expect(401);
      await operator.post('/assets', { code: 'SEM-T-0300', kind: 'TRAFFIC_LIGHT', name: 'x', department: 'MOBILITY', location: BOAVISTA }).expect(403);
      await as('viewer').post(`/assets/${(await assetByCode('CAM-T-0003')).id}/status`, { status: 'FAULT' }).expect(403);
    });

    it('ADMIN creates (409 on a taken code) and updates with the version', async () => {
      const created = (await admin.post('/assets', { code: 'SEM-T-0400', kind: 'TRAFFIC_LIGHT', name: 'Semáforo teste', department: 'MOBILITY', location: { ...BOAVISTA, address: 'Av. da Boavista' } }).expect(201)).body as AssetView;
      expect(created).toMatchObject({ status: 'OK', version: 1, camera: null, address: 'Av. da Boavista' });
      const dup = await admin.post('/assets', { code: 'SEM-T-0400', kind: 'TRAFFIC_LIGHT', name: 'Outro', department: 'MOBILITY', location: BOAVISTA }).expect(409);
      expect(dup.body.error.fields[0].field).toBe('code');
      const bad = await admin.post('/assets', { code: 'SEM-T-0401', kind: 'TRAFFIC_LIGHT', name: 'Longe', department: 'MOBILITY', location: { lat: 38.72, lon: -9.14 } }).expect(400);
      expect(bad.body.error.fields[0].field).toBe('location');
      const updated = (await admin.patch(`/assets/${created.id}`, { version: 1, name: 'Semáforo renomeado' }).expect(200)).body as AssetView;
      expect(updated).toMatchObject({ name: 'Semáforo renomeado', version: 2 });
      await admin.patch(`/assets/${created.id}`, { version: 1, name: 'Outra vez' }).expect(409);
      const audited = await api.count(`security_audit_log WHERE action IN ('ASSET_CREATED','ASSET_UPDATED','ASSETS_IMPORTED')`);
      expect(audited).toBeGreaterThanOrEqual(4);
    });
  });
});
