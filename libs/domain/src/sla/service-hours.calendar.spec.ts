import type { ServiceHours } from '@cgi/shared';
import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import { addServiceMinutes } from './service-hours.calendar';

const HOURS = DEFAULT_RULE_SET.serviceHours;
const P4_ACK = DEFAULT_RULE_SET.slas.P4.acknowledgeMinutes;

function add(startIso: string, minutes: number, hours: ServiceHours = HOURS): string {
  return addServiceMinutes(new Date(startIso), minutes, hours).toISOString();
}

describe('addServiceMinutes (Europe/Lisbon, Mon–Fri 08:00–20:00)', () => {
  // Lisbon is UTC+0 (WET) in winter and UTC+1 (WEST) from the last Sunday of March to the last Sunday of October.
  it.each<[string, string, number, string]>([
    ['governance §2: Friday 19:00 → Monday 11:00', '2026-01-16T19:00:00Z', P4_ACK, '2026-01-19T11:00:00.000Z'],
    ['same rule in summer time (Friday 19:00 WEST)', '2026-07-17T18:00:00Z', P4_ACK, '2026-07-20T10:00:00.000Z'],
    ['start before opening', '2026-01-13T06:30:00Z', P4_ACK, '2026-01-13T12:00:00.000Z'],
    ['start inside opening', '2026-01-13T10:00:00Z', P4_ACK, '2026-01-13T14:00:00.000Z'],
    ['start at opening', '2026-01-13T08:00:00Z', 1, '2026-01-13T08:01:00.000Z'],
    ['ends exactly at closing time', '2026-01-13T16:00:00Z', P4_ACK, '2026-01-13T20:00:00.000Z'],
    ['start at closing time', '2026-01-13T20:00:00Z', P4_ACK, '2026-01-14T12:00:00.000Z'],
    ['one minute before closing', '2026-01-13T19:59:00Z', P4_ACK, '2026-01-14T11:59:00.000Z'],
    ['start late at night', '2026-01-13T23:30:00Z', P4_ACK, '2026-01-14T12:00:00.000Z'],
    ['start on Saturday', '2026-01-17T10:00:00Z', P4_ACK, '2026-01-19T12:00:00.000Z'],
    ['start on Sunday evening', '2026-01-18T22:00:00Z', P4_ACK, '2026-01-19T12:00:00.000Z'],
    ['a whole service day', '2026-01-13T08:00:00Z', 720, '2026-01-13T20:00:00.000Z'],
    ['a service day and a minute', '2026-01-13T08:00:00Z', 721, '2026-01-14T08:01:00.000Z'],
    ['P4 resolve: 10 service days over two weekends', '2026-01-12T10:00:00Z', 7200, '2026-01-26T10:00:00.000Z'],
    ['holiday: Thursday before 1 May (Friday)', '2026-04-30T18:00:00Z', P4_ACK, '2026-05-04T10:00:00.000Z'],
    ['holiday: Monday before 1 December (Tuesday)', '2026-11-30T19:00:00Z', P4_ACK, '2026-12-02T11:00:00.000Z'],
    ['holiday: Monday before 8 December (Tuesday)', '2026-12-07T19:00:00Z', P4_ACK, '2026-12-09T11:00:00.000Z'],
    ['Good Friday 2026 (3 April, Easter 5 April − 2)', '2026-04-02T18:00:00Z', P4_ACK, '2026-04-06T10:00:00.000Z'],
    ['Corpus Christi 2026 (4 June, Easter + 60)', '2026-06-03T18:00:00Z', P4_ACK, '2026-06-05T10:00:00.000Z'],
    ['São João (24 June, Wednesday)', '2026-06-23T18:00:00Z', P4_ACK, '2026-06-25T10:00:00.000Z'],
    ['Christmas and New Year', '2026-12-24T19:00:00Z', P4_ACK, '2026-12-28T11:00:00.000Z'],
    ['DST start: Friday 27 March 19:00 WET → Monday 30 March 11:00 WEST', '2026-03-27T19:00:00Z', P4_ACK, '2026-03-30T10:00:00.000Z'],
    ['DST start: Saturday 28 March evening → Monday 12:00 WEST', '2026-03-28T21:00:00Z', P4_ACK, '2026-03-30T11:00:00.000Z'],
    ['DST end: Friday 23 October 19:00 WEST → Monday 26 October 11:00 WET', '2026-10-23T18:00:00Z', P4_ACK, '2026-10-26T11:00:00.000Z'],
    ['DST end: Saturday 24 October evening → Monday 12:00 WET', '2026-10-24T20:00:00Z', P4_ACK, '2026-10-26T12:00:00.000Z'],
  ])('%s', (_, start, minutes, expected) => {
    expect(add(start, minutes)).toBe(expected);
  });

  it('returns the start for zero minutes', () => {
    expect(add('2026-01-17T10:00:00Z', 0)).toBe('2026-01-17T10:00:00.000Z');
  });

  it('keeps seconds of the start', () => {
    expect(add('2026-01-13T10:00:30.250Z', 5)).toBe('2026-01-13T10:05:30.250Z');
  });

  it('rejects negative or non-finite minutes and invalid dates', () => {
    expect(() => add('2026-01-13T10:00:00Z', -1)).toThrow(RangeError);
    expect(() => add('2026-01-13T10:00:00Z', Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => addServiceMinutes(new Date('nope'), 5, HOURS)).toThrow(RangeError);
    expect(() => add('2026-01-13T10:00:00Z', 5, { ...HOURS, timezone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('gives up on service hours that never open', () => {
    const never: ServiceHours = { ...HOURS, weekdays: [1], holidays: [{ kind: 'FIXED', month: 1, day: 1, name: 'x' }] };
    expect(add('2026-01-13T10:00:00Z', 5, never)).toBe('2026-01-19T08:05:00.000Z');
    const closed: ServiceHours = { ...HOURS, opens: '20:00', closes: '08:00' };
    expect(() => add('2026-01-13T10:00:00Z', 5, closed)).toThrow(RangeError);
  });

  describe('windows that span a DST change count real elapsed minutes', () => {
    // Sundays only, 00:00–12:00 local, no holidays.
    const SUNDAY_MORNINGS: ServiceHours = { timezone: 'Europe/Lisbon', weekdays: [7], opens: '00:00', closes: '12:00', holidays: [] };

    it('29 March 2026: the window is 11 hours long', () => {
      // 00:00 WET = 00:00Z; 12:00 WEST = 11:00Z.
      expect(add('2026-03-29T00:00:00Z', 600, SUNDAY_MORNINGS)).toBe('2026-03-29T10:00:00.000Z');
      expect(add('2026-03-29T00:00:00Z', 660, SUNDAY_MORNINGS)).toBe('2026-03-29T11:00:00.000Z');
      // 40 minutes carry over to Sunday 5 April 00:00 WEST = 4 April 23:00Z.
      expect(add('2026-03-29T00:00:00Z', 700, SUNDAY_MORNINGS)).toBe('2026-04-04T23:40:00.000Z');
    });

    it('25 October 2026: the window is 13 hours long', () => {
      // 00:00 WEST = 24 October 23:00Z; 12:00 WET = 12:00Z.
      expect(add('2026-10-24T23:00:00Z', 780, SUNDAY_MORNINGS)).toBe('2026-10-25T12:00:00.000Z');
      expect(add('2026-10-24T23:00:00Z', 781, SUNDAY_MORNINGS)).toBe('2026-11-01T00:01:00.000Z');
    });
  });
});
