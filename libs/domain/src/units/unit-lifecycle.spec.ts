import { UNIT_COMMANDS, UNIT_STATUSES, type UnitCommand, type UnitStatus } from '@cgi/shared';
import { canApplyUnitCommand, IllegalUnitTransitionError, nextUnitStatus } from './unit-lifecycle';

describe('unit state machine', () => {
  const allowed: Array<[UnitStatus, UnitCommand, UnitStatus]> = [
    ['AVAILABLE', 'DISPATCH', 'DISPATCHED'],
    ['DISPATCHED', 'ARRIVE', 'ON_SCENE'],
    ['DISPATCHED', 'RELEASE', 'AVAILABLE'],
    ['ON_SCENE', 'RELEASE', 'AVAILABLE'],
    ['AVAILABLE', 'SET_UNAVAILABLE', 'UNAVAILABLE'],
    ['UNAVAILABLE', 'SET_AVAILABLE', 'AVAILABLE'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, command, to) => {
    expect(nextUnitStatus(from, command)).toBe(to);
  });

  it('refuses every other pair with the status and command in the error', () => {
    let refused = 0;
    for (const from of UNIT_STATUSES) {
      for (const command of UNIT_COMMANDS) {
        if (allowed.some(([f, c]) => f === from && c === command)) continue;
        expect(canApplyUnitCommand(from, command)).toBe(false);
        expect(() => nextUnitStatus(from, command)).toThrow(IllegalUnitTransitionError);
        try {
          nextUnitStatus(from, command);
        } catch (e) {
          expect((e as IllegalUnitTransitionError).code).toBe('ILLEGAL_TRANSITION');
          expect((e as Error).message).toBe(`${command} is not allowed when the unit is ${from}`);
        }
        refused++;
      }
    }
    expect(refused).toBe(UNIT_STATUSES.length * UNIT_COMMANDS.length - allowed.length);
  });

  it('never dispatches a unit that is out of service or already on an occurrence', () => {
    for (const from of ['UNAVAILABLE', 'DISPATCHED', 'ON_SCENE'] as const) expect(canApplyUnitCommand(from, 'DISPATCH')).toBe(false);
  });
});
