/** One error of the Open311 error document (`[{code, description}]` / `<errors><error>`). */
export interface Open311ErrorItem {
  code: number;
  description: string;
}

/**
 * An Open311 error: the HTTP status (400, 403, 404, 429) and the errors in the body.
 * Descriptions name the offending field first ("lat: …") so a client can point at it.
 */
export class Open311Exception extends Error {
  constructor(
    readonly status: number,
    readonly errors: Open311ErrorItem[],
  ) {
    super(errors.map((e) => e.description).join('; '));
  }

  static badRequest(...descriptions: string[]): Open311Exception {
    return new Open311Exception(400, descriptions.map((description) => ({ code: 400, description })));
  }

  static notFound(description: string): Open311Exception {
    return new Open311Exception(404, [{ code: 404, description }]);
  }

  static forbidden(description: string): Open311Exception {
    return new Open311Exception(403, [{ code: 403, description }]);
  }
}
