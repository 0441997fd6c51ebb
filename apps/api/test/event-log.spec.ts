import { Client } from 'pg';
import { EventLogService } from '../src/events/event-log.service';
import { comparePositions, parsePosition, START_POSITION, type EventPosition } from '../src/events/event-position';
import { startApi, type ApiHarness } from '../../../test/support/api-harness';

describe('event log ordering', () => {
  let api: ApiHarness;
  let log: EventLogService;
  beforeAll(async () => {
    api = await startApi();
    log = api.app.get(EventLogService);
  });
  afterAll(() => api.close());

  const insert = (c: Client, marker: string) =>
    c.query(`INSERT INTO occurrence_events (type, actor, payload) VALUES ('NOTE_ADDED', 'test', $1::jsonb)`, [JSON.stringify({ marker })]);

  async function drain(from: EventPosition): Promise<{ markers: string[]; position: EventPosition }> {
    const markers: string[] = [];
    let position = from;
    for (;;) {
      const batch = await log.readAfter(position, 100);
      if (batch.length === 0) return { markers, position };
      for (const e of batch) {
        const p = parsePosition(e.position)!;
        if (comparePositions(p, position) <= 0) throw new Error(`went back: ${e.position} after ${position.txId}.${position.seq}`);
        position = p;
        if (typeof e.payload.marker === 'string') markers.push(e.payload.marker);
      }
    }
  }

  it('never skips an event whose transaction took its position first but commits last', async () => {
    const { position: start } = await drain(START_POSITION);
    const slow = new Client({ connectionString: api.env.DATABASE_URL });
    const fast = new Client({ connectionString: api.env.DATABASE_URL });
    await Promise.all([slow.connect(), fast.connect()]);
    try {
      await slow.query('BEGIN');
      await insert(slow, 'slow'); // takes its transaction id and sequence now
      await fast.query('BEGIN');
      await insert(fast, 'fast');
      await fast.query('COMMIT');
      // The reader must not move past the slow transaction while it is in flight.
      const early = await drain(start);
      expect(early.markers).toEqual([]);
      await slow.query('COMMIT');
      // Transactions of other databases on the server also hold the horizon back: poll briefly.
      const markers: string[] = [];
      let position = early.position;
      for (let i = 0; i < 100 && markers.length < 2; i++) {
        const late = await drain(position);
        markers.push(...late.markers);
        position = late.position;
        if (markers.length < 2) await new Promise((r) => setTimeout(r, 50));
      }
      expect(markers).toEqual(['slow', 'fast']);
    } finally {
      await Promise.all([slow.end(), fast.end()]);
    }
  });

  it('a reader racing 50 concurrent writers sees every event exactly once, in order', async () => {
    const { position: start } = await drain(START_POSITION);
    const writers = Array.from({ length: 50 }, (_, i) => i);
    const seen: string[] = [];
    let position = start;
    let writing = true;
    const reader = (async () => {
      while (writing || seen.length < 50 * 3) {
        const r = await drain(position);
        seen.push(...r.markers);
        position = r.position;
        if (!writing && r.markers.length === 0) break;
      }
    })();
    await Promise.all(
      writers.map(async (w) => {
        const c = new Client({ connectionString: api.env.DATABASE_URL });
        await c.connect();
        try {
          await c.query('BEGIN');
          for (let k = 0; k < 3; k++) {
            await insert(c, `${w}-${k}`);
            await new Promise((r) => setTimeout(r, Math.random() * 5));
          }
          await c.query('COMMIT');
        } finally {
          await c.end();
        }
      }),
    );
    writing = false;
    await reader;
    expect(seen).toHaveLength(150);
    expect(new Set(seen).size).toBe(150);
    // Events of one transaction stay in their order.
    for (const w of writers) {
      const mine = seen.filter((s) => s.startsWith(`${w}-`));
      expect(mine).toEqual([`${w}-0`, `${w}-1`, `${w}-2`]);
    }
  });

  it('is append-only', async () => {
    await expect(api.db.query(`UPDATE occurrence_events SET actor = 'x'`)).rejects.toThrow(/append-only/);
    await expect(api.db.query(`DELETE FROM occurrence_events`)).rejects.toThrow(/append-only/);
  });
});
