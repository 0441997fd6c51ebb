import type { FieldError } from '@cgi/shared';

/**
 * Small collecting validator for rule-set documents: every check records a FieldError with a
 * dotted path ("categories[3].lead") and returns the typed value, or undefined when invalid.
 * Undefined values are reported as "is required".
 */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fieldPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function itemPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export class RuleSetChecker {
  readonly errors: FieldError[] = [];

  fail(field: string, message: string): undefined {
    this.errors.push({ field, message });
    return undefined;
  }

  private present(value: unknown, field: string): boolean {
    if (value === undefined) {
      this.fail(field, 'is required');
      return false;
    }
    return true;
  }

  /** An object whose keys are all in `allowed` (unknown keys are errors). */
  object(value: unknown, field: string, allowed: readonly string[]): JsonObject | undefined {
    if (!this.present(value, field)) return undefined;
    if (!isRecord(value)) return this.fail(field, `must be an object, got ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(fieldPath(field, key), 'unknown field');
    }
    return value;
  }

  string(value: unknown, field: string): string | undefined {
    if (!this.present(value, field)) return undefined;
    if (typeof value !== 'string') return this.fail(field, `must be a string, got ${describe(value)}`);
    if (value.trim() === '') return this.fail(field, 'must not be empty');
    return value;
  }

  boolean(value: unknown, field: string): boolean | undefined {
    if (!this.present(value, field)) return undefined;
    if (typeof value !== 'boolean') return this.fail(field, `must be true or false, got ${describe(value)}`);
    return value;
  }

  oneOf<T extends string>(value: unknown, field: string, options: readonly T[]): T | undefined {
    if (!this.present(value, field)) return undefined;
    if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
      return this.fail(field, `must be one of ${options.join(', ')}, got ${describe(value)}`);
    }
    return value as T;
  }

  integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (!this.present(value, field)) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.fail(field, `must be an integer, got ${describe(value)}`);
    }
    if (value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
      return this.fail(field, `must be ${range}, got ${value}`);
    }
    return value;
  }

  positiveInteger(value: unknown, field: string): number | undefined {
    return this.integer(value, field, 1);
  }

  /**
   * An array whose items pass `item`. Items that fail are left out of the result. With `unique`,
   * repeated (valid) items are errors; with `nonEmpty`, an empty array is.
   */
  array<T>(
    value: unknown,
    field: string,
    item: (value: unknown, field: string, index: number) => T | undefined,
    options: { unique?: boolean; nonEmpty?: boolean } = {},
  ): T[] | undefined {
    if (!this.present(value, field)) return undefined;
    if (!Array.isArray(value)) return this.fail(field, `must be an array, got ${describe(value)}`);
    if (options.nonEmpty && value.length === 0) this.fail(field, 'must not be empty');
    const items: T[] = [];
    value.forEach((raw: unknown, index) => {
      const path = itemPath(field, index);
      const checked = item(raw, path, index);
      if (checked === undefined) return;
      if (options.unique && items.includes(checked)) {
        this.fail(path, `duplicate value ${describe(checked)}`);
        return;
      }
      items.push(checked);
    });
    return items;
  }

  /** Reports `<list>[i].<key>` for every repeated key (items that were invalid are null and skipped). */
  uniqueKeys(keys: ReadonlyArray<string | null>, list: string, key: string, label: string): void {
    const firstIndex = new Map<string, number>();
    keys.forEach((value, index) => {
      if (value === null) return;
      const first = firstIndex.get(value);
      if (first === undefined) firstIndex.set(value, index);
      else this.fail(fieldPath(itemPath(list, index), key), `duplicate ${label} ${value} (also ${itemPath(list, first)})`);
    });
  }
}
