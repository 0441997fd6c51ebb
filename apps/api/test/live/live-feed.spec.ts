import { io } from 'socket.io-client';
import { LIVE_NAMESPACE } from '@cgi/shared';
import { ApiNode, createOccurrence, FeedClient, LiveTestDatabase, RedisServer } from './support/live-cluster';

/** Two real API processes on two ports, a private Redis, real socket.io-client consoles. */
describe('live feed across two API nodes', () => {
  let redis: RedisServer;
  let db: LiveTestDatabase;
  let a: ApiNode;
  let b: ApiNode;
  const clients: FeedClient[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    db = await LiveTestDatabase.create();
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, LIVE_REPLAY_LIMIT: '120' };
    a = await ApiNode.start(env);
    await a.waitUntilLeading();
    b = await ApiNode.start(env);
  }, 120000);

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await redis?.stop();
    await db?.close();
  }, 30000);

  async function client(node: ApiNode, who: Parameters<LiveTestDatabase['token']>[0]): Promise<FeedClient> {
    const c = new FeedClient();
    await c.connect(node, db.token(who));
    clients.push(c);
    // Heartbeats prove the socket is live and give it a resume point.
    await c.waitForHeartbeat();
    return c;
  }

  it('refuses a handshake without a valid token, naming the reason', async () => {
    const attempt = (auth: Record<string, string>) =>
      new Promise<{ message: string; data?: { code: string } }>((resolve) => {
        const s = io(`${a.url}${LIVE_NAMESPACE}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
        s.once('connect', () => {
          s.disconnect();
          resolve({ message: 'connected' });
        });
        s.once('connect_error', (err) => {
          s.disconnect();
          resolve(err as unknown as { message: string; data?: { code: string } });
        });
      });
    const missing = await attempt({});
    expect(missing.data?.code).toBe('UNAUTHENTICATED');
    expect(missing.message).toMatch(/token/);
    const forged = await attempt({ token: `${db.token('viewer')}x` });
    expect(forged.data?.code).toBe('UNAUTHENTICATED');
    const badAfter = await attempt({ token: db.token('viewer'), after: 'yesterday' });
    expect(badAfter.data?.code).toBe('VALIDATION_FAILED');
    expect(badAfter.message).toMatch(/after/);
  });

  it('an occurrence created through one node reaches consoles on both nodes, once each', async () => {
    const onA = await client(a, 'viewer');
    const onB = await client(b, 'operator');
    const fromB = await createOccurrence(b, db.token('operator'));
    const fromA = await createOccurrence(a, db.token('operator'));
    const expected = await db.positionsAfter('0.0');
    expect(expected).toHaveLength(4); // created + dispatched, twice
    for (const c of [onA, onB]) {
      await c.waitForPosition(expected[3]);
      expect(c.positions()).toEqual(expected);
      expect(c.inOrderOnce()).toBe(true);
      const ids = c.received.map((e) => e.occurrence?.id);
      expect(ids).toEqual([fromB, fromB, fromA, fromA]);
      expect(c.received.map((e) => e.event.type)).toEqual(['OCCURRENCE_CREATED', 'DISPATCHED', 'OCCURRENCE_CREATED', 'DISPATCHED']);
    }
    onA.disconnect();
    onB.disconnect();
  });

  it("a department socket's whole stream holds its department's occurrences only, without reporter contact data", async () => {
    const mobility = await client(b, 'mobilityAgent');
    const fire = await client(a, 'fireAgent');
    const start = await db.positionsAfter('0.0').then((p) => p[p.length - 1] ?? '0.0');
    const res = await fetch(`${a.url}/api/v1/occurrences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${db.token('operator')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'BOLLARD_FAULT',
        location: { lat: 41.1579, lon: -8.6291, address: 'Rua de Cedofeita' },
        description: 'Pilarete não baixa',
        reporter: { name: 'Maria Contacto', phone: '+351912345678', email: 'maria@example.org' },
      }),
    });
    expect(res.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      await createOccurrence(b, db.token('operator'), 'FIRE_VEHICLE');
      await createOccurrence(a, db.token('operator'), 'ILLEGAL_PARKING');
      await createOccurrence(a, db.token('operator'), 'BOLLARD_FAULT');
    }
    const all = await db.positionsAfter(start);
    const forMobility = await db.positionsAfter(start, 'MOBILITY');
    const forFire = await db.positionsAfter(start, 'FIRE');
    expect(forMobility).toHaveLength(8); // each occurrence: created + dispatched
    expect(forFire).toHaveLength(6);
    // Wait until the feed has gone past the last event (a heartbeat at or after it).
    await mobility.waitForPosition(forMobility[7]);
    await fire.waitForPosition(forFire[5]);
    await mobility.waitForHeartbeat();
    await fire.waitForHeartbeat();
    expect(mobility.positions()).toEqual(forMobility);
    expect(fire.positions()).toEqual(forFire);
    expect(all.length).toBeGreaterThan(forMobility.length + forFire.length);
    for (const [c, dept] of [[mobility, 'MOBILITY'], [fire, 'FIRE']] as const) {
      for (const e of c.received) {
        expect(e.event.departments).toContain(dept);
        expect(e.occurrence?.assignments.map((x) => x.department)).toContain(dept);
      }
      const text = JSON.stringify(c.received);
      expect(text).not.toContain('+351912345678');
      expect(text).not.toContain('maria@example.org');
    }
    mobility.disconnect();
    fire.disconnect();
  });

  it('a console that was away for 50 occurrences gets exactly those events, in order, on reconnect', async () => {
    const mobility = await client(b, 'mobilityAgent');
    const viewer = await client(a, 'viewer');
    mobility.disconnect();
    viewer.disconnect();
    const mobilityFrom = mobility.cursor.position;
    const viewerFrom = viewer.cursor.position;
    for (let i = 0; i < 50; i++) await createOccurrence(i % 2 ? a : b, db.token('operator'), 'BOLLARD_FAULT');
    const missedByMobility = await db.positionsAfter(mobilityFrom, 'MOBILITY');
    const missedByViewer = await db.positionsAfter(viewerFrom);
    expect(missedByMobility).toHaveLength(100); // created + dispatched for each of the 50
    expect(missedByViewer).toHaveLength(100);
    const seenBefore = { mobility: mobility.received.length, viewer: viewer.received.length };
    // Reconnect each to the other node, resuming from its last position.
    await mobility.connect(a, db.token('mobilityAgent'), { resume: true });
    await viewer.connect(b, db.token('viewer'), { resume: true });
    await mobility.waitForPosition(missedByMobility[99]);
    await viewer.waitForPosition(missedByViewer[99]);
    await mobility.waitForHeartbeat();
    await viewer.waitForHeartbeat();
    expect(mobility.received.slice(seenBefore.mobility).map((e) => e.event.position)).toEqual(missedByMobility);
    expect(viewer.received.slice(seenBefore.viewer).map((e) => e.event.position)).toEqual(missedByViewer);
    const occurrences = new Set(mobility.received.slice(seenBefore.mobility).map((e) => e.occurrence?.id));
    expect(occurrences.size).toBe(50);
    mobility.disconnect();
    viewer.disconnect();
  });

  it('a resume beyond the replay limit is told to reload a snapshot, and resuming from the position given catches up', async () => {
    const viewer = new FeedClient();
    await viewer.connect(b, db.token('viewer'));
    clients.push(viewer);
    const ack = await viewer.resume('0.0');
    expect(ack).toMatchObject({ ok: true, reload: true });
    expect(viewer.reloads).toHaveLength(1);
    expect(viewer.reloads[0].position).toBe(ack.position);
    const id = await createOccurrence(a, db.token('operator'));
    // Paused until it resumes: nothing live.
    await new Promise((r) => setTimeout(r, 300));
    expect(viewer.received).toHaveLength(0);
    viewer.cursor.reset(ack.position);
    const again = await viewer.resume();
    expect(again).toMatchObject({ ok: true, reload: false });
    // Replayed, or live right after the replay if its transaction was not readable yet: once each, in order.
    const missed = await db.positionsAfter(ack.position);
    await viewer.waitForPosition(missed[missed.length - 1]);
    expect(viewer.positions()).toEqual(missed);
    expect(viewer.received.filter((e) => e.occurrence?.id === id)).toHaveLength(2);
    const bad = await viewer.resume('soon');
    expect(bad).toMatchObject({ ok: false });
    expect(bad.error).toMatch(/after/);
  });

  it('watching an occurrence checks the socket may see it', async () => {
    const fire = await client(a, 'fireAgent');
    const parking = await createOccurrence(a, db.token('operator'), 'ILLEGAL_PARKING');
    const vehicle = await createOccurrence(a, db.token('operator'), 'FIRE_VEHICLE');
    expect(await fire.socket.emitWithAck('occurrence:watch', { occurrenceId: parking })).toEqual({ ok: false, error: 'Occurrence not found' });
    expect(await fire.socket.emitWithAck('occurrence:watch', { occurrenceId: vehicle })).toEqual({ ok: true });
    expect(await fire.socket.emitWithAck('occurrence:watch', { occurrenceId: 'x' })).toMatchObject({ ok: false });
  });
});
