/** "HH:mm", 00:00 … 23:59. */
export const CLOCK_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface ClockTime {
  hour: number;
  minute: number;
}

export function parseClockTime(value: string): ClockTime {
  const match = CLOCK_TIME_PATTERN.exec(value);
  if (!match) throw new RangeError(`expected a "HH:mm" time, got "${value}"`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}
