import type { CategoryRule, OccurrenceFlags, OccurrenceStatus } from '@cgi/shared';

/**
 * Open311 GeoReport v2 as pure rules: how the CGI's lifecycle reads to a citizen, which
 * categories ask for extra attributes (service definitions) and how their answers become
 * routing flags. Attributes derive from category properties, never from category codes.
 */

export type Open311Status = 'open' | 'closed';

const CLOSED: readonly OccurrenceStatus[] = ['RESOLVED', 'CLOSED', 'CANCELLED'];

/**
 * A request's Open311 status. A linked duplicate (MERGED) follows its parent: pass the parent's
 * status as `effective`. Work done (resolved), closed or cancelled reads as closed.
 */
export function open311Status(effective: OccurrenceStatus): Open311Status {
  return CLOSED.includes(effective) ? 'closed' : 'open';
}

export interface Open311AttributeValue {
  key: string;
  name: string;
}

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values?: Open311AttributeValue[];
  /** The routing flag the answer sets (not part of the Open311 document). */
  flag: keyof OccurrenceFlags;
}

const YES_NO: Open311AttributeValue[] = [
  { key: 'sim', name: 'Sim' },
  { key: 'nao', name: 'Não' },
];

/**
 * The attributes a citizen-facing category asks for:
 * - `bloqueia_via` (blocksTraffic) when Mobility leads or supports it, or it is a civil-protection category;
 * - `pessoas_em_risco` (peopleAtRisk) for civil-protection categories.
 */
export function serviceAttributes(category: CategoryRule): Open311Attribute[] {
  const out: Open311Attribute[] = [];
  const mobility = category.lead === 'MOBILITY' || category.support.includes('MOBILITY');
  if (mobility || category.civilProtection) {
    out.push({
      variable: true, code: 'bloqueia_via', datatype: 'singlevaluelist', required: false, datatype_description: null,
      order: out.length + 1, description: 'A situação impede a circulação de veículos ou peões?', values: YES_NO, flag: 'blocksTraffic',
    });
  }
  if (category.civilProtection) {
    out.push({
      variable: true, code: 'pessoas_em_risco', datatype: 'number', required: false,
      datatype_description: 'Número inteiro entre 0 e 100000', order: out.length + 1,
      description: 'Quantas pessoas estão em risco (aproximadamente)?', flag: 'peopleAtRisk',
    });
  }
  return out;
}

export interface AttributeParseResult {
  flags: Partial<OccurrenceFlags>;
  /** Field errors, named as the form field (`attribute[code]`). */
  errors: Array<{ field: string; message: string }>;
  /** The accepted answers, as submitted (kept with the request). */
  accepted: Record<string, string>;
}

/** Checks the submitted `attribute[code]` answers against the category's definition. */
export function parseAttributes(category: CategoryRule, submitted: Record<string, string | string[]>): AttributeParseResult {
  const defs = serviceAttributes(category);
  const result: AttributeParseResult = { flags: {}, errors: [], accepted: {} };
  for (const [code, raw] of Object.entries(submitted)) {
    const field = `attribute[${code}]`;
    const def = defs.find((d) => d.code === code);
    if (!def) {
      result.errors.push({ field, message: `service ${category.code} has no attribute ${code}` });
      continue;
    }
    if (Array.isArray(raw)) {
      result.errors.push({ field, message: 'takes one value' });
      continue;
    }
    const value = raw.trim();
    if (def.datatype === 'singlevaluelist') {
      if (!def.values?.some((v) => v.key === value)) {
        result.errors.push({ field, message: `must be one of ${def.values?.map((v) => v.key).join(', ')}` });
        continue;
      }
      if (def.flag === 'blocksTraffic' || def.flag === 'injuries' || def.flag === 'hazardousMaterials') result.flags[def.flag] = value === 'sim';
    } else if (def.datatype === 'number') {
      if (!/^\d{1,6}$/.test(value) || Number(value) > 100000) {
        result.errors.push({ field, message: 'must be a whole number between 0 and 100000' });
        continue;
      }
      if (def.flag === 'peopleAtRisk') result.flags.peopleAtRisk = Number(value);
    }
    result.accepted[code] = value;
  }
  for (const def of defs) {
    if (def.required && !(def.code in submitted)) result.errors.push({ field: `attribute[${def.code}]`, message: 'is required' });
  }
  return result;
}

/** Words that join a number into a street's name ("R 31 DE JANEIRO", "AV 5 DE OUTUBRO"). */
const NAME_JOINERS = /^(de|do|da|dos|das|d')$/i;
/** A house number, a range of them or "sem número": "26", "3A", "249-251", "nº 12", "s/n". */
const HOUSE_NUMBER = /^((n\.?º|no\.|n\.)?\d+[a-z]?([-/]\d+[a-z]?)?|n\.?º|s\/n)$/i;

/**
 * A citizen's address coarsened to the street, for readers the report is not public to (ADR 0020):
 * the part before the first comma, cut at the first house number ("LG CRUZINHO 26" → "LG
 * CRUZINHO", "Rua de Santa Catarina 312, 2º Esq" → "Rua de Santa Catarina"). A number that is
 * part of the street's name ("R 31 DE JANEIRO") stays. Null when nothing of a street is left.
 */
export function streetOf(address: string | null): string | null {
  if (!address) return null;
  const tokens = address.split(',')[0].trim().split(/\s+/).filter(Boolean);
  const cut = tokens.findIndex((t, i) => i > 0 && HOUSE_NUMBER.test(t) && !NAME_JOINERS.test(tokens[i + 1] ?? ''));
  const street = (cut < 0 ? tokens : tokens.slice(0, cut)).join(' ');
  return street && !HOUSE_NUMBER.test(tokens[0]) ? street : null;
}

/** Decimal places public readers get of a report's coordinates: 0.001° is ≈ 111 m north–south, ≈ 84 m east–west in Porto. */
export const PUBLIC_COORDINATE_DECIMALS = 3;

/** A WGS84 coordinate rounded to the public grid (ADR 0020): a block of the street, not a house. */
export function coarseCoordinate(v: number): number {
  const f = 10 ** PUBLIC_COORDINATE_DECIMALS;
  return Math.round(v * f) / f;
}
