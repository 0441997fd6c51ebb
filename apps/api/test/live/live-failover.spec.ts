import { ApiNode, createOccurrence, FeedClient, LiveTestDatabase, RedisServer, until, type Identity } from './support/live-cluster';

/** Faults: an API node killed with -9 (the relay's leader), and Redis restarted under the feed. */
describe('live feed under faults', () => {
  let redis: RedisServer;
  let db: LiveTestDatabase;
  let nodes: ApiNode[] = [];
  const clients: FeedClient[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    db = await LiveTestDatabase.create();
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url };
    nodes = await Promise.all([ApiNode.start(env), ApiNode.start(env), ApiNode.start(env)]);
    await until('a relay', () => nodes.some((n) => n.leading), 10000);
  }, 120000);

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await redis?.stop();
    await db?.close();
  }, 30000);

  async function client(node: ApiNode, who: Identity): Promise<FeedClient> {
    const c = new FeedClient();
    await c.connect(node, db.token(who));
    clients.push(c);
    await c.waitForHeartbeat();
    return c;
  }

  /** Waits until the client has every event after `from` that it may see, then checks it got exactly those, once, in order. */
  async function expectExactly(c: FeedClient, from: string, department?: 'FIRE'): Promise<number> {
    const expected = await db.positionsAfter(from, department);
    await c.waitForPosition(expected[expected.length - 1], 20000);
    await c.waitForHeartbeat();
    expect(c.positionsAfter(from)).toEqual(expected);
    expect(c.inOrderOnce()).toBe(true);
    return expected.length;
  }

  it('kill -9 of the relay node: its consoles reconnect to another node and miss nothing; another node takes over the relay', async () => {
    const leader = nodes.find((n) => n.leading)!;
    const [b, c] = nodes.filter((n) => n !== leader);
    const viewerOnA = await client(leader, 'viewer');
    const fireOnA = await client(leader, 'fireAgent');
    const viewerOnB = await client(b, 'viewer');
    const from = { viewerOnA: viewerOnA.cursor.position, fireOnA: fireOnA.cursor.position, viewerOnB: viewerOnB.cursor.position };
    for (const [cl, who] of [[viewerOnA, 'viewer'], [fireOnA, 'fireAgent']] as const) {
      // The console's reconnect: to a surviving node, resuming from its last position.
      cl.socket.once('disconnect', () => void cl.connect(b, db.token(who), { resume: true }));
    }
    const writing = (async () => {
      for (let i = 0; i < 40; i++) {
        await createOccurrence(i % 2 ? b : c, db.token('operator'), i % 2 ? 'FIRE_VEHICLE' : 'ILLEGAL_PARKING');
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await until('a few events on the relay node', () => viewerOnA.received.length >= 10, 10000);
    await leader.kill('SIGKILL');
    await writing;
    await until('another relay', () => b.leading || c.leading, 10000);
    expect(await expectExactly(viewerOnA, from.viewerOnA)).toBe(80);
    expect(await expectExactly(fireOnA, from.fireOnA, 'FIRE')).toBe(40);
    expect(await expectExactly(viewerOnB, from.viewerOnB)).toBe(80);
  }, 60000);

  it('Redis restarted: the feed resumes on a node that is not the relay and nothing is missing', async () => {
    const relay = nodes.find((n) => n.leading && n.alive)!;
    const other = nodes.find((n) => n !== relay && n.alive)!;
    const viewer = await client(other, 'viewer');
    const fire = await client(other, 'fireAgent');
    const from = { viewer: viewer.cursor.position, fire: fire.cursor.position };
    await createOccurrence(relay, db.token('operator'), 'FIRE_VEHICLE');
    await redis.stop();
    for (let i = 0; i < 10; i++) await createOccurrence(i % 2 ? relay : other, db.token('operator'), i % 2 ? 'FIRE_VEHICLE' : 'ILLEGAL_PARKING');
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    for (let i = 0; i < 5; i++) await createOccurrence(other, db.token('operator'), 'FIRE_VEHICLE');
    try {
      expect(await expectExactly(viewer, from.viewer)).toBe(32);
      expect(await expectExactly(fire, from.fire, 'FIRE')).toBe(22);
      expect(other.output).toMatch(/missed relay messages/);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- node output:\n${other.output.slice(-3000)}\n--- relay output:\n${relay.output.slice(-2000)}`);
    }
  }, 60000);
});
