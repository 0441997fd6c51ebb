import type { PlatformAlertRule } from '@cgi/shared';
import { alertIdOf, CGI_ALERT_SOURCE, occurrenceToAlert, referenceOfAlertId, toNormalized, type PublishableOccurrence } from './cgi-alert';
import { AttributeError, attributeValue, pointOf, type JsonObject } from './ngsi-ld-attribute';
import { alertToIntake } from './platform-alert';
import { assetStatusOfDeviceState, deviceToStatus } from './platform-device';

const RULES: PlatformAlertRule[] = [
  { alertCategory: 'weather', alertSubCategory: 'flood', category: 'FLOODING', flags: { blocksTraffic: true }, priorityBySeverity: { critical: 'P1' } },
];
const kv = {
  id: 'urn:ngsi-ld:Alert:1', type: 'Alert', category: 'weather', subCategory: 'flood', severity: 'critical',
  location: { type: 'Point', coordinates: [-8.61, 41.15] }, dateIssued: '2026-12-04T03:00:00Z', alertSource: 'urn:ngsi-ld:Device:s1',
};

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AttributeError) return err.field;
    throw err;
  }
  throw new Error('did not throw');
}

describe('attributeValue', () => {
  it('reads the normalized and the keyValues forms alike', () => {
    expect(attributeValue({ a: { type: 'Property', value: 3 } }, 'a')).toBe(3);
    expect(attributeValue({ a: 3 }, 'a')).toBe(3);
    expect(attributeValue({ a: { type: 'Relationship', object: 'urn:x:1' } }, 'a')).toBe('urn:x:1');
    expect(attributeValue({ a: { type: 'Property', value: { type: 'DateTime', '@value': '2026-01-01T00:00:00Z' } } }, 'a')).toBe('2026-01-01T00:00:00Z');
  });

  it('reads the default instance of a multi-attribute', () => {
    const a: JsonObject[] = [{ type: 'Property', value: 1, datasetId: 'urn:d:1' }, { type: 'Property', value: 2 }];
    expect(attributeValue({ a }, 'a')).toBe(2);
  });
});

describe('pointOf', () => {
  it('takes a Point, and the mean of the positions of a line or an area', () => {
    expect(pointOf({ type: 'Point', coordinates: [-8.6, 41.1] }, 'location')).toEqual({ lat: 41.1, lon: -8.6 });
    expect(pointOf({ type: 'LineString', coordinates: [[-8.6, 41.1], [-8.4, 41.3]] }, 'location')).toEqual({ lat: 41.2, lon: -8.5 });
  });

  it('names the bad part', () => {
    expect(fieldOf(() => pointOf({ type: 'Circle' }, 'l'))).toBe('l.type');
    expect(fieldOf(() => pointOf({ type: 'LineString', coordinates: [[-8.6, 'x']] }, 'l'))).toBe('l.coordinates[0]');
    expect(fieldOf(() => pointOf({ type: 'Point', coordinates: [200, 41] }, 'l'))).toBe('l.coordinates');
  });
});

describe('alertToIntake', () => {
  it('maps category, subCategory and severity through the table', () => {
    const a = alertToIntake(kv, RULES, 'data[0]');
    expect(a).toMatchObject({ category: 'FLOODING', flags: { blocksTraffic: true }, priority: 'P1', location: { lat: 41.15, lon: -8.61 } });
    expect(a.idempotencyKey).toBe('ngsi-ld:urn:ngsi-ld:Alert:1@2026-12-04T03:00:00.000Z');
  });

  it('takes an Alert with no row as OTHER with the category default priority', () => {
    expect(alertToIntake({ ...kv, subCategory: 'heatWave' }, RULES, 'd')).toMatchObject({ category: 'OTHER', rule: null, priority: undefined });
  });

  it.each([
    ['category', { category: 'weathr' }],
    ['severity', { severity: 'extreme' }],
    ['dateIssued', { dateIssued: '2026-12-04' }],
    ['alertSource', { alertSource: undefined }],
    ['location', { location: undefined }],
  ])('names %s when it is bad', (name, over) => {
    expect(fieldOf(() => alertToIntake({ ...kv, ...over } as typeof kv, RULES, 'data[2]'))).toBe(`data[2].${name}`);
  });
});

describe('deviceToStatus', () => {
  const at = new Date('2026-12-04T03:00:00Z');
  it("reads the controlled asset's code and the device state's observedAt", () => {
    const r = deviceToStatus({
      id: 'urn:ngsi-ld:Device:d1', type: 'Device',
      deviceState: { type: 'Property', value: 'Failure', observedAt: '2026-12-04T02:59:00Z' },
      controlledAsset: { type: 'Relationship', object: 'urn:ngsi-ld:TrafficLight:tl-0042' },
    }, 'd', at);
    expect(r).toMatchObject({ code: 'TL-0042', status: 'FAULT', observedAt: new Date('2026-12-04T02:59:00Z') });
  });

  it('falls back to the device itself and the notification time', () => {
    expect(deviceToStatus({ id: 'urn:ngsi-ld:Device:CAM-7', type: 'Device', deviceState: 'ok' }, 'd', at)).toMatchObject({ code: 'CAM-7', status: 'OK', observedAt: at });
  });

  it('knows the usual words and refuses others', () => {
    expect(['offline', 'Under maintenance', 'error'].map(assetStatusOfDeviceState)).toEqual(['OFFLINE', 'MAINTENANCE', 'FAULT']);
    expect(fieldOf(() => deviceToStatus({ id: 'urn:x:CAM-7', type: 'Device', deviceState: 'weird' }, 'd', at))).toBe('d.deviceState');
  });
});

describe('occurrenceToAlert', () => {
  const o: PublishableOccurrence = {
    id: 'f1', reference: 'OC-2026-000042', category: 'FLOODING', priority: 'P2', status: 'DISPATCHED', source: 'CITIZEN', lead: 'CIVIL_PROTECTION',
    lat: 41.164567, lon: -8.590596, madePublic: false, createdAt: new Date('2026-12-04T01:00:00Z'), updatedAt: new Date('2026-12-04T02:00:00Z'),
  };

  it('publishes the mapped category, the severity of the priority and a coarsened point for a citizen report', () => {
    const a = occurrenceToAlert(o, RULES);
    expect(a).toMatchObject({ id: alertIdOf('OC-2026-000042'), category: 'weather', subCategory: 'flood', severity: 'high', alertSource: CGI_ALERT_SOURCE });
    expect(a.location.coordinates).toEqual([-8.591, 41.165]);
    expect(a.validTo).toBeUndefined();
    expect(JSON.stringify(a)).not.toMatch(/description|reporter|notes/);
  });

  it('publishes the exact point of a report made public, the lead department category with no row, and validTo once closed', () => {
    const a = occurrenceToAlert({ ...o, madePublic: true, category: 'NOISE', lead: 'POLICE', status: 'CLOSED' }, RULES);
    expect(a.location.coordinates).toEqual([-8.590596, 41.164567]);
    expect(a).toMatchObject({ category: 'security', validTo: '2026-12-04T02:00:00.000Z', data: { open: false, category: 'NOISE' } });
    expect(a.subCategory).toBeUndefined();
  });

  it('round-trips its id and has a normalized form', () => {
    expect(referenceOfAlertId(alertIdOf('OC-2026-000042'))).toBe('OC-2026-000042');
    expect(referenceOfAlertId('urn:ngsi-ld:Alert:other:1')).toBeNull();
    const n = toNormalized(occurrenceToAlert(o, RULES));
    expect(n.location).toEqual({ type: 'GeoProperty', value: { type: 'Point', coordinates: [-8.591, 41.165] } });
    expect(n.dateIssued).toEqual({ type: 'Property', value: { '@type': 'DateTime', '@value': '2026-12-04T01:00:00.000Z' } });
  });
});
