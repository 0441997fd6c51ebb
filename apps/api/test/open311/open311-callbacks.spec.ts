import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { verify, SIGNATURE_HEADER } from '../../src/open311/callbacks/callback-signature';
import { STATUS_CALLBACK_QUEUE } from '../../src/open311/callbacks/status-callback.queue';
import type { StatusCallbackBody } from '../../src/open311/callbacks/status-callback.relay';
import { PLACES, type ApiHarness } from '../../../../test/support/api-harness';
import { createKey, eventually, form, startOpen311Api } from './open311-support';

interface Received {
  ok: boolean;
  body: StatusCallbackBody;
  raw: string;
  signature: string | undefined;
  delivery: string | undefined;
}

/** A real HTTP receiver: refuses with 500 while `failures` > 0 or `down`, then accepts. */
class Receiver {
  readonly received: Received[] = [];
  failures = 0;
  down = false;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const ok = !this.down && this.failures <= 0;
        if (!ok && !this.down) this.failures--;
        this.received.push({ ok, raw, body: JSON.parse(raw) as StatusCallbackBody, signature: req.headers[SIGNATURE_HEADER] as string | undefined, delivery: req.headers['x-cgi-delivery'] as string | undefined });
        res.statusCode = ok ? 204 : 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/open311`;
  }

  accepted(ref: string): StatusCallbackBody[] {
    return this.received.filter((r) => r.ok && r.body.service_request_id === ref).map((r) => r.body);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('Open311 status callbacks', () => {
  let api: ApiHarness;
  let key: string;
  let secret: string;
  const receiver = new Receiver();
  beforeAll(async () => {
    await receiver.start();
    api = await startOpen311Api({ CALLBACK_SWEEP_MS: '200' });
    key = (await createKey(api)).key;
    const res = await api.http().post('/open311/v2/callbacks.json').type('form').send(form({ api_key: key, callback_url: receiver.url }));
    expect(res.status).toBe(201);
    secret = res.body[0].secret;
    expect(secret).toMatch(/^whsec_/);
  });
  afterAll(async () => {
    await api.close();
    await receiver.stop();
  });

  const report = async (service_code: string) => {
    const res = await api.http().post('/open311/v2/requests.json').type('form')
      .send(form({ api_key: key, service_code, lat: PLACES.paranhos.lat, long: PLACES.paranhos.lon }));
    expect(res.status).toBe(201);
    const ref: string = res.body[0].service_request_id;
    const { rows: [{ id }] } = await api.db.query(`SELECT id FROM occurrences WHERE reference = $1`, [ref]);
    return { ref, id: id as string };
  };
  const cmd = (id: string, path: string, who: 'operator' | 'mobilityAgent' | 'supervisor', body: object = {}) =>
    api.http().post(`/api/v1/occurrences/${id}/${path}`).set('authorization', api.auth(who)).send(body).expect((res) => {
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    });
  const delivered = async (id: string, n: number) =>
    eventually(async () => {
      const { rows } = await api.db.query(`SELECT count(*)::int AS n FROM callback_deliveries WHERE occurrence_id = $1 AND delivered_at IS NOT NULL`, [id]);
      return rows[0].n >= n;
    }, `${n} callbacks of ${id} delivered`);

  it('registers a webhook and shows it without its secret', async () => {
    const res = await api.http().get(`/open311/v2/callbacks.json?api_key=${key}`);
    expect(res.body).toEqual([{ callback_url: receiver.url }]);
    expect((await api.http().post('/open311/v2/callbacks.json').type('form').send(form({ api_key: key, callback_url: 'ftp://x' }))).status).toBe(400);
    expect((await api.http().post('/open311/v2/callbacks.json').type('form').send(form({ callback_url: receiver.url }))).status).toBe(403);
  });

  it('POSTs every status change of a request and of the duplicate linked to it, signed, once each, in order, through a receiver that fails twice', async () => {
    receiver.failures = 2;
    const parent = await report('TRAFFIC_LIGHT_FAULT');
    const child = await report('TRAFFIC_LIGHT_FAULT');
    expect((await api.db.query(`SELECT parent_id FROM occurrences WHERE id = $1`, [child.id])).rows[0].parent_id).toBe(parent.id);

    await cmd(parent.id, 'triage', 'operator');
    await cmd(parent.id, 'dispatch', 'operator');
    await cmd(parent.id, 'acknowledge', 'mobilityAgent');
    await cmd(parent.id, 'notes', 'mobilityAgent', { text: 'Técnico a caminho.', visibility: 'PUBLIC' });
    await cmd(parent.id, 'notes', 'mobilityAgent', { text: 'nota interna', visibility: 'INTERNAL' });
    await cmd(parent.id, 'resolve', 'mobilityAgent', { note: 'fusível', publicNote: 'Semáforo reparado.' });
    await cmd(parent.id, 'close', 'supervisor');

    const expected = [
      ['TRIAGED', 'open', null], ['DISPATCHED', 'open', null], ['ACKNOWLEDGED', 'open', null],
      ['NOTE_ADDED', 'open', 'Técnico a caminho.'], ['RESOLVED', 'closed', 'Semáforo reparado.'], ['CLOSED', 'closed', null],
    ];
    for (const r of [parent, child]) {
      await delivered(r.id, expected.length);
      const got = receiver.accepted(r.ref);
      expect(got.map((b) => b.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(got.map((b) => [b.event, b.status, b.status_notes])).toEqual(expected);
      expect(got.every((b) => b.token === r.id)).toBe(true);
    }
    expect(receiver.accepted(child.ref).every((b) => b.parent_service_request_id === parent.ref)).toBe(true);
    // Two refusals, retried; every accepted callback was signed with the client's secret.
    expect(receiver.received.filter((r) => !r.ok)).toHaveLength(2);
    expect(receiver.received.filter((r) => r.ok)).toHaveLength(12);
    expect(receiver.received.every((r) => verify(secret, r.raw, r.signature))).toBe(true);
    expect(verify('whsec_wrong', receiver.received[0].raw, receiver.received[0].signature)).toBe(false);
    const { rows } = await api.db.query(`SELECT sum(attempts)::int AS attempts, count(*)::int AS n FROM callback_deliveries`);
    expect(rows[0]).toEqual({ attempts: 14, n: 12 });
  });

  it('loses nothing when the queue is wiped (Redis restart) while the receiver is down', async () => {
    const before = receiver.received.length;
    receiver.down = true;
    const r = await report('ROAD_DAMAGE');
    await cmd(r.id, 'triage', 'operator');
    await cmd(r.id, 'dispatch', 'operator');
    await eventually(async () => receiver.received.length > before, 'a refused attempt');
    const queue = new Queue(STATUS_CALLBACK_QUEUE, { connection: { url: api.env.REDIS_URL }, prefix: api.env.CALLBACK_QUEUE_PREFIX });
    await queue.obliterate({ force: true });
    await queue.close();
    receiver.down = false;
    await delivered(r.id, 2);
    expect(receiver.accepted(r.ref).map((b) => [b.sequence, b.event])).toEqual([[1, 'TRIAGED'], [2, 'DISPATCHED']]);
  });
});
