/**
 * The open data grid: square cells of `size` metres in ETRS89 / PT-TM06 (EPSG:3763), the
 * national projected CRS, named like the INSPIRE statistical grid ("CRS3763RES100mN164500E-40100",
 * the lower-left corner). A point is published as its cell's centre, never as itself.
 */
export const OPEN_DATA_CRS = 3763;

export interface GridCell {
  /** INSPIRE-style cell code; stable, so a cell can be joined across files. */
  id: string;
  /** The cell centre, projected (metres, EPSG:3763). */
  x: number;
  y: number;
}

export function gridCell(x: number, y: number, size: number): GridCell {
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError('grid coordinates must be finite');
  if (!Number.isInteger(size) || size < 1) throw new RangeError('grid size must be a positive integer (metres)');
  const e = Math.floor(x / size) * size;
  const n = Math.floor(y / size) * size;
  return { id: `CRS${OPEN_DATA_CRS}RES${size}mN${n}E${e}`, x: e + size / 2, y: n + size / 2 };
}

/** Degrees rounded to 6 decimals (~0.1 m): the precision of the published cell centres. */
export const roundDegrees = (v: number): number => Math.round(v * 1e6) / 1e6;
