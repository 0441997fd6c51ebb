import type { ServiceHours } from '@cgi/shared';
import { DateTime } from 'luxon';
import { parseClockTime, type ClockTime } from './clock-time';
import { isHoliday } from './holiday-calendar';
import { addDays, isoWeekday, type LocalDate } from './local-date';

const MS_PER_MINUTE = 60_000;
/** A calendar with no service day in a whole year is a configuration error, not a long wait. */
const MAX_DAYS_WITHOUT_SERVICE = 366;

interface Window {
  startMs: number;
  endMs: number;
}

/**
 * Instants of local wall-clock times, memoised: a zone's rules do not change while the process
 * runs, and intake asks for the same few days' opening and closing times over and over (a P4's
 * 10-day resolve deadline walks ~14 days). Bounded: cleared when full.
 */
const instants = new Map<string, number>();
const MAX_INSTANTS = 10_000;

function localInstant(date: LocalDate, time: ClockTime, zone: string): number {
  const key = `${zone}|${date.year}-${date.month}-${date.day}T${time.hour}:${time.minute}`;
  let ms = instants.get(key);
  if (ms === undefined) {
    ms = DateTime.fromObject({ ...date, hour: time.hour, minute: time.minute }, { zone }).toMillis();
    if (instants.size >= MAX_INSTANTS) instants.clear();
    instants.set(key, ms);
  }
  return ms;
}

/** The day's service window as UTC instants, or null when the day has no service. */
function serviceWindow(date: LocalDate, hours: ServiceHours, opens: ClockTime, closes: ClockTime): Window | null {
  if (!hours.weekdays.includes(isoWeekday(date)) || isHoliday(date, hours.holidays)) return null;
  // Instants come from the zone's rules, so a window spanning a DST change is as long as it really is.
  return { startMs: localInstant(date, opens, hours.timezone), endMs: localInstant(date, closes, hours.timezone) };
}

function localDateOf(instant: Date, zone: string): LocalDate {
  const local = DateTime.fromJSDate(instant, { zone });
  if (!local.isValid) throw new RangeError(`invalid time zone "${zone}"`);
  return { year: local.year, month: local.month, day: local.day };
}

/**
 * The instant at which `minutes` minutes of service time have elapsed since `start`. Only time
 * inside the opening hours of working weekdays that are not holidays counts, in the service
 * time zone (DST-correct: every boundary is computed from the zone's rules). A deadline that
 * falls exactly at closing time is closing time, not the next opening. Zero minutes gives `start`.
 */
export function addServiceMinutes(start: Date, minutes: number, hours: ServiceHours): Date {
  if (Number.isNaN(start.getTime())) throw new RangeError('start is not a valid date');
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be >= 0, got ${minutes}`);
  let remainingMs = Math.round(minutes * MS_PER_MINUTE);
  if (remainingMs === 0) return new Date(start.getTime());

  const opens = parseClockTime(hours.opens);
  const closes = parseClockTime(hours.closes);
  let day = localDateOf(start, hours.timezone);
  let daysWithoutService = 0;

  for (;;) {
    const window = serviceWindow(day, hours, opens, closes);
    const from = window ? Math.max(start.getTime(), window.startMs) : 0;
    if (window && from < window.endMs) {
      daysWithoutService = 0;
      const available = window.endMs - from;
      if (remainingMs <= available) return new Date(from + remainingMs);
      remainingMs -= available;
    } else if (++daysWithoutService > MAX_DAYS_WITHOUT_SERVICE) {
      throw new RangeError('the service hours have no open time within a year');
    }
    day = addDays(day, 1);
  }
}
