import { ApiRequestError } from '../api/api-client';

/** A readable message for a failed request, naming the fields the API named. */
export function describeError(e: unknown): string {
  if (e instanceof ApiRequestError) {
    const fields = e.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return fields ? `${e.message} (${fields})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
