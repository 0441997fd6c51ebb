import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { CATEGORY_EN, en, pt, type Dictionary, type MessageKey } from './dictionary';

export type Lang = 'pt' | 'en';
const STORAGE_KEY = 'cgi.lang';

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey) => string;
  /** A label from one of the enum tables of dictionary.ts. */
  label: (table: Record<string, { pt: string; en: string }>, code: string) => string;
  /** Category name: the rule set's Portuguese name, or the English one. */
  category: (code: string) => string;
  /** Formats a date-time as HH:mm:ss in Lisbon time. */
  time: (iso: string) => string;
  /** Formats a date-time as a short date and HH:mm in Lisbon time. */
  dateTime: (iso: string) => string;
}

const DICTS: Record<Lang, Dictionary> = { pt, en };
const CategoryNames = createContext<Record<string, string>>({});
const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  return stored === 'en' ? 'en' : 'pt';
}

export function I18nProvider({ children, lang: forced, categoryNames = {} }: { children: ReactNode; lang?: Lang; categoryNames?: Record<string, string> }): ReactNode {
  const [lang, setLangState] = useState<Lang>(forced ?? initialLang());
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    const fmt = new Intl.DateTimeFormat(lang === 'pt' ? 'pt-PT' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Europe/Lisbon' });
    const fmtDateTime = new Intl.DateTimeFormat(lang === 'pt' ? 'pt-PT' : 'en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Lisbon' });
    return {
      lang,
      setLang,
      t: (key) => dict[key],
      label: (table, code) => table[code]?.[lang] ?? code,
      category: (code) => (lang === 'en' ? CATEGORY_EN[code] : categoryNames[code]) ?? categoryNames[code] ?? code,
      time: (iso) => fmt.format(new Date(iso)),
      dateTime: (iso) => fmtDateTime.format(new Date(iso)),
    };
  }, [lang, setLang, categoryNames]);
  return (
    <CategoryNames.Provider value={categoryNames}>
      <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
    </CategoryNames.Provider>
  );
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
