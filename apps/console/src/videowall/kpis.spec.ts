import { describe, expect, it } from 'vitest';
import { assignment, occurrence } from '../testing/fixtures';
import { computeKpis } from './kpis';

const NOW = Date.parse('2026-11-27T10:10:00.000Z');
const SINCE = Date.parse('2026-11-27T00:00:00.000Z');

describe('computeKpis', () => {
  it('counts open occurrences by priority and by department with an active assignment', () => {
    const k = computeKpis(
      [
        occurrence({ priority: 'P1', assignments: [assignment({ department: 'FIRE', acknowledgeDueAt: '2026-11-27T11:00:00Z' })] }),
        occurrence({ priority: 'P2', assignments: [assignment({ acknowledgeDueAt: '2026-11-27T11:00:00Z' }), assignment({ department: 'FIRE', role: 'SUPPORT', state: 'RELEASED' })] }),
      ],
      [],
      NOW,
      SINCE,
    );
    expect(k.openTotal).toBe(2);
    expect(k.byPriority).toEqual({ P1: 1, P2: 1, P3: 0, P4: 0 });
    expect(k.byDepartment.FIRE.total).toBe(1);
    expect(k.byDepartment.CIVIL_PROTECTION.P2).toBe(1);
    expect(k.slaBreaches).toBe(0);
  });

  it('counts a missed deadline or an escalation as an SLA breach', () => {
    const k = computeKpis(
      [occurrence({ assignments: [assignment({ acknowledgeDueAt: '2026-11-27T10:05:00Z' })] }), occurrence({ escalationLevel: 'L1', assignments: [assignment({ acknowledgeDueAt: '2026-11-27T12:00:00Z' })] })],
      [],
      NOW,
      SINCE,
    );
    expect(k.slaBreaches).toBe(2);
  });

  it('gives the median time to acknowledge today per department, including resolved ones', () => {
    const acked = (mins: number) =>
      assignment({ state: 'ACKNOWLEDGED', assignedAt: '2026-11-27T09:00:00.000Z', acknowledgedAt: new Date(Date.parse('2026-11-27T09:00:00.000Z') + mins * 60_000).toISOString() });
    const k = computeKpis([occurrence({ assignments: [acked(1)] }), occurrence({ assignments: [acked(3)] })], [occurrence({ status: 'RESOLVED', assignments: [acked(10)] })], NOW, SINCE);
    expect(k.medianAckMs.CIVIL_PROTECTION).toBe(3 * 60_000);
    expect(k.medianAckMs.FIRE).toBeNull();
  });
});
