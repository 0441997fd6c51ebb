import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import { addCalendarMinutes, computeDeadlines } from './deadlines';

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

function deadlines(start: string, priority: 'P1' | 'P2' | 'P3' | 'P4'): Record<string, string | null> {
  const d = computeDeadlines(at(start), priority, DEFAULT_RULE_SET);
  return { ack: iso(d.acknowledgeDueAt), onScene: iso(d.onSceneDueAt), resolve: iso(d.resolveDueAt) };
}

describe('computeDeadlines', () => {
  it('P1: plain elapsed minutes (2 min, 10 min, 4 h), even at night on a Sunday', () => {
    expect(deadlines('2026-01-18T03:00:00Z', 'P1')).toEqual({
      ack: '2026-01-18T03:02:00.000Z',
      onScene: '2026-01-18T03:10:00.000Z',
      resolve: '2026-01-18T07:00:00.000Z',
    });
  });

  it('P2: 5 min, 30 min, 24 h of elapsed time across the DST change', () => {
    expect(deadlines('2026-03-28T23:30:00Z', 'P2')).toEqual({
      ack: '2026-03-28T23:35:00.000Z',
      onScene: '2026-03-29T00:00:00.000Z',
      resolve: '2026-03-29T23:30:00.000Z',
    });
  });

  it('P3: 30 min, no on-scene target, 72 h', () => {
    expect(deadlines('2026-12-24T22:00:00Z', 'P3')).toEqual({
      ack: '2026-12-24T22:30:00.000Z',
      onScene: null,
      resolve: '2026-12-27T22:00:00.000Z',
    });
  });

  it('P4: service hours (4 service hours, 10 service days)', () => {
    expect(deadlines('2026-01-16T19:00:00Z', 'P4')).toEqual({
      ack: '2026-01-19T11:00:00.000Z',
      onScene: null,
      // Friday 1 h + 9 service days (Mon 19 … Thu 29 January) + 11 h on Friday 30 January.
      resolve: '2026-01-30T19:00:00.000Z',
    });
  });

  it('addCalendarMinutes: ALWAYS ignores service hours, SERVICE_HOURS does not', () => {
    const saturday = at('2026-01-17T10:00:00Z');
    expect(iso(addCalendarMinutes(saturday, 60, 'ALWAYS', DEFAULT_RULE_SET.serviceHours))).toBe('2026-01-17T11:00:00.000Z');
    expect(iso(addCalendarMinutes(saturday, 60, 'SERVICE_HOURS', DEFAULT_RULE_SET.serviceHours))).toBe('2026-01-19T09:00:00.000Z');
  });
});
