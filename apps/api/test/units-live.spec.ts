import type { AddressInfo } from 'node:net';
import type { LiveOccurrenceEvent, UnitAssignmentView, UnitEventPayload } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { openLiveSocket, until, type LiveSocket } from '../../../test/support/live-client';

/**
 * UNIT_* events reach consoles on the live feed as `occurrence:event`, scoped like occurrences
 * (a department: its own units' events; the CGI and the videowall: all), with no crew: a real
 * API listening on a port and real socket.io clients.
 */
describe('units on the live feed', () => {
  let api: ApiHarness;
  let url: string;
  const sockets: LiveSocket[] = [];

  beforeAll(async () => {
    api = await startApi({ LIVE_HEARTBEAT_MS: '250' });
    await api.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await api.close();
  });

  async function feed(who: TestIdentity): Promise<LiveOccurrenceEvent[]> {
    const received: LiveOccurrenceEvent[] = [];
    sockets.push(await openLiveSocket(url, api.auth(who).slice('Bearer '.length), (socket) => socket.on('occurrence:event', (e) => received.push(e))));
    return received;
  }

  const post = (who: TestIdentity, path: string, body: object) => api.http().post(`/api/v1${path}`).set('authorization', api.auth(who)).send(body);
  const unitIn = (e: LiveOccurrenceEvent): string | undefined => (e.event.payload as unknown as Partial<UnitEventPayload>).unit?.code;

  it('a Fire console gets its unit dispatched with the occurrence; Mobility does not; the videowall gets both, no crew', async () => {
    const fire = await feed('fireAgent');
    const mobility = await feed('mobilityAgent');
    const wall = await feed('viewer');
    const engine = (await post('admin', '/units', { code: 'LIVE-VUCI-01', callsign: 'LIVE 1', department: 'FIRE', kind: 'ENGINE', homeBase: PLACES.campanha, crew: ['Fulano Ao Vivo'] })).body;
    const van = (await post('admin', '/units', { code: 'LIVE-MOB-01', callsign: 'LIVE 2', department: 'MOBILITY', kind: 'CREW_VAN', homeBase: PLACES.campanha, crew: ['Beltrano Ao Vivo'] })).body;
    const occ = (await post('operator', '/occurrences', { category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'Fogo' })).body;
    const [assignment] = (await post('operator', `/occurrences/${occ.id}/units`, { unitIds: [engine.id] }).expect(201)).body as UnitAssignmentView[];
    // Then a Mobility unit goes out of service: the sentinel the Mobility console does get.
    await post('mobilityAgent', `/units/${van.id}/availability`, { available: false, reason: 'Pneu furado' }).expect(200);

    await until('the Fire console', () => fire.some((e) => e.event.type === 'UNIT_DISPATCHED'));
    const dispatched = fire.find((e) => e.event.type === 'UNIT_DISPATCHED')!;
    expect(dispatched.event.occurrenceId).toBe(occ.id);
    expect(dispatched.event.departments).toEqual(['FIRE']);
    expect(dispatched.event.payload).toMatchObject({ unit: { code: 'LIVE-VUCI-01', status: 'DISPATCHED' }, from: 'AVAILABLE', assignmentId: assignment.id });
    expect(dispatched.occurrence?.id).toBe(occ.id);

    await until('the Mobility console', () => mobility.some((e) => e.event.type === 'UNIT_STATUS_CHANGED'));
    expect(mobility.map(unitIn).filter(Boolean)).toEqual(['LIVE-MOB-01']);
    const changed = mobility.find((e) => e.event.type === 'UNIT_STATUS_CHANGED')!;
    expect(changed.event).toMatchObject({ occurrenceId: null, departments: ['MOBILITY'], payload: { unit: { status: 'UNAVAILABLE', unavailableReason: 'Pneu furado' }, reason: 'Pneu furado' } });
    expect(fire.map(unitIn)).not.toContain('LIVE-MOB-01');

    await until('the videowall', () => wall.some((e) => e.event.type === 'UNIT_STATUS_CHANGED'));
    expect(wall.map(unitIn).filter(Boolean)).toEqual(['LIVE-VUCI-01', 'LIVE-MOB-01']);
    expect(JSON.stringify([fire, mobility, wall])).not.toMatch(/Ao Vivo/);
  });
});
