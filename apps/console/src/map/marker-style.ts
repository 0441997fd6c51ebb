import type { EscalationLevel, Priority } from '@cgi/shared';

/** Colour AND shape carry the priority (colour is never the only signal). */
export const PRIORITY_STYLE: Record<Priority, { color: string; text: string; shape: 'diamond' | 'square' | 'circle' | 'ring' }> = {
  P1: { color: '#ff453a', text: '#ffffff', shape: 'diamond' },
  P2: { color: '#ff9f0a', text: '#000000', shape: 'square' },
  P3: { color: '#ffd60a', text: '#000000', shape: 'circle' },
  P4: { color: '#64d2ff', text: '#e6f6ff', shape: 'ring' },
};

export const ESCALATION_COLOR: Record<EscalationLevel, string | null> = { L0: null, L1: '#ffb340', L2: '#ff2d20', L3: '#ff2d20' };

export const LEVEL_STYLE: Record<string, { color: string; fillOpacity: number; weight: number; dash?: string }> = {
  NORMAL: { color: '#9fb3c8', fillOpacity: 0.05, weight: 2 },
  ALERT: { color: '#ffb340', fillOpacity: 0.16, weight: 4 },
  CRISIS: { color: '#ff453a', fillOpacity: 0.22, weight: 5, dash: '10 6' },
};

/** Category families and the glyph drawn inside the marker (with a legend on screen). */
const FAMILIES: Array<{ glyph: string; codes: string[] }> = [
  { glyph: 'F', codes: ['FIRE_BUILDING', 'FIRE_VEHICLE', 'FIRE_VEGETATION', 'GAS_LEAK'] },
  { glyph: '+', codes: ['RESCUE'] },
  { glyph: '≈', codes: ['FLOODING'] },
  { glyph: '!', codes: ['LANDSLIDE', 'STRUCTURE_RISK'] },
  { glyph: 'T', codes: ['STORM_DAMAGE', 'FALLEN_TREE'] },
  { glyph: 'V', codes: ['TRAFFIC_ACCIDENT', 'TRAFFIC_LIGHT_FAULT', 'BOLLARD_FAULT', 'CAMERA_FAULT', 'ROAD_OBSTRUCTION', 'ROAD_DAMAGE', 'SIGNAGE_DAMAGE', 'ILLEGAL_PARKING', 'ABANDONED_VEHICLE'] },
  { glyph: 'P', codes: ['PUBLIC_DISORDER', 'NOISE', 'VANDALISM'] },
  { glyph: 'A', codes: ['WASTE_OVERFLOW', 'ILLEGAL_DUMPING', 'STREET_CLEANING', 'DEAD_ANIMAL', 'POLLUTION_SPILL', 'AIR_QUALITY_ALERT', 'SENSOR_FAULT'] },
];
const GLYPH = new Map(FAMILIES.flatMap((f) => f.codes.map((c) => [c, f.glyph] as const)));

export function categoryGlyph(code: string): string {
  return GLYPH.get(code) ?? '?';
}

export const GLYPH_LEGEND: Array<{ glyph: string; pt: string; en: string }> = [
  { glyph: 'F', pt: 'Incêndio / gás', en: 'Fire / gas' },
  { glyph: '+', pt: 'Salvamento', en: 'Rescue' },
  { glyph: '≈', pt: 'Inundação', en: 'Flooding' },
  { glyph: '!', pt: 'Estrutura / terras', en: 'Structure / landslide' },
  { glyph: 'T', pt: 'Temporal / árvore', en: 'Storm / tree' },
  { glyph: 'V', pt: 'Via / trânsito', en: 'Road / traffic' },
  { glyph: 'P', pt: 'Ordem pública', en: 'Public order' },
  { glyph: 'A', pt: 'Ambiente', en: 'Environment' },
  { glyph: '?', pt: 'Outra', en: 'Other' },
];

/** Draws a priority shape centred at (x, y). */
export function drawShape(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, priority: Priority, x: number, y: number, r: number): void {
  const s = PRIORITY_STYLE[priority];
  ctx.beginPath();
  switch (s.shape) {
    case 'diamond':
      ctx.moveTo(x, y - r * 1.3);
      ctx.lineTo(x + r * 1.3, y);
      ctx.lineTo(x, y + r * 1.3);
      ctx.lineTo(x - r * 1.3, y);
      ctx.closePath();
      break;
    case 'square':
      ctx.rect(x - r, y - r, r * 2, r * 2);
      break;
    default:
      ctx.arc(x, y, r, 0, Math.PI * 2);
  }
  ctx.fillStyle = s.shape === 'ring' ? '#10202c' : s.color;
  ctx.fill();
  ctx.lineWidth = s.shape === 'ring' ? Math.max(2, r / 3) : 1.5;
  ctx.strokeStyle = s.shape === 'ring' ? s.color : '#000000';
  ctx.stroke();
}
