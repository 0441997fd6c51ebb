import { XMLBuilder } from 'fast-xml-parser';
import type { AlertDraftInput, CapArea, CapMsgType, CapStatus } from '@cgi/shared';
import { capDateTime } from './alert-thread';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_CONTENT_TYPE = 'application/cap+xml';
const LANGUAGE = { pt: 'pt-PT', en: 'en-GB' } as const;

/** Everything one CAP message holds. */
export interface CapMessage {
  identifier: string;
  sender: string;
  sent: Date;
  status: CapStatus;
  msgType: CapMsgType;
  /** CAP `references`, null for the first message. */
  references: string | null;
  /** CAP `note` (the reason of an update or a cancel). */
  note?: string;
  draft: AlertDraftInput;
  areas: CapArea[];
  senderName: { pt: string; en: string };
  /** CAP `incidents`: the occurrences' references (no spaces inside one). */
  incidents?: string[];
  timeZone?: string;
}

/** The CAP 1.2 document, elements in the XSD's sequence order. */
export function capXml(m: CapMessage): string {
  const tz = m.timeZone ?? 'Europe/Lisbon';
  const d = m.draft;
  const languages = (['pt', 'en'] as const).filter((l) => d.texts[l]);
  const info = languages.map((lang) => {
    const t = d.texts[lang]!;
    return {
      language: LANGUAGE[lang],
      category: d.category,
      event: t.event,
      ...(d.responseType?.length ? { responseType: d.responseType } : {}),
      urgency: d.urgency,
      severity: d.severity,
      certainty: d.certainty,
      ...(d.effective ? { effective: capDateTime(new Date(d.effective), tz) } : {}),
      ...(d.onset ? { onset: capDateTime(new Date(d.onset), tz) } : {}),
      expires: capDateTime(new Date(d.expires), tz),
      senderName: m.senderName[lang],
      headline: t.headline,
      description: t.description,
      ...(t.instruction ? { instruction: t.instruction } : {}),
      ...(d.web ? { web: d.web } : {}),
      area: m.areas.map((a) => ({
        areaDesc: a.description[lang] ?? a.description.pt,
        ...(a.polygons.length ? { polygon: a.polygons } : {}),
        ...(a.circles.length ? { circle: a.circles } : {}),
        ...(a.parishCode ? { geocode: [{ valueName: 'CAOP', value: a.parishCode }] } : {}),
      })),
    };
  });
  const alert = {
    '@_xmlns': CAP_NAMESPACE,
    identifier: m.identifier,
    sender: m.sender,
    sent: capDateTime(m.sent, tz),
    status: m.status,
    msgType: m.msgType,
    scope: 'Public',
    ...(m.note ? { note: m.note } : {}),
    ...(m.references ? { references: m.references } : {}),
    ...(m.incidents?.length ? { incidents: m.incidents.join(' ') } : {}),
    info,
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ alert }) as string}`;
}
