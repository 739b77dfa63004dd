import { Foundation1764410000000 } from './1764410000000-foundation.js';
import { ProfilesEventsStream1764420000000 } from './1764420000000-profiles-events-stream.js';
import { ProviderConfigs1764430000000 } from './1764430000000-provider-configs.js';
import { Templates1764440000000 } from './1764440000000-templates.js';
import { PreferencesSettings1764450000000 } from './1764450000000-preferences-settings.js';
import { Messages1764460000000 } from './1764460000000-messages.js';
import { Journeys1764470000000 } from './1764470000000-journeys.js';
import { EventsOnStream1764480000000 } from './1764480000000-events-on-stream.js';
import { StatusIndexes1764490000000 } from './1764490000000-status-indexes.js';
import { IngestAtOnce1764500000000 } from './1764500000000-ingest-at-once.js';
import { JourneyDraftRevisions1764510000000 } from './1764510000000-journey-draft-revisions.js';
import { MessageStatusUnknown1764515000000 } from './1764515000000-message-status-unknown.js';
import { JourneyAnalytics1764520000000 } from './1764520000000-journey-analytics.js';
import { JourneyBacktests1764530000000 } from './1764530000000-journey-backtests.js';
import { LoginLimitsKeyOrigins1764560000000 } from './1764560000000-login-limits-key-origins.js';
import { WorkspaceDefaultLocale1764570000000 } from './1764570000000-workspace-default-locale.js';
import { AuditLog1764580000000 } from './1764580000000-audit-log.js';
import { CompactStatDeltas1764590000000 } from './1764590000000-compact-stat-deltas.js';

/** Every migration, oldest first. Forward-only: add a new one, never edit a landed one. */
export const MIGRATIONS = [
  Foundation1764410000000,
  ProfilesEventsStream1764420000000,
  ProviderConfigs1764430000000,
  Templates1764440000000,
  PreferencesSettings1764450000000,
  Messages1764460000000,
  Journeys1764470000000,
  EventsOnStream1764480000000,
  StatusIndexes1764490000000,
  IngestAtOnce1764500000000,
  JourneyDraftRevisions1764510000000,
  MessageStatusUnknown1764515000000,
  JourneyAnalytics1764520000000,
  JourneyBacktests1764530000000,
  LoginLimitsKeyOrigins1764560000000,
  WorkspaceDefaultLocale1764570000000,
  AuditLog1764580000000,
  CompactStatDeltas1764590000000,
];
