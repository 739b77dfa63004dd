import { Foundation1764410000000 } from './1764410000000-foundation.js';

/** Every migration, oldest first. Forward-only: add a new one, never edit a landed one. */
export const MIGRATIONS = [Foundation1764410000000];
