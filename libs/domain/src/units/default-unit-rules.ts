import type { UnitRules } from '@cgi/shared';

/**
 * The fleet's catalogue as seeded (rule-set data: a supervisor changes it by publishing a rule
 * set). Mean speeds are urban averages with priority driving for emergency vehicles; they only
 * feed the straight-line ETA shown beside each proposal.
 */
export const DEFAULT_UNIT_RULES: UnitRules = {
  kinds: [
    { code: 'ENGINE', name: 'Veículo urbano de combate a incêndios', nameEn: 'Fire engine', departments: ['FIRE'], meanSpeedKmh: 35 },
    { code: 'LADDER', name: 'Veículo escada', nameEn: 'Ladder truck', departments: ['FIRE'], meanSpeedKmh: 30 },
    { code: 'RESCUE', name: 'Veículo de socorro e assistência', nameEn: 'Rescue vehicle', departments: ['FIRE'], meanSpeedKmh: 40 },
    { code: 'TANKER', name: 'Veículo tanque', nameEn: 'Water tanker', departments: ['FIRE'], meanSpeedKmh: 30 },
    { code: 'COMMAND', name: 'Veículo de comando', nameEn: 'Command vehicle', departments: ['FIRE', 'CIVIL_PROTECTION'], meanSpeedKmh: 40 },
    { code: 'PATROL_CAR', name: 'Viatura de patrulha', nameEn: 'Patrol car', departments: ['POLICE'], meanSpeedKmh: 40 },
    { code: 'MOTORBIKE', name: 'Motociclo', nameEn: 'Motorbike', departments: ['POLICE'], meanSpeedKmh: 45 },
    { code: 'TOW_TRUCK', name: 'Reboque', nameEn: 'Tow truck', departments: ['POLICE', 'MOBILITY'], meanSpeedKmh: 25 },
    { code: 'CP_TEAM', name: 'Equipa de proteção civil', nameEn: 'Civil protection team', departments: ['CIVIL_PROTECTION'], meanSpeedKmh: 35 },
    { code: 'CREW_VAN', name: 'Carrinha de equipa', nameEn: 'Crew van', departments: ['MOBILITY', 'ENVIRONMENT', 'CIVIL_PROTECTION'], meanSpeedKmh: 25 },
    { code: 'SIGNAL_TRUCK', name: 'Viatura de sinalização', nameEn: 'Signalling truck', departments: ['MOBILITY'], meanSpeedKmh: 25 },
    { code: 'SWEEPER', name: 'Varredora', nameEn: 'Street sweeper', departments: ['ENVIRONMENT'], meanSpeedKmh: 15 },
    { code: 'WASTE_TRUCK', name: 'Viatura de recolha de resíduos', nameEn: 'Waste truck', departments: ['ENVIRONMENT'], meanSpeedKmh: 20 },
  ],
  onSceneRadiusMeters: 100,
  staleAfterMinutes: 5,
};
