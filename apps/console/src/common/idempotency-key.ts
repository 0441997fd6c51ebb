/**
 * A fresh Idempotency-Key for one report (ADR 0014): 128 random bits as hex. `getRandomValues`
 * also works where `crypto.randomUUID` does not (a console served over plain HTTP on a LAN).
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
