import { compareRows, projectOccurrence, type OccurrenceFacts, type ProjectedRow } from './open-row';

export interface AnonymiseOptions {
  /** Cell side in metres. */
  gridSize: number;
  /** A cell × category of the period with fewer than k citizen-sensitive rows is suppressed. */
  k: number;
  /** Categories offered to citizens (rule set `citizenFacing`): their rows are k-protected. */
  citizenCategories: ReadonlySet<string>;
}

/** Per parish × category: every occurrence of the period, suppressed ones included. */
export interface ParishCount {
  parish_code: string;
  parish_name: string;
  category: string;
  occurrences: number;
  suppressed: number;
}

export interface AnonymisedDataset {
  rows: ProjectedRow[];
  /** Rows left out of the row-level files by k-suppression. */
  suppressed: number;
  parishes: ParishCount[];
}

/** A row is k-protected when a citizen may be behind it: a citizen category or a citizen channel. */
export const isKProtected = (f: OccurrenceFacts, citizenCategories: ReadonlySet<string>): boolean =>
  citizenCategories.has(f.category) || f.source === 'CITIZEN';

/**
 * Coarsens every occurrence to its cell, then suppresses each (cell, category) group of
 * k-protected rows smaller than k (the period is the file's). Emergencies not open to citizens
 * (fires, accidents, sensor alarms) reported by operators or sensors are public events and kept.
 */
export function anonymise(facts: readonly OccurrenceFacts[], o: AnonymiseOptions): AnonymisedDataset {
  if (!Number.isInteger(o.k) || o.k < 1) throw new RangeError('k must be a positive integer');
  const projected = facts.map((f) => ({ f, p: projectOccurrence(f, o.gridSize), guarded: isKProtected(f, o.citizenCategories) }));
  const groups = new Map<string, number>();
  const key = (cell: string, category: string) => `${cell}\u0000${category}`;
  for (const { p, guarded } of projected) {
    if (!guarded) continue;
    const g = key(p.cell.id, p.row.category);
    groups.set(g, (groups.get(g) ?? 0) + 1);
  }
  const rows: ProjectedRow[] = [];
  const parishes = new Map<string, ParishCount>();
  let suppressed = 0;
  for (const { p, guarded } of projected) {
    const drop = guarded && (groups.get(key(p.cell.id, p.row.category)) ?? 0) < o.k;
    const pk = key(p.row.parish_code, p.row.category);
    const count = parishes.get(pk) ?? { parish_code: p.row.parish_code, parish_name: p.row.parish_name, category: p.row.category, occurrences: 0, suppressed: 0 };
    count.occurrences++;
    if (drop) {
      count.suppressed++;
      suppressed++;
    } else {
      rows.push(p);
    }
    parishes.set(pk, count);
  }
  rows.sort((a, b) => compareRows(a.row, b.row));
  const parishList = [...parishes.values()].sort((a, b) =>
    a.parish_code < b.parish_code ? -1 : a.parish_code > b.parish_code ? 1 : a.category < b.category ? -1 : a.category > b.category ? 1 : 0);
  return { rows, suppressed, parishes: parishList };
}
