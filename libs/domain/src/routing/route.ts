import type {
  CategoryRule,
  Department,
  FiredRule,
  FlagCondition,
  ModifierRule,
  OccurrenceFlags,
  Partner,
  Priority,
  RoutingDecision,
  RoutingInput,
  RuleSetDocument,
} from '@cgi/shared';
import { higherPriority } from '../priority';
import { UnknownCategoryError } from './unknown-category.error';
import { OTHER_CATEGORY } from './validate-rule-set';

/** A rule-set document with the version that routing decisions record. */
export interface VersionedRuleSet {
  version: number;
  document: RuleSetDocument;
}

/** The routing result while the rules are applied, before the final flags are decided. */
interface Draft {
  lead: Department;
  /** In order of first appearance, never containing the lead or the coordinator. */
  support: Department[];
  priority: Priority;
  notify: Partner[];
}

function pushUnique<T>(list: T[], item: T): boolean {
  if (list.includes(item)) return false;
  list.push(item);
  return true;
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

function conditionHolds(when: FlagCondition, flags: OccurrenceFlags): boolean {
  const value = flags[when.flag];
  if (when.equals !== undefined) return value === when.equals;
  if (when.gte !== undefined) return typeof value === 'number' && value >= when.gte;
  return false;
}

function describeCondition(when: FlagCondition, flags: OccurrenceFlags): string {
  const value = flags[when.flag];
  return when.gte !== undefined ? `${when.flag} is ${String(value)} (>= ${when.gte})` : `${when.flag} is ${String(value)}`;
}

function applyCategory(category: CategoryRule): { draft: Draft; fired: FiredRule } {
  const draft: Draft = { lead: category.lead, support: [], priority: category.defaultPriority, notify: [] };
  for (const department of category.support) {
    if (department !== draft.lead) pushUnique(draft.support, department);
  }
  const reason =
    `category ${category.code} (${category.name}): lead ${category.lead}, ` +
    `support ${listOrNone(draft.support)}, priority ${category.defaultPriority}`;
  return { draft, fired: { rule: `category:${category.code}`, reason } };
}

/** Applies one modifier's effects to the draft; returns the effects, in words, for the reason. */
function applyModifier(draft: Draft, modifier: ModifierRule): string[] {
  const effects: string[] = [];
  const { setPriority, minPriority, addSupport = [], notify = [] } = modifier.then;
  if (setPriority !== undefined) {
    effects.push(draft.priority === setPriority ? `priority stays ${setPriority}` : `priority set to ${setPriority} (was ${draft.priority})`);
    draft.priority = setPriority;
  }
  if (minPriority !== undefined) {
    const raised = higherPriority(draft.priority, minPriority);
    effects.push(raised === draft.priority ? `priority ${draft.priority} is already at least ${minPriority}` : `priority raised to ${raised} (was ${draft.priority})`);
    draft.priority = raised;
  }
  for (const department of addSupport) {
    if (department === draft.lead) effects.push(`${department} already leads`);
    else if (pushUnique(draft.support, department)) effects.push(`${department} joins as support`);
    else effects.push(`${department} already supports`);
  }
  for (const partner of notify) {
    pushUnique(draft.notify, partner);
    effects.push(`${partner} notified`);
  }
  return effects;
}

/** §4.5: the CGI triages; the rules' lead and support stay proposed as support for the operator. */
function moveToOutsideLead(draft: Draft, outsideLead: Department): void {
  const proposed = [draft.lead, ...draft.support];
  draft.lead = outsideLead;
  draft.support = [];
  for (const department of proposed) {
    if (department !== outsideLead) pushUnique(draft.support, department);
  }
}

function crisisReason(coordinator: Department, draft: Draft, wasSupport: boolean): string {
  const note = draft.lead === coordinator ? ' (it also leads)' : wasSupport ? ' (instead of support)' : '';
  return `operational level CRISIS: ${coordinator} joins as coordinator${note}`;
}

function autoDispatchReason(input: RoutingInput, category: CategoryRule, needsTriage: boolean, priority: Priority): string | null {
  if (needsTriage) return null;
  if (input.source === 'OPERATOR') return 'operator intake with a known category: dispatched at intake';
  // An Urban Platform alert is a machine alarm like a sensor's (issue 15).
  if ((input.source === 'SENSOR' || input.source === 'PLATFORM') && category.autoDispatchSensorPriorities.includes(priority)) {
    const what = input.source === 'SENSOR' ? 'sensor alarm' : 'Urban Platform alert';
    return `${what} of priority ${priority}: dispatched at intake without triage`;
  }
  return null;
}

/**
 * Routes an occurrence with a rule set (governance.md §3–§5, §7). Pure and deterministic: the same
 * input and rule set give a deep-equal decision. Steps, each recorded in `fired`:
 * 1. the category's row (lead, support, default priority), the source's own priority replacing the
 *    default when it states one (an Urban Platform alert's severity);
 * 2. the modifiers, in order (setPriority sets; minPriority only raises; addSupport never adds the lead);
 * 3. OTHER → operator triage;
 * 4. outside the municipality (parishCode null) → the outside lead (CGI) triages, and the rules'
 *    lead and support are kept as proposed support;
 * 5. CRISIS → the crisis coordinator joins as coordinator (removed from support);
 * 6. auto-dispatch: operator intake, or a sensor alarm of a priority the category auto-dispatches,
 *    unless the occurrence needs triage. Citizen reports are always triaged.
 * Throws UnknownCategoryError when the category is not in the rule set.
 */
export function route(input: RoutingInput, ruleSet: VersionedRuleSet): RoutingDecision {
  const doc = ruleSet.document;
  const category = doc.categories.find((c) => c.code === input.category);
  if (!category) throw new UnknownCategoryError(input.category);

  const { draft, fired: categoryFired } = applyCategory(category);
  const fired: FiredRule[] = [categoryFired];
  if (input.sourcePriority !== undefined && input.sourcePriority !== draft.priority) {
    fired.push({ rule: 'source-priority', reason: `the ${input.source} source states priority ${input.sourcePriority} (category default ${draft.priority})` });
    draft.priority = input.sourcePriority;
  }

  for (const modifier of doc.modifiers) {
    if (!conditionHolds(modifier.when, input.flags)) continue;
    const effects = applyModifier(draft, modifier);
    fired.push({ rule: `modifier:${modifier.id}`, reason: `${describeCondition(modifier.when, input.flags)}: ${effects.join('; ')}` });
  }

  let needsTriage = false;
  if (category.code === OTHER_CATEGORY) {
    needsTriage = true;
    fired.push({ rule: 'other-category', reason: `category ${OTHER_CATEGORY}: an operator triages it` });
  }
  if (input.parishCode === null) {
    needsTriage = true;
    moveToOutsideLead(draft, doc.outsideMunicipalityLead);
    fired.push({
      rule: 'outside-municipality',
      reason: `location outside the municipality of Porto: ${doc.outsideMunicipalityLead} triage`,
    });
  }

  let coordinator: Department | null = null;
  if (input.operationalLevel === 'CRISIS') {
    coordinator = doc.crisisCoordinator;
    const wasSupport = draft.support.includes(coordinator);
    draft.support = draft.support.filter((d) => d !== coordinator);
    fired.push({ rule: 'crisis', reason: crisisReason(coordinator, draft, wasSupport) });
  }

  const dispatchReason = autoDispatchReason(input, category, needsTriage, draft.priority);
  if (dispatchReason !== null) fired.push({ rule: 'auto-dispatch', reason: dispatchReason });

  return {
    ruleSetVersion: ruleSet.version,
    input: { ...input, flags: { ...input.flags } },
    result: {
      lead: draft.lead,
      support: draft.support,
      coordinator,
      notify: draft.notify,
      priority: draft.priority,
      autoDispatch: dispatchReason !== null,
      needsTriage,
    },
    fired,
  };
}
