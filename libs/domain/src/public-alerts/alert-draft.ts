import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_RESPONSE_TYPES,
  CAP_SEVERITIES,
  CAP_URGENCIES,
  type AlertDraftInput,
  type AlertText,
  type FieldError,
  type LatLon,
} from '@cgi/shared';

/** A drawn polygon's vertices, at most (CAP consumers such as alert hubs cap polygons; parishes are simplified to it). */
export const MAX_POLYGON_POINTS = 100;
/** Larger than the metropolitan area (17 municipalities, ~2,040 km²) is not a local warning. */
export const MAX_ALERT_AREA_KM2 = 2100;
export const MAX_CIRCLE_RADIUS_KM = 25;
export const MAX_PARISHES = 50;
const MAX_TEXT = { event: 120, headline: 160, description: 4000, instruction: 2000, areaDescription: 200 } as const;

/** A validated draft: dates as instants, the polygon closed. */
export interface ValidAlertDraft extends AlertDraftInput {
  effective: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const instant = (v: unknown): Date | null => {
  if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};
const lat = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= -90 && v <= 90;
const lon = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= -180 && v <= 180;

function checkText(raw: unknown, path: string, errors: FieldError[]): AlertText | undefined {
  if (!isObject(raw)) {
    errors.push({ field: path, message: 'required: event, headline and description' });
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const key of ['event', 'headline', 'description', 'instruction', 'areaDescription'] as const) {
    const v = raw[key];
    const required = key === 'event' || key === 'headline' || key === 'description';
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '' && !required)) {
      if (required) errors.push({ field: `${path}.${key}`, message: 'required' });
      continue;
    }
    if (typeof v !== 'string' || v.trim() === '') errors.push({ field: `${path}.${key}`, message: 'must be a non-empty string' });
    else if (v.length > MAX_TEXT[key]) errors.push({ field: `${path}.${key}`, message: `at most ${MAX_TEXT[key]} characters` });
    else out[key] = v.trim();
  }
  return out as unknown as AlertText;
}

/** Closes the ring when the last point is not the first. */
export function closeRing(points: LatLon[]): LatLon[] {
  const [f, l] = [points[0], points[points.length - 1]];
  return f[0] === l[0] && f[1] === l[1] ? points : [...points, f];
}

/**
 * Validates a draft (the POST body of an issue or an update). Every problem is named by its
 * field path; the caller refuses the whole draft when the list is not empty. `now` is the time of
 * issue: `effective` defaults to it and `expires` must be after it. Checks that need the parishes'
 * polygons or PostGIS (unknown parish, self-intersection, area) are the adapter's.
 */
export function validateAlertDraft(raw: unknown, now: Date): { draft: ValidAlertDraft | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isObject(raw)) return { draft: null, errors: [{ field: 'body', message: 'must be an object' }] };
  const enumOne = <T extends string>(key: string, values: readonly T[]): void => {
    if (!values.includes(raw[key] as T)) errors.push({ field: key, message: `must be one of ${values.join(', ')}` });
  };
  const enumMany = <T extends string>(key: string, values: readonly T[], required: boolean): void => {
    const v = raw[key];
    if (v === undefined && !required) return;
    if (!Array.isArray(v) || (required && v.length === 0) || v.some((x) => !values.includes(x as T)) || new Set(v).size !== v.length) {
      errors.push({ field: key, message: `must be a list of distinct values among ${values.join(', ')}${required ? ' (at least one)' : ''}` });
    }
  };
  enumMany('category', CAP_CATEGORIES, true);
  enumOne('urgency', CAP_URGENCIES);
  enumOne('severity', CAP_SEVERITIES);
  enumOne('certainty', CAP_CERTAINTIES);
  enumMany('responseType', CAP_RESPONSE_TYPES, false);

  const effective = raw.effective === undefined ? now : instant(raw.effective);
  if (!effective) errors.push({ field: 'effective', message: 'must be an ISO 8601 date-time with an offset' });
  const onset = raw.onset === undefined ? undefined : instant(raw.onset);
  if (onset === null) errors.push({ field: 'onset', message: 'must be an ISO 8601 date-time with an offset' });
  const expires = instant(raw.expires);
  if (!expires) errors.push({ field: 'expires', message: 'required: an ISO 8601 date-time with an offset' });
  else {
    if (effective && expires <= effective) errors.push({ field: 'expires', message: 'must be after effective' });
    else if (expires <= now) errors.push({ field: 'expires', message: 'must be in the future' });
    if (onset && effective && (onset < effective || onset > expires)) errors.push({ field: 'onset', message: 'must be between effective and expires' });
  }

  const texts = raw.texts;
  let pt: AlertText | undefined;
  let en: AlertText | undefined;
  if (!isObject(texts)) errors.push({ field: 'texts.pt', message: 'required: the Portuguese text' });
  else {
    pt = checkText(texts.pt, 'texts.pt', errors);
    if (texts.en !== undefined && texts.en !== null) en = checkText(texts.en, 'texts.en', errors);
    for (const k of Object.keys(texts)) if (k !== 'pt' && k !== 'en') errors.push({ field: `texts.${k}`, message: 'languages are pt and en' });
  }

  const area = raw.area;
  if (!isObject(area)) errors.push({ field: 'area', message: 'required: parishes, polygon or circle' });
  else {
    const kinds = (['parishes', 'polygon', 'circle'] as const).filter((k) => area[k] !== undefined);
    if (kinds.length !== 1) errors.push({ field: 'area', message: 'exactly one of parishes, polygon, circle' });
    if (area.parishes !== undefined) {
      const p = area.parishes;
      if (!Array.isArray(p) || p.length === 0 || p.length > MAX_PARISHES || p.some((c) => typeof c !== 'string' || !/^\d{6}$/.test(c)) || new Set(p).size !== p.length) {
        errors.push({ field: 'area.parishes', message: `1 to ${MAX_PARISHES} distinct CAOP parish codes (6 digits)` });
      }
    }
    if (area.polygon !== undefined) {
      const p = area.polygon;
      if (!Array.isArray(p) || p.some((pt) => !Array.isArray(pt) || pt.length !== 2 || !lat(pt[0]) || !lon(pt[1]))) {
        errors.push({ field: 'area.polygon', message: 'a list of [lat, lon] points' });
      } else {
        const ring = p.length > 0 ? closeRing(p as LatLon[]) : [];
        if (new Set(ring.map((x) => `${x[0]},${x[1]}`)).size < 3) errors.push({ field: 'area.polygon', message: 'at least 3 distinct points' });
        else if (ring.length > MAX_POLYGON_POINTS) errors.push({ field: 'area.polygon', message: `at most ${MAX_POLYGON_POINTS} points` });
      }
    }
    if (area.circle !== undefined) {
      const c = area.circle;
      if (!isObject(c) || !lat(c.lat) || !lon(c.lon)) errors.push({ field: 'area.circle', message: 'lat, lon and radiusKm' });
      else if (typeof c.radiusKm !== 'number' || !(c.radiusKm > 0) || c.radiusKm > MAX_CIRCLE_RADIUS_KM) {
        errors.push({ field: 'area.circle.radiusKm', message: `more than 0 and at most ${MAX_CIRCLE_RADIUS_KM} km` });
      }
    }
  }

  const occ = raw.occurrenceIds;
  if (occ !== undefined && (!Array.isArray(occ) || occ.length > 100 || occ.some((o) => typeof o !== 'string' || !/^[0-9a-f-]{36}$/i.test(o)))) {
    errors.push({ field: 'occurrenceIds', message: 'a list of occurrence ids (at most 100)' });
  }
  if (raw.web !== undefined) {
    let ok = false;
    try {
      ok = typeof raw.web === 'string' && raw.web.length <= 500 && ['http:', 'https:'].includes(new URL(raw.web).protocol);
    } catch {
      ok = false;
    }
    if (!ok) errors.push({ field: 'web', message: 'must be an http(s) URL' });
  }
  if (errors.length > 0) return { draft: null, errors };
  const a = area as AlertDraftInput['area'];
  const draft: ValidAlertDraft = {
    category: raw.category as AlertDraftInput['category'],
    urgency: raw.urgency as AlertDraftInput['urgency'],
    severity: raw.severity as AlertDraftInput['severity'],
    certainty: raw.certainty as AlertDraftInput['certainty'],
    ...(raw.responseType ? { responseType: raw.responseType as AlertDraftInput['responseType'] } : {}),
    effective: effective!.toISOString(),
    ...(onset ? { onset: onset.toISOString() } : {}),
    expires: expires!.toISOString(),
    texts: { pt: pt!, ...(en ? { en } : {}) },
    area: a.parishes ? { parishes: a.parishes } : a.polygon ? { polygon: closeRing(a.polygon) } : { circle: a.circle! },
    occurrenceIds: [...new Set((occ as string[] | undefined) ?? [])],
    ...(raw.web ? { web: raw.web as string } : {}),
  };
  return { draft, errors };
}
