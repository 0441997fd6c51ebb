import { describe, expect, it } from 'vitest';
import { asset } from '../testing/fixtures';
import { orderNearby, parseLayers, safeLink, serializeLayers, worstStatus } from './asset-style';

describe('asset styles and helpers', () => {
  it('a cluster takes its worst member status', () => {
    expect(worstStatus(['OK', 'MAINTENANCE', 'OK'])).toBe('MAINTENANCE');
    expect(worstStatus(['OK', 'OFFLINE', 'MAINTENANCE'])).toBe('OFFLINE');
    expect(worstStatus(['OFFLINE', 'FAULT', 'OK'])).toBe('FAULT');
    expect(worstStatus([])).toBe('OK');
  });

  it('remembers the layers shown, ignoring codes it does not know; nothing stored yet is the default', () => {
    expect([...parseLayers(null, ['CAMERA', 'SENSOR'])]).toEqual(['CAMERA', 'SENSOR']);
    expect([...parseLayers('', ['CAMERA'])]).toEqual([]);
    expect([...parseLayers('BOLLARD,NOPE,CAMERA', [])].sort()).toEqual(['BOLLARD', 'CAMERA']);
    expect(serializeLayers(new Set(['SENSOR', 'CAMERA'] as const))).toBe('CAMERA,SENSOR');
  });

  it('lists cameras first, then by distance', () => {
    const light = { asset: asset({ kind: 'TRAFFIC_LIGHT' }), distanceMeters: 20 };
    const farCam = { asset: asset(), distanceMeters: 250 };
    const nearCam = { asset: asset(), distanceMeters: 90 };
    const bollard = { asset: asset({ kind: 'BOLLARD' }), distanceMeters: 10 };
    expect(orderNearby([light, farCam, bollard, nearCam])).toEqual([nearCam, farCam, bollard, light]);
  });

  it('opens http(s) links only', () => {
    expect(safeLink('https://cameras.example.org/1.jpg')).toBe('https://cameras.example.org/1.jpg');
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink('rtsp://10.0.0.1/stream')).toBeNull();
    expect(safeLink('not a url')).toBeNull();
    expect(safeLink(null)).toBeNull();
  });
});
