import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import type { OccurrenceDetail } from '@cgi/shared';
import { OccurrenceIntakeService } from '../src/occurrences/occurrence-intake.service';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';

const TABLES = ['occurrences', 'occurrence_events', 'occurrence_assignments', 'reporter_contacts'];

describe('intake', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const post = (body: unknown, who: Parameters<ApiHarness['auth']>[0] = 'operator') =>
    api.http().post('/api/v1/occurrences').set('authorization', api.auth(who)).send(body as object);

  async function counts(): Promise<number[]> {
    const out: number[] = [];
    for (const t of TABLES) out.push(await api.count(t));
    return out;
  }

  it('dispatches an operator intake with a known category at once, with deadlines and events', async () => {
    const res = await post({
      category: 'FALLEN_TREE',
      location: PLACES.santaCatarina,
      description: 'Árvore caída a bloquear o passeio',
      reporter: { name: 'Maria Silva', phone: '+351912345678' },
    });
    expect(res.status).toBe(201);
    const o = res.body as OccurrenceDetail;
    expect(o.reference).toMatch(/^OC-\d{4}-\d{6}$/);
    expect(o.status).toBe('DISPATCHED');
    expect(o.priority).toBe('P2');
    expect(o.lead).toBe('CIVIL_PROTECTION');
    expect(o.location.parishCode).toBe('131217');
    expect(o.assignments.map((a) => [a.department, a.role, a.state])).toEqual([
      ['CIVIL_PROTECTION', 'LEAD', 'PENDING'],
      ['ENVIRONMENT', 'SUPPORT', 'PENDING'],
    ]);
    const lead = o.assignments[0];
    expect(Date.parse(lead.acknowledgeDueAt!) - Date.parse(lead.assignedAt)).toBe(5 * 60_000);
    expect(o.routing.ruleSetVersion).toBe(1);
    expect(o.routing.fired.map((f) => f.rule)).toContain('category:FALLEN_TREE');
    expect(o.timeline.map((e) => e.type)).toEqual(['OCCURRENCE_CREATED', 'DISPATCHED']);
    expect(JSON.stringify(o)).not.toContain('912345678');
    const contact = await api.db.query(`SELECT name, phone FROM reporter_contacts WHERE occurrence_id = $1`, [o.id]);
    expect(contact.rows).toEqual([{ name: 'Maria Silva', phone: '+351912345678' }]);
    // The answer is built from what the intake statement returned: it must be what a reader sees.
    const read = await api.http().get(`/api/v1/occurrences/${o.id}`).set('authorization', api.auth('operator'));
    expect(read.body).toEqual(o);
  });

  it('keeps a citizen report NEW for triage, and auto-dispatches a P1 sensor alarm', async () => {
    const citizen = await post({ category: 'NOISE', source: 'CITIZEN', location: PLACES.paranhos, description: 'Música alta' });
    expect(citizen.status).toBe(201);
    expect(citizen.body.status).toBe('NEW');
    expect(citizen.body.assignments).toEqual([]);
    const read = await api.http().get(`/api/v1/occurrences/${citizen.body.id}`).set('authorization', api.auth('operator'));
    expect(read.body).toEqual(citizen.body);
    const sensor = await post({ category: 'GAS_LEAK', source: 'SENSOR', location: PLACES.campanha, description: 'Detetor de gás' });
    expect(sensor.body.status).toBe('DISPATCHED');
    expect(sensor.body.priority).toBe('P1');
  });

  it('applies the modifiers and records each one in the decision', async () => {
    const res = await post({
      category: 'TRAFFIC_ACCIDENT',
      location: PLACES.paranhos,
      description: 'Colisão com feridos',
      flags: { injuries: true, blocksTraffic: true },
    });
    expect(res.body.priority).toBe('P1');
    expect(res.body.routing.result.notify).toContain('INEM');
    expect(res.body.assignments.map((a: { department: string }) => a.department).sort()).toEqual(['FIRE', 'MOBILITY', 'POLICE']);
    expect(res.body.routing.fired.map((f: { rule: string }) => f.rule)).toEqual(
      expect.arrayContaining(['modifier:injuries', 'modifier:blocks-traffic']),
    );
  });

  it('keeps an occurrence just outside the municipality, for CGI triage, and says why', async () => {
    const res = await post({ category: 'FLOODING', location: PLACES.matosinhos, description: 'Inundação na fronteira' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('NEW');
    expect(res.body.lead).toBe('CGI');
    expect(res.body.location.parishCode).toBeNull();
    expect(res.body.routing.fired.map((f: { rule: string }) => f.rule)).toContain('outside-municipality');
  });

  describe('bad input: a clear error naming the field, and nothing stored', () => {
    const valid = { category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'ok' };
    const cases: Array<[string, unknown, number, string[]]> = [
      ['missing category', { location: valid.location, description: 'x' }, 400, ['category']],
      ['missing location', { category: 'FALLEN_TREE', description: 'x' }, 400, ['location']],
      ['latitude out of range', { ...valid, location: { lat: 95, lon: -8.6 } }, 400, ['location.lat']],
      ['longitude not a number', { ...valid, location: { lat: 41.1, lon: 'west' } }, 400, ['location.lon']],
      ['coordinates in the Atlantic', { ...valid, location: PLACES.atlantic }, 400, ['location']],
      ['empty description', { ...valid, description: '' }, 400, ['description']],
      ['description over 4000 characters', { ...valid, description: 'x'.repeat(4001) }, 400, ['description']],
      ['unknown field', { ...valid, colour: 'red' }, 400, ['colour']],
      ['malformed category code', { ...valid, category: 'fallen tree' }, 400, ['category']],
      ['unknown category', { ...valid, category: 'ALIEN_LANDING' }, 422, ['category']],
      ['bad flag type', { ...valid, flags: { injuries: 'yes' } }, 400, ['flags.injuries']],
      ['negative people at risk', { ...valid, flags: { peopleAtRisk: -1 } }, 400, ['flags.peopleAtRisk']],
      ['bad reporter e-mail', { ...valid, reporter: { email: 'not-an-email' } }, 400, ['reporter.email']],
      ['bad source', { ...valid, source: 'PIGEON' }, 400, ['source']],
      ['a NUL character in the description', { ...valid, description: 'árvore\u0000caída' }, 400, ['description']],
      ['several bad fields at once', { category: 7, location: { lat: 'a' }, description: 5 }, 400, ['category', 'location.lat', 'location.lon', 'description']],
    ];
    it.each(cases)('%s', async (_name, body, status, fields) => {
      const before = await counts();
      const res = await post(body);
      expect(res.status).toBe(status);
      expect(res.body.error.correlationId).toEqual(res.headers['x-correlation-id']);
      const named = (res.body.error.fields as Array<{ field: string }>).map((f) => f.field);
      for (const f of fields) expect(named).toContain(f);
      expect(await counts()).toEqual(before);
    });

    it('a malformed JSON body', async () => {
      const before = await counts();
      const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
        .set('content-type', 'application/json').send('{"category": "FALLEN_TREE", ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.fields[0].field).toBe('body');
      expect(await counts()).toEqual(before);
    });

    it('a 10 MB description is refused by the body limit', async () => {
      const before = await counts();
      const res = await post({ ...valid, description: 'x'.repeat(10 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await counts()).toEqual(before);
    });
  });

  it('previews the routing decision without storing anything', async () => {
    const before = await counts();
    const res = await api.http().post('/api/v1/occurrences/routing-preview').set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'preview' });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ lead: 'FIRE', priority: 'P1' });
    expect(await counts()).toEqual(before);
    // Nor does it reserve a reference number.
    const seq = async (): Promise<string> => (await api.db.query(`SELECT last_value::text AS v FROM occurrence_reference_seq`)).rows[0].v;
    const reserved = await seq();
    await api.http().post('/api/v1/occurrences/routing-preview').set('authorization', api.auth('operator'))
      .send({ category: 'NOISE', location: PLACES.paranhos, description: 'preview' });
    expect(await seq()).toBe(reserved);
  });

  it('refuses unauthenticated and department roles', async () => {
    expect((await api.http().post('/api/v1/occurrences').send({})).status).toBe(401);
    const res = await post({ category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'x' }, 'fireAgent');
    expect(res.status).toBe(403);
  });

  /** Waits until `n` statements containing `text` wait on a lock. */
  async function lockWaiters(text: string, n: number): Promise<void> {
    for (let i = 0; ; i++) {
      const { rows: [w] } = await api.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`,
        [text],
      );
      if (w.n === n) return;
      if (i > 500) throw new Error(`${w.n} of ${n} statements with "${text}" wait on a lock`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Holds the batch writer: the first report's context read waits on a lock while the next
   * reports queue behind it; `release` lets them go, and they are written as one batch.
   */
  async function holdWriter(): Promise<{ started: () => Promise<void>; waitFor: (n: number) => Promise<void>; release: () => Promise<void> }> {
    const locker = new Client({ connectionString: api.env.DATABASE_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE operational_levels IN ACCESS EXCLUSIVE MODE');
    const intake = api.app.get(OccurrenceIntakeService);
    return {
      // The first report's batch has started: its context read waits on the lock.
      started: () => lockWaiters('WITH located AS', 1),
      waitFor: async (n) => {
        for (let i = 0; intake.waitingReports < n; i++) {
          if (i > 500) throw new Error(`only ${intake.waitingReports} of ${n} reports queued`);
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      release: async () => {
        await locker.query('COMMIT');
        await locker.end();
      },
    };
  }

  describe('reports that arrive together are stored together (group commit, ADR 0013)', () => {
    const places = [PLACES.santaCatarina, PLACES.paranhos, PLACES.campanha];
    const categories = ['FALLEN_TREE', 'TRAFFIC_LIGHT_FAULT', 'WASTE_OVERFLOW', 'NOISE', 'FLOODING'];
    const report = (i: number, tag: string) => ({
      category: categories[i % categories.length], location: places[i % places.length], description: `${tag} ${i}`,
    });

    it('gives each report its own answer and reference, in one transaction, and refuses a bad one alone', async () => {
      const before = await api.count('occurrences');
      const writer = await holdWriter();
      const first = post(report(0, 'together')).then((r) => r);
      await writer.started();
      const bodies = [
        ...Array.from({ length: 9 }, (_, i) => report(i + 1, 'together')),
        { ...report(10, 'together'), location: PLACES.atlantic },
        { ...report(11, 'together'), category: 'ALIEN_LANDING' },
      ];
      const rest = bodies.map((b) => post(b).then((r) => r));
      await writer.waitFor(bodies.length);
      expect((await api.http().get('/metrics')).text).toMatch(/^intake_reports_waiting 11$/m);
      await writer.release();
      const answers = [await first, ...(await Promise.all(rest))];
      expect(answers.map((r) => r.status)).toEqual([...Array(10).fill(201), 400, 422]);
      expect(answers[10].body.error.fields.map((f: { field: string }) => f.field)).toEqual(['location']);
      expect(answers[11].body.error.fields.map((f: { field: string }) => f.field)).toEqual(['category']);
      const stored = answers.slice(0, 10).map((r) => r.body as OccurrenceDetail);
      expect(stored.map((o) => o.description)).toEqual(Array.from({ length: 10 }, (_, i) => `together ${i}`));
      expect(new Set(stored.map((o) => o.reference)).size).toBe(10);
      for (const o of stored) {
        const read = await api.http().get(`/api/v1/occurrences/${o.id}`).set('authorization', api.auth('operator'));
        expect(read.body).toEqual(o);
        expect(o.timeline.map((e) => e.type)).toEqual(['OCCURRENCE_CREATED', 'DISPATCHED']);
      }
      expect(await api.count('occurrences')).toBe(before + 10);
      const tx = await api.db.query(
        `SELECT count(DISTINCT tx_id)::int AS n, count(*)::int AS events FROM occurrence_events WHERE occurrence_id = ANY($1::uuid[])`,
        [stored.slice(1).map((o) => o.id)],
      );
      expect(tx.rows[0]).toEqual({ n: 1, events: 18 });
    });

    it('when the batch write fails, writes each report on its own: only the bad one fails, none twice', async () => {
      await api.db.query(`
        CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.description = 'poison' THEN RAISE EXCEPTION 'poisoned report'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER test_poison BEFORE INSERT ON occurrences FOR EACH ROW EXECUTE FUNCTION test_poison();`);
      try {
        const before = await api.count('occurrences');
        const writer = await holdWriter();
        const first = post(report(0, 'mate')).then((r) => r);
        await writer.started();
        const bodies = [report(1, 'mate'), report(2, 'mate'), { ...report(3, 'mate'), description: 'poison' }, report(4, 'mate'), report(5, 'mate')];
        const rest = bodies.map((b) => post(b).then((r) => r));
        await writer.waitFor(bodies.length);
        await writer.release();
        const answers = [await first, ...(await Promise.all(rest))];
        expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 500, 201, 201]);
        expect(answers[3].body.error.code).toBe('INTERNAL');
        expect(await api.count('occurrences')).toBe(before + 5);
        const rows = await api.db.query(
          `SELECT o.description, count(e.seq)::int AS events FROM occurrences o JOIN occurrence_events e ON e.occurrence_id = o.id
            WHERE o.description LIKE 'mate %' OR o.description = 'poison' GROUP BY o.description ORDER BY o.description`,
        );
        expect(rows.rows).toEqual([0, 1, 2, 4, 5].map((i) => ({ description: `mate ${i}`, events: 2 })));
      } finally {
        await api.db.query(`DROP TRIGGER test_poison ON occurrences; DROP FUNCTION test_poison()`);
      }
    });
  });

  describe('Idempotency-Key: a retried report is stored once (ADR 0014)', () => {
    const body = (description: string, extra: object = {}) => ({ category: 'ROAD_OBSTRUCTION', location: PLACES.paranhos, description, ...extra });
    const postKeyed = (b: object, key: string, who: Parameters<ApiHarness['auth']>[0] = 'operator') =>
      api.http().post('/api/v1/occurrences').set('authorization', api.auth(who)).set('idempotency-key', key).send(b);
    const stored = async (description: string) =>
      Number((await api.db.query(`SELECT count(*)::int AS n FROM occurrences WHERE description = $1`, [description])).rows[0].n);
    const sequence = async () => (await api.db.query(`SELECT last_value::text AS v FROM occurrence_reference_seq`)).rows[0].v as string;

    it('answers a retry with the occurrence stored the first time, without storing, logging or numbering anything', async () => {
      const first = await postKeyed(body('idem retry'), 'retry-1');
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const events = await api.count('occurrence_events');
      const seq = await sequence();
      const again = await postKeyed(body('idem retry'), 'retry-1');
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await stored('idem retry')).toBe(1);
      expect(await api.count('occurrence_events')).toBe(events);
      expect(await sequence()).toBe(seq);
      // A citizen report goes through its own transaction: the same holds there.
      const c1 = await postKeyed(body('idem citizen', { source: 'CITIZEN', category: 'NOISE' }), 'citizen-1');
      const c2 = await postKeyed(body('idem citizen', { source: 'CITIZEN', category: 'NOISE' }), 'citizen-1');
      expect([c1.status, c2.status, c2.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
      expect(c2.body.id).toBe(c1.body.id);
      expect(await stored('idem citizen')).toBe(1);
    });

    it('scopes keys by client: another user with the same key reports a new occurrence', async () => {
      const a = await postKeyed(body('idem scoped'), 'shared-key');
      const b = await postKeyed(body('idem scoped'), 'shared-key', 'supervisor');
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body.id).not.toBe(a.body.id);
      expect(await stored('idem scoped')).toBe(2);
    });

    it('stores once when the same key arrives several times in one batch', async () => {
      const writer = await holdWriter();
      const first = post(body('idem batch lead')).then((r) => r);
      await writer.started();
      const same = [1, 2, 3].map(() => postKeyed(body('idem batch'), 'batch-key').then((r) => r));
      await writer.waitFor(3);
      const seq = await sequence();
      await writer.release();
      const answers = [await first, ...(await Promise.all(same))];
      expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(answers.slice(1).map((r) => r.body.id)).size).toBe(1);
      expect(answers.slice(1).map((r) => r.headers['idempotent-replayed'] ?? 'first').sort()).toEqual(['first', 'true', 'true']);
      expect(await stored('idem batch')).toBe(1);
      // The lead report and the key's one occurrence took a reference number each; the repeats none.
      expect(BigInt(await sequence()) - BigInt(seq)).toBe(2n);
    });

    it('two API nodes racing with the same key: one stores it, the other answers that occurrence', async () => {
      // A second node on the same database: its operator token names the same user.
      const other = await startApi({ DATABASE_URL: api.env.DATABASE_URL });
      try {
        const { rows: [op] } = await api.db.query(`SELECT id FROM users WHERE username = 'operator'`);
        const token = other.app.get(JwtService).sign({ sub: op.id, username: 'operator', role: 'CGI_OPERATOR', department: null });
        // Both writes wait on the event log until both nodes have read their context (no key found yet).
        const locker = new Client({ connectionString: api.env.DATABASE_URL });
        await locker.connect();
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE occurrence_events IN SHARE MODE');
        const a = postKeyed(body('idem race'), 'race-key').then((r) => r);
        const b = other.http().post('/api/v1/occurrences').set('authorization', `Bearer ${token}`).set('idempotency-key', 'race-key')
          .send(body('idem race')).then((r) => r);
        await lockWaiters('INSERT INTO occurrences', 2);
        await locker.query('COMMIT');
        await locker.end();
        const [ra, rb] = [await a, await b];
        expect([ra.status, rb.status]).toEqual([201, 201]);
        expect(rb.body.id).toBe(ra.body.id);
        expect([ra.headers['idempotent-replayed'], rb.headers['idempotent-replayed']].sort()).toEqual(['true', undefined]);
        expect(await stored('idem race')).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('refuses a malformed key, naming the header, and stores nothing', async () => {
      for (const key of ['', 'has space', 'x'.repeat(256), 'çedilha']) {
        const res = await postKeyed(body('idem bad key'), key);
        expect(res.status).toBe(400);
        expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['Idempotency-Key']);
      }
      expect(await stored('idem bad key')).toBe(0);
    });
  });
});
