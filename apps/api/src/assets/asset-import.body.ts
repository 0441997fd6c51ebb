import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainException } from '../common/domain.exception';

/** An import file may be larger than an ordinary request body (5,000 assets). */
export const ASSET_IMPORT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The bodies of an asset import (POST /api/v1/assets/import): CSV as text, GeoJSON
 * (`application/geo+json`) as JSON; both UTF-8, up to ASSET_IMPORT_MAX_BYTES. A body that is not
 * UTF-8, or GeoJSON that is not JSON, is answered 400 naming `body`.
 */
export function useAssetImportBodies(app: NestFastifyApplication): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const text = (body: Buffer): string => {
    try {
      return decoder.decode(body);
    } catch {
      throw new DomainException('VALIDATION_FAILED', 'Invalid request: body', [{ field: 'body', message: 'is not UTF-8 text' }]);
    }
  };
  app.useBodyParser('text/csv', { bodyLimit: ASSET_IMPORT_MAX_BYTES }, (_req, body, done) => {
    try {
      done(null, text(body));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.useBodyParser('application/geo+json', { bodyLimit: ASSET_IMPORT_MAX_BYTES }, (_req, body, done) => {
    try {
      done(null, JSON.parse(text(body)) as unknown);
    } catch (err) {
      done(err instanceof DomainException ? err : new DomainException('VALIDATION_FAILED', 'Invalid request: body', [{ field: 'body', message: 'is not valid JSON' }]), undefined);
    }
  });
}
