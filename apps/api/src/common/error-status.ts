import type { ErrorCode } from '@cgi/shared';

/** The HTTP status of each error code: one table, used by the exception filter. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNKNOWN_CATEGORY: 422,
  INVALID_RULE_SET: 422,
  NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  STALE_VERSION: 409,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  OVERLOADED: 503,
  UNAVAILABLE: 503,
  UNIT_NOT_ELIGIBLE: 422,
};
