import { InitialSchema1764288000000 } from './1764288000000-initial-schema';

/** Every migration, in order. Add new ones at the end (one line each). */
export const MIGRATIONS = [
  InitialSchema1764288000000,
];
