import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** The status page's stylesheet: a file of the API's own origin, as the CSP allows no inline style. */
export const STATUS_PAGE_CSS = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
dt{font-weight:600;margin-top:.6rem}dd{margin:0}textarea{width:100%;min-height:6rem}.ok{color:#176b2c}
`;

const version = createHash('sha256').update(STATUS_PAGE_CSS).digest('hex').slice(0, 12);

/** Where the page links it; the content hash in the query lets browsers keep it for a day. */
export const STATUS_PAGE_CSS_PATH = `/status/assets/status-page.css?v=${version}`;

/** Served by Fastify directly: no guard, and not counted by the status page's per-IP rate limit. */
export function registerStatusPageAssets(fastify: FastifyInstance): void {
  fastify.get('/status/assets/status-page.css', (_request, reply) => {
    void reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(STATUS_PAGE_CSS);
  });
}
