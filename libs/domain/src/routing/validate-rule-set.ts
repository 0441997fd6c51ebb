import {
  DEPARTMENTS,
  PARTNERS,
  PRIORITIES,
  type Department,
  type EscalationAudience,
  type EscalationRule,
  type FieldError,
  type FlagCondition,
  type Priority,
  type RuleSetDocument,
  type SlaRule,
  type SupportingRole,
} from '@cgi/shared';
import { IANAZone } from 'luxon';
import { checkAssetRules } from '../assets/check-asset-rules';
import { CLOCK_TIME_PATTERN } from '../sla/clock-time';
import { fieldPath, itemPath, RuleSetChecker } from './rule-set-checker';

export type RuleSetValidation = { ok: true; document: RuleSetDocument } | { ok: false; errors: FieldError[] };

/** The category every rule set must have: unknown situations are triaged by an operator. */
export const OTHER_CATEGORY = 'OTHER';

const CATEGORY_CODE_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const MODIFIER_ID_PATTERN = /^[a-z][a-z0-9-]*$/;
const BOOLEAN_FLAGS: readonly FlagCondition['flag'][] = ['injuries', 'hazardousMaterials', 'blocksTraffic'];
const COUNT_FLAGS: readonly FlagCondition['flag'][] = ['peopleAtRisk'];
const FLAGS = [...BOOLEAN_FLAGS, ...COUNT_FLAGS];
const CALENDARS: readonly SlaRule['calendar'][] = ['ALWAYS', 'SERVICE_HOURS'];
const ESCALATION_STEPS: readonly EscalationRule['level'][] = ['L1', 'L2', 'L3'];
const SUPPORTING_ROLES: readonly SupportingRole[] = ['SUPPORT', 'COORDINATOR'];
const ESCALATION_AUDIENCES: readonly EscalationAudience[] = [
  'DEPARTMENT',
  'DEPARTMENT_SUPERVISOR',
  'CGI_SUPERVISOR',
  'MUNICIPAL_COORDINATOR',
  'CIVIL_PROTECTION',
];
/** Days per month, February with 29 (a holiday rule holds for every year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** isHoliday looks one year either side of the date for Easter-relative holidays. */
const MAX_EASTER_OFFSET = 365;

const ROOT_KEYS: readonly (keyof RuleSetDocument)[] = [
  'categories',
  'modifiers',
  'outsideMunicipalityLead',
  'slas',
  'serviceHours',
  'escalation',
  'supportEscalation',
  'crisisCoordinator',
  'alertProposal',
  'duplicates',
  'units',
  'assets',
];

type Check = RuleSetChecker;

function departments(c: Check, value: unknown, field: string): Department[] | undefined {
  return c.array(value, field, (v, f) => c.oneOf(v, f, DEPARTMENTS), { unique: true });
}

function priorities(c: Check, value: unknown, field: string, nonEmpty = false): Priority[] | undefined {
  return c.array(value, field, (v, f) => c.oneOf(v, f, PRIORITIES), { unique: true, nonEmpty });
}

function checkCategory(c: Check, value: unknown, field: string): string | undefined {
  const row = c.object(value, field, [
    'code',
    'name',
    'lead',
    'support',
    'defaultPriority',
    'civilProtection',
    'autoDispatchSensorPriorities',
    'citizenFacing',
  ]);
  if (!row) return undefined;
  let code = c.string(row.code, fieldPath(field, 'code'));
  if (code !== undefined && !CATEGORY_CODE_PATTERN.test(code)) {
    code = c.fail(fieldPath(field, 'code'), 'must be upper case letters, digits and underscores (e.g. FALLEN_TREE)');
  }
  c.string(row.name, fieldPath(field, 'name'));
  const lead = c.oneOf(row.lead, fieldPath(field, 'lead'), DEPARTMENTS);
  const support = departments(c, row.support, fieldPath(field, 'support'));
  if (lead !== undefined && support?.includes(lead)) {
    c.fail(fieldPath(field, 'support'), `must not contain the lead ${lead}`);
  }
  c.oneOf(row.defaultPriority, fieldPath(field, 'defaultPriority'), PRIORITIES);
  c.boolean(row.civilProtection, fieldPath(field, 'civilProtection'));
  priorities(c, row.autoDispatchSensorPriorities, fieldPath(field, 'autoDispatchSensorPriorities'));
  c.boolean(row.citizenFacing, fieldPath(field, 'citizenFacing'));
  return code;
}

/** Answers the valid category codes (for the rules that name categories), or undefined when the list is not an array. */
function checkCategories(c: Check, value: unknown): string[] | undefined {
  const codes = c.array(value, 'categories', (v, f) => checkCategory(c, v, f) ?? null);
  if (!codes) return undefined;
  c.uniqueKeys(codes, 'categories', 'code', 'category code');
  if (!codes.includes(OTHER_CATEGORY)) c.fail('categories', `must include the ${OTHER_CATEGORY} category`);
  return codes.filter((code): code is string => code !== null);
}

function checkCondition(c: Check, value: unknown, field: string): void {
  const when = c.object(value, field, ['flag', 'equals', 'gte']);
  if (!when) return;
  const flag = c.oneOf(when.flag, fieldPath(field, 'flag'), FLAGS);
  if (when.equals !== undefined && when.gte !== undefined) {
    c.fail(field, 'must set exactly one of equals and gte');
    return;
  }
  if (flag === undefined) return;
  if (COUNT_FLAGS.includes(flag)) {
    if (when.equals !== undefined) c.fail(fieldPath(field, 'equals'), `not allowed for ${flag}: use gte`);
    else c.integer(when.gte, fieldPath(field, 'gte'), 0);
  } else {
    if (when.gte !== undefined) c.fail(fieldPath(field, 'gte'), `not allowed for ${flag}: use equals`);
    else c.boolean(when.equals, fieldPath(field, 'equals'));
  }
}

function checkEffect(c: Check, value: unknown, field: string): void {
  const then = c.object(value, field, ['setPriority', 'minPriority', 'addSupport', 'notify']);
  if (!then) return;
  const has = (key: string): boolean => then[key] !== undefined;
  if (!['setPriority', 'minPriority', 'addSupport', 'notify'].some(has)) {
    c.fail(field, 'must have at least one effect (setPriority, minPriority, addSupport, notify)');
  }
  if (has('setPriority') && has('minPriority')) c.fail(field, 'setPriority and minPriority are mutually exclusive');
  if (has('setPriority')) c.oneOf(then.setPriority, fieldPath(field, 'setPriority'), PRIORITIES);
  if (has('minPriority')) c.oneOf(then.minPriority, fieldPath(field, 'minPriority'), PRIORITIES);
  if (has('addSupport')) departments(c, then.addSupport, fieldPath(field, 'addSupport'));
  if (has('notify')) c.array(then.notify, fieldPath(field, 'notify'), (v, f) => c.oneOf(v, f, PARTNERS), { unique: true });
}

function checkModifier(c: Check, value: unknown, field: string): string | undefined {
  const modifier = c.object(value, field, ['id', 'description', 'when', 'then']);
  if (!modifier) return undefined;
  let id = c.string(modifier.id, fieldPath(field, 'id'));
  if (id !== undefined && !MODIFIER_ID_PATTERN.test(id)) {
    id = c.fail(fieldPath(field, 'id'), 'must be lower-case kebab-case (e.g. people-at-risk)');
  }
  c.string(modifier.description, fieldPath(field, 'description'));
  checkCondition(c, modifier.when, fieldPath(field, 'when'));
  checkEffect(c, modifier.then, fieldPath(field, 'then'));
  return id;
}

function checkModifiers(c: Check, value: unknown): void {
  const ids = c.array(value, 'modifiers', (v, f) => checkModifier(c, v, f) ?? null);
  if (ids) c.uniqueKeys(ids, 'modifiers', 'id', 'modifier id');
}

function checkSla(c: Check, value: unknown, field: string): void {
  const sla = c.object(value, field, ['acknowledgeMinutes', 'onSceneMinutes', 'resolveMinutes', 'calendar']);
  if (!sla) return;
  const acknowledge = c.positiveInteger(sla.acknowledgeMinutes, fieldPath(field, 'acknowledgeMinutes'));
  const onScene =
    sla.onSceneMinutes === null ? null : c.positiveInteger(sla.onSceneMinutes, fieldPath(field, 'onSceneMinutes'));
  const resolve = c.positiveInteger(sla.resolveMinutes, fieldPath(field, 'resolveMinutes'));
  c.oneOf(sla.calendar, fieldPath(field, 'calendar'), CALENDARS);
  if (acknowledge !== undefined && resolve !== undefined && acknowledge >= resolve) {
    c.fail(fieldPath(field, 'resolveMinutes'), `must be greater than acknowledgeMinutes (${acknowledge})`);
  }
  if (onScene != null && acknowledge !== undefined && onScene < acknowledge) {
    c.fail(fieldPath(field, 'onSceneMinutes'), `must not be less than acknowledgeMinutes (${acknowledge})`);
  }
  if (onScene != null && resolve !== undefined && onScene >= resolve) {
    c.fail(fieldPath(field, 'onSceneMinutes'), `must be less than resolveMinutes (${resolve})`);
  }
}

function checkSlas(c: Check, value: unknown): void {
  const slas = c.object(value, 'slas', PRIORITIES);
  if (!slas) return;
  for (const priority of PRIORITIES) checkSla(c, slas[priority], fieldPath('slas', priority));
}

function checkClockTime(c: Check, value: unknown, field: string): string | undefined {
  const time = c.string(value, field);
  if (time === undefined) return undefined;
  if (!CLOCK_TIME_PATTERN.test(time)) return c.fail(field, `must be a "HH:mm" time (00:00–23:59), got "${time}"`);
  return time;
}

function checkHoliday(c: Check, value: unknown, field: string): void {
  const holiday = c.object(value, field, ['kind', 'month', 'day', 'offsetDays', 'name']);
  if (!holiday) return;
  const kind = c.oneOf(holiday.kind, fieldPath(field, 'kind'), ['FIXED', 'EASTER'] as const);
  c.string(holiday.name, fieldPath(field, 'name'));
  if (kind === 'FIXED') {
    if (holiday.offsetDays !== undefined) c.fail(fieldPath(field, 'offsetDays'), 'not allowed for a FIXED holiday');
    const month = c.integer(holiday.month, fieldPath(field, 'month'), 1, 12);
    const maxDay = month === undefined ? 31 : (DAYS_IN_MONTH[month - 1] ?? 31);
    c.integer(holiday.day, fieldPath(field, 'day'), 1, maxDay);
  } else if (kind === 'EASTER') {
    if (holiday.month !== undefined) c.fail(fieldPath(field, 'month'), 'not allowed for an EASTER holiday');
    if (holiday.day !== undefined) c.fail(fieldPath(field, 'day'), 'not allowed for an EASTER holiday');
    c.integer(holiday.offsetDays, fieldPath(field, 'offsetDays'), -MAX_EASTER_OFFSET, MAX_EASTER_OFFSET);
  }
}

function checkServiceHours(c: Check, value: unknown): void {
  const field = 'serviceHours';
  const hours = c.object(value, field, ['timezone', 'weekdays', 'opens', 'closes', 'holidays']);
  if (!hours) return;
  const timezone = c.string(hours.timezone, fieldPath(field, 'timezone'));
  if (timezone !== undefined && !IANAZone.isValidZone(timezone)) {
    c.fail(fieldPath(field, 'timezone'), `must be an IANA time zone (e.g. Europe/Lisbon), got "${timezone}"`);
  }
  c.array(hours.weekdays, fieldPath(field, 'weekdays'), (v, f) => c.integer(v, f, 1, 7), { unique: true, nonEmpty: true });
  const opens = checkClockTime(c, hours.opens, fieldPath(field, 'opens'));
  const closes = checkClockTime(c, hours.closes, fieldPath(field, 'closes'));
  if (opens !== undefined && closes !== undefined && opens >= closes) {
    c.fail(fieldPath(field, 'closes'), `must be later than opens (${opens})`);
  }
  c.array(hours.holidays, fieldPath(field, 'holidays'), (v, f) => checkHoliday(c, v, f));
}

function checkEscalationRule(c: Check, value: unknown, field: string, index: number): number | null {
  const rule = c.object(value, field, ['level', 'acknowledgeMultiple', 'onSceneMissed', 'resolveMissedPriorities', 'notify']);
  if (!rule) return null;
  const level = c.oneOf(rule.level, fieldPath(field, 'level'), ESCALATION_STEPS);
  const expected = ESCALATION_STEPS[index];
  if (level !== undefined && expected !== undefined && level !== expected) {
    c.fail(fieldPath(field, 'level'), `must be ${expected} (levels are L1, L2, L3 in this order)`);
  }
  const multiple = c.positiveInteger(rule.acknowledgeMultiple, fieldPath(field, 'acknowledgeMultiple'));
  c.boolean(rule.onSceneMissed, fieldPath(field, 'onSceneMissed'));
  priorities(c, rule.resolveMissedPriorities, fieldPath(field, 'resolveMissedPriorities'));
  c.array(rule.notify, fieldPath(field, 'notify'), (v, f) => c.oneOf(v, f, ESCALATION_AUDIENCES), {
    unique: true,
    nonEmpty: true,
  });
  return multiple ?? null;
}

function checkEscalation(c: Check, value: unknown): void {
  const multiples = c.array(value, 'escalation', (v, f, index) => checkEscalationRule(c, v, f, index));
  if (!multiples) return;
  if (multiples.length !== ESCALATION_STEPS.length) c.fail('escalation', 'must define exactly the levels L1, L2 and L3');
  checkRisingMultiples(c, multiples, 'escalation');
}

/** Multiples must rise with the level: L1 < L2 < L3. */
function checkRisingMultiples(c: Check, multiples: Array<number | null>, field: string): void {
  multiples.forEach((multiple, index) => {
    const previous = index > 0 ? multiples[index - 1] : null;
    if (multiple !== null && previous != null && multiple <= previous) {
      c.fail(fieldPath(itemPath(field, index), 'acknowledgeMultiple'), `must be greater than the previous level's (${previous})`);
    }
  });
}

function checkSupportRung(c: Check, value: unknown, field: string, index: number): number | null {
  const rule = c.object(value, field, ['level', 'acknowledgeMultiple', 'priorities', 'notify']);
  if (!rule) return null;
  const level = c.oneOf(rule.level, fieldPath(field, 'level'), ESCALATION_STEPS);
  const expected = ESCALATION_STEPS[index];
  if (level !== undefined && expected !== undefined && level !== expected) {
    c.fail(fieldPath(field, 'level'), `must be ${expected} (levels start at L1 and follow in order)`);
  }
  const multiple = c.positiveInteger(rule.acknowledgeMultiple, fieldPath(field, 'acknowledgeMultiple'));
  priorities(c, rule.priorities, fieldPath(field, 'priorities'), true);
  c.array(rule.notify, fieldPath(field, 'notify'), (v, f) => c.oneOf(v, f, ESCALATION_AUDIENCES), { unique: true, nonEmpty: true });
  return multiple ?? null;
}

/** One ladder per supporting role: zero to three rungs (L1, L2, L3 in order), acknowledgement only (ADR 0017). */
function checkSupportEscalation(c: Check, value: unknown): void {
  const ladders = c.object(value, 'supportEscalation', SUPPORTING_ROLES);
  if (!ladders) return;
  for (const role of SUPPORTING_ROLES) {
    const field = fieldPath('supportEscalation', role);
    const multiples = c.array(ladders[role], field, (v, f, index) => checkSupportRung(c, v, f, index));
    if (!multiples) continue;
    if (multiples.length > ESCALATION_STEPS.length) c.fail(field, 'must have at most the levels L1, L2 and L3');
    checkRisingMultiples(c, multiples, field);
  }
}

function checkAlertProposal(c: Check, value: unknown): void {
  const field = 'alertProposal';
  const proposal = c.object(value, field, ['minOccurrences', 'windowMinutes', 'priorities']);
  if (!proposal) return;
  c.positiveInteger(proposal.minOccurrences, fieldPath(field, 'minOccurrences'));
  c.positiveInteger(proposal.windowMinutes, fieldPath(field, 'windowMinutes'));
  priorities(c, proposal.priorities, fieldPath(field, 'priorities'), true);
}

function checkDuplicates(c: Check, value: unknown): void {
  const field = 'duplicates';
  const duplicates = c.object(value, field, ['radiusMeters', 'windowMinutes']);
  if (!duplicates) return;
  c.positiveInteger(duplicates.radiusMeters, fieldPath(field, 'radiusMeters'));
  c.positiveInteger(duplicates.windowMinutes, fieldPath(field, 'windowMinutes'));
}

const UNIT_KIND_CODE_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/** The fleet catalogue (issue 14): unique kind codes, each owned by departments, a positive mean speed. */
function checkUnits(c: Check, value: unknown): void {
  const field = 'units';
  const units = c.object(value, field, ['kinds', 'onSceneRadiusMeters', 'staleAfterMinutes']);
  if (!units) return;
  const codes = c.array(
    units.kinds,
    fieldPath(field, 'kinds'),
    (v, f) => {
      const kind = c.object(v, f, ['code', 'name', 'nameEn', 'departments', 'meanSpeedKmh']);
      if (!kind) return null;
      const code = c.string(kind.code, fieldPath(f, 'code'));
      if (code !== undefined && !UNIT_KIND_CODE_PATTERN.test(code)) c.fail(fieldPath(f, 'code'), 'must be upper case letters, digits and _');
      c.string(kind.name, fieldPath(f, 'name'));
      c.string(kind.nameEn, fieldPath(f, 'nameEn'));
      c.array(kind.departments, fieldPath(f, 'departments'), (d, df) => c.oneOf(d, df, DEPARTMENTS), { unique: true, nonEmpty: true });
      c.integer(kind.meanSpeedKmh, fieldPath(f, 'meanSpeedKmh'), 1, 200);
      return code ?? null;
    },
    { nonEmpty: true },
  );
  if (codes) c.uniqueKeys(codes, fieldPath(field, 'kinds'), 'code', 'unit kind');
  c.integer(units.onSceneRadiusMeters, fieldPath(field, 'onSceneRadiusMeters'), 10, 5000);
  c.integer(units.staleAfterMinutes, fieldPath(field, 'staleAfterMinutes'), 1, 24 * 60);
}

/**
 * Validates a whole rule-set document (as received from the API or read from the database):
 * every field, type and enum value, unknown keys rejected, plus the cross-field rules (unique
 * category codes, OTHER present, lead not in its own support, ack < resolve, L1 < L2 < L3 in
 * both ladders…).
 * All errors are collected, each naming its field by dotted path. On success, returns a deep
 * copy typed as RuleSetDocument.
 */
export function validateRuleSet(doc: unknown): RuleSetValidation {
  const c = new RuleSetChecker();
  const root = c.object(doc, '', ROOT_KEYS);
  if (root) {
    const before = c.errors.length;
    const codes = checkCategories(c, root.categories);
    // Rules naming categories are checked against a valid catalogue only (no cascade of errors from one bad row).
    const categories = c.errors.length === before ? codes : undefined;
    checkModifiers(c, root.modifiers);
    c.oneOf(root.outsideMunicipalityLead, 'outsideMunicipalityLead', DEPARTMENTS);
    checkSlas(c, root.slas);
    checkServiceHours(c, root.serviceHours);
    checkEscalation(c, root.escalation);
    checkSupportEscalation(c, root.supportEscalation);
    c.oneOf(root.crisisCoordinator, 'crisisCoordinator', DEPARTMENTS);
    checkAlertProposal(c, root.alertProposal);
    checkDuplicates(c, root.duplicates);
    checkUnits(c, root.units);
    checkAssetRules(c, root.assets, categories);
  }
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return { ok: true, document: structuredClone(doc) as RuleSetDocument };
}
