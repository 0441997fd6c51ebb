import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import { assetFaultDecision, assetFaultDescription, assetRestoredNote, isNewerObservation } from './asset-fault';

const rules = DEFAULT_RULE_SET.assets;
const open = { id: 'occ-1' };

describe('assetFaultDecision', () => {
  it.each([
    ['TRAFFIC_LIGHT', 'FAULT', 'TRAFFIC_LIGHT_FAULT'],
    ['TRAFFIC_LIGHT', 'OFFLINE', 'TRAFFIC_LIGHT_FAULT'],
    ['BOLLARD', 'FAULT', 'BOLLARD_FAULT'],
    ['CAMERA', 'OFFLINE', 'CAMERA_FAULT'],
    ['FLOOD_SENSOR', 'FAULT', 'SENSOR_FAULT'],
    ['WEATHER_STATION', 'OFFLINE', 'SENSOR_FAULT'],
  ] as const)('a %s going %s with nothing open opens %s', (kind, status, category) => {
    expect(assetFaultDecision(rules, { kind, status: 'OK' }, status, null)).toEqual({ action: 'open', category, flags: {} });
  });

  it('copies the rule flags', () => {
    const withFlags = { faults: [{ kind: 'TRAFFIC_LIGHT' as const, status: 'FAULT' as const, category: 'TRAFFIC_LIGHT_FAULT', flags: { blocksTraffic: true } }] };
    expect(assetFaultDecision(withFlags, { kind: 'TRAFFIC_LIGHT', status: 'OK' }, 'FAULT', null)).toEqual({ action: 'open', category: 'TRAFFIC_LIGHT_FAULT', flags: { blocksTraffic: true } });
  });

  it('links any fault report to the open occurrence, even a status the rules do not map', () => {
    expect(assetFaultDecision(rules, { kind: 'TRAFFIC_LIGHT', status: 'FAULT' }, 'FAULT', open)).toEqual({ action: 'link', occurrenceId: 'occ-1' });
    expect(assetFaultDecision(rules, { kind: 'TRAFFIC_LIGHT', status: 'FAULT' }, 'OFFLINE', open)).toEqual({ action: 'link', occurrenceId: 'occ-1' });
    expect(assetFaultDecision({ faults: [] }, { kind: 'CAMERA', status: 'FAULT' }, 'OFFLINE', open)).toEqual({ action: 'link', occurrenceId: 'occ-1' });
  });

  it('opens nothing for a kind and status the rules do not map', () => {
    const d = assetFaultDecision({ faults: [] }, { kind: 'CAMERA', status: 'OK' }, 'FAULT', null);
    expect(d).toMatchObject({ action: 'nothing', reason: expect.stringContaining('CAMERA') });
  });

  it('back to OK with the occurrence open proposes resolution; OK otherwise does nothing', () => {
    expect(assetFaultDecision(rules, { kind: 'BOLLARD', status: 'FAULT' }, 'OK', open)).toEqual({ action: 'propose-resolution', occurrenceId: 'occ-1' });
    expect(assetFaultDecision(rules, { kind: 'BOLLARD', status: 'MAINTENANCE' }, 'OK', open)).toEqual({ action: 'propose-resolution', occurrenceId: 'occ-1' });
    expect(assetFaultDecision(rules, { kind: 'BOLLARD', status: 'OK' }, 'OK', open).action).toBe('nothing');
    expect(assetFaultDecision(rules, { kind: 'BOLLARD', status: 'FAULT' }, 'OK', null).action).toBe('nothing');
  });

  it('MAINTENANCE opens and links nothing', () => {
    expect(assetFaultDecision(rules, { kind: 'TRAFFIC_LIGHT', status: 'OK' }, 'MAINTENANCE', null).action).toBe('nothing');
    expect(assetFaultDecision(rules, { kind: 'TRAFFIC_LIGHT', status: 'FAULT' }, 'MAINTENANCE', open).action).toBe('nothing');
  });
});

describe('isNewerObservation', () => {
  it('takes the first observation and only newer ones after it', () => {
    const t = new Date('2026-12-04T08:00:00Z');
    expect(isNewerObservation(t, null)).toBe(true);
    expect(isNewerObservation(new Date(t.getTime() + 1), t)).toBe(true);
    expect(isNewerObservation(t, t)).toBe(false);
    expect(isNewerObservation(new Date(t.getTime() - 1000), t)).toBe(false);
  });
});

describe('texts', () => {
  it('describes the fault and the restoration in Portuguese, with the reason', () => {
    const a = { kind: 'TRAFFIC_LIGHT' as const, code: 'SEM-0001', name: 'Boavista' };
    expect(assetFaultDescription(a, 'OFFLINE', 'Sem resposta')).toBe('Semáforo SEM-0001 (Boavista) sem comunicação: Sem resposta. Aberta pelo registo de equipamentos.');
    expect(assetRestoredNote(a, null)).toBe('Semáforo SEM-0001 (Boavista) voltou a funcionar: propõe-se resolver a ocorrência.');
  });
});
