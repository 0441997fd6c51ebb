/** A query parameter given as a comma-separated list (`?status=NEW,TRIAGED`) → its items, for `@Transform`. */
export const commaList = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.split(',').filter(Boolean) : value);
