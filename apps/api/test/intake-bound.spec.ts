import { Client } from 'pg';
import type { OccurrenceDetail } from '@cgi/shared';
import { ApiKeyService } from '../src/auth/api-key.service';
import { OccurrenceIntakeService } from '../src/occurrences/occurrence-intake.service';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';

/** Holds intake's context read (a lock on operational_levels) so that admitted reports stay in flight; answers the release. */
async function holdIntakeRead(databaseUrl: string): Promise<() => Promise<void>> {
  const locker = new Client({ connectionString: databaseUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE operational_levels IN ACCESS EXCLUSIVE MODE');
  return async () => {
    await locker.query('COMMIT');
    await locker.end();
  };
}

/**
 * ADR 0016: intake is bounded per node (INTAKE_MAX_QUEUE reports taken in and not yet answered).
 * Past the bound a report is refused at once with 503 OVERLOADED and Retry-After, in the one
 * error shape (Open311's own on its path), and nothing of it is stored; the admitted ones are
 * stored as usual, and a refused report retried with its Idempotency-Key is stored once.
 */
describe('intake bound: 503 OVERLOADED with Retry-After past INTAKE_MAX_QUEUE, nothing stored', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ INTAKE_MAX_QUEUE: '4', INTAKE_RETRY_AFTER_S: '2', RATE_LIMIT_USER_PER_MINUTE: '100000' });
  });
  afterAll(() => api.close());

  const report = (tag: string, extra: object = {}) => ({ category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: tag, ...extra });
  const post = (body: object, key: string) =>
    api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator')).set('idempotency-key', key).send(body);
  const storedKeys = async (prefix: string): Promise<string[]> =>
    (await api.db.query<{ k: string }>(
      `SELECT split_part(idempotency_key, ':', 3) AS k FROM occurrences WHERE split_part(idempotency_key, ':', 3) LIKE $1 || '%' ORDER BY 1`,
      [prefix],
    )).rows.map((r) => r.k);

  const hold = () => holdIntakeRead(api.env.DATABASE_URL);

  /** Waits until `n` intake requests are admitted (or, `down`, until at most `n` are). */
  async function inFlight(n: number, down = false): Promise<void> {
    const intake = api.app.get(OccurrenceIntakeService);
    for (let i = 0; down ? intake.reportsInFlight > n : intake.reportsInFlight < n; i++) {
      if (i > 500) throw new Error(`only ${intake.reportsInFlight} of ${n} reports in flight`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('refuses the reports past the bound at once, batched and citizen alike, stores only the admitted, and takes the retry', async () => {
    const before = await api.count('occurrences');
    const events = await api.count('occurrence_events');
    const release = await hold();
    // Four in flight: an operator batch (one being read, two queued behind it) and a citizen report.
    const admitted = [
      post(report('a0'), 'bound-a0').then((r) => r),
      post(report('a1'), 'bound-a1').then((r) => r),
      post(report('a2'), 'bound-a2').then((r) => r),
      post(report('a3', { source: 'CITIZEN', location: PLACES.paranhos }), 'bound-a3').then((r) => r),
    ];
    await inFlight(4);
    const refused = await Promise.all([
      post(report('r0'), 'bound-r0'),
      post(report('r1', { source: 'CITIZEN' }), 'bound-r1'),
    ]);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('2');
      expect(r.body.error).toMatchObject({ code: 'OVERLOADED', correlationId: r.headers['x-correlation-id'] });
    }
    // Refused before its body is read or its token checked: a refusal costs next to nothing.
    const early = await api.http().post('/api/v1/occurrences').set('content-type', 'application/json').send('{not json');
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('2');
    expect(early.body.error).toMatchObject({ code: 'OVERLOADED', correlationId: early.headers['x-correlation-id'] });
    // Other endpoints are not bounded.
    expect((await api.http().get('/api/v1/occurrences?limit=1').set('authorization', api.auth('operator'))).status).toBe(200);
    // The refused reports were answered while the admitted ones still wait: nothing of them is stored, ever.
    await release();
    const answers = await Promise.all(admitted);
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(await storedKeys('bound-')).toEqual(['bound-a0', 'bound-a1', 'bound-a2', 'bound-a3']);
    expect(await api.count('occurrences')).toBe(before + 4);
    // Three dispatched operator reports (created, dispatched) and a citizen report left NEW (created).
    expect(await api.count('occurrence_events')).toBe(events + 3 * 2 + 1);

    // Capacity is back: the retry of a refused report (same key) is stored once; a repeat of it is a replay.
    const retried = await post(report('r0'), 'bound-r0');
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const again = await post(report('r0'), 'bound-r0');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((again.body as OccurrenceDetail).id).toBe((retried.body as OccurrenceDetail).id);
    expect(await storedKeys('bound-r')).toEqual(['bound-r0']);
  });

  it('under a burst far past the bound, every 201 is stored and no 503 is', async () => {
    const before = await api.count('occurrences');
    const answers = await Promise.all(Array.from({ length: 48 }, (_, i) => post(report(`burst ${i}`), `burst-${i}`)));
    const ok = answers.flatMap((r, i) => (r.status === 201 ? [`burst-${i}`] : []));
    const refused = answers.filter((r) => r.status === 503);
    expect(ok.length + refused.length).toBe(48);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.headers['retry-after'] === '2' && r.body.error.code === 'OVERLOADED')).toBe(true);
    expect(await storedKeys('burst-')).toEqual([...ok].sort());
    expect(await api.count('occurrences')).toBe(before + ok.length);
    await inFlight(0, true);
  });

  it('refuses an Open311 request past the bound with 503 and Retry-After in Open311\'s error shape', async () => {
    const { key } = await api.app.get(ApiKeyService).create('Gabinete do Munícipe', ['occurrences:create'], 'test');
    const before = await api.count('open311_requests');
    const release = await hold();
    const admitted = Array.from({ length: 4 }, (_, i) => post(report(`o${i}`), `open311-${i}`).then((r) => r));
    await inFlight(4);
    const res = await api.http().post('/open311/v2/requests.json').type('form')
      .send(new URLSearchParams({ api_key: key, service_code: 'FALLEN_TREE', lat: String(PLACES.campanha.lat), long: String(PLACES.campanha.lon), description: 'Árvore caída' }).toString());
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toEqual([{ code: 503, description: expect.stringContaining('capacity') }]);
    await release();
    expect((await Promise.all(admitted)).map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(await api.count('open311_requests')).toBe(before);
  });
});

/**
 * ADR 0016: intake's latency budget. A report still waiting INTAKE_MAX_WAIT_MS after its request
 * arrived is refused (503 OVERLOADED, Retry-After) instead of being written late, so that under
 * overload the admitted reports keep their latency; the refused ones are stored nowhere.
 */
describe('intake latency budget: 503 OVERLOADED past INTAKE_MAX_WAIT_MS, nothing stored', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ INTAKE_MAX_WAIT_MS: '300', INTAKE_MAX_QUEUE: '100', INTAKE_RETRY_AFTER_S: '3', INTAKE_BATCH_CONCURRENCY: '1' });
  });
  afterAll(() => api.close());

  it('writes the report whose batch started in time and refuses the ones that waited past the budget', async () => {
    const intake = api.app.get(OccurrenceIntakeService);
    const post = (key: string) =>
      api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator')).set('idempotency-key', key)
        .send({ category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: key });
    const before = await api.count('occurrences');
    // Hold intake's context read (a lock on operational_levels): the first report's batch starts and
    // waits on it, the next two queue behind that batch past the 300 ms budget.
    const release = await holdIntakeRead(api.env.DATABASE_URL);
    const first = post('budget-0').then((r) => r);
    for (let i = 0; intake.reportsInFlight < 1; i++) {
      if (i > 500) throw new Error('the first report never arrived');
      await new Promise((r) => setTimeout(r, 10));
    }
    const late = [post('budget-1').then((r) => r), post('budget-2').then((r) => r)];
    for (let i = 0; intake.waitingReports < 2; i++) {
      if (i > 500) throw new Error(`only ${intake.waitingReports} reports queued`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 500));
    await release();

    expect((await first).status).toBe(201);
    for (const res of await Promise.all(late)) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('3');
      expect(res.body.error).toEqual(expect.objectContaining({ code: 'OVERLOADED', correlationId: expect.any(String) }));
    }
    expect(await api.count('occurrences')).toBe(before + 1);
    // The refused report, sent again with its key once the node is free, is stored once.
    const retry = await post('budget-1');
    expect(retry.status).toBe(201);
    expect(await api.count('occurrences')).toBe(before + 2);
  });

  it('counts the batch in the budget: after slow batches, a report that waited less than the budget but more than it leaves is refused', async () => {
    const intake = api.app.get(OccurrenceIntakeService);
    const post = (key: string) =>
      api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator')).set('idempotency-key', key)
        .send({ category: 'FALLEN_TREE', location: PLACES.paranhos, description: key });
    const hold = () => holdIntakeRead(api.env.DATABASE_URL);
    const until = async (test: () => boolean | Promise<boolean>, what: string): Promise<void> => {
      for (let i = 0; !(await test()); i++) {
        if (i > 500) throw new Error(what);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    /** A batch's read waits on the held lock: that batch has started. */
    const batchStarted = async (): Promise<boolean> =>
      (await api.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'operational_levels'::regclass`)).rows[0].n > 0;
    const before = await api.count('occurrences');
    // A batch held 400 ms: batches are now expected to take long, so of the 300 ms budget a report
    // may have waited at most half (150 ms) when its batch starts.
    let release = await hold();
    const slow = post('cutoff-0').then((r) => r);
    await until(batchStarted, 'the first batch never started');
    await new Promise((r) => setTimeout(r, 400));
    await release();
    expect((await slow).status).toBe(201);
    // The next report's batch is held too; one more waits behind it over 200 ms (within 300).
    release = await hold();
    const running = post('cutoff-1').then((r) => r);
    await until(batchStarted, 'the second batch never started');
    const queued = post('cutoff-2').then((r) => r);
    await until(() => intake.waitingReports >= 1, 'the third report never queued');
    await new Promise((r) => setTimeout(r, 200));
    await release();
    expect((await running).status).toBe(201);
    const refused = await queued;
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('3');
    expect(refused.body.error).toEqual(expect.objectContaining({ code: 'OVERLOADED', correlationId: expect.any(String) }));
    expect(await api.count('occurrences')).toBe(before + 2);
    const { rows } = await api.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM occurrences WHERE idempotency_key LIKE '%:cutoff-2'`);
    expect(rows[0].n).toBe(0);
  });
});
