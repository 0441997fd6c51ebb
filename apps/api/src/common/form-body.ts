import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** A form field whose encoding is broken: answered 400 naming it (`field`), before any handler runs. */
export class FormEncodingError extends Error {
  readonly statusCode = 400;
  readonly code = 'FORM_ENCODING';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** A repeated name becomes an array, as in the query string (Open311 refuses both in one field). */
export type FormFields = Record<string, string | string[]>;

function decode(part: string, field: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new FormEncodingError(field, 'malformed percent-encoding (every %XX must be hex and the bytes UTF-8)');
  }
}

/**
 * application/x-www-form-urlencoded, strictly: a name or value with a malformed %-escape, or
 * escapes that are not UTF-8 ("%E9" for é in Latin-1), is refused instead of being kept as
 * typed (the lenient parser stored "%ZZ" and "%E9" as text).
 */
export function parseForm(body: string): FormFields {
  const out: FormFields = Object.create(null) as FormFields;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decode(rawName, 'body');
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1), name || 'body');
    const seen = out[name];
    out[name] = seen === undefined ? value : ([] as string[]).concat(seen, value);
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function utf8(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw new FormEncodingError('body', 'is not UTF-8 text');
  }
}

/** Registers the strict form parser (Nest's default keeps malformed escapes as they came). */
export function useStrictFormBody(app: NestFastifyApplication, bodyLimit: number): void {
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (_req, body, done) => {
    try {
      done(null, parseForm(utf8(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
