import type { FieldError } from '@cgi/shared';

/** Deepest nesting of arrays and objects a request body may have (no DTO of the API nests beyond 5). */
export const MAX_BODY_DEPTH = 32;

/**
 * The first place where `value` nests deeper than `limit` arrays/objects, as a field error naming
 * the top-level field it is under (`body` when the body itself is the array), else null.
 * Iterative, and stops at the first excess: a hostile body cannot overflow the stack here, and
 * is refused before validation and class-transformer (both recursive) ever see it.
 */
export function tooDeep(value: unknown, limit = MAX_BODY_DEPTH): FieldError | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Array<{ v: object; depth: number; top: string }> = [{ v: value, depth: 1, top: 'body' }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { v, depth, top } = next;
    if (depth > limit) return { field: top, message: `nests deeper than ${limit} levels of arrays and objects` };
    const isArray = Array.isArray(v);
    for (const [k, child] of Object.entries(v)) {
      if (child !== null && typeof child === 'object') {
        stack.push({ v: child as object, depth: depth + 1, top: depth === 1 && !isArray ? k : top });
      }
    }
  }
  return null;
}
