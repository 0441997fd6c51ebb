/** A calendar date without a time or zone (the date as a clock on the wall in the service zone shows it). */
export interface LocalDate {
  year: number;
  /** 1 = January … 12 = December. */
  month: number;
  day: number;
}

const MS_PER_DAY = 86_400_000;

function toUtcMidnight(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day);
}

function fromUtcMidnight(ms: number): LocalDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The date `days` calendar days after (or before, when negative) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMidnight(toUtcMidnight(date) + days * MS_PER_DAY);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const weekday = new Date(toUtcMidnight(date)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

export function sameDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}
