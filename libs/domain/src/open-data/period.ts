/** A dataset's period: one Europe/Lisbon calendar day ("2026-12-03") or month ("2026-11"). */
export type OpenDataPeriodKind = 'daily' | 'monthly';

export interface OpenDataPeriod {
  kind: OpenDataPeriodKind;
  /** "2026-12-03" (daily) or "2026-11" (monthly). */
  id: string;
  /** First local date of the period, "YYYY-MM-DD". */
  start: string;
  /** First local date after the period, "YYYY-MM-DD" (exclusive end). */
  end: string;
}

/** What a period id looks like, for error messages. */
export const PERIOD_FORMATS: Record<OpenDataPeriodKind, string> = { daily: 'a date YYYY-MM-DD', monthly: 'a month YYYY-MM' };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

const iso = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** Parses a period id; null when it is not a real calendar day or month (2026-02-30, 2026-13). */
export function parseOpenDataPeriod(kind: OpenDataPeriodKind, id: string): OpenDataPeriod | null {
  if (kind === 'daily') {
    const m = DAY.exec(id);
    if (!m) return null;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (y < 2000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
    const next = new Date(Date.UTC(y, mo - 1, d + 1));
    return { kind, id, start: id, end: iso(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()) };
  }
  const m = MONTH.exec(id);
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (y < 2000 || mo < 1 || mo > 12) return null;
  return { kind, id, start: iso(y, mo, 1), end: mo === 12 ? iso(y + 1, 1, 1) : iso(y, mo + 1, 1) };
}

/**
 * The periods the scheduled job (re)generates on local date `today`: the `refreshDays` days
 * before it (late resolutions reach the recent files) and the last complete month.
 */
export function periodsToRefresh(today: string, refreshDays: number): OpenDataPeriod[] {
  const m = DAY.exec(today);
  if (!m) throw new RangeError(`today must be YYYY-MM-DD, got ${today}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const out: OpenDataPeriod[] = [];
  for (let i = refreshDays; i >= 1; i--) {
    const day = (offset: number) => {
      const t = new Date(Date.UTC(y, mo - 1, d + offset));
      return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
    };
    out.push({ kind: 'daily', id: day(-i), start: day(-i), end: day(1 - i) });
  }
  const prev = new Date(Date.UTC(y, mo - 2, 1));
  out.push({ kind: 'monthly', id: iso(prev.getUTCFullYear(), prev.getUTCMonth() + 1, 1).slice(0, 7), start: iso(prev.getUTCFullYear(), prev.getUTCMonth() + 1, 1), end: iso(y, mo, 1) });
  return out;
}
