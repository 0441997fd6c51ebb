import type { OccurrenceDetail } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';

describe('lifecycle commands over HTTP', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const cmd = (id: string, action: string, who: TestIdentity, body: object = {}) =>
    api.http().post(`/api/v1/occurrences/${id}/${action}`).set('authorization', api.auth(who)).send(body);
  const get = (id: string, who: TestIdentity = 'operator') =>
    api.http().get(`/api/v1/occurrences/${id}`).set('authorization', api.auth(who));

  async function create(body: object = {}): Promise<OccurrenceDetail> {
    const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'Árvore caída', ...body });
    expect(res.status).toBe(201);
    return res.body as OccurrenceDetail;
  }

  it('journey 1: triage, dispatch, acknowledge, on scene, resolve with a public note, close', async () => {
    const citizen = await create({ source: 'CITIZEN' });
    expect(citizen.status).toBe('NEW');
    // Civil Protection does not see it before dispatch.
    expect((await get(citizen.id, 'civilProtectionAgent')).status).toBe(404);
    expect((await cmd(citizen.id, 'triage', 'operator')).body.status).toBe('TRIAGED');
    const dispatched = (await cmd(citizen.id, 'dispatch', 'operator')).body as OccurrenceDetail;
    expect(dispatched.status).toBe('DISPATCHED');
    expect(dispatched.assignments.map((a) => a.department)).toEqual(['CIVIL_PROTECTION', 'ENVIRONMENT']);
    // The support department acknowledges on its own; the status waits for the lead.
    expect((await cmd(citizen.id, 'acknowledge', 'environmentAgent')).body.status).toBe('DISPATCHED');
    const acked = (await cmd(citizen.id, 'acknowledge', 'civilProtectionAgent')).body as OccurrenceDetail;
    expect(acked.status).toBe('ACKNOWLEDGED');
    expect(acked.assignments.every((a) => a.state === 'ACKNOWLEDGED')).toBe(true);
    expect((await cmd(citizen.id, 'on-scene', 'civilProtectionAgent')).body.status).toBe('ON_SCENE');
    // Only the lead resolves.
    expect((await cmd(citizen.id, 'resolve', 'environmentAgent', { note: 'x' })).status).toBe(403);
    const resolved = await cmd(citizen.id, 'resolve', 'civilProtectionAgent', { note: 'Árvore removida', publicNote: 'A árvore foi removida.' });
    expect(resolved.body.status).toBe('RESOLVED');
    // Only the CGI closes.
    expect((await cmd(citizen.id, 'close', 'civilProtectionAgent')).status).toBe(403);
    const closed = (await cmd(citizen.id, 'close', 'operator')).body as OccurrenceDetail;
    expect(closed.status).toBe('CLOSED');
    expect(closed.timeline.map((e) => e.type)).toEqual([
      'OCCURRENCE_CREATED', 'TRIAGED', 'DISPATCHED', 'ACKNOWLEDGED', 'ACKNOWLEDGED', 'ON_SCENE', 'RESOLVED', 'CLOSED',
    ]);
    expect(closed.timeline.find((e) => e.type === 'RESOLVED')!.payload.publicNote).toBe('A árvore foi removida.');
    expect(closed.version).toBe(8);
  });

  it('answers 409 with the current state on an illegal transition, and changes nothing', async () => {
    const o = await create();
    const events = await api.count('occurrence_events');
    const res = await cmd(o.id, 'close', 'operator');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'ILLEGAL_TRANSITION', current: { status: 'DISPATCHED', version: o.version } });
    expect(await api.count('occurrence_events')).toBe(events);
    expect((await cmd(o.id, 'reopen', 'operator', { reason: 'testing' })).status).toBe(409);
  });

  it('answers 409 STALE_VERSION when the client saw an older version', async () => {
    const o = await create();
    await cmd(o.id, 'notes', 'operator', { text: 'first' });
    const res = await cmd(o.id, 'cancel', 'operator', { reason: 'duplicate call', version: o.version });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('STALE_VERSION');
    expect(res.body.error.current.version).toBe(o.version + 1);
    expect((await get(o.id)).body.status).toBe('DISPATCHED');
  });

  it('20 concurrent acknowledgements of one assignment give one acknowledgement event', async () => {
    const o = await create();
    const results = await Promise.all(Array.from({ length: 20 }, () => cmd(o.id, 'acknowledge', 'civilProtectionAgent')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    const { rows } = await api.db.query(`SELECT count(*)::int AS n FROM occurrence_events WHERE occurrence_id = $1 AND type = 'ACKNOWLEDGED'`, [o.id]);
    expect(rows[0].n).toBe(1);
  });

  it('scopes department agents: another department neither reads nor acts (404)', async () => {
    const o = await create({ category: 'PUBLIC_DISORDER', location: PLACES.paranhos });
    expect((await get(o.id, 'policeAgent')).status).toBe(200);
    expect((await get(o.id, 'mobilityAgent')).status).toBe(404);
    expect((await cmd(o.id, 'acknowledge', 'mobilityAgent')).status).toBe(404);
    const list = await api.http().get('/api/v1/occurrences').set('authorization', api.auth('mobilityAgent'));
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(o.id);
    // An agent cannot act for another department.
    expect((await cmd(o.id, 'acknowledge', 'policeAgent', { department: 'FIRE' })).status).toBe(403);
  });

  it('cancel needs a reason and stops the clocks', async () => {
    const o = await create();
    expect((await cmd(o.id, 'cancel', 'operator', {})).body.error.fields[0].field).toBe('reason');
    const res = await cmd(o.id, 'cancel', 'operator', { reason: 'false alarm' });
    expect(res.body.status).toBe('CANCELLED');
    expect(res.body.assignments.every((a: { state: string }) => a.state === 'RELEASED')).toBe(true);
  });

  it('reopens a resolved occurrence back to TRIAGED', async () => {
    const o = await create();
    await cmd(o.id, 'acknowledge', 'civilProtectionAgent');
    await cmd(o.id, 'resolve', 'civilProtectionAgent', { note: 'done' });
    const res = await cmd(o.id, 'reopen', 'operator', { reason: 'citizen says the tree is still there' });
    expect(res.body.status).toBe('TRIAGED');
    expect((await cmd(o.id, 'dispatch', 'operator')).body.status).toBe('DISPATCHED');
  });

  it("overrides routing with a reason and keeps the rules' own decision beside it", async () => {
    const o = await create();
    const res = await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: ['CIVIL_PROTECTION'], priority: 'P1', reason: 'Tree on a power line' });
    expect(res.status).toBe(200);
    expect(res.body.lead).toBe('FIRE');
    expect(res.body.priority).toBe('P1');
    expect(res.body.override).toMatchObject({ lead: 'FIRE', reason: 'Tree on a power line' });
    expect(res.body.routing.result.lead).toBe('CIVIL_PROTECTION');
    const states = Object.fromEntries(res.body.assignments.map((a: { department: string; state: string }) => [a.department, a.state]));
    expect(states).toEqual({ FIRE: 'PENDING', CIVIL_PROTECTION: 'PENDING', ENVIRONMENT: 'RELEASED' });
    expect((await get(o.id, 'environmentAgent')).status).toBe(404);
  });

  it('merges a duplicate into its parent and unmerges it', async () => {
    const parent = await create();
    const child = await create({ description: 'Mesma árvore' });
    const merged = await cmd(child.id, 'merge', 'operator', { parentId: parent.id, reason: 'same tree' });
    expect(merged.body.status).toBe('MERGED');
    expect(merged.body.parentId).toBe(parent.id);
    const parentView = (await get(parent.id)).body as OccurrenceDetail;
    expect(parentView.reportCount).toBe(2);
    expect(parentView.timeline.find((e) => e.type === 'REPORT_LINKED')!.payload).toMatchObject({ reportId: child.id, reportCount: 2, merged: true });
    expect((await cmd(parent.id, 'merge', 'operator', { parentId: parent.id })).status).toBe(400);
    const unmerged = await cmd(child.id, 'unmerge', 'operator');
    expect(unmerged.body.status).toBe('TRIAGED');
    const afterUnmerge = (await get(parent.id)).body as OccurrenceDetail;
    expect(afterUnmerge.reportCount).toBe(1);
    expect(afterUnmerge.timeline.filter((e) => e.type === 'UNMERGED').map((e) => e.payload.reportCount)).toEqual([1]);
  });

  it('links a citizen duplicate within 150 m and 2 h instead of opening a new occurrence (journey 3)', async () => {
    const first = await create({ category: 'FLOODING', source: 'CITIZEN', location: PLACES.campanha });
    for (let i = 0; i < 4; i++) {
      const dup = await create({ category: 'FLOODING', source: 'CITIZEN', location: { lat: PLACES.campanha.lat + 0.0005, lon: PLACES.campanha.lon } });
      expect(dup.status).toBe('MERGED');
      expect(dup.parentId).toBe(first.id);
      expect(dup.reference).not.toBe(first.reference);
    }
    const parent = (await get(first.id)).body as OccurrenceDetail;
    expect(parent.reportCount).toBe(5);
    expect(parent.timeline.filter((e) => e.type === 'REPORT_LINKED').map((e) => e.payload.reportCount)).toEqual([2, 3, 4, 5]);
    const far = await create({ category: 'FLOODING', source: 'CITIZEN', location: PLACES.paranhos });
    expect(far.status).toBe('NEW');
  });
});
