import { createServer, type Server } from 'node:http';
import { PLACES } from '../../../test/support/api-harness';
import { signWebhook } from '../src/notifications/notification-channel';
import { EscalationHarness } from './support/escalation-harness';
import { freePort, waitFor } from './support/worker-process';

const SECRET = 'webhook-secret-for-tests-0123456789';

interface Received {
  delivery: string;
  recipient: string;
  signatureOk: boolean;
}

describe('notifications (in-app, signed webhook with retries, dead letters), proposals, dead-man alarm', () => {
  let h: EscalationHarness;
  let server: Server;
  const received: Received[] = [];
  const tries = new Map<string, number>();

  beforeAll(async () => {
    const port = await freePort();
    // Fails every delivery twice before accepting it; the municipal coordinator's endpoint is down for good.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const delivery = String(req.headers['x-cgi-delivery']);
        const recipient = (JSON.parse(body) as { notification: { recipientKind: string } }).notification.recipientKind;
        const signatureOk = req.headers['x-cgi-signature'] === signWebhook(SECRET, String(req.headers['x-cgi-timestamp']), body);
        received.push({ delivery, recipient, signatureOk });
        const n = (tries.get(delivery) ?? 0) + 1;
        tries.set(delivery, n);
        res.statusCode = recipient === 'MUNICIPAL_COORDINATOR' || n < 3 ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    h = await EscalationHarness.start(0.01, 1, {
      WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/escalation`,
      WEBHOOK_SECRET: SECRET,
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '100',
      DEADMAN_SECONDS: '2',
    });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    server.close();
  });

  it('each escalation is told through in-app and a signed webhook retried with backoff; exhausted retries are kept as dead letters', async () => {
    const o = await h.fire();
    // The lead's L1–L3 and each support department's L1–L2 (ADR 0017).
    await h.waitForEscalations([o.id], 7);
    const done = await waitFor('webhook deliveries to settle', async () => {
      const { rows } = await h.api.db.query(
        `SELECT d.department, n.recipient_kind, n.level, n.status, n.attempts FROM notifications n JOIN escalation_deadlines d ON d.id = n.deadline_id
          WHERE n.occurrence_id = $1 AND n.channel = 'WEBHOOK' ORDER BY n.level, n.recipient_kind, d.department`, [o.id],
      );
      return rows.length === 11 && rows.every((r) => r.status !== 'PENDING') ? rows : null;
    }, 20_000);
    expect(done.map((r) => `${r.level} ${r.recipient_kind} (${r.department}) ${r.status} ${r.attempts}`)).toEqual([
      'L1 DEPARTMENT (CIVIL_PROTECTION) DELIVERED 3',
      'L1 DEPARTMENT (FIRE) DELIVERED 3',
      'L1 DEPARTMENT (POLICE) DELIVERED 3',
      'L1 DEPARTMENT_SUPERVISOR (CIVIL_PROTECTION) DELIVERED 3',
      'L1 DEPARTMENT_SUPERVISOR (FIRE) DELIVERED 3',
      'L1 DEPARTMENT_SUPERVISOR (POLICE) DELIVERED 3',
      'L2 CGI_SUPERVISOR (CIVIL_PROTECTION) DELIVERED 3',
      'L2 CGI_SUPERVISOR (FIRE) DELIVERED 3',
      'L2 CGI_SUPERVISOR (POLICE) DELIVERED 3',
      'L3 CIVIL_PROTECTION (FIRE) DELIVERED 3',
      'L3 MUNICIPAL_COORDINATOR (FIRE) FAILED 3',
    ]);
    expect(received.length).toBe(33);
    expect(received.every((r) => r.signatureOk)).toBe(true);
    const { rows: inApp } = await h.api.db.query(`SELECT count(*)::int AS n FROM notifications WHERE occurrence_id = $1 AND channel = 'IN_APP'`, [o.id]);
    expect(inApp[0].n).toBe(11);

    // The dead letter is kept, shown on the readiness (which stays ready) and counted in the metrics.
    const ready = await h.workers[0].ready();
    expect(ready.status).toBe(200);
    expect(ready.body.deadLetters).toBe(1);
    const metrics = await h.workers[0].metrics();
    expect(metrics).toMatch(/bullmq_queue_jobs\{queue="notifications",state="failed"\} 1/);
    expect(metrics).toMatch(/dead_letter_jobs_total\{queue="notifications",job="deliver-webhook"\} 1/);
  }, 40_000);

  it('5 P1/P2 civil-protection occurrences in one parish within 60 minutes propose ALERT once', async () => {
    const place = { lat: 41.1487, lon: -8.5853, address: 'Estação de Campanhã' } satisfies typeof PLACES.campanha;
    for (let i = 0; i < 6; i++) await h.fire({ category: 'FLOODING', location: place, description: `Inundação ${i}` });
    const proposals = await waitFor('a proposal', async () => {
      const { rows } = await h.api.db.query(`SELECT payload FROM occurrence_events WHERE type = 'OPERATIONAL_LEVEL_PROPOSED'`);
      return rows.length > 0 ? rows : null;
    });
    await h.settle();
    await new Promise((r) => setTimeout(r, 1000));
    const { rows } = await h.api.db.query(`SELECT payload FROM occurrence_events WHERE type = 'OPERATIONAL_LEVEL_PROPOSED'`);
    expect(rows).toHaveLength(1);
    expect(proposals[0].payload).toMatchObject({ level: 'ALERT', windowMinutes: 60 });
    expect(proposals[0].payload.occurrenceCount).toBeGreaterThanOrEqual(5);
    const { rows: [parish] } = await h.api.db.query(`SELECT parish_code FROM occurrences WHERE category = 'FLOODING' LIMIT 1`);
    expect(proposals[0].payload.scope).toBe(parish.parish_code);
  }, 30_000);

  it('raises the dead-man alarm (readiness fails, metric set) while an escalation is overdue, and clears it after', async () => {
    const o = await h.fire();
    await h.api.db.query('BEGIN');
    try {
      await h.api.db.query(`SELECT 1 FROM occurrences WHERE id = $1 FOR UPDATE`, [o.id]);
      const alarm = await waitFor('the dead-man alarm', async () => {
        const r = await h.workers[0].ready();
        return r.status === 503 ? r : null;
      }, 15_000, 200);
      expect(alarm.body.checks).toMatchObject({ deadman: 'alarm' });
      expect(await h.workers[0].metrics()).toMatch(/escalation_deadman_alarm 1/);
    } finally {
      await h.api.db.query('COMMIT');
    }
    await waitFor('the alarm to clear', async () => (await h.workers[0].ready()).status === 200, 15_000, 200);
  }, 40_000);
});
