/** Error codes of the API: one filter maps each to an HTTP status and the error shape below. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNKNOWN_CATEGORY',
  'NOT_FOUND',
  'ILLEGAL_TRANSITION',
  'STALE_VERSION',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_RULE_SET',
  'INTERNAL',
  /** This node's intake is full (503, `Retry-After`): retry with the same Idempotency-Key (ADR 0016). */
  'OVERLOADED',
  /** PostgreSQL cannot be reached or is restarting (503, `Retry-After`): retry; see docs/api.md. */
  'UNAVAILABLE',
  /** The request is well formed but names a unit that cannot take part (422): e.g. of a department not on the occurrence. */
  'UNIT_NOT_ELIGIBLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  /** Dotted path of the offending field, e.g. "location.lat". */
  field: string;
  message: string;
}

/** The one error shape of the REST API (docs/api.md). */
export interface ApiError {
  error: {
    code: ErrorCode;
    message: string;
    correlationId: string;
    fields?: FieldError[];
    /** For 409 on commands: the occurrence's current status and version. */
    current?: { status: string; version: number };
  };
}
