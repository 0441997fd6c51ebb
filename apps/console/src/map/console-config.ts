/** Runtime configuration served by the API at /console-config.json (CONSOLE_TILE_URL…): no rebuild to change it. */
export interface ConsoleConfig {
  /** Raster tile URL template; empty for no base map (offline: parishes and municipality only). */
  tileUrl: string;
  tileAttribution: string;
}

export const DEFAULT_CONFIG: ConsoleConfig = {
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tileAttribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const params = new URLSearchParams(location.search);
  let config = DEFAULT_CONFIG;
  try {
    const res = await fetch('/console-config.json', { headers: { accept: 'application/json' } });
    if (res.ok) config = { ...DEFAULT_CONFIG, ...((await res.json()) as Partial<ConsoleConfig>) };
  } catch {
    /* the defaults */
  }
  if (params.get('tiles') === 'none') config = { ...config, tileUrl: '' };
  return config;
}
