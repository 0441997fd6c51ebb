import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { DEFAULT_UNIT_RULES } from '@cgi/domain';
import { UNIT_POSITION_TOPIC, type Department, type GeoPoint, type OccurrenceDetail, type OccurrenceView, type PositionBatchResult, type Priority, type PositionReport, type RuleSetView, type UnitAssignmentView, type UnitKindRule, type UnitProposal, type UnitView } from '@cgi/shared';
import { advance, fixOf, PATROL_RADIUS_METERS, reconcile, startVehicle, stopsNear, type Driving, type Leg, type UnitState, type Vehicle } from './fleet-movement';

/**
 * The simulated fleet: one vehicle per unit the API knows (GET /api/v1/units), each sending a fix
 * every 5 s — most through the MQTT broker as the AVL gateway (`cgi/units/<code>/position`, QoS 1),
 * the departments in `httpDepartments` as an integration client's HTTP batches (API key with scope
 * `units:positions`). Dispatched units drive to their occurrence, released ones drive back to base
 * (fleet-movement.ts). As an operator would, it can assign the nearest proposed unit(s) to new P1/P2
 * occurrences, and as the unit's department agent it confirms the geofence's on-scene proposal.
 */
export type Auth = Record<string, string>;
export type Caller = <T>(method: string, path: string, auth: Auth, body?: unknown) => Promise<{ status: number; json: T }>;

export interface FleetOptions {
  root: string;
  call: Caller;
  operator: Auth;
  admin: Auth;
  agents: ReadonlyMap<Department, Auth>;
  random: () => number;
  /** Time compression of the simulation (--speed): vehicles cover `speed` × the distance per fix. */
  speed: number;
  /** Assign the nearest proposed units to new occurrences of these priorities (none: never) and confirm them on scene. */
  assignPriorities: ReadonlySet<Priority>;
  /** Departments whose units report over HTTP batches instead of MQTT. */
  httpDepartments: ReadonlySet<Department>;
  later: (seconds: number, fn: () => Promise<void>) => void;
  fail: (what: string, status: number | string) => void;
  /** A unit the fleet assigned was confirmed on scene (its department went on scene with it). */
  onScene: (o: OccurrenceView) => void;
  /** The fleet claimed the occurrence but could not assign it a unit: the agents take it from here. */
  unassigned: (o: OccurrenceView) => void;
}

export const FIX_INTERVAL_MS = 5000;
const SYNC_INTERVAL_MS = 5000;
const TICK_MS = 250;
/** Arrived and no geofence proposal after this long (simulated seconds): the crew radios in anyway. */
const CONFIRM_WITHOUT_PROPOSAL_S = 60;

interface Tracked {
  unit: UnitView;
  vehicle: Vehicle;
  lastFixAt: number;
  nextFixAt: number;
  /** When the vehicle reached its occurrence (ms), for units this fleet assigned. */
  arrivedAt: number | null;
  confirming: boolean;
}

interface OwnAssignment {
  occurrence: OccurrenceView;
  assignmentId: string;
}

export class Fleet {
  readonly stats = { mqtt: 0, http: 0, rejected: 0, assigned: 0, confirmed: 0, transport: 'none' };
  private readonly tracked = new Map<string, Tracked>();
  private readonly locations = new Map<string, GeoPoint | 'pending'>();
  private readonly own = new Map<string, OwnAssignment>();
  private readonly claimed = new Set<string>();
  private kinds = new Map<string, UnitKindRule>();
  /** Porto's address points: patrol rounds go between those near a unit's base. */
  private readonly places: GeoPoint[];
  private readonly stops = new Map<string, GeoPoint[]>();
  private mqtt: MqttClient | null = null;
  private apiKey: string | null = null;
  private timers: NodeJS.Timeout[] = [];
  private outbox: PositionReport[] = [];
  private syncing = false;

  constructor(private readonly o: FleetOptions) {
    this.places = readFileSync(join(o.root, 'data/porto/addresses.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
      const v = l.split(',');
      return { lat: Number(v[3]), lon: Number(v[4]) };
    });
  }

  /** Loads the catalogue and the units, opens the transports and starts the clocks. Throws when the units API is not there. */
  async start(): Promise<string> {
    const rules = await this.o.call<RuleSetView>('GET', '/api/v1/rule-sets/active', this.o.operator);
    const kinds = rules.status === 200 && rules.json.document.units ? rules.json.document.units.kinds : DEFAULT_UNIT_RULES.kinds;
    this.kinds = new Map(kinds.map((k) => [k.code, k]));
    const units = await this.o.call<UnitView[]>('GET', '/api/v1/units', this.o.operator);
    if (units.status !== 200) throw new Error(`GET /api/v1/units answered ${units.status}`);
    const httpNeeded = units.json.some((u) => this.o.httpDepartments.has(u.department));
    let mqttNote = '';
    try {
      this.mqtt = await this.connectMqtt();
    } catch (e) {
      mqttNote = ` (MQTT: ${e instanceof Error ? e.message : String(e)}; every unit over HTTP)`;
    }
    if (httpNeeded || !this.mqtt) {
      const r = await this.o.call<{ key: string }>('POST', '/api/v1/admin/api-keys', this.o.admin, {
        clientName: `Fleet AVL platform (simulação ${new Date().toISOString()})`,
        scopes: ['units:positions'],
      });
      if (r.status !== 201) throw new Error(`creating the AVL API key: ${r.status} ${JSON.stringify(r.json)}`);
      this.apiKey = r.json.key;
    }
    this.stats.transport = this.mqtt ? `MQTT${httpNeeded ? ` + HTTP for ${[...this.o.httpDepartments].join(', ')}` : ''}` : 'HTTP';
    await this.sync(units.json);
    this.timers.push(
      setInterval(() => void this.sync().catch((e: unknown) => this.o.fail('fleet sync', String(e))), SYNC_INTERVAL_MS),
      setInterval(() => void this.tick().catch((e: unknown) => this.o.fail('fleet tick', String(e))), TICK_MS),
    );
    return `${units.json.length} units over ${this.stats.transport}${mqttNote}`;
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    this.timers = [];
    await this.flush();
    await this.mqtt?.endAsync().catch(() => undefined);
  }

  /** Whether the fleet drives this occurrence's units (it then confirms them on scene). */
  drives(occurrenceId: string): boolean {
    return this.claimed.has(occurrenceId);
  }

  /**
   * A dispatched occurrence of one of `assignPriorities`: an operator assigns the nearest proposed
   * unit (P1: the two nearest) a few seconds later. Answers whether the fleet took it.
   */
  dispatched(o: OccurrenceView): boolean {
    if (!this.o.assignPriorities.has(o.priority)) return false;
    this.claimed.add(o.id);
    this.locations.set(o.id, { lat: o.location.lat, lon: o.location.lon });
    this.o.later(5 + this.o.random() * 15, () => this.assign(o, 1));
    return true;
  }

  /** Counts by leg, for the status line. */
  legs(): Record<Leg, number> {
    const n: Record<Leg, number> = { IDLE: 0, PATROL: 0, TO_SCENE: 0, ON_SCENE: 0, TO_BASE: 0 };
    for (const t of this.tracked.values()) n[t.vehicle.leg]++;
    return n;
  }

  get size(): number {
    return this.tracked.size;
  }

  private async connectMqtt(): Promise<MqttClient> {
    const file = join(this.o.root, 'var', 'mosquitto', 'credentials.env');
    const env = { ...(existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {}), ...pick(process.env, ['MQTT_URL', 'MQTT_GATEWAY_USERNAME', 'MQTT_GATEWAY_PASSWORD']) };
    if (!env.MQTT_URL || !env.MQTT_GATEWAY_USERNAME) throw new Error(`no broker credentials (${file}; run npm start or npm run services)`);
    return connectAsync(env.MQTT_URL, {
      username: env.MQTT_GATEWAY_USERNAME,
      password: env.MQTT_GATEWAY_PASSWORD,
      clientId: `cgi-sim-gateway-${Math.floor(this.o.random() * 1e9).toString(36)}`,
      clean: true,
      connectTimeout: 5000,
      reconnectPeriod: 2000,
    });
  }

  private driving(u: UnitView): Driving {
    const radius = PATROL_RADIUS_METERS[u.kind] ?? null;
    const key = `${u.id} ${u.homeBase.lat} ${u.homeBase.lon}`;
    let stops = this.stops.get(key);
    if (!stops && radius !== null) {
      stops = stopsNear(u.homeBase, radius, this.places);
      this.stops.set(key, stops);
    }
    return { meanSpeedKmh: this.kinds.get(u.kind)?.meanSpeedKmh ?? 30, patrolRadiusMeters: radius, patrolStops: stops };
  }

  private state(u: UnitView): UnitState {
    const occ = u.occurrence?.id ?? null;
    const loc = occ ? this.locations.get(occ) : undefined;
    return { status: u.status, occurrenceId: occ, target: loc && loc !== 'pending' ? loc : null, homeBase: u.homeBase };
  }

  private async sync(list?: UnitView[]): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      let units = list;
      if (!units) {
        const r = await this.o.call<UnitView[]>('GET', '/api/v1/units', this.o.operator);
        if (r.status !== 200) return this.o.fail('units list', r.status);
        units = r.json;
      }
      const now = Date.now();
      const seen = new Set<string>();
      for (const u of units) {
        seen.add(u.id);
        if (u.occurrence && !this.locations.has(u.occurrence.id)) void this.locate(u.occurrence.id);
        const t = this.tracked.get(u.id);
        if (!t) {
          const last = u.position ? { lat: u.position.lat, lon: u.position.lon, headingDeg: u.position.headingDeg } : null;
          const vehicle = reconcile(startVehicle(u.code, last, this.state(u), this.o.random), this.state(u), this.driving(u), this.o.random);
          // Fixes spread over the 5 s: each unit has its own phase.
          const phase = now + this.o.random() * FIX_INTERVAL_MS;
          this.tracked.set(u.id, { unit: u, vehicle, lastFixAt: phase - FIX_INTERVAL_MS, nextFixAt: phase, arrivedAt: null, confirming: false });
          continue;
        }
        t.unit = u;
        t.vehicle = reconcile(t.vehicle, this.state(u), this.driving(u), this.o.random);
        if (u.status !== 'DISPATCHED' && u.status !== 'ON_SCENE') this.own.delete(u.id);
        this.checkArrival(t, now);
      }
      for (const id of [...this.tracked.keys()]) if (!seen.has(id)) this.tracked.delete(id);
    } finally {
      this.syncing = false;
    }
  }

  private async locate(occurrenceId: string): Promise<void> {
    this.locations.set(occurrenceId, 'pending');
    const r = await this.o.call<OccurrenceDetail>('GET', `/api/v1/occurrences/${occurrenceId}`, this.o.operator);
    if (r.status === 200) this.locations.set(occurrenceId, { lat: r.json.location.lat, lon: r.json.location.lon });
    else {
      this.locations.delete(occurrenceId);
      this.o.fail('occurrence location', r.status);
    }
  }

  /** Every vehicle whose fix is due moves by the (compressed) time since its last fix and reports. */
  private async tick(): Promise<void> {
    const now = Date.now();
    for (const t of this.tracked.values()) {
      if (t.nextFixAt > now) continue;
      const seconds = ((now - t.lastFixAt) / 1000) * this.o.speed;
      t.vehicle = advance(t.vehicle, seconds, this.driving(t.unit), t.unit.homeBase, this.o.random);
      t.lastFixAt = now;
      t.nextFixAt = Math.max(t.nextFixAt + FIX_INTERVAL_MS, now + FIX_INTERVAL_MS / 2);
      const fix = fixOf(t.vehicle, new Date(now));
      if (this.mqtt && !this.o.httpDepartments.has(t.unit.department)) {
        this.mqtt.publishAsync(UNIT_POSITION_TOPIC(t.unit.code), JSON.stringify(fix), { qos: 1 }).then(
          () => void this.stats.mqtt++,
          (e: unknown) => this.o.fail('mqtt publish', e instanceof Error ? e.message : String(e)),
        );
      } else {
        this.outbox.push({ unit: t.unit.code, ...fix });
      }
    }
    // The integration client sends what it has once a second (at most 500 a request).
    if (this.outbox.length > 0 && Math.floor(now / 1000) !== Math.floor((now - TICK_MS) / 1000)) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.apiKey) return void (this.outbox = []);
    while (this.outbox.length > 0) {
      const positions = this.outbox.splice(0, 500);
      const r = await this.o.call<PositionBatchResult | { errors?: unknown }>('POST', '/api/v1/units/positions', { 'x-api-key': this.apiKey }, { positions });
      if (r.status === 200) this.stats.http += positions.length;
      else {
        this.stats.rejected += positions.length;
        this.o.fail('positions batch', `${r.status} ${JSON.stringify(r.json).slice(0, 120)}`);
      }
    }
  }

  /** The operator: nearest proposed unit of the lead department (P1: and the next nearest), assigned. */
  private async assign(o: OccurrenceView, attempt: number): Promise<void> {
    const p = await this.o.call<UnitProposal[]>('GET', `/api/v1/occurrences/${o.id}/unit-proposals?limit=5`, this.o.operator);
    if (p.status !== 200 || p.json.length === 0) {
      if (p.status !== 200) this.o.fail('unit proposals', p.status);
      return this.giveUp(o);
    }
    const lead = p.json.find((x) => x.unit.department === o.lead) ?? p.json[0];
    const picked = [lead, ...(o.priority === 'P1' ? p.json.filter((x) => x !== lead).slice(0, 1) : [])];
    const r = await this.o.call<UnitAssignmentView[]>('POST', `/api/v1/occurrences/${o.id}/units`, this.o.operator, { unitIds: picked.map((x) => x.unit.id) });
    if (r.status === 201) {
      for (const a of r.json) this.own.set(a.unitId, { occurrence: o, assignmentId: a.id });
      this.stats.assigned += r.json.length;
      void this.sync().catch(() => undefined);
      return;
    }
    // Someone else took a unit meanwhile (409): look again once.
    if (r.status === 409 && attempt < 2) return this.assign(o, attempt + 1);
    this.o.fail('assign units', r.status);
    this.giveUp(o);
  }

  private giveUp(o: OccurrenceView): void {
    this.claimed.delete(o.id);
    this.o.unassigned(o);
  }

  /**
   * A unit this fleet assigned that reached its occurrence: its department's agent confirms the
   * geofence's ON_SCENE proposal a few seconds after it appears (or after a minute without one).
   */
  private checkArrival(t: Tracked, now: number): void {
    const mine = this.own.get(t.unit.id);
    if (!mine || t.unit.status !== 'DISPATCHED' || t.vehicle.leg !== 'ON_SCENE' || t.confirming) return;
    t.arrivedAt ??= now;
    const agent = this.o.agents.get(t.unit.department);
    if (!agent) return;
    t.confirming = true;
    void (async () => {
      const d = await this.o.call<OccurrenceDetail>('GET', `/api/v1/occurrences/${mine.occurrence.id}`, agent);
      const a = d.status === 200 ? d.json.units.find((x) => x.id === mine.assignmentId) : undefined;
      const waited = ((now - (t.arrivedAt ?? now)) / 1000) * this.o.speed;
      if (!a || a.releasedAt || a.onSceneAt || (!a.onSceneProposedAt && waited < CONFIRM_WITHOUT_PROPOSAL_S)) {
        t.confirming = false;
        if (a?.releasedAt || a?.onSceneAt) this.own.delete(t.unit.id);
        return;
      }
      this.o.later(3 + this.o.random() * 12, async () => {
        const r = await this.o.call('POST', `/api/v1/occurrences/${mine.occurrence.id}/units/${mine.assignmentId}/on-scene`, agent, {});
        t.confirming = false;
        if (r.status !== 200 && r.status !== 201) return this.o.fail('unit on scene', r.status);
        this.own.delete(t.unit.id);
        this.stats.confirmed++;
        this.o.onScene(mine.occurrence);
      });
    })().catch((e: unknown) => {
      t.confirming = false;
      this.o.fail('unit on scene', String(e));
    });
  }
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = env[k];
    if (v) out[k] = v;
  }
  return out;
}
