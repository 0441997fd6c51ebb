import type { NotificationView, OccurrenceDetail } from '@cgi/shared';
import { EscalationHarness, ladders, P1_FIRE_ESCALATIONS, sleep } from './support/escalation-harness';
import { waitFor } from './support/worker-process';

// 1 SLA minute = 600 ms: P1 acknowledge 2 min → L1 at 1.2 s, L2 at 2.4 s (lead L3 at 3.6 s), on scene 10 min → 6 s.
const SCALE = 0.01;

/**
 * Issue 21 point 3: with a P1 fire dispatched to FIRE (lead) and POLICE, CIVIL_PROTECTION
 * (support), nobody acknowledging gave escalations for FIRE only. Every assignment now runs its
 * own ladder (ADR 0017): real API, real PostgreSQL, private Redis, two worker processes.
 */
describe('support and coordinator departments escalate on their own ladder (ADR 0017)', () => {
  let h: EscalationHarness;
  beforeAll(async () => {
    h = await EscalationHarness.start(SCALE, 2);
  }, 60_000);
  afterAll(() => h.close());
  beforeEach(() => h.ensureWorkers(2), 30_000);

  const cmd = (id: string, action: string, who: 'policeAgent' | 'fireAgent' | 'civilProtectionAgent') =>
    h.api.http().post(`/api/v1/occurrences/${id}/${action}`).set('authorization', h.api.auth(who)).send({});

  it('20 P1 fires nobody acknowledges: every department escalates, the lead L1–L3 and each support L1–L2, each level once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await h.fire()).id);
      await sleep(50);
    }
    await h.waitForEscalations(ids, ids.length * P1_FIRE_ESCALATIONS.length, 20_000);
    await sleep(6500 - 3600); // the lead's on-scene deadline passes too (L2 again: level reached)
    await h.settle(0, 20_000);
    const rows = await h.escalations(ids);
    expect(rows).toHaveLength(140);
    for (const id of ids) expect(ladders(rows, id)).toEqual(P1_FIRE_ESCALATIONS);
    expect(rows.filter((r) => r.department === 'POLICE').every((r) => r.role === 'SUPPORT' && r.kind === 'ACKNOWLEDGE')).toBe(true);

    // The event names the department that missed and tells it and its supervisor (L1), then the CGI supervisor (L2).
    const police = (await h.api.http().get(`/api/v1/occurrences/${ids[0]}`).set('authorization', h.api.auth('policeAgent'))).body as OccurrenceDetail;
    const mine = police.timeline.filter((e) => e.type === 'ESCALATED' && e.payload.department === 'POLICE');
    expect(mine.map((e) => e.payload.level)).toEqual(['L1', 'L2']);
    expect(mine[0].payload).toMatchObject({
      role: 'SUPPORT', kind: 'ACKNOWLEDGE',
      notified: [{ recipient: 'DEPARTMENT', department: 'POLICE' }, { recipient: 'DEPARTMENT_SUPERVISOR', department: 'POLICE' }],
    });
    expect(String(mine[0].payload.reason)).toContain('POLICE (support) has not acknowledged');
    expect(mine[1].payload.notified).toEqual([{ recipient: 'CGI_SUPERVISOR', department: 'CGI' }]);
    expect(mine.every((e) => e.departments.includes('POLICE'))).toBe(true);
    expect(mine[1].departments).toContain('CGI');
    expect(police.assignments.map((a) => `${a.department} ${a.escalationLevel}`).sort()).toEqual(['CIVIL_PROTECTION L2', 'FIRE L3', 'POLICE L2']);

    // One in-app notification per recipient, level and department: 2 + 1 + 2 for FIRE, 2 + 1 for each support department.
    const { rows: notes } = await h.api.db.query(
      `SELECT d.department, n.level, count(*)::int AS n FROM notifications n JOIN escalation_deadlines d ON d.id = n.deadline_id
        WHERE n.occurrence_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`, [ids[0]],
    );
    expect(notes.map((r) => `${r.department} ${r.level} ${r.n}`)).toEqual([
      'CIVIL_PROTECTION L1 2', 'CIVIL_PROTECTION L2 1', 'FIRE L1 2', 'FIRE L2 1', 'FIRE L3 2', 'POLICE L1 2', 'POLICE L2 1',
    ]);
    const inbox = (await h.api.http().get('/api/v1/notifications').set('authorization', h.api.auth('policeAgent'))).body as NotificationView[];
    expect(inbox.filter((n) => n.occurrenceId === ids[0]).map((n) => `${n.level} ${n.recipientKind} ${n.recipientDepartment}`)).toEqual(['L1 DEPARTMENT POLICE']);
  }, 90_000);

  it('a support department that acknowledges gets no further escalation; the others still escalate', async () => {
    // The ladder is data: support L2 at 5× the acknowledge time (6 s here), room to acknowledge between L1 and L2.
    const { rows: [{ document }] } = await h.api.db.query(`SELECT document FROM rule_sets ORDER BY version DESC LIMIT 1`);
    document.supportEscalation.SUPPORT[1].acknowledgeMultiple = 5;
    const published = await h.api.http().post('/api/v1/rule-sets').set('authorization', h.api.auth('supervisor'))
      .send({ document, comment: 'apoio: L2 a 5× o prazo de aceitação' });
    expect(published.status).toBe(201);

    const early = await h.fire(); // POLICE acknowledges at once: it never escalates
    const late = await h.fire(); // POLICE acknowledges after its L1, before its L2
    expect((await cmd(early.id, 'acknowledge', 'policeAgent')).status).toBe(200);
    const dispatchedAt = Date.parse(late.dispatchedAt!);
    await waitFor('POLICE L1 of the late one', async () =>
      (await h.escalations([late.id])).some((r) => r.department === 'POLICE' && r.level === 'L1'), 10_000, 50);
    expect(Date.now()).toBeLessThan(dispatchedAt + 6000 - 500);
    expect((await cmd(late.id, 'acknowledge', 'policeAgent')).status).toBe(200);
    await sleep(Math.max(0, dispatchedAt + 6000 + 700 - Date.now()));
    await h.settle();
    const rows = await h.escalations([early.id, late.id]);
    expect(ladders(rows, early.id)).toEqual(['CIVIL_PROTECTION L1', 'CIVIL_PROTECTION L2', 'FIRE L1', 'FIRE L2', 'FIRE L3']);
    expect(ladders(rows, late.id)).toEqual(['CIVIL_PROTECTION L1', 'CIVIL_PROTECTION L2', 'FIRE L1', 'FIRE L2', 'FIRE L3', 'POLICE L1']);
    expect((await h.deadlines(early.id, 'POLICE')).map((d) => `${d.level} ${d.outcome}`)).toEqual(['L1 MET', 'L2 MET']);
    expect((await h.deadlines(late.id, 'POLICE')).map((d) => `${d.level} ${d.outcome} +${d.due_at.getTime() - dispatchedAt}ms`))
      .toEqual(['L1 ESCALATED +1200ms', 'L2 MET +6000ms']);
  }, 40_000);

  it('in CRISIS, the coordinator (CIVIL_PROTECTION) runs the coordinator ladder', async () => {
    const set = await h.api.http().put('/api/v1/operational-levels/CITY').set('authorization', h.api.auth('supervisor'))
      .send({ level: 'CRISIS', reason: 'teste de crise' });
    expect(set.status).toBe(200);
    try {
      const o = await h.fire();
      expect(o.assignments.find((a) => a.department === 'CIVIL_PROTECTION')?.role).toBe('COORDINATOR');
      expect((await cmd(o.id, 'acknowledge', 'fireAgent')).status).toBe(200);
      expect((await cmd(o.id, 'acknowledge', 'policeAgent')).status).toBe(200);
      await h.waitForEscalations([o.id], 2);
      await sleep(Math.max(0, Date.parse(o.dispatchedAt!) + 3000 - Date.now()));
      await h.settle();
      const rows = await h.escalations([o.id]);
      expect(rows.map((r) => `${r.department} ${r.role} ${r.level}`)).toEqual(['CIVIL_PROTECTION COORDINATOR L1', 'CIVIL_PROTECTION COORDINATOR L2']);
    } finally {
      await h.api.http().put('/api/v1/operational-levels/CITY').set('authorization', h.api.auth('supervisor')).send({ level: 'NORMAL', reason: 'fim da crise' });
    }
  }, 30_000);
});
