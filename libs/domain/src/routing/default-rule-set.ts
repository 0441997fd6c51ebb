import { PRIORITIES, type CategoryRule, type Department, type HolidayRule, type Priority, type RuleSetDocument, type SupportEscalationRule } from '@cgi/shared';
import { ASSET_CATEGORIES, DEFAULT_ASSET_RULES } from '../assets/default-asset-rules';
import { DEFAULT_UNIT_RULES } from '../units/default-unit-rules';

/**
 * governance.md as data: the rule set seeded as version 1. Supervisors replace it through the
 * API (validated by validateRuleSet); code never branches on category codes except OTHER.
 */

const AUTO_DISPATCH_SENSOR: Priority[] = ['P1', 'P2'];

/** Civil-protection categories: they count for the ALERT proposal (§7). */
const CIVIL_PROTECTION_CATEGORIES = new Set(['FLOODING', 'LANDSLIDE', 'STRUCTURE_RISK', 'STORM_DAMAGE', 'FALLEN_TREE']);

/**
 * Not offered to citizens (Open311): emergencies a citizen must report to 112 — fires, gas leaks,
 * rescues, traffic accidents, public disorder — and sensor-only alerts (air quality). Everything
 * else, including FALLEN_TREE, FLOODING and STRUCTURE_RISK, is citizen-facing.
 */
const NOT_CITIZEN_FACING = new Set([
  'FIRE_BUILDING',
  'FIRE_VEHICLE',
  'FIRE_VEGETATION',
  'GAS_LEAK',
  'RESCUE',
  'TRAFFIC_ACCIDENT',
  'PUBLIC_DISORDER',
  'AIR_QUALITY_ALERT',
  // Equipment faults (issue 15): the registry and the Urban Platform report them, not citizens.
  ...ASSET_CATEGORIES.map((c) => c.code),
]);

function category(code: string, name: string, lead: Department, support: Department[], defaultPriority: Priority): CategoryRule {
  return {
    code,
    name,
    lead,
    support,
    defaultPriority,
    civilProtection: CIVIL_PROTECTION_CATEGORIES.has(code),
    autoDispatchSensorPriorities: [...AUTO_DISPATCH_SENSOR],
    citizenFacing: !NOT_CITIZEN_FACING.has(code),
  };
}

/** §3, row by row. */
const CATEGORIES: CategoryRule[] = [
  category('FIRE_BUILDING', 'Incêndio urbano', 'FIRE', ['CIVIL_PROTECTION', 'POLICE'], 'P1'),
  category('FIRE_VEHICLE', 'Incêndio em veículo', 'FIRE', ['POLICE'], 'P2'),
  category('FIRE_VEGETATION', 'Incêndio em espaço verde', 'FIRE', ['ENVIRONMENT'], 'P2'),
  category('GAS_LEAK', 'Fuga de gás', 'FIRE', ['CIVIL_PROTECTION', 'POLICE'], 'P1'),
  category('RESCUE', 'Salvamento / pessoa encurralada', 'FIRE', ['POLICE'], 'P1'),
  category('FLOODING', 'Inundação', 'CIVIL_PROTECTION', ['FIRE'], 'P2'),
  category('LANDSLIDE', 'Deslizamento de terras', 'CIVIL_PROTECTION', ['FIRE', 'MOBILITY'], 'P2'),
  category('STRUCTURE_RISK', 'Risco de colapso de estrutura', 'CIVIL_PROTECTION', ['FIRE', 'POLICE'], 'P1'),
  category('STORM_DAMAGE', 'Danos por temporal', 'CIVIL_PROTECTION', ['ENVIRONMENT'], 'P3'),
  category('FALLEN_TREE', 'Queda de árvore', 'CIVIL_PROTECTION', ['ENVIRONMENT'], 'P2'),
  category('TRAFFIC_ACCIDENT', 'Acidente de viação', 'POLICE', ['MOBILITY'], 'P2'),
  category('TRAFFIC_LIGHT_FAULT', 'Avaria de semáforo', 'MOBILITY', ['POLICE'], 'P2'),
  category('BOLLARD_FAULT', 'Avaria de pilarete retrátil', 'MOBILITY', [], 'P3'),
  category('ROAD_OBSTRUCTION', 'Obstrução da via pública', 'MOBILITY', ['POLICE'], 'P2'),
  category('ROAD_DAMAGE', 'Pavimento danificado', 'MOBILITY', [], 'P4'),
  category('SIGNAGE_DAMAGE', 'Sinalização danificada', 'MOBILITY', [], 'P4'),
  category('ILLEGAL_PARKING', 'Estacionamento abusivo', 'POLICE', [], 'P3'),
  category('PUBLIC_DISORDER', 'Desordem pública', 'POLICE', [], 'P2'),
  category('NOISE', 'Ruído', 'POLICE', ['ENVIRONMENT'], 'P3'),
  category('VANDALISM', 'Vandalismo', 'POLICE', [], 'P3'),
  category('ABANDONED_VEHICLE', 'Veículo abandonado', 'POLICE', [], 'P4'),
  category('WASTE_OVERFLOW', 'Contentor cheio', 'ENVIRONMENT', [], 'P4'),
  category('ILLEGAL_DUMPING', 'Depósito ilegal de resíduos', 'ENVIRONMENT', ['POLICE'], 'P3'),
  category('STREET_CLEANING', 'Limpeza urbana', 'ENVIRONMENT', [], 'P4'),
  category('DEAD_ANIMAL', 'Animal morto na via pública', 'ENVIRONMENT', [], 'P3'),
  category('POLLUTION_SPILL', 'Derrame / poluição', 'ENVIRONMENT', ['CIVIL_PROTECTION', 'FIRE'], 'P2'),
  category('AIR_QUALITY_ALERT', 'Alerta de qualidade do ar', 'ENVIRONMENT', ['CIVIL_PROTECTION'], 'P3'),
  // Asset faults the registry adds (issue 15, ADR 0026).
  ...ASSET_CATEGORIES.map((c) => category(c.code, c.name, c.lead, [...c.support], c.defaultPriority)),
  // OTHER: the CGI leads and an operator triages it (route() sets needsTriage).
  category('OTHER', 'Outra situação', 'CGI', [], 'P3'),
];

/** Portuguese national holidays (Lei 7/2009, art. 234) and Porto's municipal holiday. */
const HOLIDAYS: HolidayRule[] = [
  { kind: 'FIXED', month: 1, day: 1, name: 'Ano Novo' },
  { kind: 'EASTER', offsetDays: -2, name: 'Sexta-feira Santa' },
  { kind: 'EASTER', offsetDays: 0, name: 'Páscoa' },
  { kind: 'FIXED', month: 4, day: 25, name: 'Dia da Liberdade' },
  { kind: 'FIXED', month: 5, day: 1, name: 'Dia do Trabalhador' },
  { kind: 'EASTER', offsetDays: 60, name: 'Corpo de Deus' },
  { kind: 'FIXED', month: 6, day: 10, name: 'Dia de Portugal' },
  { kind: 'FIXED', month: 6, day: 24, name: 'São João (feriado municipal do Porto)' },
  { kind: 'FIXED', month: 8, day: 15, name: 'Assunção de Nossa Senhora' },
  { kind: 'FIXED', month: 10, day: 5, name: 'Implantação da República' },
  { kind: 'FIXED', month: 11, day: 1, name: 'Dia de Todos os Santos' },
  { kind: 'FIXED', month: 12, day: 1, name: 'Restauração da Independência' },
  { kind: 'FIXED', month: 12, day: 8, name: 'Imaculada Conceição' },
  { kind: 'FIXED', month: 12, day: 25, name: 'Natal' },
];

const SERVICE_DAY_MINUTES = 12 * 60; // 08:00–20:00

/**
 * A support or coordinator department that does not acknowledge (police not acknowledging traffic
 * control at a fire): L1 at the acknowledge deadline to the department and its supervisor, L2 at
 * twice it to the CGI supervisor, who may reassign (ADR 0017). Every priority.
 */
function supportLadder(): SupportEscalationRule[] {
  return [
    { level: 'L1', acknowledgeMultiple: 1, priorities: [...PRIORITIES], notify: ['DEPARTMENT', 'DEPARTMENT_SUPERVISOR'] },
    { level: 'L2', acknowledgeMultiple: 2, priorities: [...PRIORITIES], notify: ['CGI_SUPERVISOR'] },
  ];
}

/** Frozen all the way down: the seed must not be changed by accident; copy it to derive a new rule set. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const DEFAULT_RULE_SET: RuleSetDocument = deepFreeze({
  categories: CATEGORIES,
  // §4, in order.
  modifiers: [
    {
      id: 'injuries',
      description: 'injuries reported',
      when: { flag: 'injuries', equals: true },
      then: { setPriority: 'P1', addSupport: ['FIRE'], notify: ['INEM'] },
    },
    {
      id: 'hazardous-materials',
      description: 'hazardous materials involved',
      when: { flag: 'hazardousMaterials', equals: true },
      then: { addSupport: ['FIRE', 'CIVIL_PROTECTION'], minPriority: 'P2' },
    },
    {
      id: 'blocks-traffic',
      description: 'traffic blocked',
      when: { flag: 'blocksTraffic', equals: true },
      then: { addSupport: ['MOBILITY'], minPriority: 'P2' },
    },
    {
      id: 'people-at-risk',
      description: '10 or more people at risk',
      when: { flag: 'peopleAtRisk', gte: 10 },
      then: { setPriority: 'P1', addSupport: ['CIVIL_PROTECTION'] },
    },
  ],
  outsideMunicipalityLead: 'CGI',
  // §2, in minutes.
  slas: {
    P1: { acknowledgeMinutes: 2, onSceneMinutes: 10, resolveMinutes: 4 * 60, calendar: 'ALWAYS' },
    P2: { acknowledgeMinutes: 5, onSceneMinutes: 30, resolveMinutes: 24 * 60, calendar: 'ALWAYS' },
    P3: { acknowledgeMinutes: 30, onSceneMinutes: null, resolveMinutes: 72 * 60, calendar: 'ALWAYS' },
    /**
     * P4 runs on service hours, and so do all its durations: 4 h = 240 service minutes, and
     * "10 days" = 10 service days = 10 × 12 h = 7200 service minutes (two working weeks when
     * no holiday intervenes), not 10 calendar days.
     */
    P4: { acknowledgeMinutes: 4 * 60, onSceneMinutes: null, resolveMinutes: 10 * SERVICE_DAY_MINUTES, calendar: 'SERVICE_HOURS' },
  },
  serviceHours: {
    timezone: 'Europe/Lisbon',
    weekdays: [1, 2, 3, 4, 5],
    opens: '08:00',
    closes: '20:00',
    holidays: HOLIDAYS,
  },
  // §6.
  escalation: [
    { level: 'L1', acknowledgeMultiple: 1, onSceneMissed: false, resolveMissedPriorities: [], notify: ['DEPARTMENT', 'DEPARTMENT_SUPERVISOR'] },
    { level: 'L2', acknowledgeMultiple: 2, onSceneMissed: true, resolveMissedPriorities: [], notify: ['CGI_SUPERVISOR'] },
    {
      level: 'L3',
      acknowledgeMultiple: 3,
      onSceneMissed: false,
      resolveMissedPriorities: ['P1', 'P2'],
      notify: ['MUNICIPAL_COORDINATOR', 'CIVIL_PROTECTION'],
    },
  ],
  // §6 for the departments that support or coordinate (ADR 0017).
  supportEscalation: { SUPPORT: supportLadder(), COORDINATOR: supportLadder() },
  crisisCoordinator: 'CIVIL_PROTECTION',
  alertProposal: { minOccurrences: 5, windowMinutes: 60, priorities: ['P1', 'P2'] },
  duplicates: { radiusMeters: 150, windowMinutes: 120 },
  units: DEFAULT_UNIT_RULES,
  assets: DEFAULT_ASSET_RULES,
});
