import { Foundation1764410000000 } from './1764410000000-foundation.js';
import { ProfilesEventsStream1764420000000 } from './1764420000000-profiles-events-stream.js';
import { ProviderConfigs1764430000000 } from './1764430000000-provider-configs.js';

/** Every migration, oldest first. Forward-only: add a new one, never edit a landed one. */
export const MIGRATIONS = [Foundation1764410000000, ProfilesEventsStream1764420000000, ProviderConfigs1764430000000];
