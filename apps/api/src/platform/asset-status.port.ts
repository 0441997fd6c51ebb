import type { AssetStatus, AssetView } from '@cgi/shared';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';

/**
 * What the Urban Platform adapter needs of the asset registry: `AssetStatusService.reportStatus`
 * (the issue-15 contract). Injected by this token so the adapter does not depend on how the
 * registry is built.
 */
export const ASSET_STATUS_REPORTER = Symbol('AssetStatusReporter');

export interface AssetStatusReporter {
  reportStatus(
    input: {
      code: string;
      status: AssetStatus;
      reason?: string | null;
      observedAt: Date;
      source: 'OPERATOR' | 'SENSOR' | 'PLATFORM' | 'IMPORT';
      actor: Actor;
      idempotencyKey?: string;
    },
    m?: EntityManager,
  ): Promise<{ asset: AssetView; occurrence: { id: string; reference: string; created: boolean } | null }>;
}

/** Until the asset registry is in this build: every Device report fails alone, naming the asset. */
export class NoAssetRegistry implements AssetStatusReporter {
  reportStatus(input: { code: string }): Promise<never> {
    return Promise.reject(new DomainException('VALIDATION_FAILED', `No asset registry in this build: asset ${input.code} unknown`, [
      { field: 'code', message: `asset ${input.code} is not in the registry` },
    ]));
  }
}
