import { Agent, request } from 'undici';

export interface OpenLoopResult {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  /** Latency in ms measured from each request's SCHEDULED send time (no coordinated omission). */
  latencies: number[];
  /** Each request's status (0: no answer) and latency, by its index. */
  samples: Array<{ status: number; ms: number }>;
}

/**
 * Sends requests on a fixed schedule (rate per second for durationS), each timed from its
 * scheduled send time, whatever the server's speed: an open-loop load, as the baselines do.
 */
export async function openLoop(
  rate: number,
  durationS: number,
  makeRequest: (i: number) => { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  isOk: (status: number) => boolean,
  /** Client connections at most: past them requests wait in the client, which the latencies count. */
  connections = 256,
): Promise<OpenLoopResult> {
  const dispatcher = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(rate * durationS);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const samples: Array<{ status: number; ms: number }> = [];
  let ok = 0;
  let errors = 0;
  const start = performance.now() + 50;
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const spec = makeRequest(i);
    inFlight.push(
      request(spec.url, { method: spec.method, headers: spec.headers, body: spec.body, dispatcher })
        .then(async (res) => {
          await res.body.dump();
          const ms = performance.now() - scheduled;
          latencies.push(ms);
          samples[i] = { status: res.statusCode, ms };
          if (isOk(res.statusCode)) ok++;
          else errors++;
        })
        .catch(() => {
          samples[i] = { status: 0, ms: performance.now() - scheduled };
          errors++;
        }),
    );
  }
  await Promise.all(inFlight);
  await dispatcher.close();
  return { rate, sent: total, ok, errors, latencies, samples };
}
