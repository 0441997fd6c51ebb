import { Injectable } from '@nestjs/common';
import { UnitPositionRepository, type UnitRef } from './unit-position.repository';

const KNOWN_TTL_MS = 60_000;
const UNKNOWN_TTL_MS = 5_000;

/**
 * Unit code → unit, for AVL input (topics and batches name units by code). A short cache: a unit's
 * code and department never change, a retired unit is refused by the writer's own read, and a
 * new unit is known within UNKNOWN_TTL_MS. Lookups of one code in flight are shared, so messages
 * of one unit keep their order.
 */
@Injectable()
export class UnitCodeDirectory {
  private readonly cache = new Map<string, { ref: UnitRef | null; until: number }>();
  private readonly inFlight = new Map<string, Promise<UnitRef | null>>();

  constructor(private readonly repo: UnitPositionRepository) {}

  /** The units of these codes (null for an unknown or retired one), in the order asked. */
  async resolve(codes: string[]): Promise<Array<UnitRef | null>> {
    const now = Date.now();
    const missing = [...new Set(codes)].filter((c) => {
      const hit = this.cache.get(c);
      return (!hit || hit.until <= now) && !this.inFlight.has(c);
    });
    if (missing.length > 0) {
      const lookup = this.repo.byCodes(missing).then((refs) => {
        const byCode = new Map(refs.map((r) => [r.code, r]));
        const at = Date.now();
        for (const c of missing) {
          const ref = byCode.get(c) ?? null;
          this.cache.set(c, { ref, until: at + (ref ? KNOWN_TTL_MS : UNKNOWN_TTL_MS) });
        }
        return byCode;
      });
      for (const c of missing) {
        const p = lookup.then((m) => m.get(c) ?? null);
        const done = (): void => void this.inFlight.delete(c);
        p.then(done, done);
        this.inFlight.set(c, p);
      }
    }
    return Promise.all(codes.map(async (c) => this.inFlight.get(c) ?? this.cache.get(c)?.ref ?? null));
  }

  /** Forgets a code (a unit created or retired on this node). */
  forget(code: string): void {
    this.cache.delete(code);
  }
}
