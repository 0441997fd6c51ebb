import { ApiNode, createOccurrence, FeedClient, LiveTestDatabase, RedisServer, until } from './support/live-cluster';

/** A console that stops reading: bounded buffer, nobody else slowed, caught up from the log afterwards. */
describe('live feed backpressure', () => {
  let redis: RedisServer;
  let db: LiveTestDatabase;
  let node: ApiNode;
  const clients: FeedClient[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    db = await LiveTestDatabase.create();
    node = await ApiNode.start({ DATABASE_URL: db.url, REDIS_URL: redis.url, LIVE_SOCKET_BUFFER_LIMIT: '10' });
    await node.waitUntilLeading();
  }, 120000);

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await node?.kill('SIGTERM');
    await redis?.stop();
    await db?.close();
  }, 30000);

  it('a stalled console stops getting live events while the others get all of them, then catches up in order once it reads again', async () => {
    const fast = new FeedClient();
    await fast.connect(node, db.token('viewer'));
    const slow = new FeedClient();
    // Long-polling: the server queues packets until the client polls, so a client that stops polling stalls.
    await slow.connect(node, db.token('viewer'), { transports: ['polling'] });
    clients.push(fast, slow);
    await Promise.all([fast.waitForHeartbeat(), slow.waitForHeartbeat()]);
    const from = fast.cursor.position;
    const polling = slow.socket.io.engine.transport as unknown as { pause: (cb: () => void) => void; _poll: () => void; readyState: string };
    await new Promise<void>((resolve) => polling.pause(resolve));

    for (let i = 0; i < 30; i++) await createOccurrence(node, db.token('operator'));
    const expected = await db.positionsAfter(from);
    expect(expected).toHaveLength(60);
    // The fast console is not held back by the stalled one.
    await fast.waitForPosition(expected[59]);
    expect(fast.positionsAfter(from)).toEqual(expected);
    await until('the node to stop live delivery to the stalled socket', () => /too slow/.test(node.output), 5000);

    // The client reads again (engine.io-client has no public resume for a paused transport).
    expect(slow.received).toHaveLength(0);
    polling.readyState = 'open';
    polling._poll();
    await slow.waitForPosition(expected[59]);
    expect(slow.positionsAfter(from)).toEqual(expected);
    expect(slow.inOrderOnce()).toBe(true);
  }, 60000);
});
