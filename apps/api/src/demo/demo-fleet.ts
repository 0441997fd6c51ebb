import type { DataSource } from 'typeorm';
import type { Department } from '@cgi/shared';
import type { DemoAddress } from './demo-data';

/**
 * The demo fleet (issue 14): 60 synthetic units over the five departments, with bases at real
 * address points of data/porto/addresses.csv and crews with obviously fake names. Callsigns
 * follow the departments' radio habits ("VUCI 01", "PM 12", "PC 03", "MOB 05", "AMB 07"); each
 * unit has one code for AVL (`BSB-VUCI-01`, `PM-12`).
 */
export interface DemoUnit {
  code: string;
  callsign: string;
  department: Department;
  kind: string;
  base: { name: string; street: string; house: string };
  crew: string[];
  /** Out of service at seeding (a demo of UNAVAILABLE). */
  unavailable?: string;
}

interface Group {
  department: Department;
  /** Code prefix and callsign prefix, e.g. BSB-VUCI- and VUCI. */
  codePrefix: string;
  callsign: string;
  kind: string;
  count: number;
  /** Numbering starts here (PM numbers run on across kinds). */
  first?: number;
}

/** Bases: real address points (street and house number as in the CSV). */
const BASES: Record<Exclude<Department, 'CGI'>, Array<{ name: string; street: string; house: string }>> = {
  FIRE: [
    { name: 'Quartel-sede (sintético)', street: 'R GOMES FREIRE', house: '2' },
    { name: 'Posto Norte (sintético)', street: 'R NOVE DE ABRIL', house: '639' },
    { name: 'Posto da Foz (sintético)', street: 'LG NEVOGILDE', house: '8' },
  ],
  POLICE: [
    { name: 'Divisão Centro (sintético)', street: 'R CEDOFEITA', house: '289' },
    { name: 'Divisão Norte (sintético)', street: 'R COSTA CABRAL', house: '279' },
    { name: 'Divisão Ocidental (sintético)', street: 'R D ESTEVÃO DA GAMA', house: '348' },
  ],
  CIVIL_PROTECTION: [
    { name: 'Centro de operações (sintético)', street: 'PC CAMPO GRANDE', house: '9' },
    { name: 'Base do Campo Alegre (sintético)', street: 'R CAMPO ALEGRE', house: '272' },
  ],
  MOBILITY: [
    { name: 'Parque de viaturas (sintético)', street: 'R NAU TRINDADE', house: '164' },
    { name: 'Posto da Boavista (sintético)', street: 'R FERNANDES COSTA', house: '162' },
  ],
  ENVIRONMENT: [
    { name: 'Ecocentro de Campanhã (sintético)', street: 'R PONTE DO GATO', house: '288' },
    { name: 'Parque de Aldoar (sintético)', street: 'R JORNAL DE NOTICIAS', house: '303' },
  ],
};

const GROUPS: Group[] = [
  { department: 'FIRE', codePrefix: 'BSB-VUCI-', callsign: 'VUCI', kind: 'ENGINE', count: 6 },
  { department: 'FIRE', codePrefix: 'BSB-VE-', callsign: 'VE', kind: 'LADDER', count: 2 },
  { department: 'FIRE', codePrefix: 'BSB-VSAT-', callsign: 'VSAT', kind: 'RESCUE', count: 3 },
  { department: 'FIRE', codePrefix: 'BSB-VTTU-', callsign: 'VTTU', kind: 'TANKER', count: 2 },
  { department: 'FIRE', codePrefix: 'BSB-VCOT-', callsign: 'VCOT', kind: 'COMMAND', count: 1 },
  { department: 'POLICE', codePrefix: 'PM-', callsign: 'PM', kind: 'PATROL_CAR', count: 12 },
  { department: 'POLICE', codePrefix: 'PM-', callsign: 'PM', kind: 'MOTORBIKE', count: 4, first: 13 },
  { department: 'POLICE', codePrefix: 'PM-', callsign: 'PM', kind: 'TOW_TRUCK', count: 2, first: 17 },
  { department: 'CIVIL_PROTECTION', codePrefix: 'PC-', callsign: 'PC', kind: 'CP_TEAM', count: 6 },
  { department: 'CIVIL_PROTECTION', codePrefix: 'PC-', callsign: 'PC', kind: 'CREW_VAN', count: 2, first: 7 },
  { department: 'CIVIL_PROTECTION', codePrefix: 'PC-', callsign: 'PC', kind: 'COMMAND', count: 1, first: 9 },
  { department: 'MOBILITY', codePrefix: 'MOB-', callsign: 'MOB', kind: 'CREW_VAN', count: 4 },
  { department: 'MOBILITY', codePrefix: 'MOB-', callsign: 'MOB', kind: 'SIGNAL_TRUCK', count: 3, first: 5 },
  { department: 'MOBILITY', codePrefix: 'MOB-', callsign: 'MOB', kind: 'TOW_TRUCK', count: 2, first: 8 },
  { department: 'ENVIRONMENT', codePrefix: 'AMB-', callsign: 'AMB', kind: 'SWEEPER', count: 4 },
  { department: 'ENVIRONMENT', codePrefix: 'AMB-', callsign: 'AMB', kind: 'WASTE_TRUCK', count: 4, first: 5 },
  { department: 'ENVIRONMENT', codePrefix: 'AMB-', callsign: 'AMB', kind: 'CREW_VAN', count: 2, first: 9 },
];

const CREW_SIZE: Record<string, number> = {
  ENGINE: 5, LADDER: 3, RESCUE: 4, TANKER: 2, COMMAND: 2, PATROL_CAR: 2, MOTORBIKE: 1, TOW_TRUCK: 2,
  CP_TEAM: 3, CREW_VAN: 3, SIGNAL_TRUCK: 2, SWEEPER: 1, WASTE_TRUCK: 3,
};

/** Placeholder names of Portuguese (Fulano, Beltrano, Sicrano: "so-and-so"), marked fictitious. */
const FIRST = ['Fulano', 'Beltrano', 'Sicrano', 'Mengano', 'Zé Ninguém'];
const LAST = ['de Tal', 'Exemplo', 'Fictício', 'Teste', 'Demonstração'];

/** Units out of service at seeding, with the reason. */
const UNAVAILABLE: Record<string, string> = { 'BSB-VUCI-06': 'Manutenção programada (demo)', 'AMB-04': 'Avaria mecânica (demo)' };

const two = (n: number): string => String(n).padStart(2, '0');

export const DEMO_FLEET: DemoUnit[] = (() => {
  const out: DemoUnit[] = [];
  const perDepartment = new Map<Department, number>();
  let crewNo = 0;
  for (const g of GROUPS) {
    for (let i = 0; i < g.count; i++) {
      const n = (g.first ?? 1) + i;
      const k = perDepartment.get(g.department) ?? 0;
      perDepartment.set(g.department, k + 1);
      const bases = BASES[g.department as Exclude<Department, 'CGI'>];
      const crew = Array.from({ length: CREW_SIZE[g.kind] ?? 2 }, () => {
        crewNo += 1;
        return `${FIRST[crewNo % FIRST.length]} ${LAST[Math.floor(crewNo / FIRST.length) % LAST.length]} ${crewNo} (fictício)`;
      });
      const code = `${g.codePrefix}${two(n)}`;
      out.push({ code, callsign: `${g.callsign} ${two(n)}`, department: g.department, kind: g.kind, base: bases[k % bases.length], crew, unavailable: UNAVAILABLE[code] });
    }
  }
  return out;
})();

/** The address point of a base (its street and house in the CSV), or a stable stand-in when the file no longer has it. */
function basePoint(addresses: DemoAddress[], base: DemoUnit['base'], index: number): DemoAddress {
  const norm = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  return addresses.find((a) => norm(a.street) === norm(base.street) && a.house === base.house) ?? addresses[(index * 37) % addresses.length];
}

/**
 * Seeds the demo fleet, idempotently: a unit whose code exists is left as it is (its status and
 * position are the simulator's and the operators' business). Answers how many were added.
 */
export async function seedDemoFleet(ds: DataSource, addresses: DemoAddress[]): Promise<number> {
  const rows = DEMO_FLEET.map((u, i) => {
    const p = basePoint(addresses, u.base, i);
    return { ...u, lat: p.lat, lon: p.lon, address: `${u.base.name}, ${p.street} ${p.house}, Porto` };
  });
  const inserted: unknown[] = await ds.query(
    `INSERT INTO units (code, callsign, department, kind, home_base, home_base_address, crew, status, unavailable_reason, synthetic)
     SELECT x.code, x.callsign, x.department, x.kind, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)::geography, x.address,
            ARRAY(SELECT jsonb_array_elements_text(x.crew)), CASE WHEN x.reason IS NULL THEN 'AVAILABLE' ELSE 'UNAVAILABLE' END, x.reason, true
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::jsonb[], $9::text[])
            AS x(code, callsign, department, kind, lon, lat, address, crew, reason)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [
      rows.map((r) => r.code), rows.map((r) => r.callsign), rows.map((r) => r.department), rows.map((r) => r.kind),
      rows.map((r) => r.lon), rows.map((r) => r.lat), rows.map((r) => r.address), rows.map((r) => JSON.stringify(r.crew)),
      rows.map((r) => r.unavailable ?? null),
    ],
  );
  return inserted.length;
}
