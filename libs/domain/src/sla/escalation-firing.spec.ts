import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import {
  decideDeadlines,
  escalationNotice,
  type AssignmentClock,
  type OccurrenceClock,
  type PendingDeadline,
} from './escalation-firing';

const T0 = Date.parse('2026-05-12T14:00:00Z');
const min = (n: number): Date => new Date(T0 + n * 60_000);

const deadline = (
  id: string,
  level: PendingDeadline['level'],
  kind: PendingDeadline['kind'],
  dueMin: number,
  department: PendingDeadline['department'] = 'FIRE',
  role: PendingDeadline['role'] = department === 'FIRE' ? 'LEAD' : 'SUPPORT',
): PendingDeadline => ({ id, occurrenceId: 'o1', department, role, kind, level, dueAt: min(dueMin) });

const OPEN: OccurrenceClock = { status: 'DISPATCHED', leadDepartment: 'FIRE', resolvedAt: null };
const fire = (over: Partial<AssignmentClock> = {}): AssignmentClock =>
  ({ department: 'FIRE', role: 'LEAD', state: 'PENDING', acknowledgedAt: null, onSceneAt: null, escalationLevel: 'L0', ...over });
const support = (department: AssignmentClock['department'], over: Partial<AssignmentClock> = {}): AssignmentClock =>
  fire({ department, role: 'SUPPORT', ...over });

const outcomes = (ds: ReturnType<typeof decideDeadlines>): string[] => ds.map((d) => `${d.deadline.id} ${d.outcome}`);

describe('decideDeadlines: every due deadline of one occurrence, decided at once', () => {
  it('a whole ladder overdue at once (timers lost): L1, L2, L3 each escalate, in ladder order whatever the input order', () => {
    const ds = [deadline('l3', 'L3', 'ACKNOWLEDGE', 6), deadline('l1', 'L1', 'ACKNOWLEDGE', 2), deadline('on', 'L2', 'ON_SCENE', 10), deadline('l2', 'L2', 'ACKNOWLEDGE', 4)];
    expect(outcomes(decideDeadlines(ds, OPEN, [fire()]))).toEqual(['l1 ESCALATED', 'l2 ESCALATED', 'l3 ESCALATED', 'on LEVEL_REACHED']);
  });

  it('a level already reached is not written again, and never goes down', () => {
    expect(outcomes(decideDeadlines([deadline('l1', 'L1', 'ACKNOWLEDGE', 2), deadline('l2', 'L2', 'ACKNOWLEDGE', 4)], OPEN, [fire({ escalationLevel: 'L2' })])))
      .toEqual(['l1 LEVEL_REACHED', 'l2 LEVEL_REACHED']);
  });

  it('acknowledged just before: the acknowledge rungs are met, the on-scene one still escalates', () => {
    const ds = [deadline('l1', 'L1', 'ACKNOWLEDGE', 2), deadline('on', 'L2', 'ON_SCENE', 10)];
    expect(outcomes(decideDeadlines(ds, OPEN, [fire({ state: 'ACKNOWLEDGED', acknowledgedAt: min(1.9) })]))).toEqual(['l1 MET', 'on ESCALATED']);
  });

  it('resolved, closed, cancelled or merged: every clock is met', () => {
    const ds = [deadline('l1', 'L1', 'ACKNOWLEDGE', 2), deadline('r', 'L3', 'RESOLVE', 240)];
    expect(outcomes(decideDeadlines(ds, { ...OPEN, resolvedAt: min(100) }, [fire()]))).toEqual(['l1 MET', 'r MET']);
    for (const status of ['CLOSED', 'CANCELLED', 'MERGED']) {
      expect(outcomes(decideDeadlines(ds, { ...OPEN, status }, [fire()]))).toEqual(['l1 MET', 'r MET']);
    }
  });

  it('a department no longer lead, released or not assigned: superseded', () => {
    const d = [deadline('l1', 'L1', 'ACKNOWLEDGE', 2)];
    expect(outcomes(decideDeadlines(d, { ...OPEN, leadDepartment: 'CIVIL_PROTECTION' }, [fire()]))).toEqual(['l1 SUPERSEDED']);
    expect(outcomes(decideDeadlines(d, OPEN, [fire({ state: 'RELEASED' })]))).toEqual(['l1 SUPERSEDED']);
    expect(outcomes(decideDeadlines(d, OPEN, []))).toEqual(['l1 SUPERSEDED']);
  });

  it("each department's ladder is judged against its own assignment", () => {
    const ds = [deadline('f1', 'L1', 'ACKNOWLEDGE', 2), deadline('p1', 'L1', 'ACKNOWLEDGE', 2, 'POLICE')];
    const police = support('POLICE', { escalationLevel: 'L1' });
    expect(outcomes(decideDeadlines(ds, OPEN, [fire(), police]))).toEqual(['f1 ESCALATED', 'p1 LEVEL_REACHED']);
  });
});

describe('decideDeadlines: the ladders of support and coordinator departments (ADR 0017)', () => {
  const ladder = (department: PendingDeadline['department'], role: PendingDeadline['role'] = 'SUPPORT'): PendingDeadline[] => [
    deadline(`${department}-l1`, 'L1', 'ACKNOWLEDGE', 2, department, role),
    deadline(`${department}-l2`, 'L2', 'ACKNOWLEDGE', 4, department, role),
  ];

  it('nobody acknowledges: the lead and every support department escalate, each on its own ladder, each level once', () => {
    const ds = [deadline('f1', 'L1', 'ACKNOWLEDGE', 2), deadline('f2', 'L2', 'ACKNOWLEDGE', 4), ...ladder('POLICE'), ...ladder('CIVIL_PROTECTION')];
    expect(outcomes(decideDeadlines(ds, OPEN, [fire(), support('POLICE'), support('CIVIL_PROTECTION')])).sort()).toEqual([
      'CIVIL_PROTECTION-l1 ESCALATED', 'CIVIL_PROTECTION-l2 ESCALATED', 'POLICE-l1 ESCALATED', 'POLICE-l2 ESCALATED', 'f1 ESCALATED', 'f2 ESCALATED',
    ]);
  });

  it("a support department's acknowledgement stops its own ladder only; the lead's acknowledgement does not stop it", () => {
    const ds = [...ladder('POLICE'), ...ladder('CIVIL_PROTECTION')];
    const police = support('POLICE', { state: 'ACKNOWLEDGED', acknowledgedAt: min(1) });
    const lead = fire({ state: 'ACKNOWLEDGED', acknowledgedAt: min(0.5) });
    expect(outcomes(decideDeadlines(ds, { ...OPEN, status: 'ACKNOWLEDGED' }, [lead, police, support('CIVIL_PROTECTION')]))).toEqual([
      'POLICE-l1 MET', 'CIVIL_PROTECTION-l1 ESCALATED', 'POLICE-l2 MET', 'CIVIL_PROTECTION-l2 ESCALATED',
    ]);
  });

  it('on scene without a separate acknowledgement meets it; resolved or cancelled stops every ladder', () => {
    const ds = ladder('POLICE');
    expect(outcomes(decideDeadlines(ds, OPEN, [fire(), support('POLICE', { state: 'ON_SCENE', onSceneAt: min(1) })]))).toEqual(['POLICE-l1 MET', 'POLICE-l2 MET']);
    expect(outcomes(decideDeadlines(ds, { ...OPEN, status: 'CANCELLED' }, [fire(), support('POLICE')]))).toEqual(['POLICE-l1 MET', 'POLICE-l2 MET']);
    expect(outcomes(decideDeadlines(ds, { ...OPEN, resolvedAt: min(3) }, [fire(), support('POLICE')]))).toEqual(['POLICE-l1 MET', 'POLICE-l2 MET']);
  });

  it('a support department released, or now in another role (made lead, or coordinator), no longer runs its support ladder', () => {
    const ds = ladder('POLICE');
    expect(outcomes(decideDeadlines(ds, OPEN, [fire(), support('POLICE', { state: 'RELEASED' })]))).toEqual(['POLICE-l1 SUPERSEDED', 'POLICE-l2 SUPERSEDED']);
    const policeLeads = { ...OPEN, leadDepartment: 'POLICE' as const };
    expect(outcomes(decideDeadlines(ds, policeLeads, [support('POLICE', { role: 'LEAD' })]))).toEqual(['POLICE-l1 SUPERSEDED', 'POLICE-l2 SUPERSEDED']);
    expect(outcomes(decideDeadlines(ds, OPEN, [support('POLICE', { role: 'COORDINATOR' })]))).toEqual(['POLICE-l1 SUPERSEDED', 'POLICE-l2 SUPERSEDED']);
    // The coordinator's own ladder runs against the coordinator assignment.
    expect(outcomes(decideDeadlines(ladder('CIVIL_PROTECTION', 'COORDINATOR'), OPEN, [support('CIVIL_PROTECTION', { role: 'COORDINATOR' })])))
      .toEqual(['CIVIL_PROTECTION-l1 ESCALATED', 'CIVIL_PROTECTION-l2 ESCALATED']);
  });
});

describe('escalationNotice', () => {
  it('names the recipients of the level, the reason, and the departments concerned (assigned and told)', () => {
    const n = escalationNotice(deadline('l3', 'L3', 'ACKNOWLEDGE', 6), DEFAULT_RULE_SET, ['POLICE', 'FIRE']);
    expect(n.notified).toEqual([{ recipient: 'MUNICIPAL_COORDINATOR', department: null }, { recipient: 'CIVIL_PROTECTION', department: 'CIVIL_PROTECTION' }]);
    expect(n.reason).toBe('FIRE has not acknowledged by 2026-05-12T14:06:00.000Z (acknowledge deadline, L3)');
    expect(n.departments).toEqual(['CIVIL_PROTECTION', 'FIRE', 'POLICE']);
  });

  it('the department itself and its supervisor for L1; on scene reads as words', () => {
    const n = escalationNotice(deadline('on', 'L1', 'ON_SCENE', 10), DEFAULT_RULE_SET, ['FIRE']);
    expect(n.notified).toEqual([{ recipient: 'DEPARTMENT', department: 'FIRE' }, { recipient: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' }]);
    expect(n.reason).toContain('FIRE is not on scene by');
    expect(n.reason).toContain('(on scene deadline, L1)');
  });

  it("a support department's L1 tells that department and its supervisor, its L2 the CGI supervisor, naming it and its role", () => {
    const l1 = escalationNotice(deadline('p1', 'L1', 'ACKNOWLEDGE', 2, 'POLICE'), DEFAULT_RULE_SET, ['FIRE', 'POLICE', 'CIVIL_PROTECTION']);
    expect(l1.notified).toEqual([{ recipient: 'DEPARTMENT', department: 'POLICE' }, { recipient: 'DEPARTMENT_SUPERVISOR', department: 'POLICE' }]);
    expect(l1.reason).toBe('POLICE (support) has not acknowledged by 2026-05-12T14:02:00.000Z (acknowledge deadline, L1)');
    const l2 = escalationNotice(deadline('c2', 'L2', 'ACKNOWLEDGE', 4, 'CIVIL_PROTECTION', 'COORDINATOR'), DEFAULT_RULE_SET, ['FIRE', 'CIVIL_PROTECTION']);
    expect(l2.notified).toEqual([{ recipient: 'CGI_SUPERVISOR', department: 'CGI' }]);
    expect(l2.reason).toContain('CIVIL_PROTECTION (coordinator) has not acknowledged');
    expect(l2.departments).toEqual(['CGI', 'CIVIL_PROTECTION', 'FIRE']);
  });

  it('a rule set without support ladders (published before them) tells nobody for a support row', () => {
    const old: Partial<typeof DEFAULT_RULE_SET> = { ...DEFAULT_RULE_SET };
    delete old.supportEscalation;
    expect(escalationNotice(deadline('p1', 'L1', 'ACKNOWLEDGE', 2, 'POLICE'), old as typeof DEFAULT_RULE_SET, ['POLICE']).notified).toEqual([]);
  });
});
