import { ASSET_LAYERS, type AssetLayer, type AssetStatus, type NearbyAssetView } from '@cgi/shared';

/**
 * An asset's status is its fill colour AND a mark beside its symbol (colour is never the only signal):
 * FAULT "!", OFFLINE "×", MAINTENANCE "M" (manutenção / maintenance), OK none.
 */
export const ASSET_STATUS_STYLE: Record<AssetStatus, { fill: string; text: string; mark: string | null }> = {
  OK: { fill: '#4cc38a', text: '#00220c', mark: null },
  FAULT: { fill: '#ff453a', text: '#ffffff', mark: '!' },
  OFFLINE: { fill: '#8a939e', text: '#10161d', mark: '×' },
  MAINTENANCE: { fill: '#64a8ff', text: '#04162b', mark: 'M' },
};

/** The worst first: a cluster takes the colour of its worst member. */
const STATUS_RANK: Record<AssetStatus, number> = { FAULT: 0, OFFLINE: 1, MAINTENANCE: 2, OK: 3 };

export function statusRank(s: AssetStatus): number {
  return STATUS_RANK[s];
}

export function worstStatus(statuses: Iterable<AssetStatus>): AssetStatus {
  let worst: AssetStatus = 'OK';
  for (const s of statuses) if (STATUS_RANK[s] < STATUS_RANK[worst]) worst = s;
  return worst;
}

/** Which asset layers are shown, as stored per screen (localStorage): a comma list of layer codes. */
export function parseLayers(stored: string | null, fallback: readonly AssetLayer[]): Set<AssetLayer> {
  if (stored === null) return new Set(fallback);
  return new Set(stored.split(',').filter((x): x is AssetLayer => (ASSET_LAYERS as readonly string[]).includes(x)));
}

export function serializeLayers(layers: Iterable<AssetLayer>): string {
  const on = new Set(layers);
  return ASSET_LAYERS.filter((l) => on.has(l)).join(',');
}

/** An occurrence's nearby assets as the detail lists them: cameras first, then by distance (the API's order, kept whatever it sends). */
export function orderNearby(items: NearbyAssetView[]): NearbyAssetView[] {
  return [...items].sort((a, b) => Number(b.asset.kind === 'CAMERA') - Number(a.asset.kind === 'CAMERA') || a.distanceMeters - b.distanceMeters);
}

/** A URL the console may open as a link (a camera's snapshot or stream): http(s) only, nothing else (javascript:, data:). */
export function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * The layer's symbol centred at (0, 0), about 2s wide, filled with the status colour: a camera body with
 * its lens, a traffic light's housing with three lamps, a bollard's post with its band, a sensor's
 * hexagon with a wave. Shapes tell the layer apart without words (the map is the same in pt and en).
 */
export function drawAssetSymbol(c: Ctx2D, layer: AssetLayer, status: AssetStatus, s: number): void {
  const st = ASSET_STATUS_STYLE[status];
  c.lineWidth = Math.max(1.5, s / 5);
  c.strokeStyle = '#0b1118';
  c.fillStyle = st.fill;
  c.beginPath();
  switch (layer) {
    case 'CAMERA':
      c.roundRect(-s, -s * 0.7, s * 2, s * 1.4, s * 0.3);
      break;
    case 'TRAFFIC_LIGHT':
      c.roundRect(-s * 0.55, -s, s * 1.1, s * 2, s * 0.35);
      break;
    case 'BOLLARD':
      c.roundRect(-s * 0.4, -s, s * 0.8, s * 2, s * 0.4);
      break;
    case 'SENSOR':
      for (let i = 0; i < 6; i++) {
        const a = (Math.PI / 3) * i + Math.PI / 6;
        if (i === 0) c.moveTo(Math.cos(a) * s, Math.sin(a) * s);
        else c.lineTo(Math.cos(a) * s, Math.sin(a) * s);
      }
      c.closePath();
      break;
  }
  if (status === 'OFFLINE') c.setLineDash([Math.max(2, s / 3), Math.max(1.5, s / 4)]);
  c.fill();
  c.stroke();
  c.setLineDash([]);
  c.fillStyle = '#0b1118';
  c.strokeStyle = '#0b1118';
  switch (layer) {
    case 'CAMERA':
      c.beginPath();
      c.arc(0, 0, s * 0.42, 0, Math.PI * 2);
      c.fill();
      break;
    case 'TRAFFIC_LIGHT':
      for (const y of [-0.55, 0, 0.55]) {
        c.beginPath();
        c.arc(0, y * s, s * 0.22, 0, Math.PI * 2);
        c.fill();
      }
      break;
    case 'BOLLARD':
      c.fillRect(-s * 0.4, -s * 0.35, s * 0.8, s * 0.3);
      break;
    case 'SENSOR':
      c.lineWidth = Math.max(1.2, s / 6);
      c.beginPath();
      c.moveTo(-s * 0.55, 0);
      c.quadraticCurveTo(-s * 0.28, -s * 0.45, 0, 0);
      c.quadraticCurveTo(s * 0.28, s * 0.45, s * 0.55, 0);
      c.stroke();
      break;
  }
  if (st.mark) drawMark(c, st.mark, st.fill, st.text, s * 1.05, -s * 0.95, s);
}

/** The status mark on a small disc at the symbol's top right corner. */
function drawMark(c: Ctx2D, mark: string, fill: string, text: string, x: number, y: number, s: number): void {
  const r = Math.max(5, s * 0.62);
  c.beginPath();
  c.arc(x, y, r, 0, Math.PI * 2);
  c.fillStyle = fill;
  c.fill();
  c.lineWidth = 1.5;
  c.strokeStyle = '#ffffff';
  c.stroke();
  c.fillStyle = text;
  c.font = `900 ${Math.round(r * 1.5)}px system-ui, sans-serif`;
  c.textAlign = 'center';
  c.textBaseline = 'middle';
  c.fillText(mark, x, y + 1);
}

/** How far the symbol with its mark reaches from its centre (the sprite's half size). */
export function assetSymbolHalf(s: number): number {
  return Math.ceil(s * 1.05 + Math.max(5, s * 0.62) + 2);
}
