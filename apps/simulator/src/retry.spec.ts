import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWithRetry } from './retry';

describe('the simulated clients retry a 503 with backoff, honouring Retry-After', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ at: number; key: string | undefined }> = [];
  let refuse = 0;
  let retryAfter = '0';

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ at: Date.now(), key: req.headers['idempotency-key'] as string | undefined });
        if (refuse > 0) {
          refuse--;
          res.writeHead(503, { 'retry-after': retryAfter, 'content-type': 'application/json' }).end('{"error":{"code":"OVERLOADED"}}');
        } else {
          res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"x"}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/occurrences`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
  });

  const post = () => fetch(url, { method: 'POST', headers: { 'idempotency-key': 'sim-1', 'content-type': 'application/json' }, body: '{}' });

  it('sends again with the same key until it is taken, waiting at least the Retry-After', async () => {
    refuse = 2;
    retryAfter = '1';
    const { response, attempts } = await sendWithRetry(post, { attempts: 5, baseMs: 10, maxMs: 5000, random: () => 0 });
    expect(response.status).toBe(201);
    expect(attempts).toBe(3);
    expect(seen.map((s) => s.key)).toEqual(['sim-1', 'sim-1', 'sim-1']);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(990);
    expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(990);
  });

  it('gives up after its attempts and answers the last 503', async () => {
    refuse = 10;
    retryAfter = '0';
    const { response, attempts } = await sendWithRetry(post, { attempts: 3, baseMs: 5, maxMs: 100, random: () => 0.5 });
    expect(response.status).toBe(503);
    expect(attempts).toBe(3);
    expect(seen).toHaveLength(3);
    refuse = 0;
  });
});
