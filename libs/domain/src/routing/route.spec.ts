import type { Department, OccurrenceFlags, Priority, RoutingInput, RuleSetDocument } from '@cgi/shared';
import { DEFAULT_RULE_SET } from './default-rule-set';
import { route, type VersionedRuleSet } from './route';
import { UnknownCategoryError } from './unknown-category.error';

const RULES: VersionedRuleSet = { version: 7, document: DEFAULT_RULE_SET };
const NO_FLAGS: OccurrenceFlags = { injuries: false, hazardousMaterials: false, blocksTraffic: false, peopleAtRisk: 0 };

function input(category: string, overrides: Partial<RoutingInput> = {}, flags: Partial<OccurrenceFlags> = {}): RoutingInput {
  return {
    category,
    source: 'CITIZEN',
    flags: { ...NO_FLAGS, ...flags },
    parishCode: 'PARANHOS',
    operationalLevel: 'NORMAL',
    ...overrides,
  };
}

/** governance.md §3, typed in again independently of DEFAULT_RULE_SET. */
const CATALOGUE: Array<[string, Department, Department[], Priority]> = [
  ['FIRE_BUILDING', 'FIRE', ['CIVIL_PROTECTION', 'POLICE'], 'P1'],
  ['FIRE_VEHICLE', 'FIRE', ['POLICE'], 'P2'],
  ['FIRE_VEGETATION', 'FIRE', ['ENVIRONMENT'], 'P2'],
  ['GAS_LEAK', 'FIRE', ['CIVIL_PROTECTION', 'POLICE'], 'P1'],
  ['RESCUE', 'FIRE', ['POLICE'], 'P1'],
  ['FLOODING', 'CIVIL_PROTECTION', ['FIRE'], 'P2'],
  ['LANDSLIDE', 'CIVIL_PROTECTION', ['FIRE', 'MOBILITY'], 'P2'],
  ['STRUCTURE_RISK', 'CIVIL_PROTECTION', ['FIRE', 'POLICE'], 'P1'],
  ['STORM_DAMAGE', 'CIVIL_PROTECTION', ['ENVIRONMENT'], 'P3'],
  ['FALLEN_TREE', 'CIVIL_PROTECTION', ['ENVIRONMENT'], 'P2'],
  ['TRAFFIC_ACCIDENT', 'POLICE', ['MOBILITY'], 'P2'],
  ['TRAFFIC_LIGHT_FAULT', 'MOBILITY', ['POLICE'], 'P2'],
  ['BOLLARD_FAULT', 'MOBILITY', [], 'P3'],
  ['ROAD_OBSTRUCTION', 'MOBILITY', ['POLICE'], 'P2'],
  ['ROAD_DAMAGE', 'MOBILITY', [], 'P4'],
  ['SIGNAGE_DAMAGE', 'MOBILITY', [], 'P4'],
  ['ILLEGAL_PARKING', 'POLICE', [], 'P3'],
  ['PUBLIC_DISORDER', 'POLICE', [], 'P2'],
  ['NOISE', 'POLICE', ['ENVIRONMENT'], 'P3'],
  ['VANDALISM', 'POLICE', [], 'P3'],
  ['ABANDONED_VEHICLE', 'POLICE', [], 'P4'],
  ['WASTE_OVERFLOW', 'ENVIRONMENT', [], 'P4'],
  ['ILLEGAL_DUMPING', 'ENVIRONMENT', ['POLICE'], 'P3'],
  ['STREET_CLEANING', 'ENVIRONMENT', [], 'P4'],
  ['DEAD_ANIMAL', 'ENVIRONMENT', [], 'P3'],
  ['POLLUTION_SPILL', 'ENVIRONMENT', ['CIVIL_PROTECTION', 'FIRE'], 'P2'],
  ['AIR_QUALITY_ALERT', 'ENVIRONMENT', ['CIVIL_PROTECTION'], 'P3'],
  // Added by the asset registry (issue 15, ADR 0026).
  ['CAMERA_FAULT', 'MOBILITY', [], 'P3'],
  ['SENSOR_FAULT', 'ENVIRONMENT', ['CIVIL_PROTECTION'], 'P3'],
  ['OTHER', 'CGI', [], 'P3'],
];

describe('route', () => {
  it('covers every catalogue row', () => {
    expect(CATALOGUE.map(([code]) => code)).toEqual(DEFAULT_RULE_SET.categories.map((c) => c.code));
  });

  describe.each(CATALOGUE)('category %s', (code, lead, support, priority) => {
    it(`routes to ${lead} + [${support.join(', ')}] at ${priority}`, () => {
      const decision = route(input(code), RULES);
      expect(decision.result).toEqual({
        lead,
        support,
        coordinator: null,
        notify: [],
        priority,
        autoDispatch: false,
        needsTriage: code === 'OTHER',
      });
      expect(decision.fired[0]).toEqual({
        rule: `category:${code}`,
        reason: expect.stringContaining(`category ${code} (`),
      });
      expect(decision.ruleSetVersion).toBe(7);
    });
  });

  it('explains the category row', () => {
    expect(route(input('FIRE_BUILDING'), RULES).fired).toEqual([
      { rule: 'category:FIRE_BUILDING', reason: 'category FIRE_BUILDING (Incêndio urbano): lead FIRE, support CIVIL_PROTECTION, POLICE, priority P1' },
    ]);
    expect(route(input('ROAD_DAMAGE'), RULES).fired[0]?.reason).toBe(
      'category ROAD_DAMAGE (Pavimento danificado): lead MOBILITY, support none, priority P4',
    );
  });

  it('throws UnknownCategoryError for a category not in the rule set', () => {
    expect(() => route(input('ALIENS'), RULES)).toThrow(UnknownCategoryError);
    try {
      route(input('ALIENS'), RULES);
    } catch (error) {
      expect(error).toMatchObject({ category: 'ALIENS', code: 'UNKNOWN_CATEGORY' });
    }
  });

  describe('modifiers alone', () => {
    it.each<[string, Partial<OccurrenceFlags>, string, Department, Department[], Priority, string[], string, string]>([
      // category, flags, →, lead, support, priority, notify, fired rule, reason
      ['NOISE', { injuries: true }, '', 'POLICE', ['ENVIRONMENT', 'FIRE'], 'P1', ['INEM'], 'modifier:injuries',
        'injuries is true: priority set to P1 (was P3); FIRE joins as support; INEM notified'],
      ['FIRE_VEHICLE', { injuries: true }, '', 'FIRE', ['POLICE'], 'P1', ['INEM'], 'modifier:injuries',
        'injuries is true: priority set to P1 (was P2); FIRE already leads; INEM notified'],
      ['ROAD_DAMAGE', { hazardousMaterials: true }, '', 'MOBILITY', ['FIRE', 'CIVIL_PROTECTION'], 'P2', [], 'modifier:hazardous-materials',
        'hazardousMaterials is true: priority raised to P2 (was P4); FIRE joins as support; CIVIL_PROTECTION joins as support'],
      ['GAS_LEAK', { hazardousMaterials: true }, '', 'FIRE', ['CIVIL_PROTECTION', 'POLICE'], 'P1', [], 'modifier:hazardous-materials',
        'hazardousMaterials is true: priority P1 is already at least P2; FIRE already leads; CIVIL_PROTECTION already supports'],
      ['WASTE_OVERFLOW', { blocksTraffic: true }, '', 'ENVIRONMENT', ['MOBILITY'], 'P2', [], 'modifier:blocks-traffic',
        'blocksTraffic is true: priority raised to P2 (was P4); MOBILITY joins as support'],
      ['ROAD_OBSTRUCTION', { blocksTraffic: true }, '', 'MOBILITY', ['POLICE'], 'P2', [], 'modifier:blocks-traffic',
        'blocksTraffic is true: priority P2 is already at least P2; MOBILITY already leads'],
      ['FIRE_BUILDING', { blocksTraffic: true }, '', 'FIRE', ['CIVIL_PROTECTION', 'POLICE', 'MOBILITY'], 'P1', [], 'modifier:blocks-traffic',
        'blocksTraffic is true: priority P1 is already at least P2; MOBILITY joins as support'],
      ['STORM_DAMAGE', { peopleAtRisk: 10 }, '', 'CIVIL_PROTECTION', ['ENVIRONMENT'], 'P1', [], 'modifier:people-at-risk',
        'peopleAtRisk is 10 (>= 10): priority set to P1 (was P3); CIVIL_PROTECTION already leads'],
      ['VANDALISM', { peopleAtRisk: 25 }, '', 'POLICE', ['CIVIL_PROTECTION'], 'P1', [], 'modifier:people-at-risk',
        'peopleAtRisk is 25 (>= 10): priority set to P1 (was P3); CIVIL_PROTECTION joins as support'],
    ])('%s with %j', (category, flags, _, lead, support, priority, notify, rule, reason) => {
      const decision = route(input(category, {}, flags), RULES);
      expect(decision.result).toMatchObject({ lead, support, priority, notify });
      expect(decision.fired).toHaveLength(2);
      expect(decision.fired[1]).toEqual({ rule, reason });
    });

    it('does not fire below the thresholds', () => {
      const decision = route(input('VANDALISM', {}, { peopleAtRisk: 9 }), RULES);
      expect(decision.fired.map((f) => f.rule)).toEqual(['category:VANDALISM']);
      expect(decision.result.priority).toBe('P3');
    });
  });

  describe('modifiers combined, in order', () => {
    it('applies all four and records each in order', () => {
      const decision = route(
        input('WASTE_OVERFLOW', {}, { injuries: true, hazardousMaterials: true, blocksTraffic: true, peopleAtRisk: 12 }),
        RULES,
      );
      expect(decision.fired.map((f) => f.rule)).toEqual([
        'category:WASTE_OVERFLOW',
        'modifier:injuries',
        'modifier:hazardous-materials',
        'modifier:blocks-traffic',
        'modifier:people-at-risk',
      ]);
      expect(decision.result).toMatchObject({
        lead: 'ENVIRONMENT',
        support: ['FIRE', 'CIVIL_PROTECTION', 'MOBILITY'],
        priority: 'P1',
        notify: ['INEM'],
      });
    });

    it('keeps P1 from injuries: minPriority of a later modifier never lowers it', () => {
      const decision = route(input('WASTE_OVERFLOW', {}, { injuries: true, blocksTraffic: true }), RULES);
      expect(decision.result.priority).toBe('P1');
      expect(decision.fired[2]?.reason).toBe('blocksTraffic is true: priority P1 is already at least P2; MOBILITY joins as support');
    });

    it('orders support by first appearance and never repeats a department', () => {
      const decision = route(input('NOISE', {}, { hazardousMaterials: true, injuries: true, peopleAtRisk: 10 }), RULES);
      expect(decision.result.support).toEqual(['ENVIRONMENT', 'FIRE', 'CIVIL_PROTECTION']);
    });

    it('applies a custom rule set in its own order (setPriority after minPriority wins)', () => {
      const document: RuleSetDocument = {
        ...DEFAULT_RULE_SET,
        modifiers: [
          { id: 'traffic', description: 'traffic', when: { flag: 'blocksTraffic', equals: true }, then: { minPriority: 'P2' } },
          { id: 'calm', description: 'calm', when: { flag: 'blocksTraffic', equals: true }, then: { setPriority: 'P3', notify: ['STCP', 'STCP'] } },
        ],
      };
      const decision = route(input('ROAD_DAMAGE', {}, { blocksTraffic: true }), { version: 8, document });
      expect(decision.result.priority).toBe('P3');
      expect(decision.result.notify).toEqual(['STCP']);
      expect(decision.fired.map((f) => f.rule)).toEqual(['category:ROAD_DAMAGE', 'modifier:traffic', 'modifier:calm']);
    });

    it('matches equals: false conditions', () => {
      const document: RuleSetDocument = {
        ...DEFAULT_RULE_SET,
        modifiers: [{ id: 'no-injuries', description: 'x', when: { flag: 'injuries', equals: false }, then: { notify: ['PSP'] } }],
      };
      expect(route(input('NOISE'), { version: 1, document }).result.notify).toEqual(['PSP']);
      expect(route(input('NOISE', {}, { injuries: true }), { version: 1, document }).result.notify).toEqual([]);
    });
  });

  describe('outside the municipality', () => {
    it('hands the occurrence to CGI triage and keeps the rules’ departments as proposed support', () => {
      const decision = route(input('FIRE_VEHICLE', { parishCode: null, source: 'OPERATOR' }, { blocksTraffic: true }), RULES);
      expect(decision.result).toEqual({
        lead: 'CGI',
        support: ['FIRE', 'POLICE', 'MOBILITY'],
        coordinator: null,
        notify: [],
        priority: 'P2',
        autoDispatch: false,
        needsTriage: true,
      });
      expect(decision.fired.at(-1)).toEqual({
        rule: 'outside-municipality',
        reason: 'location outside the municipality of Porto: CGI triage',
      });
    });

    it('never auto-dispatches, even a P1 sensor alarm', () => {
      const decision = route(input('GAS_LEAK', { parishCode: null, source: 'SENSOR' }), RULES);
      expect(decision.result).toMatchObject({ lead: 'CGI', autoDispatch: false, needsTriage: true, priority: 'P1' });
    });

    it('does not list CGI as its own support for OTHER', () => {
      const decision = route(input('OTHER', { parishCode: null }), RULES);
      expect(decision.result).toMatchObject({ lead: 'CGI', support: [], needsTriage: true });
      expect(decision.fired.map((f) => f.rule)).toEqual(['category:OTHER', 'other-category', 'outside-municipality']);
    });
  });

  describe('OTHER', () => {
    it.each(['OPERATOR', 'CITIZEN', 'SENSOR'] as const)('needs triage by the CGI (%s)', (source) => {
      const decision = route(input('OTHER', { source }, { peopleAtRisk: 30 }), RULES);
      expect(decision.result).toMatchObject({ lead: 'CGI', needsTriage: true, autoDispatch: false, priority: 'P1' });
      expect(decision.fired).toContainEqual({ rule: 'other-category', reason: 'category OTHER: an operator triages it' });
    });
  });

  describe('CRISIS', () => {
    it('adds CIVIL_PROTECTION as coordinator and removes it from support', () => {
      const decision = route(input('FIRE_BUILDING', { operationalLevel: 'CRISIS' }), RULES);
      expect(decision.result).toMatchObject({ lead: 'FIRE', support: ['POLICE'], coordinator: 'CIVIL_PROTECTION' });
      expect(decision.fired.at(-1)).toEqual({
        rule: 'crisis',
        reason: 'operational level CRISIS: CIVIL_PROTECTION joins as coordinator (instead of support)',
      });
    });

    it('sets the coordinator even when it leads', () => {
      const decision = route(input('FLOODING', { operationalLevel: 'CRISIS' }), RULES);
      expect(decision.result).toMatchObject({ lead: 'CIVIL_PROTECTION', support: ['FIRE'], coordinator: 'CIVIL_PROTECTION' });
      expect(decision.fired.at(-1)?.reason).toBe('operational level CRISIS: CIVIL_PROTECTION joins as coordinator (it also leads)');
    });

    it('removes a modifier-added coordinator from support', () => {
      const decision = route(input('NOISE', { operationalLevel: 'CRISIS' }, { peopleAtRisk: 10 }), RULES);
      expect(decision.result).toMatchObject({ support: ['ENVIRONMENT'], coordinator: 'CIVIL_PROTECTION' });
    });

    it('adds a coordinator to an ordinary occurrence', () => {
      const decision = route(input('ROAD_DAMAGE', { operationalLevel: 'CRISIS' }), RULES);
      expect(decision.result).toMatchObject({ support: [], coordinator: 'CIVIL_PROTECTION' });
      expect(decision.fired.at(-1)?.reason).toBe('operational level CRISIS: CIVIL_PROTECTION joins as coordinator');
    });

    it('does nothing at ALERT', () => {
      const decision = route(input('FIRE_BUILDING', { operationalLevel: 'ALERT' }), RULES);
      expect(decision.result.coordinator).toBeNull();
      expect(decision.fired.map((f) => f.rule)).toEqual(['category:FIRE_BUILDING']);
    });
  });

  describe('auto-dispatch', () => {
    it.each<[RoutingInput['source'], string, Partial<OccurrenceFlags>, boolean]>([
      ['SENSOR', 'FLOODING', {}, true], // P2
      ['SENSOR', 'GAS_LEAK', {}, true], // P1
      ['SENSOR', 'AIR_QUALITY_ALERT', {}, false], // P3
      ['SENSOR', 'AIR_QUALITY_ALERT', { hazardousMaterials: true }, true], // raised to P2
      ['SENSOR', 'WASTE_OVERFLOW', {}, false], // P4
      ['OPERATOR', 'WASTE_OVERFLOW', {}, true],
      ['OPERATOR', 'FIRE_BUILDING', {}, true],
      ['CITIZEN', 'FIRE_BUILDING', {}, false],
      ['CITIZEN', 'ROAD_DAMAGE', {}, false],
    ])('%s %s %j → %s', (source, category, flags, expected) => {
      const decision = route(input(category, { source }, flags), RULES);
      expect(decision.result.autoDispatch).toBe(expected);
      expect(decision.fired.some((f) => f.rule === 'auto-dispatch')).toBe(expected);
    });

    it('explains why', () => {
      expect(route(input('FLOODING', { source: 'SENSOR' }), RULES).fired.at(-1)).toEqual({
        rule: 'auto-dispatch',
        reason: 'sensor alarm of priority P2: dispatched at intake without triage',
      });
      expect(route(input('NOISE', { source: 'OPERATOR' }), RULES).fired.at(-1)).toEqual({
        rule: 'auto-dispatch',
        reason: 'operator intake with a known category: dispatched at intake',
      });
    });

    it('follows the category’s own sensor priorities', () => {
      const document: RuleSetDocument = {
        ...DEFAULT_RULE_SET,
        categories: DEFAULT_RULE_SET.categories.map((c) =>
          c.code === 'FLOODING' ? { ...c, autoDispatchSensorPriorities: ['P1'] } : c,
        ),
      };
      expect(route(input('FLOODING', { source: 'SENSOR' }), { version: 2, document }).result.autoDispatch).toBe(false);
    });
  });

  describe('determinism', () => {
    const cases: RoutingInput[] = [
      input('FIRE_BUILDING', { source: 'SENSOR', operationalLevel: 'CRISIS' }, { injuries: true, peopleAtRisk: 40 }),
      input('OTHER', { parishCode: null }),
      input('ROAD_DAMAGE', { source: 'OPERATOR' }, { blocksTraffic: true, hazardousMaterials: true }),
    ];

    it.each(cases.map((c) => [c.category, c]))('gives deep-equal decisions for %s', (_, routingInput) => {
      const first = route(routingInput, RULES);
      const second = route(structuredClone(routingInput), { version: 7, document: structuredClone(DEFAULT_RULE_SET) });
      expect(second).toEqual(first);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    });

    it('records a copy of the input', () => {
      const routingInput = input('NOISE', {}, { injuries: true });
      const decision = route(routingInput, RULES);
      routingInput.flags.injuries = false;
      expect(decision.input.flags.injuries).toBe(true);
      expect(decision.input).toEqual({ ...routingInput, flags: { ...routingInput.flags, injuries: true } });
    });

    it('does not share arrays with the rule set', () => {
      const decision = route(input('FIRE_BUILDING'), RULES);
      decision.result.support.push('MOBILITY');
      expect(route(input('FIRE_BUILDING'), RULES).result.support).toEqual(['CIVIL_PROTECTION', 'POLICE']);
    });
  });
});
