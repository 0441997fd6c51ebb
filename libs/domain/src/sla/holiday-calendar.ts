import type { HolidayRule } from '@cgi/shared';
import { easterSunday } from './easter';
import { addDays, sameDate, type LocalDate } from './local-date';

function isEasterHoliday(date: LocalDate, offsetDays: number): boolean {
  // An offset may move the holiday into a neighbouring year; the three candidates cover |offset| <= 365.
  return [date.year - 1, date.year, date.year + 1].some((year) =>
    sameDate(addDays(easterSunday(year), offsetDays), date),
  );
}

function matchesRule(date: LocalDate, rule: HolidayRule): boolean {
  switch (rule.kind) {
    case 'FIXED':
      return rule.month === date.month && rule.day === date.day;
    case 'EASTER':
      return isEasterHoliday(date, rule.offsetDays);
  }
}

/** Whether a local calendar date is one of the holidays (fixed dates or relative to Easter). */
export function isHoliday(localDate: LocalDate, rules: readonly HolidayRule[]): boolean {
  return rules.some((rule) => matchesRule(localDate, rule));
}
