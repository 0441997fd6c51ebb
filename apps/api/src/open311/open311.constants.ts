/** The single jurisdiction this endpoint serves (an optional parameter, GeoReport v2 "Definitions"). */
export const JURISDICTION_ID = 'cm-porto.pt';
/** The API key scope that may create service requests. */
export const CREATE_SCOPE = 'occurrences:create';
/** GeoReport v2 "Response Volume": 90 days or 1,000 requests, whichever is smaller. */
export const MAX_RANGE_DAYS = 90;
export const MAX_RESULTS = 1000;
/** GeoReport v2: description is free text limited to 4,000 characters. */
export const MAX_DESCRIPTION = 4000;
/** POST bodies are form-encoded (GeoReport v2 "Format sent"); JSON and other bodies are refused with 415. */
export const FORM_ONLY = 'POST bodies must be application/x-www-form-urlencoded (GeoReport v2)';
/** An Idempotency-Key header's value, as on the REST intake (ADR 0014). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
