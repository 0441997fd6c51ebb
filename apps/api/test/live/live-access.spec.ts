import { io } from 'socket.io-client';
import { compareLivePositions, LIVE_NAMESPACE } from '@cgi/shared';
import { ApiNode, createOccurrence, FeedClient, LiveTestDatabase, RedisServer, until, type Identity } from './support/live-cluster';

type ConnectError = Error & { data?: { code: string; message: string } };

/** Who may hold a live socket: two real API processes, a private Redis, real socket.io-client consoles. */
describe('live feed access across two API nodes', () => {
  let redis: RedisServer;
  let db: LiveTestDatabase;
  let a: ApiNode;
  let b: ApiNode;
  const clients: FeedClient[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    db = await LiveTestDatabase.create();
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url };
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

  async function client(node: ApiNode, who: Identity, after?: string): Promise<FeedClient> {
    const c = new FeedClient(after);
    await c.connect(node, db.token(who), { resume: after !== undefined });
    clients.push(c);
    return c;
  }

  /** A handshake's outcome: 'connected', or the connect_error. */
  function attempt(url: string, auth: Record<string, string>): Promise<'connected' | ConnectError> {
    return new Promise((resolve) => {
      const s = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
      s.once('connect', () => {
        s.disconnect();
        resolve('connected');
      });
      s.once('connect_error', (err) => {
        s.disconnect();
        resolve(err as ConnectError);
      });
    });
  }

  const rest = (node: ApiNode, token: string): Promise<Response> =>
    fetch(`${node.url}/api/v1/occurrences`, { headers: { authorization: `Bearer ${token}` } });

  it('disabling a user closes their sockets on both nodes within a second and refuses their token on every node at once', async () => {
    const token = db.token('fireAgent');
    const onA = await client(a, 'fireAgent');
    const onB = await client(b, 'fireAgent');
    const operator = await client(b, 'operator');
    await Promise.all([onA.waitForHeartbeat(), onB.waitForHeartbeat(), operator.waitForHeartbeat()]);
    // Both nodes have accepted (and cached as verified) the token before.
    expect((await rest(a, token)).status).toBe(200);
    expect((await rest(b, token)).status).toBe(200);
    const closed = [onA, onB].map(
      (c) => new Promise<{ reason: string; at: number }>((resolve) => c.socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() }))),
    );

    const res = await fetch(`${a.url}/api/v1/admin/users/${await db.userId('fireAgent')}/disable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${db.token('admin')}` },
    });
    const answeredAt = Date.now();
    expect(res.status).toBe(200);

    // REST, from the next request, on the node that did not do the disabling too.
    for (const node of [b, a]) {
      const refused = await rest(node, token);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
    const gone = await Promise.all(closed);
    for (const g of gone) {
      expect(g.reason).toBe('io server disconnect');
      expect(g.at - answeredAt).toBeLessThanOrEqual(1000);
    }
    // A new socket with the same token is refused, on either node.
    for (const node of [a, b]) {
      const err = await attempt(`${node.url}${LIVE_NAMESPACE}`, { token });
      expect(err).not.toBe('connected');
      expect((err as ConnectError).data).toEqual({ code: 'UNAUTHENTICATED', message: 'This account is disabled' });
    }
    // Others are untouched: the operator's socket still gets what happens.
    expect(operator.socket.connected).toBe(true);
    await createOccurrence(a, db.token('operator'), 'FIRE_VEHICLE');
    const positions = await db.positionsAfter('0.0');
    await operator.waitForPosition(positions[positions.length - 1]);
    expect(onA.received.length + onB.received.length).toBe(0);
  });

  it('refuses the main namespace "/" (even anonymous) and closes the connection; only /live is served', async () => {
    for (const auth of [{}, { token: db.token('viewer') }]) {
      const s = io(`${a.url}/`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
      let closedAt = 0;
      s.io.on('close', () => (closedAt = Date.now()));
      const outcome = await new Promise<'connected' | ConnectError>((resolve) => {
        s.once('connect', () => resolve('connected'));
        s.once('connect_error', (err) => resolve(err as ConnectError));
      });
      const refusedAt = Date.now();
      expect(outcome).not.toBe('connected');
      expect((outcome as ConnectError).data).toEqual({ code: 'NOT_FOUND', message: 'Only the /live namespace is served' });
      // The server closes the underlying connection: nothing is held open.
      await until('the connection to close', () => closedAt > 0, 1000);
      expect(closedAt - refusedAt).toBeLessThan(1000);
      s.close();
    }
    const other = await attempt(`${a.url}/admin`, {});
    expect(other).not.toBe('connected');
    expect((other as ConnectError).message).toBe('Invalid namespace');
  });

  it('a resume position beyond the head of the log is told to reload, with the head, instead of hearing nothing', async () => {
    await createOccurrence(a, db.token('operator'), 'BOLLARD_FAULT');
    const all = await db.positionsAfter('0.0');
    const last = all[all.length - 1];
    // The head is the newest position a snapshot read now is sure to contain: at most the last event.
    const isHead = (p: string): boolean => compareLivePositions(p, '0.0') > 0 && compareLivePositions(p, last) <= 0;
    // In the handshake…
    const viewer = await client(b, 'viewer', '99999999.1');
    await until('feed:reload', () => viewer.reloads.length > 0, 5000);
    expect(viewer.reloads).toHaveLength(1);
    expect(viewer.reloads[0].reason).toBe('position is beyond the head of the event log');
    const head = viewer.reloads[0].position;
    expect(isHead(head)).toBe(true);
    // …and by feed:resume, on the other node.
    const operator = await client(a, 'operator');
    const ack = await operator.resume('99999999.1');
    expect(ack).toMatchObject({ ok: true, replayed: 0, reload: true });
    expect(isHead(ack.position)).toBe(true);
    expect(operator.reloads.map((r) => r.position)).toEqual([ack.position]);
    // Resuming from the head given: what came after it is replayed, then live again.
    viewer.cursor.reset(head);
    expect(await viewer.resume()).toMatchObject({ ok: true, reload: false });
    await createOccurrence(a, db.token('operator'), 'BOLLARD_FAULT');
    const next = await db.positionsAfter(head);
    await viewer.waitForPosition(next[next.length - 1]);
    expect(viewer.positions()).toEqual(next);
  });
});
