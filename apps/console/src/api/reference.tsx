import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { DEFAULT_UNIT_RULES } from '@cgi/domain';
import type { CategoryRule, OperationalLevel, UnitRules } from '@cgi/shared';
import type { ParishCollection } from '../map/city-map';
import type { ApiClient } from './api-client';

export interface LevelView {
  scope: string;
  level: OperationalLevel;
  reason: string | null;
  setBy: string;
  setAt: string;
}

interface ReferenceValue {
  categories: CategoryRule[];
  categoryNames: Record<string, string>;
  parishes: ParishCollection | null;
  levels: LevelView[];
  levelByScope: Record<string, OperationalLevel>;
  reloadLevels: () => Promise<void>;
}

const ReferenceContext = createContext<ReferenceValue | null>(null);

/** The fleet rules of the rule set in force (GET /reference/units); the seeded ones until it answers. */
export const UnitRulesContext = createContext<UnitRules>(DEFAULT_UNIT_RULES);

/** Reference data loaded once per session: categories, parishes (GeoJSON) and operational levels. */
export function ReferenceProvider({ api, children }: { api: ApiClient; children: (v: ReferenceValue) => ReactNode }): ReactNode {
  const [categories, setCategories] = useState<CategoryRule[]>([]);
  const [parishes, setParishes] = useState<ParishCollection | null>(null);
  const [levels, setLevels] = useState<LevelView[]>([]);
  const [unitRules, setUnitRules] = useState<UnitRules>(DEFAULT_UNIT_RULES);

  const reloadLevels = useCallback(async () => {
    setLevels(await api.get<LevelView[]>('/operational-levels'));
  }, [api]);

  useEffect(() => {
    void api.get<{ categories: CategoryRule[] }>('/reference/categories').then((r) => setCategories(r.categories), () => undefined);
    void api.get<ParishCollection>('/reference/parishes').then(setParishes, () => undefined);
    void api.get<{ units: UnitRules }>('/reference/units').then((r) => setUnitRules(r.units), () => undefined);
    void reloadLevels().catch(() => undefined);
  }, [api, reloadLevels]);

  const value = useMemo<ReferenceValue>(
    () => ({
      categories,
      categoryNames: Object.fromEntries(categories.map((c) => [c.code, c.name])),
      parishes,
      levels,
      levelByScope: Object.fromEntries(levels.map((l) => [l.scope, l.level])),
      reloadLevels,
    }),
    [categories, parishes, levels, reloadLevels],
  );
  return (
    <ReferenceContext.Provider value={value}>
      <UnitRulesContext.Provider value={unitRules}>{children(value)}</UnitRulesContext.Provider>
    </ReferenceContext.Provider>
  );
}

export function useReference(): ReferenceValue {
  const ctx = useContext(ReferenceContext);
  if (!ctx) throw new Error('useReference outside ReferenceProvider');
  return ctx;
}
