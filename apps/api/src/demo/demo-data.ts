import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Department, Role } from '@cgi/shared';
import { repoRoot } from '../database/repo-root';

export interface DemoAddress {
  street: string;
  house: string;
  lat: number;
  lon: number;
  parishCode: string;
}

/** Real INE address points of Porto shipped in data/porto/addresses.csv (CC BY 4.0). */
export function loadAddresses(): DemoAddress[] {
  const [header, ...lines] = readFileSync(join(repoRoot(), 'data/porto/addresses.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((line) => {
    const v = line.split(',');
    const get = (name: string): string => v[cols.indexOf(name)];
    return { street: titleCase(get('street')), house: get('house'), lat: Number(get('lat')), lon: Number(get('lon')), parishCode: get('parish_code') };
  });
}

const titleCase = (s: string): string =>
  s.toLowerCase().replace(/(^|\s)(\p{L})/gu, (_, sp: string, c: string) => sp + c.toUpperCase()).replace(/\b(De|Da|Do|Das|Dos|E)\b/g, (w) => w.toLowerCase());

/** One demo user per role (department roles bound to a department). */
export const DEMO_USERS: Array<{ username: string; displayName: string; role: Role; department: Department | null }> = [
  { username: 'operador', displayName: 'Operador CGI', role: 'CGI_OPERATOR', department: null },
  { username: 'supervisor', displayName: 'Supervisor CGI', role: 'CGI_SUPERVISOR', department: null },
  { username: 'videowall', displayName: 'Videowall da sala de operações', role: 'VIEWER', department: null },
  { username: 'admin', displayName: 'Administrador', role: 'ADMIN', department: null },
  { username: 'protecao.civil', displayName: 'Agente da Proteção Civil', role: 'DEPARTMENT_AGENT', department: 'CIVIL_PROTECTION' },
  { username: 'bombeiros', displayName: 'Agente dos Sapadores Bombeiros', role: 'DEPARTMENT_AGENT', department: 'FIRE' },
  { username: 'bombeiros.supervisor', displayName: 'Supervisor dos Sapadores Bombeiros', role: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' },
  { username: 'policia', displayName: 'Agente da Polícia Municipal', role: 'DEPARTMENT_AGENT', department: 'POLICE' },
  { username: 'mobilidade', displayName: 'Agente da Mobilidade', role: 'DEPARTMENT_AGENT', department: 'MOBILITY' },
  { username: 'ambiente', displayName: 'Agente do Ambiente', role: 'DEPARTMENT_AGENT', department: 'ENVIRONMENT' },
];

/** Realistic occurrences: category, description, source, flags and how far along they are. */
export const DEMO_SCENARIOS: Array<{
  category: string;
  description: string;
  source: 'OPERATOR' | 'CITIZEN' | 'SENSOR';
  flags?: { injuries?: boolean; hazardousMaterials?: boolean; blocksTraffic?: boolean; peopleAtRisk?: number };
  progress: 'NEW' | 'DISPATCHED' | 'ACKNOWLEDGED' | 'ON_SCENE' | 'RESOLVED' | 'CLOSED';
}> = [
  { category: 'FALLEN_TREE', description: 'Árvore caída sobre o passeio, a impedir a passagem de peões', source: 'CITIZEN', progress: 'NEW' },
  { category: 'FLOODING', description: 'Inundação na passagem inferior após chuva forte', source: 'SENSOR', flags: { blocksTraffic: true }, progress: 'DISPATCHED' },
  { category: 'FIRE_BUILDING', description: 'Fumo a sair do 2.º andar de um prédio de habitação', source: 'OPERATOR', flags: { peopleAtRisk: 12 }, progress: 'ON_SCENE' },
  { category: 'TRAFFIC_LIGHT_FAULT', description: 'Semáforo intermitente no cruzamento', source: 'SENSOR', progress: 'ACKNOWLEDGED' },
  { category: 'WASTE_OVERFLOW', description: 'Contentor de resíduos cheio há três dias', source: 'CITIZEN', progress: 'NEW' },
  { category: 'TRAFFIC_ACCIDENT', description: 'Colisão entre dois ligeiros, um ferido ligeiro', source: 'OPERATOR', flags: { injuries: true, blocksTraffic: true }, progress: 'ACKNOWLEDGED' },
  { category: 'NOISE', description: 'Ruído de obras fora do horário permitido', source: 'CITIZEN', progress: 'NEW' },
  { category: 'ILLEGAL_PARKING', description: 'Viatura estacionada em lugar reservado a deficientes', source: 'OPERATOR', progress: 'RESOLVED' },
  { category: 'ROAD_DAMAGE', description: 'Buraco no pavimento junto à paragem de autocarro', source: 'CITIZEN', progress: 'DISPATCHED' },
  { category: 'GAS_LEAK', description: 'Cheiro intenso a gás na entrada do prédio', source: 'OPERATOR', progress: 'DISPATCHED' },
  { category: 'STRUCTURE_RISK', description: 'Fachada com fissuras e queda de reboco', source: 'OPERATOR', progress: 'ACKNOWLEDGED' },
  { category: 'ILLEGAL_DUMPING', description: 'Monos e entulho depositados junto aos contentores', source: 'CITIZEN', progress: 'CLOSED' },
  { category: 'BOLLARD_FAULT', description: 'Pilarete retrátil bloqueado em posição elevada', source: 'SENSOR', progress: 'DISPATCHED' },
  { category: 'VANDALISM', description: 'Abrigo de autocarro com vidros partidos', source: 'CITIZEN', progress: 'NEW' },
  { category: 'ROAD_OBSTRUCTION', description: 'Carga caída de um camião a ocupar uma faixa', source: 'OPERATOR', flags: { blocksTraffic: true }, progress: 'ON_SCENE' },
  { category: 'STREET_CLEANING', description: 'Óleo derramado no passeio junto ao mercado', source: 'CITIZEN', progress: 'DISPATCHED' },
  { category: 'POLLUTION_SPILL', description: 'Derrame de combustível na via pública', source: 'OPERATOR', flags: { hazardousMaterials: true }, progress: 'ACKNOWLEDGED' },
  { category: 'AIR_QUALITY_ALERT', description: 'Estação de qualidade do ar: PM10 acima do limiar', source: 'SENSOR', progress: 'DISPATCHED' },
  { category: 'DEAD_ANIMAL', description: 'Animal morto na faixa de rodagem', source: 'CITIZEN', progress: 'RESOLVED' },
  { category: 'STORM_DAMAGE', description: 'Telhas soltas a cair para a rua após o temporal', source: 'CITIZEN', progress: 'NEW' },
  { category: 'SIGNAGE_DAMAGE', description: 'Sinal de STOP derrubado', source: 'CITIZEN', progress: 'DISPATCHED' },
  { category: 'ABANDONED_VEHICLE', description: 'Viatura sem matrícula abandonada há semanas', source: 'CITIZEN', progress: 'NEW' },
  { category: 'PUBLIC_DISORDER', description: 'Desacatos à porta de um estabelecimento noturno', source: 'OPERATOR', progress: 'ON_SCENE' },
  { category: 'RESCUE', description: 'Pessoa presa em elevador avariado', source: 'OPERATOR', progress: 'ACKNOWLEDGED' },
  { category: 'LANDSLIDE', description: 'Deslizamento de terras num talude junto à via', source: 'OPERATOR', flags: { blocksTraffic: true }, progress: 'DISPATCHED' },
  { category: 'FIRE_VEHICLE', description: 'Viatura a arder num parque de estacionamento', source: 'OPERATOR', progress: 'RESOLVED' },
  { category: 'FIRE_VEGETATION', description: 'Pequeno foco de incêndio num jardim público', source: 'CITIZEN', progress: 'DISPATCHED' },
  { category: 'OTHER', description: 'Munícipe relata situação não identificada, a confirmar', source: 'CITIZEN', progress: 'NEW' },
];
