import type { OccurrenceDetail, UnitAssignmentView, UnitDetail, UnitEventPayload, UnitProposal, UnitView } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { until } from '../../../test/support/live-client';

/**
 * Units over HTTP on a real database (issue 14): the fleet and its management, proposals by
 * distance, the unit state machine through assignment, on-scene and release, release with the
 * occurrence, concurrency, department scoping and validation.
 */
describe('units and the fleet', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const as = (who: TestIdentity) => ({
    get: (url: string) => api.http().get(`/api/v1${url}`).set('authorization', api.auth(who)),
    post: (url: string, body: object = {}) => api.http().post(`/api/v1${url}`).set('authorization', api.auth(who)).send(body),
    patch: (url: string, body: object = {}) => api.http().patch(`/api/v1${url}`).set('authorization', api.auth(who)).send(body),
    delete: (url: string) => api.http().delete(`/api/v1${url}`).set('authorization', api.auth(who)),
  });
  const admin = as('admin');
  const operator = as('operator');

  let seq = 0;
  /** A unit at `north` × ~111 m north of `place` (its home base). */
  async function unit(department: string, kind: string, place: { lat: number; lon: number } = PLACES.campanha, north = 1, extra: object = {}): Promise<UnitView> {
    seq += 1;
    const res = await admin.post('/units', {
      code: `T-${department.slice(0, 3)}-${seq}`, callsign: `T${department.slice(0, 3)} ${seq}`, department, kind,
      homeBase: { lat: place.lat + north * 0.001, lon: place.lon, address: `Base ${seq}` }, crew: ['Fulano Teste', 'Beltrano Exemplo'], ...extra,
    });
    expect(res.status).toBe(201);
    return res.body as UnitView;
  }
  async function occurrence(category = 'FIRE_BUILDING', location: object = PLACES.campanha): Promise<OccurrenceDetail> {
    const res = await operator.post('/occurrences', { category, location, description: 'Teste de meios' });
    expect(res.status).toBe(201);
    return res.body as OccurrenceDetail;
  }
  const assign = (who: TestIdentity, occ: string, unitIds: string[]) => as(who).post(`/occurrences/${occ}/units`, { unitIds });
  const unitOf = async (id: string): Promise<UnitDetail> => (await admin.get(`/units/${id}`)).body as UnitDetail;
  const fleetDigest = async (): Promise<string> =>
    JSON.stringify((await api.db.query(`SELECT u.*, (SELECT count(*) FROM unit_assignments) AS a, (SELECT count(*) FROM occurrence_events) AS e FROM units u ORDER BY id`)).rows);

  describe('management and validation', () => {
    it('creates a unit (201) and lists it with crew for the CGI, without crew for the videowall', async () => {
      const u = await unit('FIRE', 'ENGINE');
      expect(u).toMatchObject({ department: 'FIRE', kind: 'ENGINE', status: 'AVAILABLE', position: null, stale: true, occurrence: null, version: 1, synthetic: false });
      expect(u.crew).toEqual(['Fulano Teste', 'Beltrano Exemplo']);
      const listed = (await operator.get('/units?department=FIRE').expect(200)).body as UnitView[];
      expect(listed.find((x) => x.id === u.id)?.crew).toEqual(['Fulano Teste', 'Beltrano Exemplo']);
      const wall = (await as('viewer').get('/units').expect(200)).body as UnitView[];
      expect(wall.find((x) => x.id === u.id)).toBeDefined();
      expect(wall.every((x) => !('crew' in x))).toBe(true);
      const detail = (await as('viewer').get(`/units/${u.id}`).expect(200)).body as UnitDetail;
      expect('crew' in detail).toBe(false);
      expect(detail.assignments).toEqual([]);
    });

    it('refuses invalid units naming the field, and stores nothing', async () => {
      const before = await fleetDigest();
      const base = { code: 'X-NEW-1', callsign: 'XNEW 1', department: 'FIRE', kind: 'ENGINE', homeBase: { lat: 41.15, lon: -8.6 } };
      const cases: Array<[object, string]> = [
        [{ ...base, code: 'lower-case' }, 'code'],
        [{ ...base, kind: 'SWEEPER' }, 'kind'], // an Environment kind
        [{ ...base, kind: 'SUBMARINE' }, 'kind'],
        [{ ...base, department: 'CGI' }, 'department'],
        [{ ...base, homeBase: { lat: 141, lon: -8.6 } }, 'homeBase.lat'],
        [{ ...base, homeBase: { lon: -8.6 } }, 'homeBase.lat'],
        [{ ...base, homeBase: { lat: 38.72, lon: -9.14 } }, 'homeBase'], // Lisbon
        [{ ...base, crew: ['ok', ''] }, 'crew'],
        [{ ...base, callsign: '' }, 'callsign'],
        [{ ...base, colour: 'red' }, 'colour'],
      ];
      for (const [body, field] of cases) {
        const res = await admin.post('/units', body);
        expect([res.status, field]).toEqual([400, field]);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
      expect(await fleetDigest()).toBe(before);
    });

    it('answers 409 naming code or callsign for a duplicate', async () => {
      const u = await unit('POLICE', 'PATROL_CAR');
      const dupCode = await admin.post('/units', { code: u.code, callsign: 'Other 1', department: 'POLICE', kind: 'PATROL_CAR', homeBase: { lat: 41.15, lon: -8.6 } });
      expect(dupCode.status).toBe(409);
      expect(dupCode.body.error.fields).toEqual([{ field: 'code', message: 'is already taken by another unit' }]);
      const dupCallsign = await admin.post('/units', { code: 'OTHER-2', callsign: u.callsign, department: 'POLICE', kind: 'PATROL_CAR', homeBase: { lat: 41.15, lon: -8.6 } });
      expect(dupCallsign.status).toBe(409);
      expect(dupCallsign.body.error.fields[0].field).toBe('callsign');
    });

    it('lets a department supervisor manage only its own units; agents, operators and the videowall not at all', async () => {
      const body = { code: 'SUP-FIRE-1', callsign: 'SUP 1', kind: 'LADDER', homeBase: { lat: 41.15, lon: -8.6 } };
      expect((await as('fireSupervisor').post('/units', { ...body, department: 'POLICE', kind: 'PATROL_CAR' })).status).toBe(403);
      for (const who of ['fireAgent', 'operator', 'viewer'] as const) expect((await as(who).post('/units', { ...body, department: 'FIRE' })).status).toBe(403);
      const created = await as('fireSupervisor').post('/units', { ...body, department: 'FIRE' });
      expect(created.status).toBe(201);
      const police = await unit('POLICE', 'MOTORBIKE');
      expect((await as('fireSupervisor').patch(`/units/${police.id}`, { version: 1, callsign: 'Nope' })).status).toBe(404);
      const patched = await as('fireSupervisor').patch(`/units/${created.body.id}`, { version: 1, callsign: 'SUP 1A', kind: 'RESCUE', crew: [] });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ callsign: 'SUP 1A', kind: 'RESCUE', crew: [], version: 2 });
      const stale = await as('fireSupervisor').patch(`/units/${created.body.id}`, { version: 1, callsign: 'SUP 1B' });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'STALE_VERSION', current: { version: 2 } });
      const wrongKind = await as('fireSupervisor').patch(`/units/${created.body.id}`, { version: 2, kind: 'PATROL_CAR' });
      expect(wrongKind.status).toBe(400);
      expect(wrongKind.body.error.fields[0].field).toBe('kind');
      expect((await unitOf(created.body.id)).kind).toBe('RESCUE');
      expect((await as('fireSupervisor').delete(`/units/${created.body.id}`)).status).toBe(204);
      expect((await admin.get(`/units/${created.body.id}`)).status).toBe(404);
      expect(((await admin.get('/units')).body as UnitView[]).some((x) => x.id === created.body.id)).toBe(false);
    });
  });

  describe('scoping', () => {
    it('a Mobility agent gets 404 on a Fire unit (read, availability, assign) and never sees Fire units', async () => {
      const fire = await unit('FIRE', 'ENGINE', PLACES.paranhos, 0.2);
      const mob = await unit('MOBILITY', 'TOW_TRUCK', PLACES.paranhos, 0.4);
      const mobility = as('mobilityAgent');
      expect((await mobility.get(`/units/${fire.id}`)).status).toBe(404);
      expect((await mobility.post(`/units/${fire.id}/availability`, { available: false, reason: 'x' })).status).toBe(404);
      expect((await mobility.get(`/units/${mob.id}`)).status).toBe(200);
      const list = (await mobility.get('/units').expect(200)).body as UnitView[];
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((u) => u.department === 'MOBILITY')).toBe(true);
      expect(((await mobility.get('/units?department=FIRE').expect(200)).body as UnitView[])).toEqual([]);
      // A traffic accident: POLICE leads, MOBILITY supports — the agent sees the occurrence.
      const accident = await occurrence('TRAFFIC_ACCIDENT', PLACES.paranhos);
      const proposals = (await mobility.get(`/occurrences/${accident.id}/unit-proposals?limit=20`).expect(200)).body as UnitProposal[];
      expect(proposals.length).toBeGreaterThan(0);
      expect(proposals.every((p) => p.unit.department === 'MOBILITY')).toBe(true);
      const before = await fleetDigest();
      const refused = await assign('mobilityAgent', accident.id, [fire.id]);
      expect(refused.status).toBe(404);
      expect(refused.body.error.fields).toEqual([{ field: 'unitIds[0]', message: 'is not a unit you can see' }]);
      expect(await fleetDigest()).toBe(before);
      // Its own unit it may send; the Fire agent cannot see that occurrence at all.
      expect((await assign('mobilityAgent', accident.id, [mob.id])).status).toBe(201);
      expect((await as('fireAgent').get(`/occurrences/${accident.id}/unit-proposals`)).status).toBe(404);
      // The occurrence's units, scoped: the Police agent sees none of Mobility's.
      expect(((await as('policeAgent').get(`/occurrences/${accident.id}`)).body as OccurrenceDetail).units).toEqual([]);
      expect(((await mobility.get(`/occurrences/${accident.id}`)).body as OccurrenceDetail).units.map((a) => a.unitId)).toEqual([mob.id]);
      expect(((await operator.get(`/occurrences/${accident.id}`)).body as OccurrenceDetail).units.map((a) => a.unitId)).toEqual([mob.id]);
    });

    it('the videowall gets no proposals and no assignment (403), and no crew anywhere', async () => {
      const occ = await occurrence();
      expect((await as('viewer').get(`/occurrences/${occ.id}/unit-proposals`)).status).toBe(403);
      expect((await as('viewer').post(`/occurrences/${occ.id}/units`, { unitIds: [] })).status).toBe(403);
      // The log serves an event once no transaction older than it is still running anywhere in the
      // cluster (late committers are never skipped): under load that is a moment after the commit.
      let events: Array<{ type: string }> = [];
      await until('UNIT_DISPATCHED on the viewer\'s log', async () => {
        const res = await as('viewer').get('/events?limit=1000');
        expect(res.status).toBe(200);
        events = res.body as Array<{ type: string }>;
        return events.some((e) => e.type === 'UNIT_DISPATCHED');
      });
      expect(JSON.stringify(events)).not.toContain('Fulano');
    });
  });

  describe('proposals, assignment and the unit state machine', () => {
    it('proposes the nearest available units of the occurrence departments, by last fix or base, filtered by kind', async () => {
      const place = { lat: 41.1612, lon: -8.5832 }; // east Porto, away from the other tests' units
      const engineFar = await unit('FIRE', 'ENGINE', place, 9);
      const engineNear = await unit('FIRE', 'ENGINE', place, 2);
      const ladder = await unit('FIRE', 'LADDER', place, 1);
      const police = await unit('POLICE', 'PATROL_CAR', place, 3);
      const env = await unit('ENVIRONMENT', 'SWEEPER', place, 0.5); // not on a building fire
      // Its base is far, but its last fix is next to the occurrence.
      const moved = await unit('FIRE', 'RESCUE', place, 40);
      await api.db.query(`UPDATE units SET position = ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography, position_at = now() WHERE id = $1`, [moved.id, place.lon, place.lat + 0.0002]);
      const occ = await occurrence('FIRE_BUILDING', place);
      const res = await operator.get(`/occurrences/${occ.id}/unit-proposals?limit=6`).expect(200);
      const proposals = res.body as UnitProposal[];
      const ids = proposals.map((p) => p.unit.id);
      expect(ids.slice(0, 5)).toEqual([moved.id, ladder.id, engineNear.id, police.id, engineFar.id]);
      expect(ids).not.toContain(env.id);
      const distances = proposals.map((p) => p.distanceMeters);
      expect([...distances].sort((a, b) => a - b)).toEqual(distances);
      expect(proposals[0].unit.stale).toBe(false);
      expect(proposals[0].unit.position).not.toBeNull();
      // ~111 m per step north; ETA at the kind's mean speed (ladder 30 km/h).
      const l = proposals[1];
      expect(l.distanceMeters).toBeGreaterThan(100);
      expect(l.distanceMeters).toBeLessThan(120);
      expect(l.etaSeconds).toBe(Math.round(l.distanceMeters / (30 / 3.6)));
      // Default limit 3; kind filter; limit bounds.
      expect(((await operator.get(`/occurrences/${occ.id}/unit-proposals`)).body as UnitProposal[]).length).toBe(3);
      const engines = (await operator.get(`/occurrences/${occ.id}/unit-proposals?kind=ENGINE&limit=20`)).body as UnitProposal[];
      expect(engines.map((p) => p.unit.kind).every((k) => k === 'ENGINE')).toBe(true);
      expect(engines.slice(0, 2).map((p) => p.unit.id)).toEqual([engineNear.id, engineFar.id]);
      const bad = await operator.get(`/occurrences/${occ.id}/unit-proposals?limit=21`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields[0].field).toBe('limit');
      // The Police agent sees only Police units among them.
      const forPolice = (await as('policeAgent').get(`/occurrences/${occ.id}/unit-proposals?limit=20`)).body as UnitProposal[];
      expect(forPolice.length).toBeGreaterThan(0);
      expect(forPolice.every((p) => p.unit.department === 'POLICE')).toBe(true);
    });

    it('assign → DISPATCHED, confirm → ON_SCENE (department on scene), release → AVAILABLE; illegal steps 409', async () => {
      const place = { lat: 41.1405, lon: -8.6110 }; // Ribeira
      const engine = await unit('FIRE', 'ENGINE', place, 3);
      const patrol = await unit('POLICE', 'PATROL_CAR', place, 4);
      const occ = await occurrence('FIRE_BUILDING', place);

      const res = await assign('operator', occ.id, [engine.id, patrol.id]);
      expect(res.status).toBe(201);
      const [a, b] = res.body as UnitAssignmentView[];
      expect(a).toMatchObject({ unitId: engine.id, department: 'FIRE', unitStatus: 'DISPATCHED', dispatchedBy: 'CGI_OPERATOR:operator', onSceneAt: null, releasedAt: null });
      expect(a.dispatchDistanceMeters).toBeGreaterThan(320);
      expect(a.dispatchDistanceMeters).toBeLessThan(345);
      expect(a.dispatchEtaSeconds).toBe(Math.round(a.dispatchDistanceMeters! / (35 / 3.6)));
      expect(b.unitId).toBe(patrol.id);
      const dispatched = await unitOf(engine.id);
      expect(dispatched).toMatchObject({ status: 'DISPATCHED', occurrence: { id: occ.id, reference: occ.reference }, version: 2 });
      expect(dispatched.assignments[0]).toMatchObject({ id: a.id, occurrenceReference: occ.reference });

      // Illegal: assigning a dispatched unit again (409 naming it), releasing what is not there, confirming twice.
      const again = await assign('operator', occ.id, [engine.id]);
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'ILLEGAL_TRANSITION', fields: [{ field: 'unitIds[0]' }] });

      const confirmed = await as('fireAgent').post(`/occurrences/${occ.id}/units/${a.id}/on-scene`);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({ unitStatus: 'ON_SCENE' });
      expect(confirmed.body.onSceneAt).not.toBeNull();
      const detail = (await operator.get(`/occurrences/${occ.id}`)).body as OccurrenceDetail;
      // FIRE leads: its department went on scene, and with it the occurrence.
      expect(detail.status).toBe('ON_SCENE');
      expect(detail.assignments.find((x) => x.department === 'FIRE')!.state).toBe('ON_SCENE');
      expect(detail.assignments.find((x) => x.department === 'POLICE')!.state).toBe('PENDING');
      expect((await as('fireAgent').post(`/occurrences/${occ.id}/units/${a.id}/on-scene`)).status).toBe(409);
      // A second Fire unit on scene does not put the department on scene twice.
      const ladder = await unit('FIRE', 'LADDER', place, 5);
      const [c] = (await assign('fireAgent', occ.id, [ladder.id]).expect(201)).body as UnitAssignmentView[];
      expect((await as('fireAgent').post(`/occurrences/${occ.id}/units/${c.id}/on-scene`)).status).toBe(200);
      // The Police unit confirmed by the CGI puts POLICE (support) on scene, the status stays.
      expect((await operator.post(`/occurrences/${occ.id}/units/${b.id}/on-scene`)).status).toBe(200);

      // Release needs a reason; then AVAILABLE; releasing again is 409.
      const noReason = await as('fireAgent').post(`/occurrences/${occ.id}/units/${a.id}/release`, {});
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.fields[0].field).toBe('reason');
      const released = await as('fireAgent').post(`/occurrences/${occ.id}/units/${a.id}/release`, { reason: 'Regressa ao quartel' });
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({ unitStatus: 'AVAILABLE', releasedReason: 'Regressa ao quartel' });
      expect(await unitOf(engine.id)).toMatchObject({ status: 'AVAILABLE', occurrence: null, version: 4 });
      expect((await as('fireAgent').post(`/occurrences/${occ.id}/units/${a.id}/release`, { reason: 'again' })).status).toBe(409);
      // A Police agent cannot release or confirm a Fire unit of an occurrence it sees: 404.
      expect((await as('policeAgent').post(`/occurrences/${occ.id}/units/${c.id}/release`, { reason: 'x' })).status).toBe(404);

      // Resolving frees the rest in the same transaction.
      const resolved = await as('fireAgent').post(`/occurrences/${occ.id}/resolve`, { note: 'Extinto' });
      expect(resolved.status).toBe(200);
      // The Fire agent's answer shows Fire's units only; the CGI sees all of them.
      expect((resolved.body as OccurrenceDetail).units.map((u) => u.unitId)).toEqual([engine.id, ladder.id]);
      const after = (await operator.get(`/occurrences/${occ.id}`)).body as OccurrenceDetail;
      expect(after.units.map((u) => [u.unitId, u.unitStatus, u.releasedReason])).toEqual([
        [engine.id, 'AVAILABLE', 'Regressa ao quartel'],
        [patrol.id, 'AVAILABLE', 'RESOLVED'],
        [ladder.id, 'AVAILABLE', 'RESOLVED'],
      ]);
      expect((await unitOf(ladder.id)).status).toBe('AVAILABLE');

      // The timeline: every unit event, for the unit's department, with no crew.
      const unitEvents = after.timeline.filter((e) => e.type.startsWith('UNIT_'));
      expect(unitEvents.map((e) => `${e.type} ${(e.payload as unknown as UnitEventPayload).unit.code}`)).toEqual([
        `UNIT_DISPATCHED ${engine.code}`, `UNIT_DISPATCHED ${patrol.code}`,
        `UNIT_ON_SCENE ${engine.code}`,
        `UNIT_DISPATCHED ${ladder.code}`, `UNIT_ON_SCENE ${ladder.code}`,
        `UNIT_ON_SCENE ${patrol.code}`,
        `UNIT_RELEASED ${engine.code}`,
        `UNIT_RELEASED ${patrol.code}`, `UNIT_RELEASED ${ladder.code}`,
      ]);
      const first = unitEvents[0];
      expect(first.departments).toEqual(['FIRE']);
      expect(first.payload).toMatchObject({ from: 'AVAILABLE', occurrenceId: occ.id, assignmentId: a.id, unit: { status: 'DISPATCHED', department: 'FIRE' } });
      expect(JSON.stringify(after.timeline)).not.toContain('Fulano');
      expect(unitEvents.find((e) => e.type === 'UNIT_RELEASED' && e.payload.reason === 'RESOLVED')!.departments).toEqual(['POLICE']);
      // Units cannot be sent to a resolved occurrence.
      expect((await assign('operator', occ.id, [engine.id])).status).toBe(409);
    });

    it('refuses a unit of a department not on the occurrence (422), all or none', async () => {
      const place = { lat: 41.1550, lon: -8.6400 };
      const engine = await unit('FIRE', 'ENGINE', place, 1);
      const sweeper = await unit('ENVIRONMENT', 'SWEEPER', place, 2);
      const occ = await occurrence('GAS_LEAK', place); // FIRE, CIVIL_PROTECTION, POLICE
      const before = await fleetDigest();
      const res = await assign('operator', occ.id, [engine.id, sweeper.id]);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'UNIT_NOT_ELIGIBLE', fields: [{ field: 'unitIds[1]' }] });
      expect(await fleetDigest()).toBe(before);
      const invalid = await assign('operator', occ.id, [engine.id, 'not-a-uuid']);
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.fields[0].field).toBe('unitIds');
      expect((await assign('operator', occ.id, [])).body.error.fields[0].field).toBe('unitIds');
      expect((await assign('operator', occ.id, [engine.id, engine.id])).body.error.fields[0].field).toBe('unitIds');
      expect(await fleetDigest()).toBe(before);
      // A NEW occurrence (not dispatched) takes no units.
      const fresh = await operator.post('/occurrences', { category: 'OTHER', location: place, description: 'A classificar' });
      expect((await assign('operator', fresh.body.id, [engine.id])).status).toBe(409);
    });

    it('two concurrent assignments of one unit: one wins, the other is 409, one assignment stored', async () => {
      const place = { lat: 41.1700, lon: -8.6200 };
      const engine = await unit('FIRE', 'ENGINE', place, 1);
      const [x, y] = [await occurrence('FIRE_BUILDING', place), await occurrence('FIRE_VEHICLE', place)];
      const results = await Promise.all([assign('operator', x.id, [engine.id]), assign('fireAgent', y.id, [engine.id])]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const { rows } = await api.db.query(`SELECT count(*)::int AS n FROM unit_assignments WHERE unit_id = $1`, [engine.id]);
      expect(rows[0].n).toBe(1);
      const { rows: events } = await api.db.query(`SELECT count(*)::int AS n FROM occurrence_events WHERE type = 'UNIT_DISPATCHED' AND payload->'unit'->>'id' = $1`, [engine.id]);
      expect(events[0].n).toBe(1);
      // The same unit asked twice at once for one occurrence: also one.
      const other = await unit('FIRE', 'ENGINE', place, 2);
      const twice = await Promise.all([assign('operator', x.id, [other.id]), assign('supervisor', x.id, [other.id])]);
      expect(twice.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it('cancelling, merging (the child), closing and taking a department off release the units with their reason', async () => {
      const place = { lat: 41.1450, lon: -8.6300 };
      const [u1, u2, u3] = [await unit('FIRE', 'ENGINE', place, 1), await unit('FIRE', 'ENGINE', place, 2), await unit('POLICE', 'PATROL_CAR', place, 3)];
      const cancelled = await occurrence('FIRE_BUILDING', place);
      await assign('operator', cancelled.id, [u1.id]).expect(201);
      const c = (await operator.post(`/occurrences/${cancelled.id}/cancel`, { reason: 'Falso alarme' }).expect(200)).body as OccurrenceDetail;
      expect(c.units[0]).toMatchObject({ unitStatus: 'AVAILABLE', releasedReason: 'CANCELLED' });

      const parent = await occurrence('FIRE_BUILDING', place);
      const child = await occurrence('FIRE_BUILDING', place);
      await assign('operator', child.id, [u2.id]).expect(201);
      await operator.post(`/occurrences/${child.id}/merge`, { parentId: parent.id }).expect(200);
      expect((await unitOf(u2.id)).status).toBe('AVAILABLE');
      expect((await unitOf(u2.id)).assignments[0].releasedReason).toBe('MERGED');

      // Resolving released it; closing finds nothing left to release.
      await assign('operator', parent.id, [u3.id]).expect(201);
      await as('fireAgent').post(`/occurrences/${parent.id}/acknowledge`).expect(200);
      await as('fireAgent').post(`/occurrences/${parent.id}/resolve`, { note: 'Feito' }).expect(200);
      expect((await unitOf(u3.id)).assignments[0].releasedReason).toBe('RESOLVED');
      await operator.post(`/occurrences/${parent.id}/close`).expect(200);
      expect((await unitOf(u3.id)).status).toBe('AVAILABLE');

      // A routing override that takes POLICE off the occurrence releases its units, not the others.
      const fire = await occurrence('FIRE_BUILDING', place);
      const [pa, fa] = (await assign('operator', fire.id, [u3.id, u1.id]).expect(201)).body as UnitAssignmentView[];
      const overridden = await as('supervisor').post(`/occurrences/${fire.id}/routing-override`, { lead: 'FIRE', support: ['CIVIL_PROTECTION'], priority: 'P1', reason: 'Sem necessidade de polícia' });
      expect(overridden.status).toBe(200);
      const units = (overridden.body as OccurrenceDetail).units;
      expect(units.find((u) => u.id === pa.id)).toMatchObject({ unitStatus: 'AVAILABLE', releasedReason: 'DEPARTMENT_RELEASED' });
      expect(units.find((u) => u.id === fa.id)).toMatchObject({ unitStatus: 'DISPATCHED', releasedAt: null });
    });
  });

  describe('availability', () => {
    it('AVAILABLE ⇄ UNAVAILABLE with a reason, as events of the unit department; an unavailable unit is neither proposed nor sent', async () => {
      const place = { lat: 41.1780, lon: -8.5900 };
      const u = await unit('FIRE', 'TANKER', place, 1);
      const occ = await occurrence('FIRE_BUILDING', place);
      const fire = as('fireAgent');
      const noReason = await fire.post(`/units/${u.id}/availability`, { available: false });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.fields).toEqual([{ field: 'reason', message: 'is required when available is false' }]);
      expect((await fire.post(`/units/${u.id}/availability`, { available: 'no' })).body.error.fields[0].field).toBe('available');
      const stale = await fire.post(`/units/${u.id}/availability`, { available: false, reason: 'Manutenção', version: 7 });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('STALE_VERSION');
      const off = await fire.post(`/units/${u.id}/availability`, { available: false, reason: 'Manutenção', version: 1 });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ status: 'UNAVAILABLE', unavailableReason: 'Manutenção', version: 2 });
      expect((await fire.post(`/units/${u.id}/availability`, { available: false, reason: 'Again' })).status).toBe(409);
      const proposals = (await operator.get(`/occurrences/${occ.id}/unit-proposals?limit=20`)).body as UnitProposal[];
      expect(proposals.map((p) => p.unit.id)).not.toContain(u.id);
      const refused = await assign('operator', occ.id, [u.id]);
      expect(refused.status).toBe(409);
      expect(refused.body.error.fields[0].field).toBe('unitIds[0]');
      const on = await operator.post(`/units/${u.id}/availability`, { available: true });
      expect(on.body).toMatchObject({ status: 'AVAILABLE', unavailableReason: null, version: 3 });
      const { rows } = await api.db.query(
        `SELECT occurrence_id, departments, payload FROM occurrence_events WHERE type = 'UNIT_STATUS_CHANGED' AND payload->'unit'->>'id' = $1 ORDER BY seq`, [u.id],
      );
      expect(rows.map((r) => [r.occurrence_id, r.departments, r.payload.from, r.payload.unit.status, r.payload.reason])).toEqual([
        [null, ['FIRE'], 'AVAILABLE', 'UNAVAILABLE', 'Manutenção'],
        [null, ['FIRE'], 'UNAVAILABLE', 'AVAILABLE', null],
      ]);
      expect((await as('viewer').post(`/units/${u.id}/availability`, { available: false, reason: 'x' })).status).toBe(403);
      // The event feed (and the live feed, same filter): Fire's own, not Mobility's.
      type Ev = { type: string; payload: { unit?: { id: string } } };
      const feed = async (who: TestIdentity): Promise<Ev[]> => (await as(who).get('/events?limit=1000').expect(200)).body as Ev[];
      expect((await feed('fireAgent')).filter((e) => e.type === 'UNIT_STATUS_CHANGED' && e.payload.unit?.id === u.id)).toHaveLength(2);
      expect((await feed('mobilityAgent')).some((e) => e.payload.unit?.id === u.id)).toBe(false);
      expect((await feed('viewer')).filter((e) => e.payload.unit?.id === u.id)).toHaveLength(2);
      // A dispatched unit cannot go out of service nor be retired before it is released.
      await assign('operator', occ.id, [u.id]).expect(201);
      expect((await fire.post(`/units/${u.id}/availability`, { available: false, reason: 'Avaria' })).status).toBe(409);
      expect((await admin.delete(`/units/${u.id}`)).status).toBe(409);
    });
  });
});
