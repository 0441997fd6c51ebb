import type { OccurrenceDetail } from '@cgi/shared';
import { EscalationHarness, ladders, P1_FIRE_ESCALATIONS, sleep } from './support/escalation-harness';
import { waitFor } from './support/worker-process';

// 1 SLA minute = 600 ms: P1 acknowledge 2 min → 1.2 s, L2 at 2.4 s, L3 at 3.6 s, on scene 10 min → 6 s.
const SCALE = 0.01;

describe('journey 2: a P1 building fire nobody acknowledges escalates L1, L2, L3 (and each support department L1, L2), each once', () => {
  let h: EscalationHarness;
  beforeAll(async () => {
    h = await EscalationHarness.start(SCALE, 2);
  }, 60_000);
  afterAll(() => h.close());

  it('with two workers running and one of them restarted (kill -9) between L1 and L2', async () => {
    const o = await h.fire();
    const dispatchedAt = Date.parse(o.dispatchedAt!);
    const [l1] = await h.waitForEscalations([o.id], 1);
    expect(l1.level).toBe('L1');
    await h.workers[0].kill9();
    await h.workers[0].restart();
    const rows = await h.waitForEscalations([o.id], P1_FIRE_ESCALATIONS.length);
    // The on-scene deadline (L2 again) passes too: the level is reached, nothing is written twice.
    await waitFor('on-scene deadline', async () => Date.now() > dispatchedAt + 6000 + 500, 10_000, 100);
    await h.settle();
    expect(ladders(await h.escalations([o.id]), o.id)).toEqual(P1_FIRE_ESCALATIONS);
    const all = (await h.escalations([o.id])).filter((r) => r.department === 'FIRE');
    expect(all.map((r) => r.level)).toEqual(['L1', 'L2', 'L3']);
    expect(rows.every((r) => r.actor === 'system:escalation-worker')).toBe(true);
    // Each fired at its deadline (1×, 2×, 3× the acknowledge time), not before, and promptly.
    const offsets = all.map((r) => Date.parse(r.due_at) - dispatchedAt);
    expect(offsets).toEqual([1200, 2400, 3600]);
    for (const r of all) {
      const late = r.at.getTime() - Date.parse(r.due_at);
      expect(late).toBeGreaterThanOrEqual(-5);
      expect(late).toBeLessThan(1500);
    }
    const deadlines = await h.deadlines(o.id);
    expect(deadlines.map((d) => `${d.level} ${d.kind} ${d.outcome}`)).toEqual([
      'L1 ACKNOWLEDGE ESCALATED', 'L2 ACKNOWLEDGE ESCALATED', 'L3 ACKNOWLEDGE ESCALATED', 'L2 ON_SCENE LEVEL_REACHED', 'L3 RESOLVE null',
    ]);

    // The timeline and the occurrence as the console sees them.
    const detail = (await h.api.http().get(`/api/v1/occurrences/${o.id}`).set('authorization', h.api.auth('supervisor'))).body as OccurrenceDetail;
    expect(detail.escalationLevel).toBe('L3');
    expect(detail.assignments.find((a) => a.department === 'FIRE')!.escalationLevel).toBe('L3');
    const escalated = detail.timeline.filter((e) => e.type === 'ESCALATED' && e.payload.department === 'FIRE');
    expect(escalated.map((e) => e.payload.level)).toEqual(['L1', 'L2', 'L3']);
    expect(escalated[0].payload).toMatchObject({
      kind: 'ACKNOWLEDGE', department: 'FIRE',
      notified: [{ recipient: 'DEPARTMENT', department: 'FIRE' }, { recipient: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' }],
    });
    expect(escalated[1].payload.notified).toEqual([{ recipient: 'CGI_SUPERVISOR', department: 'CGI' }]);
    expect(escalated[2].payload.notified).toEqual([
      { recipient: 'MUNICIPAL_COORDINATOR', department: null }, { recipient: 'CIVIL_PROTECTION', department: 'CIVIL_PROTECTION' },
    ]);
    expect(String(escalated[0].payload.reason)).toContain('FIRE has not acknowledged');

    // One in-app notification per recipient and level.
    const { rows: notes } = await h.api.db.query(
      `SELECT level, recipient_kind, recipient_department, channel, status FROM notifications
        WHERE occurrence_id = $1 AND deadline_id IN (SELECT id FROM escalation_deadlines WHERE department = 'FIRE') ORDER BY level, recipient_kind`, [o.id],
    );
    expect(notes.map((n) => `${n.level} ${n.recipient_kind} ${n.recipient_department ?? '-'} ${n.channel} ${n.status}`)).toEqual([
      'L1 DEPARTMENT FIRE IN_APP DELIVERED',
      'L1 DEPARTMENT_SUPERVISOR FIRE IN_APP DELIVERED',
      'L2 CGI_SUPERVISOR CGI IN_APP DELIVERED',
      'L3 CIVIL_PROTECTION CIVIL_PROTECTION IN_APP DELIVERED',
      'L3 MUNICIPAL_COORDINATOR - IN_APP DELIVERED',
    ]);
  }, 30_000);

  it('acknowledging just before the deadline prevents the escalation', async () => {
    await h.ensureWorkers();
    const o = await h.fire();
    const due = Date.parse(o.dispatchedAt!) + 1200;
    await sleep(Math.max(0, due - 400 - Date.now()));
    const ack = await h.api.http().post(`/api/v1/occurrences/${o.id}/acknowledge`).set('authorization', h.api.auth('fireAgent')).send({});
    expect(ack.status).toBe(200);
    const { rows: [lead] } = await h.api.db.query(
      `SELECT acknowledged_at FROM occurrence_assignments WHERE occurrence_id = $1 AND department = 'FIRE'`, [o.id],
    );
    expect(lead.acknowledged_at.getTime()).toBeLessThan(due);
    await sleep(due + 3600 - Date.now() + 700);
    await h.settle();
    // FIRE's acknowledgement stops FIRE's clock only: its support departments, who did not acknowledge, escalate.
    const rows = await h.escalations([o.id]);
    expect(rows.filter((r) => r.department === 'FIRE')).toEqual([]);
    expect(ladders(rows, o.id)).toEqual(['CIVIL_PROTECTION L1', 'CIVIL_PROTECTION L2', 'POLICE L1', 'POLICE L2']);
    expect((await h.deadlines(o.id)).filter((d) => d.kind === 'ACKNOWLEDGE').map((d) => d.outcome)).toEqual(['MET', 'MET', 'MET']);
  }, 20_000);

  it('the worker answers readiness and Prometheus metrics', async () => {
    await h.ensureWorkers();
    const ready = await h.workers[0].ready();
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', checks: { database: 'up', redis: 'up', consuming: 'up', deadman: 'ok' }, deadLetters: 0 });
    const text = (await Promise.all(h.workers.map((w) => w.metrics()))).join('\n');
    expect(text).toContain('escalation_lateness_seconds_bucket');
    expect(text).toMatch(/bullmq_queue_jobs\{queue="escalation-timers",state="delayed"\} \d+/);
    expect(text).toContain('outbox_relay_lag_seconds_count');
    expect(text).toMatch(/outbox_relay_leader 1/);
  });
});
