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

const deadline = (id: string, level: PendingDeadline['level'], kind: PendingDeadline['kind'], dueMin: number, department: PendingDeadline['department'] = 'FIRE'): PendingDeadline =>
  ({ id, occurrenceId: 'o1', department, kind, level, dueAt: min(dueMin) });

const OPEN: OccurrenceClock = { status: 'DISPATCHED', leadDepartment: 'FIRE', resolvedAt: null };
const fire = (over: Partial<AssignmentClock> = {}): AssignmentClock =>
  ({ department: 'FIRE', state: 'PENDING', acknowledgedAt: null, onSceneAt: null, escalationLevel: 'L0', ...over });

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
    const police: AssignmentClock = { ...fire(), department: 'POLICE', escalationLevel: 'L1' };
    expect(outcomes(decideDeadlines(ds, OPEN, [fire(), police]))).toEqual(['f1 ESCALATED', 'p1 SUPERSEDED']);
  });
});

describe('escalationNotice', () => {
  it('names the recipients of the level, the reason, and the departments concerned (assigned and told)', () => {
    const n = escalationNotice(deadline('l3', 'L3', 'ACKNOWLEDGE', 6), DEFAULT_RULE_SET.escalation, ['POLICE', 'FIRE']);
    expect(n.notified).toEqual([{ recipient: 'MUNICIPAL_COORDINATOR', department: null }, { recipient: 'CIVIL_PROTECTION', department: 'CIVIL_PROTECTION' }]);
    expect(n.reason).toBe('FIRE has not acknowledged by 2026-05-12T14:06:00.000Z (acknowledge deadline, L3)');
    expect(n.departments).toEqual(['CIVIL_PROTECTION', 'FIRE', 'POLICE']);
  });

  it('the department itself and its supervisor for L1; on scene reads as words', () => {
    const n = escalationNotice(deadline('on', 'L1', 'ON_SCENE', 10), DEFAULT_RULE_SET.escalation, ['FIRE']);
    expect(n.notified).toEqual([{ recipient: 'DEPARTMENT', department: 'FIRE' }, { recipient: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' }]);
    expect(n.reason).toContain('FIRE is not on scene by');
    expect(n.reason).toContain('(on scene deadline, L1)');
  });
});
