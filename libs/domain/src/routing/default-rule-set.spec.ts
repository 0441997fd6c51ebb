import { DEFAULT_RULE_SET } from './default-rule-set';
import { validateRuleSet } from './validate-rule-set';

describe('DEFAULT_RULE_SET', () => {
  it('is a valid rule set', () => {
    const result = validateRuleSet(DEFAULT_RULE_SET);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('has the 28 categories of governance.md §3 and the 2 of the asset registry (issue 15), OTHER led by the CGI', () => {
    expect(DEFAULT_RULE_SET.categories).toHaveLength(30);
    expect(DEFAULT_RULE_SET.categories.find((c) => c.code === 'OTHER')).toMatchObject({ lead: 'CGI', support: [], defaultPriority: 'P3' });
  });

  it('marks the civil-protection categories of §7', () => {
    const civil = DEFAULT_RULE_SET.categories.filter((c) => c.civilProtection).map((c) => c.code);
    expect(civil).toEqual(['FLOODING', 'LANDSLIDE', 'STRUCTURE_RISK', 'STORM_DAMAGE', 'FALLEN_TREE']);
  });

  it('auto-dispatches P1/P2 sensor alarms in every category', () => {
    for (const category of DEFAULT_RULE_SET.categories) expect(category.autoDispatchSensorPriorities).toEqual(['P1', 'P2']);
  });

  it('keeps 112 emergencies and sensor-only alerts away from citizens', () => {
    const hidden = DEFAULT_RULE_SET.categories.filter((c) => !c.citizenFacing).map((c) => c.code);
    expect(hidden).toEqual([
      'FIRE_BUILDING',
      'FIRE_VEHICLE',
      'FIRE_VEGETATION',
      'GAS_LEAK',
      'RESCUE',
      'TRAFFIC_ACCIDENT',
      'PUBLIC_DISORDER',
      'AIR_QUALITY_ALERT',
      // Equipment faults: reported by the registry and the Urban Platform.
      'CAMERA_FAULT',
      'SENSOR_FAULT',
    ]);
  });

  it('has the §2 SLA table in minutes (P4 in service minutes: 10 days = 10 service days of 12 h)', () => {
    expect(DEFAULT_RULE_SET.slas).toEqual({
      P1: { acknowledgeMinutes: 2, onSceneMinutes: 10, resolveMinutes: 240, calendar: 'ALWAYS' },
      P2: { acknowledgeMinutes: 5, onSceneMinutes: 30, resolveMinutes: 1440, calendar: 'ALWAYS' },
      P3: { acknowledgeMinutes: 30, onSceneMinutes: null, resolveMinutes: 4320, calendar: 'ALWAYS' },
      P4: { acknowledgeMinutes: 240, onSceneMinutes: null, resolveMinutes: 7200, calendar: 'SERVICE_HOURS' },
    });
  });

  it('has the §4 modifiers in order', () => {
    expect(DEFAULT_RULE_SET.modifiers.map((m) => [m.id, m.when, m.then])).toEqual([
      ['injuries', { flag: 'injuries', equals: true }, { setPriority: 'P1', addSupport: ['FIRE'], notify: ['INEM'] }],
      ['hazardous-materials', { flag: 'hazardousMaterials', equals: true }, { addSupport: ['FIRE', 'CIVIL_PROTECTION'], minPriority: 'P2' }],
      ['blocks-traffic', { flag: 'blocksTraffic', equals: true }, { addSupport: ['MOBILITY'], minPriority: 'P2' }],
      ['people-at-risk', { flag: 'peopleAtRisk', gte: 10 }, { setPriority: 'P1', addSupport: ['CIVIL_PROTECTION'] }],
    ]);
  });

  it('has the §6 escalation ladder', () => {
    expect(DEFAULT_RULE_SET.escalation).toEqual([
      { level: 'L1', acknowledgeMultiple: 1, onSceneMissed: false, resolveMissedPriorities: [], notify: ['DEPARTMENT', 'DEPARTMENT_SUPERVISOR'] },
      { level: 'L2', acknowledgeMultiple: 2, onSceneMissed: true, resolveMissedPriorities: [], notify: ['CGI_SUPERVISOR'] },
      { level: 'L3', acknowledgeMultiple: 3, onSceneMissed: false, resolveMissedPriorities: ['P1', 'P2'], notify: ['MUNICIPAL_COORDINATOR', 'CIVIL_PROTECTION'] },
    ]);
  });

  it('has a ladder of its own for support and coordinator departments: L1 the department and its supervisor, L2 the CGI supervisor (ADR 0017)', () => {
    const ladder = [
      { level: 'L1', acknowledgeMultiple: 1, priorities: ['P1', 'P2', 'P3', 'P4'], notify: ['DEPARTMENT', 'DEPARTMENT_SUPERVISOR'] },
      { level: 'L2', acknowledgeMultiple: 2, priorities: ['P1', 'P2', 'P3', 'P4'], notify: ['CGI_SUPERVISOR'] },
    ];
    expect(DEFAULT_RULE_SET.supportEscalation).toEqual({ SUPPORT: ladder, COORDINATOR: ladder });
  });

  it('has service hours, the 13 national holidays and São João', () => {
    const { holidays, ...hours } = DEFAULT_RULE_SET.serviceHours;
    expect(hours).toEqual({ timezone: 'Europe/Lisbon', weekdays: [1, 2, 3, 4, 5], opens: '08:00', closes: '20:00' });
    expect(holidays).toHaveLength(14);
    expect(holidays.filter((h) => h.kind === 'EASTER').map((h) => h.kind === 'EASTER' && h.offsetDays)).toEqual([-2, 0, 60]);
    expect(holidays.filter((h) => h.kind === 'FIXED').map((h) => h.kind === 'FIXED' && `${h.month}-${h.day}`)).toEqual([
      '1-1', '4-25', '5-1', '6-10', '6-24', '8-15', '10-5', '11-1', '12-1', '12-8', '12-25',
    ]);
  });

  it('has the remaining settings', () => {
    expect(DEFAULT_RULE_SET.outsideMunicipalityLead).toBe('CGI');
    expect(DEFAULT_RULE_SET.crisisCoordinator).toBe('CIVIL_PROTECTION');
    expect(DEFAULT_RULE_SET.alertProposal).toEqual({ minOccurrences: 5, windowMinutes: 60, priorities: ['P1', 'P2'] });
    expect(DEFAULT_RULE_SET.duplicates).toEqual({ radiusMeters: 150, windowMinutes: 120 });
  });

  it('is frozen, so the seed cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_RULE_SET)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RULE_SET.categories[0]?.support)).toBe(true);
    expect(() => {
      (DEFAULT_RULE_SET.slas.P1 as { acknowledgeMinutes: number }).acknowledgeMinutes = 99;
    }).toThrow(TypeError);
  });
});
