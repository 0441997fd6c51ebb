import { describe, expect, it } from 'vitest';
import { assignment, occurrence } from '../testing/fixtures';
import { byUrgency, escalatedAssignments, formatCountdown, mostUrgent, nextDeadline, sortByUrgency } from './urgency';

describe('urgency', () => {
  it('puts L3 first, then escalation, priority and the nearest deadline', () => {
    const p1 = occurrence({ priority: 'P1' });
    const l3 = occurrence({ priority: 'P3', escalationLevel: 'L3' });
    const p2soon = occurrence({ priority: 'P2', assignments: [assignment({ acknowledgeDueAt: '2026-11-27T10:01:00Z' })] });
    const p2late = occurrence({ priority: 'P2', assignments: [assignment({ acknowledgeDueAt: '2026-11-27T10:09:00Z' })] });
    expect([p2late, p1, p2soon, l3].sort(byUrgency()).map((o) => o.id)).toEqual([l3.id, p1.id, p2soon.id, p2late.id]);
  });

  it('sortByUrgency and mostUrgent give the order of byUrgency', () => {
    const levels = ['L0', 'L0', 'L0', 'L1', 'L2', 'L3'] as const;
    const priorities = ['P1', 'P2', 'P3', 'P4'] as const;
    const items = Array.from({ length: 300 }, (_, i) =>
      occurrence({
        priority: priorities[(i * 7) % 4],
        escalationLevel: levels[(i * 11) % 6],
        createdAt: `2026-11-27T09:${String(i % 60).padStart(2, '0')}:00.000Z`,
        assignments: i % 5 === 0 ? [] : [assignment({ acknowledgeDueAt: `2026-11-27T10:${String((i * 13) % 60).padStart(2, '0')}:00Z` })],
      }),
    );
    const expected = [...items].sort(byUrgency()).map((o) => o.id);
    expect(sortByUrgency(items).map((o) => o.id)).toEqual(expected);
    expect(mostUrgent(items, 8).map((o) => o.id)).toEqual(expected.slice(0, 8));
    expect(mostUrgent(items.slice(0, 3), 8).map((o) => o.id)).toEqual([...items.slice(0, 3)].sort(byUrgency()).map((o) => o.id));
  });

  it("follows the department's own assignment: acknowledge, then on scene, then resolve", () => {
    const o = occurrence({ assignments: [assignment({ state: 'ACKNOWLEDGED' }), assignment({ department: 'ENVIRONMENT', role: 'SUPPORT', acknowledgeDueAt: '2026-11-27T10:07:00Z' })] });
    expect(nextDeadline(o)?.kind).toBe('ON_SCENE');
    expect(nextDeadline(o, 'ENVIRONMENT')).toEqual({ kind: 'ACKNOWLEDGE', dueAt: '2026-11-27T10:07:00Z', department: 'ENVIRONMENT' });
  });

  it('formats countdowns, negative when overdue', () => {
    expect(formatCountdown(125_000)).toBe('02:05');
    expect(formatCountdown(-61_000)).toBe('-01:01');
    expect(formatCountdown(3_726_000)).toBe('1:02:06');
  });

  it('escalatedAssignments: the departments whose own ladder escalated, highest first, then lead, coordinator, support; released ones left out', () => {
    const o = occurrence({
      assignments: [
        assignment({ department: 'POLICE', role: 'SUPPORT', escalationLevel: 'L1' }),
        assignment({ department: 'ENVIRONMENT', role: 'SUPPORT', escalationLevel: 'L0' }),
        assignment({ department: 'MOBILITY', role: 'SUPPORT', escalationLevel: 'L2', state: 'RELEASED' }),
        assignment({ department: 'FIRE', role: 'SUPPORT', escalationLevel: 'L2' }),
        assignment({ department: 'CIVIL_PROTECTION', role: 'LEAD', escalationLevel: 'L1' }),
      ],
    });
    expect(escalatedAssignments(o).map((a) => `${a.department} ${a.escalationLevel}`)).toEqual(['FIRE L2', 'CIVIL_PROTECTION L1', 'POLICE L1']);
    expect(escalatedAssignments(occurrence())).toEqual([]);
  });
});
