import type { Department, FieldError, GeoPoint, UnitRules } from '@cgi/shared';
import { distanceMeters, etaSeconds, unitKind } from './unit-position';

/**
 * Fleet rules that do not need the database: which kinds a department may own (rule-set data),
 * and how the nearest available units are ranked and timed for a proposal.
 */

/** Speed assumed for a kind no longer in the catalogue (a rule set that dropped it): a slow city crawl. */
export const FALLBACK_SPEED_KMH = 20;

/**
 * Field errors of a unit's kind for its department against the rule set in force: the kind must
 * be in the catalogue, and the department among those that may own it. `field` names the kind's
 * field in the request ("kind").
 */
export function checkUnitKind(rules: Pick<UnitRules, 'kinds'>, kind: string, department: Department, field = 'kind'): FieldError[] {
  const rule = unitKind(rules, kind);
  if (!rule) {
    return [{ field, message: `is not a unit kind of the rule set in force (${rules.kinds.map((k) => k.code).join(', ')})` }];
  }
  if (!rule.departments.includes(department)) {
    return [{ field, message: `${kind} units belong to ${rule.departments.join(' or ')}, not ${department}` }];
  }
  return [];
}

/** The mean speed of a kind (km/h), or FALLBACK_SPEED_KMH when the catalogue no longer has it. */
export function kindSpeedKmh(rules: Pick<UnitRules, 'kinds'>, kind: string): number {
  return unitKind(rules, kind)?.meanSpeedKmh ?? FALLBACK_SPEED_KMH;
}

/** Straight-line ETA (s) of a unit of `kind` over `distanceM`. */
export function unitEtaSeconds(rules: Pick<UnitRules, 'kinds'>, kind: string, distanceM: number): number {
  return etaSeconds(distanceM, kindSpeedKmh(rules, kind));
}

/** A candidate for a proposal: where it is (last fix, or home base without one). */
export interface ProposalCandidate {
  id: string;
  code: string;
  kind: string;
  /** Distance already measured (PostGIS), or null to measure it here from `at`. */
  distanceMeters: number | null;
  at: GeoPoint;
}

export interface RankedProposal<C extends ProposalCandidate> {
  candidate: C;
  distanceMeters: number;
  etaSeconds: number;
}

/**
 * Ranks candidates for an occurrence at `target`: nearest first by straight line (whole metres),
 * ties by unit code so the order is stable; optionally only `kind`; at most `limit`.
 */
export function rankProposals<C extends ProposalCandidate>(
  candidates: readonly C[],
  target: GeoPoint,
  rules: Pick<UnitRules, 'kinds'>,
  opts: { kind?: string; limit: number },
): Array<RankedProposal<C>> {
  return candidates
    .filter((c) => opts.kind === undefined || c.kind === opts.kind)
    .map((c) => {
      const d = Math.round(c.distanceMeters ?? distanceMeters(c.at, target));
      return { candidate: c, distanceMeters: d, etaSeconds: unitEtaSeconds(rules, c.kind, d) };
    })
    .sort((a, b) => a.distanceMeters - b.distanceMeters || a.candidate.code.localeCompare(b.candidate.code))
    .slice(0, Math.max(0, opts.limit));
}
