import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A status-page secret: 256 random bits, base64url. Only its sha256 is stored. */
export function newStatusToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashStatusToken(token) };
}

export const hashStatusToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Constant-time comparison of a presented token with the stored hash. */
export function statusTokenMatches(presented: string, storedHash: string): boolean {
  if (!/^[A-Za-z0-9_-]{43}$/.test(presented)) return false;
  return timingSafeEqual(Buffer.from(hashStatusToken(presented), 'hex'), Buffer.from(storedHash, 'hex'));
}
