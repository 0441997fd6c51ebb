import type { OperationalLevel } from '@cgi/shared';
import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import { shouldProposeAlert, strictestLevel } from './operational-level';

describe('strictestLevel', () => {
  it.each<[OperationalLevel, OperationalLevel, OperationalLevel]>([
    ['NORMAL', 'NORMAL', 'NORMAL'],
    ['NORMAL', 'ALERT', 'ALERT'],
    ['ALERT', 'NORMAL', 'ALERT'],
    ['NORMAL', 'CRISIS', 'CRISIS'],
    ['CRISIS', 'NORMAL', 'CRISIS'],
    ['ALERT', 'CRISIS', 'CRISIS'],
    ['CRISIS', 'ALERT', 'CRISIS'],
    ['ALERT', 'ALERT', 'ALERT'],
    ['CRISIS', 'CRISIS', 'CRISIS'],
  ])('%s, %s → %s', (a, b, expected) => {
    expect(strictestLevel(a, b)).toBe(expected);
  });
});

describe('shouldProposeAlert (5 occurrences)', () => {
  it.each<[number, OperationalLevel, boolean]>([
    [0, 'NORMAL', false],
    [4, 'NORMAL', false],
    [5, 'NORMAL', true],
    [12, 'NORMAL', true],
    [5, 'ALERT', false],
    [9, 'CRISIS', false],
  ])('%i occurrences at %s → %s', (count, level, expected) => {
    expect(shouldProposeAlert(count, level, DEFAULT_RULE_SET)).toBe(expected);
  });

  it('follows the rule set', () => {
    const doc = { ...DEFAULT_RULE_SET, alertProposal: { ...DEFAULT_RULE_SET.alertProposal, minOccurrences: 3 } };
    expect(shouldProposeAlert(3, 'NORMAL', doc)).toBe(true);
  });
});
