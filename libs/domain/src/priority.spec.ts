import type { Priority } from '@cgi/shared';
import { higherPriority, isPriority, priorityRank } from './priority';

describe('priority helpers', () => {
  it('ranks P1 first', () => {
    expect((['P1', 'P2', 'P3', 'P4'] as Priority[]).map(priorityRank)).toEqual([1, 2, 3, 4]);
  });

  it.each<[Priority, Priority, Priority]>([
    ['P1', 'P2', 'P1'],
    ['P2', 'P1', 'P1'],
    ['P3', 'P3', 'P3'],
    ['P4', 'P2', 'P2'],
    ['P3', 'P4', 'P3'],
  ])('higherPriority(%s, %s) = %s', (a, b, expected) => {
    expect(higherPriority(a, b)).toBe(expected);
  });

  it('recognises priorities', () => {
    expect(isPriority('P2')).toBe(true);
    expect(isPriority('P5')).toBe(false);
    expect(isPriority(2)).toBe(false);
  });
});
