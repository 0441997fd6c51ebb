import type { DataSource } from 'typeorm';
import type { AssetInput, AssetKind, AssetStatus, Department } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import type { AssetImportService } from '../assets/asset-import.service';
import type { AssetStatusService } from '../assets/asset-status.service';
import type { DemoAddress } from './demo-data';

/**
 * The demo registry (issue 15): the city's 118 cameras, 154 traffic lights, 40 retractable
 * bollards and 30 sensors, synthetic, each at a real address point of data/porto/addresses.csv
 * (the file has 282: assets of different kinds share points, as a camera shares a traffic
 * light's pole; no two of one kind do). Journey 8's traffic light (SEM-001) is at Boavista with
 * the two nearest address points' cameras (CAM-001, CAM-002) beside it. Deterministic.
 */
interface Group {
  kind: AssetKind;
  prefix: string;
  digits: number;
  count: number;
  department: Department;
  /** Portuguese name of the kind, for names. */
  label: string;
}

const GROUPS: Group[] = [
  { kind: 'CAMERA', prefix: 'CAM-', digits: 3, count: 118, department: 'MOBILITY', label: 'Câmara' },
  { kind: 'TRAFFIC_LIGHT', prefix: 'SEM-', digits: 3, count: 154, department: 'MOBILITY', label: 'Semáforo' },
  { kind: 'BOLLARD', prefix: 'PIL-', digits: 2, count: 40, department: 'MOBILITY', label: 'Pilarete retrátil' },
  { kind: 'FLOOD_SENSOR', prefix: 'CHE-', digits: 2, count: 8, department: 'CIVIL_PROTECTION', label: 'Sensor de nível de cheia' },
  { kind: 'AIR_QUALITY_SENSOR', prefix: 'QAR-', digits: 2, count: 10, department: 'ENVIRONMENT', label: 'Sensor de qualidade do ar' },
  { kind: 'NOISE_SENSOR', prefix: 'RUI-', digits: 2, count: 8, department: 'ENVIRONMENT', label: 'Sensor de ruído' },
  { kind: 'WEATHER_STATION', prefix: 'MET-', digits: 2, count: 4, department: 'CIVIL_PROTECTION', label: 'Estação meteorológica' },
];

/** Journey 8: the traffic light at Boavista (street and house as in the CSV). */
const BOAVISTA = { street: 'R COOPERATIVA ZN BOAVISTA', house: '124' };

/** Statuses at seeding (a demo of the layers' colours and of fault occurrences). */
export const DEMO_ASSET_STATUSES: Record<string, { status: AssetStatus; reason: string }> = {
  'SEM-017': { status: 'FAULT', reason: 'Lâmpada vermelha fundida (demo)' },
  'SEM-090': { status: 'OFFLINE', reason: 'Controlador sem comunicação (demo)' },
  'PIL-05': { status: 'FAULT', reason: 'Pilarete bloqueado em cima (demo)' },
  'CAM-042': { status: 'OFFLINE', reason: 'Sem imagem (demo)' },
  'QAR-03': { status: 'FAULT', reason: 'Leituras fora de escala (demo)' },
  'SEM-120': { status: 'MAINTENANCE', reason: 'Manutenção programada (demo)' },
};

/** Stride through the address list: coprime with its length so a kind never repeats a point. */
const STRIDE = 37;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const norm = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();

export function demoAssets(addresses: DemoAddress[]): AssetInput[] {
  const n = addresses.length;
  let stride = STRIDE;
  while (gcd(stride, n) !== 1) stride += 1;
  const boavista = Math.max(0, addresses.findIndex((a) => norm(a.street) === BOAVISTA.street && a.house === BOAVISTA.house));
  const here = addresses[boavista];
  // The address points nearest Boavista (the point itself first): journey 8's light and its cameras.
  const nearest = addresses.map((a, i) => ({ i, d: (a.lat - here.lat) ** 2 + ((a.lon - here.lon) * Math.cos((here.lat * Math.PI) / 180)) ** 2 })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.i);
  const out: AssetInput[] = [];
  GROUPS.forEach((g, k) => {
    const first = g.kind === 'CAMERA' ? nearest.slice(1, 3) : g.kind === 'TRAFFIC_LIGHT' ? [nearest[0]] : [];
    // No other camera on the Boavista light's own point: CAM-001 and CAM-002 are its nearest.
    const used = new Set(g.kind === 'CAMERA' ? [...first, nearest[0]] : first);
    const points = [...first];
    for (let step = 0; points.length < Math.min(g.count, n); step++) {
      const i = (boavista + k * 11 + step * stride) % n;
      if (!used.has(i)) {
        used.add(i);
        points.push(i);
      }
    }
    points.slice(0, g.count).forEach((i, j) => {
      const a = addresses[i];
      const code = `${g.prefix}${String(j + 1).padStart(g.digits, '0')}`;
      out.push({
        code,
        kind: g.kind,
        name: `${g.label} ${a.street} ${a.house} (sintético)`,
        department: g.department,
        location: { lat: a.lat, lon: a.lon },
        address: `${a.street} ${a.house}, Porto`,
        camera: g.kind === 'CAMERA'
          ? { snapshotUrl: `https://cameras.cgi-porto.example/${code}/snapshot.jpg`, streamUrl: `rtsp://cameras.cgi-porto.example/${code}`, directionDeg: j % 5 === 4 ? null : (j * 47) % 360 }
          : null,
        synthetic: true,
      });
    });
  });
  return out;
}

/**
 * Seeds the demo registry, idempotently: an asset whose code exists is left as it is. The assets
 * added get their demo statuses through the real status service (so their fault occurrences are
 * real). Answers how many were added.
 */
export async function seedDemoAssets(ds: DataSource, imports: AssetImportService, status: AssetStatusService, addresses: DemoAddress[], actor: Actor): Promise<number> {
  const added = await ds.transaction((m) => imports.insert(m, demoAssets(addresses), 'skip'));
  const addedCodes = new Set(added.map((a) => a.code));
  for (const [code, s] of Object.entries(DEMO_ASSET_STATUSES)) {
    if (!addedCodes.has(code)) continue;
    await status.reportStatus({ code, status: s.status, reason: s.reason, observedAt: new Date(), source: 'SENSOR', actor });
  }
  return added.length;
}
