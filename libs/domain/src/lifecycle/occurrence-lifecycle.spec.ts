import { OCCURRENCE_STATUSES, type OccurrenceStatus } from '@cgi/shared';
import { IllegalTransitionError } from './illegal-transition.error';
import { OCCURRENCE_COMMANDS, type OccurrenceCommand } from './occurrence-command';
import { ALLOWED_COMMANDS, canApply, nextStatus } from './occurrence-lifecycle';

type Key = `${OccurrenceStatus}|${OccurrenceCommand}|${'lead' | 'support'}`;

/** Every legal (status, command, actor) and its resulting status. Anything not listed is illegal. */
const LEGAL: Partial<Record<Key, OccurrenceStatus>> = {};
function legal(from: OccurrenceStatus[], command: OccurrenceCommand, actors: Array<'lead' | 'support'>, to: OccurrenceStatus | 'same'): void {
  for (const status of from) {
    for (const actor of actors) LEGAL[`${status}|${command}|${actor}`] = to === 'same' ? status : to;
  }
}
const BOTH: Array<'lead' | 'support'> = ['lead', 'support'];
const OPEN: OccurrenceStatus[] = ['NEW', 'TRIAGED', 'DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'];

legal(['NEW'], 'TRIAGE', BOTH, 'TRIAGED');
legal(['NEW', 'TRIAGED'], 'DISPATCH', BOTH, 'DISPATCHED');
legal(['DISPATCHED'], 'ACKNOWLEDGE', ['lead'], 'ACKNOWLEDGED');
legal(['DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'], 'ACKNOWLEDGE', ['support'], 'same');
legal(['DISPATCHED', 'ACKNOWLEDGED'], 'ON_SCENE', ['lead'], 'ON_SCENE');
legal(['DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'], 'ON_SCENE', ['support'], 'same');
legal(['ACKNOWLEDGED', 'ON_SCENE'], 'RESOLVE', ['lead'], 'RESOLVED');
legal(['RESOLVED'], 'CLOSE', BOTH, 'CLOSED');
legal(OPEN, 'CANCEL', BOTH, 'CANCELLED');
legal(['RESOLVED', 'CLOSED'], 'REOPEN', BOTH, 'TRIAGED');
legal(OPEN, 'MERGE', BOTH, 'MERGED');
legal(['MERGED'], 'UNMERGE', BOTH, 'TRIAGED');
legal(OPEN, 'OVERRIDE_ROUTING', BOTH, 'same');
legal([...OCCURRENCE_STATUSES], 'ADD_NOTE', BOTH, 'same');

const ALL_CASES = OCCURRENCE_STATUSES.flatMap((status) =>
  OCCURRENCE_COMMANDS.flatMap((command) =>
    (['lead', 'support'] as const).map((actor) => {
      const expected = LEGAL[`${status}|${command}|${actor}`];
      return { status, command, actor, isLead: actor === 'lead', expected: expected ?? null };
    }),
  ),
);

describe('occurrence lifecycle', () => {
  it('covers every status × command × actor combination', () => {
    expect(ALL_CASES).toHaveLength(9 * 12 * 2);
  });

  describe.each(ALL_CASES.filter((c) => c.expected !== null))('legal: $command in $status by $actor', (c) => {
    it(`gives ${c.expected}`, () => {
      expect(nextStatus(c.status, c.command, { isLead: c.isLead })).toBe(c.expected);
      expect(canApply(c.status, c.command, { isLead: c.isLead })).toBe(true);
    });
  });

  describe.each(ALL_CASES.filter((c) => c.expected === null))('illegal: $command in $status by $actor', (c) => {
    it('throws IllegalTransitionError', () => {
      expect(canApply(c.status, c.command, { isLead: c.isLead })).toBe(false);
      let thrown: unknown;
      try {
        nextStatus(c.status, c.command, { isLead: c.isLead });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IllegalTransitionError);
      const err = thrown as IllegalTransitionError;
      expect(err.from).toBe(c.status);
      expect(err.command).toBe(c.command);
      expect(err.code).toBe('ILLEGAL_TRANSITION');
      expect(err.message).toContain(c.status);
    });
  });

  it('treats a missing isLead as a support department (least privilege)', () => {
    expect(nextStatus('DISPATCHED', 'ACKNOWLEDGE')).toBe('DISPATCHED');
    expect(() => nextStatus('ON_SCENE', 'RESOLVE')).toThrow(IllegalTransitionError);
    expect(nextStatus('NEW', 'TRIAGE')).toBe('TRIAGED');
  });

  it('walks the happy path', () => {
    let status: OccurrenceStatus = 'NEW';
    for (const command of ['TRIAGE', 'DISPATCH', 'ACKNOWLEDGE', 'ON_SCENE', 'RESOLVE', 'CLOSE'] as const) {
      status = nextStatus(status, command, { isLead: true });
    }
    expect(status).toBe('CLOSED');
    expect(nextStatus(status, 'REOPEN')).toBe('TRIAGED');
  });

  it('lists, per status, the commands someone may issue', () => {
    for (const status of OCCURRENCE_STATUSES) {
      const expected = OCCURRENCE_COMMANDS.filter(
        (command) => LEGAL[`${status}|${command}|lead`] !== undefined || LEGAL[`${status}|${command}|support`] !== undefined,
      );
      expect(ALLOWED_COMMANDS[status]).toEqual(expected);
    }
    expect(ALLOWED_COMMANDS.CANCELLED).toEqual(['ADD_NOTE']);
    expect(ALLOWED_COMMANDS.DISPATCHED).toEqual(['ACKNOWLEDGE', 'ON_SCENE', 'CANCEL', 'MERGE', 'OVERRIDE_ROUTING', 'ADD_NOTE']);
  });
});
