/**
 * Whether `err` is PostgreSQL's unique violation (23505), of `constraint` when given, whether it
 * comes raw from node-postgres or wrapped by TypeORM (`driverError`).
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } } | null;
  const d = e?.driverError ?? e;
  return d?.code === '23505' && (constraint === undefined || d.constraint === constraint);
}
