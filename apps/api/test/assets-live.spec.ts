import type { AddressInfo } from 'node:net';
import type { AssetView, LiveAssetStatus, LiveOccurrenceEvent } from '@cgi/shared';
import { startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { openLiveSocket, until, type LiveSocket } from '../../../test/support/live-client';

/**
 * Asset status changes reach every logged-in console as `assets:status` after the commit, and
 * the fault occurrence they open arrives on the feed as usual: a real API on a port and real
 * socket.io clients.
 */
describe('assets on the live feed', () => {
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

  async function connect(who: TestIdentity): Promise<{ status: LiveAssetStatus[]; events: LiveOccurrenceEvent[] }> {
    const status: LiveAssetStatus[] = [];
    const events: LiveOccurrenceEvent[] = [];
    sockets.push(await openLiveSocket(url, api.auth(who).slice('Bearer '.length), (socket) => {
      socket.on('assets:status', (p) => status.push(p));
      socket.on('occurrence:event', (e) => events.push(e));
    }));
    return { status, events };
  }

  const post = (who: TestIdentity, path: string, body: object) => api.http().post(`/api/v1${path}`).set('authorization', api.auth(who)).send(body);

  it('a traffic light going FAULT: every console gets assets:status with the committed asset, Mobility the occurrence', async () => {
    const wall = await connect('viewer');
    const mobility = await connect('mobilityAgent');
    const fire = await connect('fireAgent');
    const light = (await post('admin', '/assets', { code: 'LIVE-SEM-1', kind: 'TRAFFIC_LIGHT', name: 'Semáforo ao vivo', department: 'MOBILITY', location: { lat: 41.1579, lon: -8.6291 } }).expect(201)).body as AssetView;
    // A refused report (bad status) sends nothing.
    await post('operator', `/assets/${light.id}/status`, { status: 'BROKEN' }).expect(400);
    const changed = (await post('operator', `/assets/${light.id}/status`, { status: 'FAULT', reason: 'Apagado' }).expect(200)).body as AssetView;

    for (const [name, c] of [['videowall', wall], ['Mobility', mobility], ['Fire', fire]] as const) {
      await until(`assets:status on the ${name} console`, () => c.status.length > 0);
      expect(c.status).toHaveLength(1);
      expect(c.status[0].assets).toEqual([expect.objectContaining({ id: light.id, status: 'FAULT', statusReason: 'Apagado', openOccurrence: changed.openOccurrence })]);
    }
    await until('the fault occurrence on the Mobility console', () => mobility.events.some((e) => e.event.type === 'OCCURRENCE_CREATED'));
    const created = mobility.events.find((e) => e.event.type === 'OCCURRENCE_CREATED')!;
    expect(created.event.occurrenceId).toBe(changed.openOccurrence?.id);
    expect(created.event.payload).toMatchObject({ category: 'TRAFFIC_LIGHT_FAULT', source: 'SENSOR' });
    // An ignored (older) observation sends nothing more.
    await post('operator', `/assets/${light.id}/status`, { status: 'OK', observedAt: '2020-01-01T00:00:00Z' }).expect(200);
    await post('operator', `/assets/${light.id}/status`, { status: 'OFFLINE' }).expect(200);
    await until('the second change', () => wall.status.length === 2);
    expect(wall.status[1].assets[0]).toMatchObject({ id: light.id, status: 'OFFLINE' });
  });
});
