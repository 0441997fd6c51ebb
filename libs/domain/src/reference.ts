/**
 * Public occurrence references: "OC-<year>-<sequence>", the sequence zero-padded to at least
 * 6 digits (OC-2026-000123). Citizens quote them, so formatting and parsing round-trip exactly.
 */
const PREFIX = 'OC';
const MIN_SEQUENCE_DIGITS = 6;
const REFERENCE_PATTERN = /^OC-(\d{4})-(\d{6,})$/i;

export interface ParsedReference {
  year: number;
  sequence: number;
}

export function formatReference(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`reference year must be a 4-digit integer, got ${year}`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new RangeError(`reference sequence must be a positive integer, got ${sequence}`);
  }
  return `${PREFIX}-${year}-${String(sequence).padStart(MIN_SEQUENCE_DIGITS, '0')}`;
}

/**
 * Parses a reference (surrounding spaces and the prefix's case are tolerated). Only the canonical
 * digits are accepted (6 digits, or more without a leading zero), so `formatReference(parse(s))`
 * gives back `s`. Returns null for anything else.
 */
export function parseReference(value: string): ParsedReference | null {
  const match = REFERENCE_PATTERN.exec(value.trim());
  if (!match) return null;
  const [, yearDigits = '', sequenceDigits = ''] = match;
  if (sequenceDigits.length > MIN_SEQUENCE_DIGITS && sequenceDigits.startsWith('0')) return null;
  const year = Number(yearDigits);
  const sequence = Number(sequenceDigits);
  if (year < 1000 || sequence < 1 || !Number.isSafeInteger(sequence)) return null;
  return { year, sequence };
}
