import type { UnitStatus } from '@cgi/shared';

/** Status is the plate's fill colour AND its word in every list (colour is never the only signal). */
export const UNIT_STATUS_STYLE: Record<UnitStatus, { fill: string; text: string }> = {
  AVAILABLE: { fill: '#30d158', text: '#00220c' },
  DISPATCHED: { fill: '#0a84ff', text: '#ffffff' },
  ON_SCENE: { fill: '#bf5af2', text: '#ffffff' },
  UNAVAILABLE: { fill: '#5a6472', text: '#e6ebf0' },
};

/** A unit silent for too long: grey whatever its status, drawn faded with a dashed outline. */
export const UNIT_STALE_STYLE = { fill: '#8a939e', text: '#1b222b' };

/** The department's letter colour on the plate's dark tab. */
export const UNIT_DEPARTMENT_COLOR: Record<string, string> = {
  FIRE: '#ff6b61',
  POLICE: '#6cb8ff',
  CIVIL_PROTECTION: '#ffb340',
  MOBILITY: '#ffe14d',
  ENVIRONMENT: '#63e08d',
};

export interface PlateLook {
  letter: string;
  letterColor: string;
  abbr: string;
  status: UnitStatus;
  stale: boolean;
  /** Plate height in CSS pixels. */
  h: number;
}

/** The plate's size for a look: a dark tab with the department's letter, then the kind's abbreviation on the status colour. */
export function plateSize(look: Pick<PlateLook, 'abbr' | 'h'>): { w: number; h: number; tab: number } {
  const tab = Math.round(look.h * 0.8);
  return { w: tab + Math.round(look.h * 0.25 + look.abbr.length * look.h * 0.52), h: look.h, tab };
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Draws the plate centred at (0, 0). */
export function drawPlate(c: Ctx2D, look: PlateLook): void {
  const { w, h, tab } = plateSize(look);
  const x = -w / 2;
  const y = -h / 2;
  const r = Math.max(2, h / 5);
  const style = look.stale ? UNIT_STALE_STYLE : UNIT_STATUS_STYLE[look.status];
  c.globalAlpha = look.stale ? 0.7 : 1;
  c.beginPath();
  c.roundRect(x, y, w, h, r);
  c.fillStyle = style.fill;
  c.fill();
  c.beginPath();
  c.roundRect(x, y, tab, h, [r, 0, 0, r]);
  c.fillStyle = '#0b1118';
  c.fill();
  c.beginPath();
  c.roundRect(x, y, w, h, r);
  c.lineWidth = Math.max(1.5, h / 10);
  c.strokeStyle = look.stale ? '#c9d1d9' : '#0b1118';
  if (look.stale) c.setLineDash([3, 2]);
  c.stroke();
  c.setLineDash([]);
  c.font = `800 ${Math.round(h * 0.72)}px system-ui, sans-serif`;
  c.fillStyle = look.stale ? '#c9d1d9' : look.letterColor;
  c.fillText(look.letter, x + tab / 2, 1);
  c.font = `800 ${Math.round(h * 0.66)}px system-ui, sans-serif`;
  c.fillStyle = style.text;
  c.fillText(look.abbr, x + tab + (w - tab) / 2, 1);
  c.globalAlpha = 1;
}
