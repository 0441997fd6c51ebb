import type { Env } from '../config/env';

/** CSP directives in helmet's form: `{ 'img-src': ["'self'", 'https://tiles.example'] }`. */
export type CspDirectives = Record<string, string[]>;

/**
 * The origin a raster tile URL template loads from, as a CSP source: `https://tile.example:8080`
 * for `https://tile.example:8080/{z}/{x}/{y}.png`; a `{s}` sub-domain placeholder becomes `*.`
 * (`https://*.tile.example`). Null for "none" or a template on the API's own origin (a path).
 */
export function tileSource(template: string): string | null {
  const m = /^(https?):\/\/([^/?#]+)/i.exec(template.trim());
  if (!m) return null;
  const host = m[2].toLowerCase().replace(/^\{s\}\./, '*.');
  // Only what a CSP host-source may hold: a policy is never built from an arbitrary string.
  if (!/^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(host)) {
    throw new Error(`CONSOLE_TILE_URL: "${m[2]}" is not a host a Content-Security-Policy can name`);
  }
  return `${m[1].toLowerCase()}://${host}`;
}

/**
 * The strict policy of everything the API serves (the console, the citizens' status page, JSON):
 * scripts and styles only from the API's own origin, no inline script or style, images from self
 * and the configured tile host only, fetch/XHR/WebSocket (Socket.IO) to self (ADR 0022).
 */
export function contentSecurityPolicy(env: Pick<Env, 'CONSOLE_TILE_URL'>): CspDirectives {
  const tiles = env.CONSOLE_TILE_URL === 'none' ? null : tileSource(env.CONSOLE_TILE_URL);
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    // data: for Leaflet's own blank tile (L.Util.emptyImageUrl): it sets a tile's src to it when it
    // aborts a tile still loading (a pan or zoom), which the policy otherwise blocks and reports.
    'img-src': ["'self'", 'data:', ...(tiles ? [tiles] : [])],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/**
 * The OpenAPI UI (/api/docs): Swagger UI's page carries inline `<style>` and its stylesheet data:
 * images. Scripts stay self-only; only that page gets this policy.
 */
export function docsContentSecurityPolicy(strict: CspDirectives): CspDirectives {
  return { ...strict, 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] };
}

/** A policy as the header's text. */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}
