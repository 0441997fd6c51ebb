import type { RuleSetDocument } from '@cgi/shared';
import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import {
  assignmentTriggers,
  dueEscalationLevel,
  escalationTriggers,
  isTriggerMet,
  rungAudience,
  supportEscalationTriggers,
  type ClockState,
  type EscalationTrigger,
} from './escalation-triggers';

const at = (iso: string): Date => new Date(iso);
const OPEN: ClockState = { acknowledgedAt: null, onSceneAt: null, resolvedAt: null, closedOrCancelled: false };

function describeTriggers(triggers: EscalationTrigger[]): string[] {
  return triggers.map((t) => `${t.level} ${t.kind} ${t.dueAt.toISOString()}`);
}

describe('escalationTriggers', () => {
  it('journey 2: a P1 dispatched at 14:00:00 escalates at 14:02, 14:04, 14:06; on scene by 14:10; resolved by 18:00', () => {
    expect(describeTriggers(escalationTriggers(at('2026-05-12T14:00:00Z'), 'P1', DEFAULT_RULE_SET))).toEqual([
      'L1 ACKNOWLEDGE 2026-05-12T14:02:00.000Z',
      'L2 ACKNOWLEDGE 2026-05-12T14:04:00.000Z',
      'L3 ACKNOWLEDGE 2026-05-12T14:06:00.000Z',
      'L2 ON_SCENE 2026-05-12T14:10:00.000Z',
      'L3 RESOLVE 2026-05-12T18:00:00.000Z',
    ]);
  });

  it('P2: 5, 10, 15 min; on scene 30 min; resolve 24 h', () => {
    expect(describeTriggers(escalationTriggers(at('2026-05-12T14:00:00Z'), 'P2', DEFAULT_RULE_SET))).toEqual([
      'L1 ACKNOWLEDGE 2026-05-12T14:05:00.000Z',
      'L2 ACKNOWLEDGE 2026-05-12T14:10:00.000Z',
      'L3 ACKNOWLEDGE 2026-05-12T14:15:00.000Z',
      'L2 ON_SCENE 2026-05-12T14:30:00.000Z',
      'L3 RESOLVE 2026-05-13T14:00:00.000Z',
    ]);
  });

  it('P3: acknowledgement only (no on-scene target, resolve does not escalate)', () => {
    expect(describeTriggers(escalationTriggers(at('2026-05-12T14:00:00Z'), 'P3', DEFAULT_RULE_SET))).toEqual([
      'L1 ACKNOWLEDGE 2026-05-12T14:30:00.000Z',
      'L2 ACKNOWLEDGE 2026-05-12T15:00:00.000Z',
      'L3 ACKNOWLEDGE 2026-05-12T15:30:00.000Z',
    ]);
  });

  it('P4: multiples counted in service hours (Friday 19:00 → Monday 11:00, 15:00, 19:00)', () => {
    expect(describeTriggers(escalationTriggers(at('2026-01-16T19:00:00Z'), 'P4', DEFAULT_RULE_SET))).toEqual([
      'L1 ACKNOWLEDGE 2026-01-19T11:00:00.000Z',
      'L2 ACKNOWLEDGE 2026-01-19T15:00:00.000Z',
      'L3 ACKNOWLEDGE 2026-01-19T19:00:00.000Z',
    ]);
  });

  it('sorts ties by level, then kind', () => {
    const doc: RuleSetDocument = {
      ...DEFAULT_RULE_SET,
      slas: { ...DEFAULT_RULE_SET.slas, P1: { acknowledgeMinutes: 2, onSceneMinutes: 4, resolveMinutes: 6, calendar: 'ALWAYS' } },
      escalation: DEFAULT_RULE_SET.escalation.map((rule) => ({ ...rule, onSceneMissed: true, resolveMissedPriorities: ['P1'] })),
    };
    expect(describeTriggers(escalationTriggers(at('2026-05-12T14:00:00Z'), 'P1', doc))).toEqual([
      'L1 ACKNOWLEDGE 2026-05-12T14:02:00.000Z',
      'L1 ON_SCENE 2026-05-12T14:04:00.000Z',
      'L2 ACKNOWLEDGE 2026-05-12T14:04:00.000Z',
      'L2 ON_SCENE 2026-05-12T14:04:00.000Z',
      'L3 ON_SCENE 2026-05-12T14:04:00.000Z',
      'L1 RESOLVE 2026-05-12T14:06:00.000Z',
      'L2 RESOLVE 2026-05-12T14:06:00.000Z',
      'L3 ACKNOWLEDGE 2026-05-12T14:06:00.000Z',
      'L3 RESOLVE 2026-05-12T14:06:00.000Z',
    ]);
  });
});

describe('supportEscalationTriggers: the ladder of a support or coordinator department (ADR 0017)', () => {
  it('P1 support dispatched at 14:00: L1 at 14:02 (the acknowledge deadline), L2 at 14:04; no on-scene or resolve rung', () => {
    for (const role of ['SUPPORT', 'COORDINATOR'] as const) {
      expect(describeTriggers(supportEscalationTriggers(at('2026-05-12T14:00:00Z'), 'P1', role, DEFAULT_RULE_SET))).toEqual([
        'L1 ACKNOWLEDGE 2026-05-12T14:02:00.000Z',
        'L2 ACKNOWLEDGE 2026-05-12T14:04:00.000Z',
      ]);
    }
  });

  it('P4 support counts in service hours, like the lead (Friday 19:00 → Monday 11:00, 15:00)', () => {
    expect(describeTriggers(supportEscalationTriggers(at('2026-01-16T19:00:00Z'), 'P4', 'SUPPORT', DEFAULT_RULE_SET))).toEqual([
      'L1 ACKNOWLEDGE 2026-01-19T11:00:00.000Z',
      'L2 ACKNOWLEDGE 2026-01-19T15:00:00.000Z',
    ]);
  });

  it('is data: rungs apply to their priorities only, multiples come from the rule set, an empty ladder has no trigger', () => {
    const doc: RuleSetDocument = {
      ...DEFAULT_RULE_SET,
      supportEscalation: {
        SUPPORT: [
          { level: 'L1', acknowledgeMultiple: 2, priorities: ['P1', 'P2'], notify: ['DEPARTMENT'] },
          { level: 'L2', acknowledgeMultiple: 3, priorities: ['P1'], notify: ['CGI_SUPERVISOR'] },
        ],
        COORDINATOR: [],
      },
    };
    const t0 = at('2026-05-12T14:00:00Z');
    expect(describeTriggers(supportEscalationTriggers(t0, 'P1', 'SUPPORT', doc))).toEqual(['L1 ACKNOWLEDGE 2026-05-12T14:04:00.000Z', 'L2 ACKNOWLEDGE 2026-05-12T14:06:00.000Z']);
    expect(describeTriggers(supportEscalationTriggers(t0, 'P2', 'SUPPORT', doc))).toEqual(['L1 ACKNOWLEDGE 2026-05-12T14:10:00.000Z']);
    expect(supportEscalationTriggers(t0, 'P3', 'SUPPORT', doc)).toEqual([]);
    expect(supportEscalationTriggers(t0, 'P1', 'COORDINATOR', doc)).toEqual([]);
    const older: Partial<RuleSetDocument> = { ...DEFAULT_RULE_SET };
    delete older.supportEscalation;
    expect(supportEscalationTriggers(t0, 'P1', 'SUPPORT', older as RuleSetDocument)).toEqual([]);
  });

  it("assignmentTriggers picks the ladder of the assignment's role; rungAudience who each rung tells", () => {
    const t0 = at('2026-05-12T14:00:00Z');
    expect(assignmentTriggers('LEAD', t0, 'P1', DEFAULT_RULE_SET)).toEqual(escalationTriggers(t0, 'P1', DEFAULT_RULE_SET));
    expect(assignmentTriggers('SUPPORT', t0, 'P1', DEFAULT_RULE_SET)).toEqual(supportEscalationTriggers(t0, 'P1', 'SUPPORT', DEFAULT_RULE_SET));
    expect(rungAudience(DEFAULT_RULE_SET, 'SUPPORT', 'L1')).toEqual(['DEPARTMENT', 'DEPARTMENT_SUPERVISOR']);
    expect(rungAudience(DEFAULT_RULE_SET, 'COORDINATOR', 'L2')).toEqual(['CGI_SUPERVISOR']);
    expect(rungAudience(DEFAULT_RULE_SET, 'SUPPORT', 'L3')).toEqual([]);
    expect(rungAudience(DEFAULT_RULE_SET, 'LEAD', 'L3')).toEqual(['MUNICIPAL_COORDINATOR', 'CIVIL_PROTECTION']);
  });
});

describe('isTriggerMet', () => {
  const t = at('2026-05-12T14:03:00Z');
  it.each<[string, Partial<ClockState>, boolean, boolean, boolean]>([
    // state, ACKNOWLEDGE, ON_SCENE, RESOLVE
    ['nothing yet', {}, false, false, false],
    ['acknowledged', { acknowledgedAt: t }, true, false, false],
    ['on scene without acknowledgement', { onSceneAt: t }, true, true, false],
    ['acknowledged and on scene', { acknowledgedAt: t, onSceneAt: t }, true, true, false],
    ['resolved', { resolvedAt: t }, true, true, true],
    ['closed or cancelled', { closedOrCancelled: true }, true, true, true],
  ])('%s', (_, state, acknowledge, onScene, resolve) => {
    const full = { ...OPEN, ...state };
    expect([isTriggerMet('ACKNOWLEDGE', full), isTriggerMet('ON_SCENE', full), isTriggerMet('RESOLVE', full)]).toEqual([
      acknowledge,
      onScene,
      resolve,
    ]);
  });
});

describe('dueEscalationLevel (journey 2, P1 dispatched at 14:00)', () => {
  const triggers = escalationTriggers(at('2026-05-12T14:00:00Z'), 'P1', DEFAULT_RULE_SET);
  const ack = at('2026-05-12T14:03:00Z');
  const onScene = at('2026-05-12T14:08:00Z');

  it.each<[string, Partial<ClockState>, string, string]>([
    ['nothing due yet', {}, '2026-05-12T14:01:59Z', 'L0'],
    ['ack deadline exactly', {}, '2026-05-12T14:02:00Z', 'L1'],
    ['2 × ack', {}, '2026-05-12T14:04:00Z', 'L2'],
    ['3 × ack', {}, '2026-05-12T14:06:00Z', 'L3'],
    ['acknowledged late, before 2 ×', { acknowledgedAt: ack }, '2026-05-12T14:05:00Z', 'L0'],
    ['acknowledged, on-scene deadline missed', { acknowledgedAt: ack }, '2026-05-12T14:10:00Z', 'L2'],
    ['on scene in time', { acknowledgedAt: ack, onSceneAt: onScene }, '2026-05-12T14:30:00Z', 'L0'],
    ['on scene, resolve deadline missed', { acknowledgedAt: ack, onSceneAt: onScene }, '2026-05-12T18:00:00Z', 'L3'],
    ['resolved', { acknowledgedAt: ack, onSceneAt: onScene, resolvedAt: at('2026-05-12T17:00:00Z') }, '2026-05-12T19:00:00Z', 'L0'],
    ['cancelled', { closedOrCancelled: true }, '2026-05-12T19:00:00Z', 'L0'],
  ])('%s → %s', (_, state, now, expected) => {
    expect(dueEscalationLevel(triggers, { ...OPEN, ...state }, at(now))).toBe(expected);
  });

  it('is L0 without triggers', () => {
    expect(dueEscalationLevel([], OPEN, at('2030-01-01T00:00:00Z'))).toBe('L0');
  });
});
