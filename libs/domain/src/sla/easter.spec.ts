import type { HolidayRule } from '@cgi/shared';
import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import { easterSunday } from './easter';
import { isHoliday } from './holiday-calendar';
import { addDays, isoWeekday } from './local-date';

describe('easterSunday', () => {
  it.each([
    [1818, 3, 22], // earliest possible date
    [1943, 4, 25], // latest possible date
    [2000, 4, 23],
    [2008, 3, 23],
    [2011, 4, 24],
    [2019, 4, 21],
    [2024, 3, 31],
    [2025, 4, 20],
    [2026, 4, 5],
    [2027, 3, 28],
    [2038, 4, 25],
    [2285, 3, 22],
  ])('Easter %i is %i/%i', (year, month, day) => {
    const easter = easterSunday(year);
    expect(easter).toEqual({ year, month, day });
    expect(isoWeekday(easter)).toBe(7);
  });

  it('is always a Sunday between 22 March and 25 April', () => {
    for (let year = 1900; year <= 2200; year++) {
      const easter = easterSunday(year);
      expect(isoWeekday(easter)).toBe(7);
      const key = easter.month * 100 + easter.day;
      expect(key).toBeGreaterThanOrEqual(322);
      expect(key).toBeLessThanOrEqual(425);
    }
  });

  it('rejects years outside the Gregorian calendar', () => {
    expect(() => easterSunday(1500)).toThrow(RangeError);
    expect(() => easterSunday(2026.5)).toThrow(RangeError);
  });
});

describe('isHoliday (Porto, 2026)', () => {
  const holidays = DEFAULT_RULE_SET.serviceHours.holidays;

  it.each([
    [1, 1, 'Ano Novo'],
    [4, 3, 'Sexta-feira Santa (Easter 5 April − 2)'],
    [4, 5, 'Páscoa'],
    [4, 25, 'Dia da Liberdade'],
    [5, 1, 'Dia do Trabalhador'],
    [6, 4, 'Corpo de Deus (Easter + 60)'],
    [6, 10, 'Dia de Portugal'],
    [6, 24, 'São João'],
    [8, 15, 'Assunção'],
    [10, 5, 'República'],
    [11, 1, 'Todos os Santos'],
    [12, 1, 'Restauração'],
    [12, 8, 'Imaculada Conceição'],
    [12, 25, 'Natal'],
  ])('%i/%i (%s) is a holiday', (month, day) => {
    expect(isHoliday({ year: 2026, month, day }, holidays)).toBe(true);
  });

  it.each([
    [2, 17, 'Carnaval (not a national holiday)'],
    [4, 2, 'Quinta-feira Santa'],
    [4, 6, 'Easter Monday'],
    [6, 5, 'the day after Corpo de Deus'],
    [6, 23, 'the eve of São João'],
    [12, 24, 'Christmas Eve'],
  ])('%i/%i (%s) is not a holiday', (month, day) => {
    expect(isHoliday({ year: 2026, month, day }, holidays)).toBe(false);
  });

  it('moves the Easter holidays with Easter (2027: Easter 28 March)', () => {
    expect(isHoliday({ year: 2027, month: 3, day: 26 }, holidays)).toBe(true);
    expect(isHoliday({ year: 2027, month: 5, day: 27 }, holidays)).toBe(true);
    expect(isHoliday({ year: 2027, month: 4, day: 3 }, holidays)).toBe(false);
  });

  it('finds Easter-relative holidays that fall in a neighbouring year', () => {
    const rules: HolidayRule[] = [{ kind: 'EASTER', offsetDays: 300, name: 'late' }];
    const date = addDays(easterSunday(2026), 300);
    expect(date.year).toBe(2027);
    expect(isHoliday(date, rules)).toBe(true);
    expect(isHoliday(addDays(date, 1), rules)).toBe(false);
  });

  it('knows no holiday without rules', () => {
    expect(isHoliday({ year: 2026, month: 12, day: 25 }, [])).toBe(false);
  });
});
