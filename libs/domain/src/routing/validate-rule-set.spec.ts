import type { FieldError, RuleSetDocument } from '@cgi/shared';
import { DEFAULT_RULE_SET } from './default-rule-set';
import { validateRuleSet } from './validate-rule-set';

const REMOVE = Symbol('remove');

/** A deep copy of the default rule set with the value at a dotted path ("categories[3].lead") replaced or removed. */
function changed(changes: Array<[string, unknown]>): unknown {
  const doc: unknown = structuredClone(DEFAULT_RULE_SET);
  for (const [path, value] of changes) {
    const keys = path.split(/\.|\[(\d+)\]/).filter((k): k is string => k !== undefined && k !== '');
    const last = keys.pop() ?? '';
    let target = doc as Record<string, unknown>;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    if (value === REMOVE) {
      if (Array.isArray(target)) target.splice(Number(last), 1);
      else delete target[last];
    } else {
      target[last] = value;
    }
  }
  return doc;
}

function errorsOf(doc: unknown): FieldError[] {
  const result = validateRuleSet(doc);
  return result.ok ? [] : result.errors;
}

const categoryIndex = (code: string): number => DEFAULT_RULE_SET.categories.findIndex((c) => c.code === code);
const OTHER = categoryIndex('OTHER');

describe('validateRuleSet', () => {
  it('accepts the default rule set and returns a deep copy', () => {
    const result = validateRuleSet(DEFAULT_RULE_SET);
    expect(result).toEqual({ ok: true, document: DEFAULT_RULE_SET });
    if (result.ok) {
      expect(result.document).not.toBe(DEFAULT_RULE_SET);
      expect(Object.isFrozen(result.document)).toBe(false);
    }
  });

  it.each([null, undefined, 42, 'rules', []])('rejects a non-object document (%p)', (doc) => {
    const errors = errorsOf(doc);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe('');
  });

  it('reports every missing top-level field', () => {
    expect(errorsOf({})).toEqual(
      [
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
      ].map((field) => ({ field, message: 'is required' })),
    );
  });

  it.each<[string, Array<[string, unknown]>, string, string]>([
    // name, changes, field, message fragment
    ['unknown top-level key', [['extra', 1]], 'extra', 'unknown field'],
    ['unknown category key', [['categories[2].colour', 'red']], 'categories[2].colour', 'unknown field'],
    ['unknown nested key', [['slas.P2.grace', 5]], 'slas.P2.grace', 'unknown field'],
    ['unit kind owned by nobody', [['units.kinds[0].departments', []]], 'units.kinds[0].departments', 'must not be empty'],
    ['unit kind with a zero mean speed', [['units.kinds[1].meanSpeedKmh', 0]], 'units.kinds[1].meanSpeedKmh', ''],
    ['unit kind code in lower case', [['units.kinds[2].code', 'engine']], 'units.kinds[2].code', 'upper case'],
    ['repeated unit kind', [['units.kinds[1].code', 'ENGINE']], 'units.kinds[1].code', 'duplicate unit kind ENGINE'],
    ['geofence too small', [['units.onSceneRadiusMeters', 1]], 'units.onSceneRadiusMeters', ''],
    ['unknown priority in slas', [['slas.P5', DEFAULT_RULE_SET.slas.P4]], 'slas.P5', 'unknown field'],
    ['categories not an array', [['categories', {}]], 'categories', 'must be an array'],
    ['no categories', [['categories', []]], 'categories', 'must include the OTHER category'],
    ['category not an object', [['categories[1]', 'FIRE']], 'categories[1]', 'must be an object'],
    ['bad category code', [['categories[0].code', 'fire building']], 'categories[0].code', 'upper case'],
    ['empty name', [['categories[3].name', '  ']], 'categories[3].name', 'must not be empty'],
    ['unknown lead', [['categories[3].lead', 'ARMY']], 'categories[3].lead', 'must be one of POLICE'],
    ['missing lead', [['categories[3].lead', REMOVE]], 'categories[3].lead', 'is required'],
    ['unknown support', [['categories[0].support[1]', 'INEM']], 'categories[0].support[1]', 'must be one of'],
    ['repeated support', [['categories[0].support', ['POLICE', 'POLICE']]], 'categories[0].support[1]', 'duplicate'],
    ['lead in its own support', [['categories[0].support', ['FIRE']]], 'categories[0].support', 'must not contain the lead FIRE'],
    ['bad priority', [['categories[4].defaultPriority', 'P0']], 'categories[4].defaultPriority', 'must be one of P1, P2, P3, P4'],
    ['non-boolean', [['categories[4].civilProtection', 'yes']], 'categories[4].civilProtection', 'true or false'],
    ['bad auto-dispatch priority', [['categories[4].autoDispatchSensorPriorities', ['P1', 'PX']]], 'categories[4].autoDispatchSensorPriorities[1]', 'must be one of'],
    ['citizenFacing missing', [['categories[4].citizenFacing', REMOVE]], 'categories[4].citizenFacing', 'is required'],
    ['duplicate category code', [['categories[5].code', 'FIRE_BUILDING']], 'categories[5].code', 'duplicate category code FIRE_BUILDING (also categories[0])'],
    ['OTHER missing', [[`categories[${OTHER}]`, REMOVE]], 'categories', 'must include the OTHER category'],
    ['modifier id not kebab', [['modifiers[0].id', 'Injuries']], 'modifiers[0].id', 'kebab-case'],
    ['duplicate modifier id', [['modifiers[1].id', 'injuries']], 'modifiers[1].id', 'duplicate modifier id injuries (also modifiers[0])'],
    ['unknown flag', [['modifiers[0].when.flag', 'fire']], 'modifiers[0].when.flag', 'must be one of'],
    ['equals and gte', [['modifiers[0].when.gte', 1]], 'modifiers[0].when', 'exactly one of equals and gte'],
    ['gte on a boolean flag', [['modifiers[0].when', { flag: 'injuries', gte: 1 }]], 'modifiers[0].when.gte', 'use equals'],
    ['equals on a count flag', [['modifiers[3].when', { flag: 'peopleAtRisk', equals: true }]], 'modifiers[3].when.equals', 'use gte'],
    ['negative gte', [['modifiers[3].when.gte', -1]], 'modifiers[3].when.gte', 'must be >= 0'],
    ['fractional gte', [['modifiers[3].when.gte', 2.5]], 'modifiers[3].when.gte', 'must be an integer'],
    ['non-boolean equals', [['modifiers[0].when.equals', 'true']], 'modifiers[0].when.equals', 'true or false'],
    ['no condition', [['modifiers[0].when.equals', REMOVE]], 'modifiers[0].when.equals', 'is required'],
    ['empty effect', [['modifiers[2].then', {}]], 'modifiers[2].then', 'at least one effect'],
    ['setPriority and minPriority', [['modifiers[0].then.minPriority', 'P2']], 'modifiers[0].then', 'mutually exclusive'],
    ['bad setPriority', [['modifiers[0].then.setPriority', 'URGENT']], 'modifiers[0].then.setPriority', 'must be one of'],
    ['bad minPriority', [['modifiers[1].then.minPriority', 2]], 'modifiers[1].then.minPriority', 'must be one of'],
    ['partner as support', [['modifiers[0].then.addSupport', ['INEM']]], 'modifiers[0].then.addSupport[0]', 'must be one of'],
    ['department notified', [['modifiers[0].then.notify', ['FIRE']]], 'modifiers[0].then.notify[0]', 'must be one of INEM'],
    ['unknown effect', [['modifiers[0].then.page', true]], 'modifiers[0].then.page', 'unknown field'],
    ['bad outside lead', [['outsideMunicipalityLead', 'PORTO']], 'outsideMunicipalityLead', 'must be one of'],
    ['missing SLA', [['slas.P3', REMOVE]], 'slas.P3', 'is required'],
    ['zero ack', [['slas.P1.acknowledgeMinutes', 0]], 'slas.P1.acknowledgeMinutes', 'must be >= 1'],
    ['fractional resolve', [['slas.P2.resolveMinutes', 10.5]], 'slas.P2.resolveMinutes', 'must be an integer'],
    ['string minutes', [['slas.P2.acknowledgeMinutes', '5']], 'slas.P2.acknowledgeMinutes', 'must be an integer'],
    ['ack not before resolve', [['slas.P3.resolveMinutes', 30]], 'slas.P3.resolveMinutes', 'greater than acknowledgeMinutes (30)'],
    ['on scene before ack', [['slas.P1.onSceneMinutes', 1]], 'slas.P1.onSceneMinutes', 'not be less than acknowledgeMinutes'],
    ['on scene after resolve', [['slas.P1.onSceneMinutes', 300]], 'slas.P1.onSceneMinutes', 'less than resolveMinutes (240)'],
    ['on scene missing (must be null)', [['slas.P3.onSceneMinutes', REMOVE]], 'slas.P3.onSceneMinutes', 'is required'],
    ['bad calendar', [['slas.P4.calendar', 'OFFICE']], 'slas.P4.calendar', 'ALWAYS, SERVICE_HOURS'],
    ['bad timezone', [['serviceHours.timezone', 'Europe/Porto']], 'serviceHours.timezone', 'IANA time zone'],
    ['empty weekdays', [['serviceHours.weekdays', []]], 'serviceHours.weekdays', 'must not be empty'],
    ['weekday 0', [['serviceHours.weekdays', [0, 1]]], 'serviceHours.weekdays[0]', 'between 1 and 7'],
    ['weekday 8', [['serviceHours.weekdays', [1, 8]]], 'serviceHours.weekdays[1]', 'between 1 and 7'],
    ['repeated weekday', [['serviceHours.weekdays', [1, 2, 2]]], 'serviceHours.weekdays[2]', 'duplicate'],
    ['bad opens', [['serviceHours.opens', '8:00']], 'serviceHours.opens', 'HH:mm'],
    ['bad closes', [['serviceHours.closes', '24:00']], 'serviceHours.closes', 'HH:mm'],
    ['closes before opens', [['serviceHours.closes', '07:59']], 'serviceHours.closes', 'later than opens (08:00)'],
    ['closes at opens', [['serviceHours.closes', '08:00']], 'serviceHours.closes', 'later than opens'],
    ['holiday kind', [['serviceHours.holidays[0].kind', 'MOVABLE']], 'serviceHours.holidays[0].kind', 'FIXED, EASTER'],
    ['holiday month', [['serviceHours.holidays[0].month', 13]], 'serviceHours.holidays[0].month', 'between 1 and 12'],
    ['holiday 31 April', [['serviceHours.holidays[3].day', 31]], 'serviceHours.holidays[3].day', 'between 1 and 30'],
    ['holiday 30 February', [['serviceHours.holidays[0]', { kind: 'FIXED', month: 2, day: 30, name: 'x' }]], 'serviceHours.holidays[0].day', 'between 1 and 29'],
    ['holiday without name', [['serviceHours.holidays[0].name', REMOVE]], 'serviceHours.holidays[0].name', 'is required'],
    ['fixed holiday with offset', [['serviceHours.holidays[0].offsetDays', 3]], 'serviceHours.holidays[0].offsetDays', 'not allowed for a FIXED'],
    ['easter holiday with month', [['serviceHours.holidays[1].month', 4]], 'serviceHours.holidays[1].month', 'not allowed for an EASTER'],
    ['easter offset too large', [['serviceHours.holidays[1].offsetDays', 400]], 'serviceHours.holidays[1].offsetDays', 'between -365 and 365'],
    ['easter offset missing', [['serviceHours.holidays[1].offsetDays', REMOVE]], 'serviceHours.holidays[1].offsetDays', 'is required'],
    ['escalation wrong order', [['escalation[1].level', 'L3']], 'escalation[1].level', 'must be L2'],
    ['escalation level missing', [['escalation[2]', REMOVE]], 'escalation', 'exactly the levels L1, L2 and L3'],
    ['escalation multiple not increasing', [['escalation[1].acknowledgeMultiple', 1]], 'escalation[1].acknowledgeMultiple', "greater than the previous level's (1)"],
    ['escalation multiple zero', [['escalation[0].acknowledgeMultiple', 0]], 'escalation[0].acknowledgeMultiple', 'must be >= 1'],
    ['escalation onSceneMissed', [['escalation[1].onSceneMissed', 1]], 'escalation[1].onSceneMissed', 'true or false'],
    ['escalation resolve priorities', [['escalation[2].resolveMissedPriorities', ['P1', 'P1']]], 'escalation[2].resolveMissedPriorities[1]', 'duplicate'],
    ['escalation audience', [['escalation[0].notify', ['MAYOR']]], 'escalation[0].notify[0]', 'must be one of DEPARTMENT'],
    ['escalation nobody told', [['escalation[0].notify', []]], 'escalation[0].notify', 'must not be empty'],
    ['support ladder missing', [['supportEscalation', REMOVE]], 'supportEscalation', 'is required'],
    ['support ladder of the lead', [['supportEscalation.LEAD', []]], 'supportEscalation.LEAD', 'unknown field'],
    ['coordinator ladder missing', [['supportEscalation.COORDINATOR', REMOVE]], 'supportEscalation.COORDINATOR', 'is required'],
    ['support rung out of order', [['supportEscalation.SUPPORT[0].level', 'L2']], 'supportEscalation.SUPPORT[0].level', 'must be L1'],
    ['support multiple not increasing', [['supportEscalation.SUPPORT[1].acknowledgeMultiple', 1]], 'supportEscalation.SUPPORT[1].acknowledgeMultiple', "greater than the previous level's (1)"],
    ['support rung for no priority', [['supportEscalation.COORDINATOR[1].priorities', []]], 'supportEscalation.COORDINATOR[1].priorities', 'must not be empty'],
    ['support rung unknown priority', [['supportEscalation.SUPPORT[0].priorities', ['P0']]], 'supportEscalation.SUPPORT[0].priorities[0]', 'must be one of P1'],
    ['support rung nobody told', [['supportEscalation.SUPPORT[1].notify', []]], 'supportEscalation.SUPPORT[1].notify', 'must not be empty'],
    ['support rung on-scene (lead only)', [['supportEscalation.SUPPORT[0].onSceneMissed', true]], 'supportEscalation.SUPPORT[0].onSceneMissed', 'unknown field'],
    ['support ladder too long', [['supportEscalation.SUPPORT', [1, 2, 3, 4].map((n, i) => ({ level: ['L1', 'L2', 'L3', 'L3'][i], acknowledgeMultiple: n, priorities: ['P1'], notify: ['CGI_SUPERVISOR'] }))]], 'supportEscalation.SUPPORT', 'at most the levels'],
    ['bad crisis coordinator', [['crisisCoordinator', 'INEM']], 'crisisCoordinator', 'must be one of'],
    ['alert min occurrences', [['alertProposal.minOccurrences', 0]], 'alertProposal.minOccurrences', 'must be >= 1'],
    ['alert window', [['alertProposal.windowMinutes', -60]], 'alertProposal.windowMinutes', 'must be >= 1'],
    ['alert priorities empty', [['alertProposal.priorities', []]], 'alertProposal.priorities', 'must not be empty'],
    ['duplicates radius', [['duplicates.radiusMeters', 'far']], 'duplicates.radiusMeters', 'must be an integer'],
    ['duplicates window', [['duplicates.windowMinutes', REMOVE]], 'duplicates.windowMinutes', 'is required'],
  ])('%s', (_, changes, field, message) => {
    const errors = errorsOf(changed(changes));
    expect(errors).toContainEqual({ field, message: expect.stringContaining(message) });
    expect(errors).toHaveLength(1);
  });

  it('collects every error, not only the first', () => {
    const errors = errorsOf(
      changed([
        ['categories[3].lead', 'ARMY'],
        ['categories[7].support', ['CIVIL_PROTECTION']],
        ['slas.P1.acknowledgeMinutes', 0],
        ['serviceHours.timezone', 'Mars/Olympus'],
        ['escalation[2].acknowledgeMultiple', 2],
        ['duplicates.radiusMeters', 0],
      ]),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'categories[3].lead',
      'categories[7].support',
      'slas.P1.acknowledgeMinutes',
      'serviceHours.timezone',
      'escalation[2].acknowledgeMultiple',
      'duplicates.radiusMeters',
    ]);
  });

  it('accepts a valid variation (SERVICE_HOURS P3, no modifiers, weekend service, extra holiday)', () => {
    const doc = changed([
      ['slas.P3.calendar', 'SERVICE_HOURS'],
      ['modifiers', []],
      ['serviceHours.weekdays', [1, 2, 3, 4, 5, 6, 7]],
      ['serviceHours.holidays[14]', { kind: 'EASTER', offsetDays: -47, name: 'Carnaval' }],
      ['escalation[2].acknowledgeMultiple', 5],
      // No ladder for coordinators; support departments escalate on P1 and P2 only.
      ['supportEscalation.COORDINATOR', []],
      ['supportEscalation.SUPPORT[0].priorities', ['P1', 'P2']],
      ['supportEscalation.SUPPORT[1].priorities', ['P1', 'P2']],
    ]);
    const result = validateRuleSet(doc);
    expect(result.ok).toBe(true);
    expect((result as { document: RuleSetDocument }).document.serviceHours.holidays).toHaveLength(15);
  });
});

describe('validateRuleSet: assets (issue 15)', () => {
  const withAssets = (assets: unknown) => validateRuleSet({ ...structuredClone(DEFAULT_RULE_SET), assets });
  const errors = (assets: unknown) => {
    const r = withAssets(assets);
    return r.ok ? [] : r.errors;
  };
  const base = () => structuredClone(DEFAULT_RULE_SET.assets) as unknown as Record<string, Array<Record<string, unknown>> | number>;

  it('accepts the default', () => {
    expect(withAssets(DEFAULT_RULE_SET.assets).ok).toBe(true);
  });

  it('names an unknown category, kind, status and a repeated fault rule', () => {
    const a = base();
    const faults = a.faults as Array<Record<string, unknown>>;
    faults[2].category = 'NOPE';
    faults[3].kind = 'LAMPPOST';
    faults[4].status = 'MAINTENANCE';
    faults.push({ ...faults[0] });
    expect(errors(a)).toEqual([
      { field: 'assets.faults[2].category', message: 'unknown category NOPE (not in categories)' },
      { field: 'assets.faults[3].kind', message: expect.stringContaining('must be one of CAMERA') },
      { field: 'assets.faults[4].status', message: 'must be one of FAULT, OFFLINE, got "MAINTENANCE"' },
      { field: `assets.faults[${faults.length - 1}].status`, message: expect.stringContaining('duplicate fault rule for CAMERA/FAULT') },
    ]);
  });

  it('names bad platform alert rules: category, flags, severities, repeats', () => {
    const a = base();
    const alerts = a.platformAlerts as Array<Record<string, unknown>>;
    alerts[0].category = 'FLOOD';
    alerts[1].flags = { injuries: 'yes', colour: 1 };
    alerts[2].priorityBySeverity = { high: 'P9', extreme: 'P1' };
    alerts[3].alertSubCategory = 'has space';
    alerts.push({ ...alerts[5] });
    expect(errors(a).map((e) => e.field)).toEqual([
      'assets.platformAlerts[0].category',
      'assets.platformAlerts[1].flags.colour',
      'assets.platformAlerts[1].flags.injuries',
      'assets.platformAlerts[2].priorityBySeverity.extreme',
      'assets.platformAlerts[2].priorityBySeverity.high',
      'assets.platformAlerts[3].alertSubCategory',
      `assets.platformAlerts[${alerts.length - 1}].alertSubCategory`,
    ]);
  });

  it('bounds the nearby radius and rejects unknown keys', () => {
    expect(errors({ ...base(), nearbyRadiusMeters: 5000 })).toEqual([{ field: 'assets.nearbyRadiusMeters', message: 'must be between 10 and 2000, got 5000' }]);
    expect(errors({ ...base(), colour: 1 })).toEqual([{ field: 'assets.colour', message: 'unknown field' }]);
  });
});
