import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { checkUnitKind, DEFAULT_UNIT_RULES } from '@cgi/domain';
import { UNIT_CODE_PATTERN, type Department, type UnitView } from '@cgi/shared';
import { loadAddresses } from '../src/demo/demo-data';
import { DEMO_FLEET, seedDemoFleet } from '../src/demo/demo-fleet';
import { startApi, type ApiHarness } from '../../../test/support/api-harness';

describe('the demo fleet', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('is about 60 valid units over the five departments, with fictitious crews', () => {
    expect(DEMO_FLEET).toHaveLength(60);
    const per = new Map<Department, number>();
    for (const u of DEMO_FLEET) per.set(u.department, (per.get(u.department) ?? 0) + 1);
    expect([...per.keys()].sort()).toEqual(['CIVIL_PROTECTION', 'ENVIRONMENT', 'FIRE', 'MOBILITY', 'POLICE']);
    for (const u of DEMO_FLEET) {
      expect(checkUnitKind(DEFAULT_UNIT_RULES, u.kind, u.department)).toEqual([]);
      expect(u.code).toMatch(UNIT_CODE_PATTERN);
      expect(u.callsign).toMatch(/^(VUCI|VE|VSAT|VTTU|VCOT|PM|PC|MOB|AMB) \d{2}$/);
      expect(u.crew.length).toBeGreaterThan(0);
      expect(u.crew.every((c) => c.endsWith('(fictício)'))).toBe(true);
    }
    expect(new Set(DEMO_FLEET.map((u) => u.code)).size).toBe(60);
    expect(new Set(DEMO_FLEET.map((u) => u.callsign)).size).toBe(60);
    expect(DEMO_FLEET.find((u) => u.callsign === 'VUCI 01')?.code).toBe('BSB-VUCI-01');
    expect(DEMO_FLEET.find((u) => u.callsign === 'PM 12')?.code).toBe('PM-12');
  });

  it('is seeded once, synthetic, at real address points', async () => {
    const ds = api.app.get<DataSource>(getDataSourceToken());
    const addresses = loadAddresses();
    expect(await seedDemoFleet(ds, addresses)).toBe(60);
    expect(await seedDemoFleet(ds, addresses)).toBe(0);
    const units = (await api.http().get('/api/v1/units').set('authorization', api.auth('operator')).expect(200)).body as UnitView[];
    expect(units).toHaveLength(60);
    expect(units.every((u) => u.synthetic)).toBe(true);
    const points = new Set(addresses.map((a) => `${a.lat.toFixed(6)},${a.lon.toFixed(6)}`));
    expect(units.every((u) => points.has(`${u.homeBase.lat.toFixed(6)},${u.homeBase.lon.toFixed(6)}`))).toBe(true);
    // Each department's bases are distinct points (not all at one address).
    const fireBases = new Set(units.filter((u) => u.department === 'FIRE').map((u) => u.homeBase.address));
    expect(fireBases.size).toBe(3);
    expect(units.filter((u) => u.status === 'UNAVAILABLE').map((u) => u.code).sort()).toEqual(['AMB-04', 'BSB-VUCI-06']);
  });
});
