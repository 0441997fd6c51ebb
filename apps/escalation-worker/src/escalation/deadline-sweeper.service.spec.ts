import { validateWorkerEnv } from '../config/worker-env';
import { MetricsService } from '../metrics/metrics.service';
import type { DeadlineFiring, FiringResult } from './deadline-firing.service';
import { DeadlineSweeper } from './deadline-sweeper.service';

/** A stand-in for the database side: each fireDue call takes the next scripted answer, when released. */
class ScriptedFiring {
  calls = 0;
  private pending: Array<{ resolve: (r: FiringResult) => void; reject: (e: Error) => void }> = [];

  stillPending: string[] = [];
  firedAlone: string[] = [];

  async pendingOf(ids: string[]): Promise<string[]> {
    return ids.filter((id) => this.stillPending.includes(id));
  }

  async fireOne(id: string): Promise<null> {
    this.firedAlone.push(id);
    return null;
  }

  fireDue(): Promise<FiringResult> {
    this.calls++;
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  /** Answers the oldest call with a batch of `claimed` rows. */
  async answer(claimed: number): Promise<void> {
    await this.waitForCall();
    this.pending.shift()!.resolve({ claimed, decisions: [] });
  }

  async fail(message: string): Promise<void> {
    await this.waitForCall();
    this.pending.shift()!.reject(new Error(message));
  }

  private async waitForCall(): Promise<void> {
    while (this.pending.length === 0) await new Promise((r) => setImmediate(r));
  }
}

const env = validateWorkerEnv({ FIRE_BATCH_SIZE: '10' });

describe('DeadlineSweeper: sweeps in batches until one is short, callers share sweeps', () => {
  let firing: ScriptedFiring;
  let sweeper: DeadlineSweeper;
  beforeEach(() => {
    firing = new ScriptedFiring();
    sweeper = new DeadlineSweeper(env, firing as unknown as DeadlineFiring, new MetricsService());
  });

  it('keeps firing batches while they come back full', async () => {
    const done = sweeper.sweep();
    await firing.answer(10);
    await firing.answer(10);
    await firing.answer(3);
    await done;
    expect(firing.calls).toBe(3);
  });

  it('callers arriving together share one sweep; a caller arriving during a sweep gets a sweep that starts after it', async () => {
    const first = Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
    while (firing.calls === 0) await new Promise((r) => setImmediate(r));
    let laterDone = false;
    const later = sweeper.sweep().then(() => (laterDone = true));
    await firing.answer(0); // the sweep of the three early callers
    await first;
    expect(laterDone).toBe(false);
    await firing.answer(0); // the sweep the later caller waits for
    await later;
    expect(firing.calls).toBe(2);
  });

  it('timers do not wait; a timer whose row the sweep skipped (occurrence held) is fired alone, the others are not', async () => {
    firing.stillPending = ['7'];
    sweeper.timer('7');
    sweeper.timer('8');
    await firing.answer(1);
    const done = sweeper.sweep(); // the next sweep starts after the timers' one has finished
    await firing.answer(0);
    await done;
    expect(firing.firedAlone).toEqual(['7']);
  });

  it('a failed sweep rejects its callers; the next call sweeps again', async () => {
    const failed = sweeper.sweep();
    await firing.fail('connection refused');
    await expect(failed).rejects.toThrow('connection refused');
    const again = sweeper.sweep();
    await firing.answer(0);
    await again;
    expect(firing.calls).toBe(2);
  });
});
