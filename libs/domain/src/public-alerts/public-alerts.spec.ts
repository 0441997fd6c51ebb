import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import type { AlertDraftInput, CapArea } from '@cgi/shared';
import { capSchemaErrors } from '../../../../test/support/cap-xsd';
import { validateAlertDraft } from './alert-draft';
import { AlertClosedError, alertState, capCircle, capDateTime, capIdentifier, capPolygon, formatReferences, identifierPrefix, nextMessage } from './alert-thread';
import { atomFeed } from './atom-feed';
import { capXml, type CapMessage } from './cap-xml';

const NOW = new Date('2026-12-04T05:00:00.123Z');
const draft = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  category: ['Met', 'Safety'],
  urgency: 'Immediate',
  severity: 'Severe',
  certainty: 'Observed',
  effective: '2026-12-04T05:00:00Z',
  onset: '2026-12-04T05:30:00Z',
  expires: '2026-12-04T18:00:00Z',
  texts: {
    pt: { event: 'Cheias', headline: 'Cheias em Campanhã', description: 'Subida do Douro & ribeiras <urgente>.', instruction: 'Evite a marginal.' },
  },
  area: { parishes: ['131203'] },
  ...over,
});
const fields = (raw: unknown): string[] => validateAlertDraft(raw, NOW).errors.map((e) => e.field);

describe('alert drafts', () => {
  it('accepts a complete draft, pt only, and keeps its values', () => {
    const { draft: d, errors } = validateAlertDraft(draft(), NOW);
    expect(errors).toEqual([]);
    expect(d).toMatchObject({ effective: '2026-12-04T05:00:00.000Z', expires: '2026-12-04T18:00:00.000Z', area: { parishes: ['131203'] }, occurrenceIds: [] });
  });

  it('defaults effective to the time of issue', () => {
    const { draft: d } = validateAlertDraft(draft({ effective: undefined, onset: undefined }), NOW);
    expect(d?.effective).toBe(NOW.toISOString());
  });

  it('names every bad field', () => {
    expect(fields(draft({ expires: '2026-12-04T04:00:00Z' }))).toEqual(['expires', 'onset']);
    expect(fields(draft({ onset: undefined, expires: '2026-12-04T04:00:00Z' }))).toEqual(['expires']);
    expect(fields(draft({ onset: '2026-12-05T04:00:00Z' }))).toEqual(['onset']);
    expect(fields(draft({ effective: '2026-12-01T00:00:00Z', onset: undefined, expires: '2026-12-02T00:00:00Z' }))).toEqual(['expires']);
    expect(fields(draft({ texts: { en: { event: 'Flood', headline: 'h', description: 'd' } } }))).toEqual(['texts.pt']);
    expect(fields(draft({ texts: { pt: { event: 'Cheias', headline: ' ', description: 'd' } } }))).toEqual(['texts.pt.headline']);
    expect(fields(draft({ texts: { pt: { event: 'e', headline: 'h', description: 'd' }, fr: {} } }))).toEqual(['texts.fr']);
    expect(fields(draft({ urgency: 'Soon', severity: 'Bad', certainty: 'Sure', category: [] }))).toEqual(['category', 'urgency', 'severity', 'certainty']);
    expect(fields(draft({ area: { parishes: ['13'] } }))).toEqual(['area.parishes']);
    expect(fields(draft({ area: { parishes: ['131203'], circle: { lat: 41.1, lon: -8.6, radiusKm: 1 } } }))).toEqual(['area']);
    expect(fields(draft({ area: { polygon: [[41.1, -8.6], [41.2, -8.6]] } }))).toEqual(['area.polygon']);
    expect(fields(draft({ area: { polygon: Array.from({ length: 120 }, (_, i) => [41 + Math.sin(i / 19) / 50, -8.6 + Math.cos(i / 19) / 50]) } }))).toEqual(['area.polygon']);
    expect(fields(draft({ area: { circle: { lat: 41.1, lon: -8.6, radiusKm: 90 } } }))).toEqual(['area.circle.radiusKm']);
    expect(fields(draft({ web: 'javascript:alert(1)', occurrenceIds: ['x'] }))).toEqual(['occurrenceIds', 'web']);
    expect(fields('nope')).toEqual(['body']);
  });

  it('closes a drawn ring', () => {
    const { draft: d } = validateAlertDraft(draft({ area: { polygon: [[41.1, -8.6], [41.2, -8.6], [41.2, -8.5]] } }), NOW);
    expect(d?.area.polygon).toEqual([[41.1, -8.6], [41.2, -8.6], [41.2, -8.5], [41.1, -8.6]]);
  });
});

describe('the message thread', () => {
  const a = { sender: 'cgi@cm-porto.pt', identifier: 'pt.cm-porto.cgi.2026.000001', sent: '2026-12-04T05:00:00+00:00' };
  const u = { sender: 'cgi@cm-porto.pt', identifier: 'pt.cm-porto.cgi.2026.000002', sent: '2026-12-04T06:00:00+00:00' };

  it('issue → Alert, update and cancel reference every earlier message', () => {
    expect(nextMessage('issue', [], false)).toEqual({ msgType: 'Alert', references: null });
    expect(nextMessage('update', [a], false)).toEqual({ msgType: 'Update', references: `cgi@cm-porto.pt,${a.identifier},${a.sent}` });
    expect(nextMessage('cancel', [a, u], false).references).toBe(formatReferences([a, u]));
    expect(formatReferences([a, u]).split(' ')).toHaveLength(2);
  });

  it('a cancelled alert takes no more messages', () => {
    expect(() => nextMessage('update', [a], true)).toThrow(AlertClosedError);
    expect(() => nextMessage('cancel', [a], true)).toThrow(AlertClosedError);
  });

  it('in force until it expires or is cancelled', () => {
    expect(alertState(false, new Date('2026-12-04T06:00:00Z'), NOW)).toBe('IN_FORCE');
    expect(alertState(false, new Date('2026-12-04T04:00:00Z'), NOW)).toBe('EXPIRED');
    expect(alertState(true, new Date('2026-12-04T06:00:00Z'), NOW)).toBe('CANCELLED');
  });

  it('identifiers from the sender and a serial; CAP dateTime with the Lisbon offset, whole seconds', () => {
    expect(identifierPrefix('cgi@cm-porto.pt')).toBe('pt.cm-porto.cgi');
    expect(capIdentifier('pt.cm-porto.cgi', NOW, 42)).toBe('pt.cm-porto.cgi.2026.000042');
    expect(capDateTime(NOW)).toBe('2026-12-04T05:00:00+00:00');
    expect(capDateTime(new Date('2026-07-01T13:00:00.999Z'))).toBe('2026-07-01T14:00:00+01:00');
    expect(capPolygon([[41.123456, -8.6], [41.2, -8.6], [41.2, -8.5]])).toBe('41.12346,-8.6 41.2,-8.6 41.2,-8.5 41.12346,-8.6');
    expect(capCircle({ lat: 41.15, lon: -8.61, radiusKm: 2.5 })).toBe('41.15,-8.61 2.5');
  });
});

describe('CAP 1.2 XML (validated by xmllint against the OASIS XSD)', () => {
  const campanha: CapArea = { description: { pt: 'Campanhã', en: 'Campanhã' }, polygons: ['41.15,-8.59 41.16,-8.58 41.14,-8.57 41.15,-8.59'], circles: [], parishCode: '131203' };
  const bonfim: CapArea = { description: { pt: 'Bonfim' }, polygons: ['41.14,-8.6 41.15,-8.59 41.14,-8.58 41.14,-8.6'], circles: [], parishCode: '131202' };
  const message = (over: Partial<CapMessage> = {}): CapMessage => ({
    identifier: 'pt.cm-porto.cgi.2026.000001',
    sender: 'cgi@cm-porto.pt',
    sent: NOW,
    status: 'Actual',
    msgType: 'Alert',
    references: null,
    draft: validateAlertDraft(draft(), NOW).draft! as AlertDraftInput,
    areas: [campanha],
    senderName: { pt: 'Centro de Gestão Integrada do Porto', en: 'Porto Integrated Management Centre' },
    ...over,
  });
  const withEn = validateAlertDraft(
    draft({ texts: { pt: { event: 'Cheias', headline: 'Cheias', description: 'Desc.' }, en: { event: 'Flooding', headline: 'Flooding', description: 'Desc.', instruction: 'Avoid the riverside.' } }, responseType: ['Avoid', 'Monitor'], web: 'https://www.cm-porto.pt/avisos' }),
    NOW,
  ).draft! as AlertDraftInput;
  const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, isArray: (n) => ['info', 'area', 'polygon', 'circle'].includes(n) }).parse(xml).alert;

  it('the validator itself: the OASIS example validates, a broken message does not', () => {
    expect(capSchemaErrors(readFileSync(`${__dirname}/../../../../data/standards/cap/example-amber-alert.xml`, 'utf8'))).toBeNull();
    const broken = capXml(message()).replace('+00:00</sent>', 'Z</sent>');
    expect(capSchemaErrors(broken)).toMatch(/sent/);
  });

  it.each([
    ['alert, pt only, one parish', message()],
    ['alert, several areas', message({ areas: [campanha, bonfim] })],
    ['alert, pt + en', message({ draft: withEn, areas: [campanha, bonfim] })],
    ['alert, drawn polygon', message({ areas: [{ description: { pt: 'Zona desenhada' }, polygons: [capPolygon([[41.15, -8.6], [41.16, -8.6], [41.16, -8.59]])], circles: [] }] })],
    ['alert, circle', message({ areas: [{ description: { pt: 'Raio de 2 km', en: '2 km radius' }, polygons: [], circles: [capCircle({ lat: 41.15, lon: -8.6, radiusKm: 2 })] }], draft: withEn })],
    ['update', message({ msgType: 'Update', identifier: 'pt.cm-porto.cgi.2026.000002', references: 'cgi@cm-porto.pt,pt.cm-porto.cgi.2026.000001,2026-12-04T05:00:00+00:00', note: 'Prolongado' })],
    ['cancel', message({ msgType: 'Cancel', identifier: 'pt.cm-porto.cgi.2026.000003', references: 'cgi@cm-porto.pt,pt.cm-porto.cgi.2026.000001,2026-12-04T05:00:00+00:00 cgi@cm-porto.pt,pt.cm-porto.cgi.2026.000002,2026-12-04T06:00:00+00:00', note: 'Fim do risco', incidents: ['OC-2026-000001'] })],
  ])('%s is valid CAP 1.2', (_name, m) => {
    const xml = capXml(m);
    expect(capSchemaErrors(xml)).toBeNull();
    const alert = parse(xml);
    expect(alert['@_xmlns']).toBe('urn:oasis:names:tc:emergency:cap:1.2');
    expect(alert.msgType).toBe(m.msgType);
    expect(alert.info.map((i: { language: string }) => i.language)).toEqual(m.draft.texts.en ? ['pt-PT', 'en-GB'] : ['pt-PT']);
    expect(alert.info[0].area).toHaveLength(m.areas.length);
  });

  it('escapes text and writes the dates with offsets', () => {
    const xml = capXml(message());
    expect(xml).toContain('Subida do Douro &amp; ribeiras &lt;urgente&gt;.');
    const alert = parse(xml);
    expect(alert.sent).toBe('2026-12-04T05:00:00+00:00');
    expect(alert.info[0].expires).toBe('2026-12-04T18:00:00+00:00');
    expect(alert.info[0].area[0].geocode).toEqual({ valueName: 'CAOP', value: 131203 });
  });

  it('the Atom feed links each alert to its CAP XML', () => {
    const xml = atomFeed(
      { id: 'urn:x', selfUrl: 'https://x/public/alerts/feed.atom', title: 'Avisos', author: 'CGI', updated: '2026-12-04T05:00:00Z' },
      [{ identifier: 'id.1', updated: '2026-12-04T05:00:00Z', headline: 'Cheias & chuva', summary: 's', capUrl: 'https://x/public/alerts/id.1.xml', severity: 'Severe', urgency: 'Immediate', expires: 'e' }],
    );
    const feed = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'entry' || n === 'link' }).parse(xml).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.entry[0].link[0]).toMatchObject({ '@_type': 'application/cap+xml', '@_href': 'https://x/public/alerts/id.1.xml' });
    expect(xml).toContain('<title>Cheias &amp; chuva</title>');
    expect(feed.entry[0].title).toBe('Cheias & chuva');
  });
});
