import { OPERATIONAL_LEVELS, type OperationalLevel, type RuleSetDocument } from '@cgi/shared';

function levelRank(level: OperationalLevel): number {
  return OPERATIONAL_LEVELS.indexOf(level);
}

/** The stricter of two levels (NORMAL < ALERT < CRISIS), e.g. of a parish and the whole city. */
export function strictestLevel(a: OperationalLevel, b: OperationalLevel): OperationalLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/**
 * Whether to propose ALERT (governance.md §7): `recentCount` is the number of open occurrences of
 * civil-protection categories with a priority in `alertProposal.priorities`, in one parish, within
 * `alertProposal.windowMinutes` (counting them is the caller's query). Only proposed from NORMAL.
 */
export function shouldProposeAlert(recentCount: number, current: OperationalLevel, doc: RuleSetDocument): boolean {
  return current === 'NORMAL' && recentCount >= doc.alertProposal.minOccurrences;
}
