import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { percentile } from './stats';

/** The load generator's own delays: what of a latency is the generator's, not the server's. */
export interface GeneratorReport {
  /** How late requests left against their schedule (ms): p50, p99, max. */
  sendLate: { p50: number; p99: number; max: number };
  /** The generator's event-loop delay during the run (ms, 1 ms resolution): p99, max. */
  loopDelay: { p99: number; max: number };
  /** CPU the generator's process used during the run, in % of one core. */
  cpuPercent: number;
  /** TCP connections opened during the run (after the warm-up). */
  connectionsOpened: number;
}

export interface OpenLoopResult {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  /** Latency in ms measured from each request's SCHEDULED send time (no coordinated omission; from its send if it left early). */
  latencies: number[];
  /** Each request's status (0: no answer) and latency, by its index. */
  samples: Array<{ status: number; ms: number }>;
  generator: GeneratorReport;
}

export interface OpenLoopOptions {
  /** Client connections at most (keep-alive, one request at a time each): past them requests wait in the client, which the latencies count. */
  connections?: number;
  /**
   * Connections opened before the run (by as many concurrent GETs of this URL), as long-lived
   * clients hold theirs: otherwise the run's first second measures TCP handshakes.
   */
  warm?: { url: string; connections: number };
}

/**
 * Sends requests on a fixed schedule (rate per second for durationS), each timed from its
 * scheduled send time, whatever the server's speed: an open-loop load, as the baselines do. It
 * reports its own delays (how late it sent, its event-loop delay, its CPU) so that a reader can
 * tell the generator's delay from the server's.
 */
export async function openLoop(
  rate: number,
  durationS: number,
  makeRequest: (i: number) => { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  isOk: (status: number) => boolean,
  options: number | OpenLoopOptions = {},
): Promise<OpenLoopResult> {
  const { connections = 256, warm } = typeof options === 'number' ? { connections: options } : options;
  const dispatcher = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  if (warm) {
    await Promise.all(Array.from({ length: Math.min(warm.connections, connections) }, () =>
      request(warm.url, { dispatcher }).then((r) => r.body.dump())));
  }
  let connectionsOpened = 0;
  dispatcher.on('connect', () => connectionsOpened++);
  const total = Math.round(rate * durationS);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const samples: Array<{ status: number; ms: number }> = [];
  const late: number[] = [];
  let ok = 0;
  let errors = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu = process.cpuUsage();
  const began = performance.now();
  const start = began + 50;
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Timed from its scheduled time, or from when it left if the timer woke up to 1 ms early.
    const sent = performance.now();
    const origin = Math.min(scheduled, sent);
    late.push(Math.max(0, sent - scheduled));
    const spec = makeRequest(i);
    inFlight.push(
      request(spec.url, { method: spec.method, headers: spec.headers, body: spec.body, dispatcher })
        .then(async (res) => {
          await res.body.dump();
          const ms = performance.now() - origin;
          latencies.push(ms);
          samples[i] = { status: res.statusCode, ms };
          if (isOk(res.statusCode)) ok++;
          else errors++;
        })
        .catch(() => {
          samples[i] = { status: 0, ms: performance.now() - origin };
          errors++;
        }),
    );
  }
  await Promise.all(inFlight);
  loop.disable();
  const used = process.cpuUsage(cpu);
  const elapsed = performance.now() - began;
  await dispatcher.close();
  const generator: GeneratorReport = {
    sendLate: { p50: percentile(late, 0.5), p99: percentile(late, 0.99), max: Math.max(...late) },
    loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    cpuPercent: ((used.user + used.system) / 1000 / elapsed) * 100,
    connectionsOpened,
  };
  return { rate, sent: total, ok, errors, latencies, samples, generator };
}
