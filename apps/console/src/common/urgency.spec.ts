import { describe, expect, it } from 'vitest';
import { assignment, occurrence } from '../testing/fixtures';
import { byUrgency, formatCountdown, nextDeadline } from './urgency';

describe('urgency', () => {
  it('puts L3 first, then escalation, priority and the nearest deadline', () => {
    const p1 = occurrence({ priority: 'P1' });
    const l3 = occurrence({ priority: 'P3', escalationLevel: 'L3' });
    const p2soon = occurrence({ priority: 'P2', assignments: [assignment({ acknowledgeDueAt: '2026-11-27T10:01:00Z' })] });
    const p2late = occurrence({ priority: 'P2', assignments: [assignment({ acknowledgeDueAt: '2026-11-27T10:09:00Z' })] });
    expect([p2late, p1, p2soon, l3].sort(byUrgency()).map((o) => o.id)).toEqual([l3.id, p1.id, p2soon.id, p2late.id]);
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
});
