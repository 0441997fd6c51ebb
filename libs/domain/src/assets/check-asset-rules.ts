import { ASSET_KINDS, PRIORITIES } from '@cgi/shared';
import { fieldPath, type RuleSetChecker } from '../routing/rule-set-checker';

const FAULT_STATUSES = ['FAULT', 'OFFLINE'] as const;
const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const BOOLEAN_FLAGS = ['injuries', 'hazardousMaterials', 'blocksTraffic'] as const;
/** An Alert's category/subCategory as NGSI-LD spells them (camelCase words, "snow/ice"). */
const ALERT_TERM = /^[A-Za-z][A-Za-z0-9/_-]{0,59}$/;
export const NEARBY_RADIUS_MAX_METERS = 2000;

/** A rule's partial flags: known flags, booleans or a count. */
function checkFlags(c: RuleSetChecker, value: unknown, field: string): void {
  if (value === undefined) return;
  const flags = c.object(value, field, [...BOOLEAN_FLAGS, 'peopleAtRisk']);
  if (!flags) return;
  for (const flag of BOOLEAN_FLAGS) if (flags[flag] !== undefined) c.boolean(flags[flag], fieldPath(field, flag));
  if (flags.peopleAtRisk !== undefined) c.integer(flags.peopleAtRisk, fieldPath(field, 'peopleAtRisk'), 0, 100_000);
}

function checkCategoryRef(c: RuleSetChecker, value: unknown, field: string, categories: readonly string[] | undefined): void {
  const code = c.string(value, field);
  if (code !== undefined && categories && !categories.includes(code)) c.fail(field, `unknown category ${code} (not in categories)`);
}

function checkTerm(c: RuleSetChecker, value: unknown, field: string): string | undefined {
  const term = c.string(value, field);
  if (term !== undefined && !ALERT_TERM.test(term)) return c.fail(field, 'must be an Alert term such as trafficJam (letters, digits, / _ -)');
  return term;
}

/**
 * `assets` of a rule set (issue 15): fault rules (a known kind, FAULT or OFFLINE, a category of
 * the rule set, once per kind and status), Urban Platform alert rules (once per category and
 * subCategory, a category of the rule set, severities → priorities) and the nearby radius.
 * `categories` are the rule set's category codes (undefined when they were invalid: not checked).
 */
export function checkAssetRules(c: RuleSetChecker, value: unknown, categories: readonly string[] | undefined): void {
  const field = 'assets';
  const assets = c.object(value, field, ['faults', 'platformAlerts', 'nearbyRadiusMeters']);
  if (!assets) return;
  const faults = c.array(assets.faults, fieldPath(field, 'faults'), (v, f) => {
    const rule = c.object(v, f, ['kind', 'status', 'category', 'flags']);
    if (!rule) return null;
    const kind = c.oneOf(rule.kind, fieldPath(f, 'kind'), ASSET_KINDS);
    const status = c.oneOf(rule.status, fieldPath(f, 'status'), FAULT_STATUSES);
    checkCategoryRef(c, rule.category, fieldPath(f, 'category'), categories);
    checkFlags(c, rule.flags, fieldPath(f, 'flags'));
    return kind && status ? `${kind}/${status}` : null;
  });
  if (faults) c.uniqueKeys(faults, fieldPath(field, 'faults'), 'status', 'fault rule for');
  const alerts = c.array(assets.platformAlerts, fieldPath(field, 'platformAlerts'), (v, f) => {
    const rule = c.object(v, f, ['alertCategory', 'alertSubCategory', 'category', 'flags', 'priorityBySeverity']);
    if (!rule) return null;
    const category = checkTerm(c, rule.alertCategory, fieldPath(f, 'alertCategory'));
    const sub = checkTerm(c, rule.alertSubCategory, fieldPath(f, 'alertSubCategory'));
    checkCategoryRef(c, rule.category, fieldPath(f, 'category'), categories);
    checkFlags(c, rule.flags, fieldPath(f, 'flags'));
    if (rule.priorityBySeverity !== undefined) {
      const bySeverity = c.object(rule.priorityBySeverity, fieldPath(f, 'priorityBySeverity'), SEVERITIES);
      if (bySeverity) {
        for (const s of SEVERITIES) {
          if (bySeverity[s] !== undefined) c.oneOf(bySeverity[s], fieldPath(fieldPath(f, 'priorityBySeverity'), s), PRIORITIES);
        }
      }
    }
    return category && sub ? `${category}/${sub}` : null;
  });
  if (alerts) c.uniqueKeys(alerts, fieldPath(field, 'platformAlerts'), 'alertSubCategory', 'alert rule for');
  c.integer(assets.nearbyRadiusMeters, fieldPath(field, 'nearbyRadiusMeters'), 10, NEARBY_RADIUS_MAX_METERS);
}
