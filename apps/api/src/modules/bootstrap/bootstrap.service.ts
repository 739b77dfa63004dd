import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { randomToken } from '../auth/secret-tokens.js';
import { UsersService } from '../auth/users.service.js';
import { IngestionService } from '../ingestion/ingestion.service.js';
import { normalizeEvent, type NormalizedEvent } from '../ingestion/segment-event.js';
import { WorkspacesService } from '../workspaces/workspaces.service.js';

/** Any fixed number: serialises seeding when several API processes start at once. */
const SEED_LOCK_KEY = 741_852_964;

export const DEMO_ADMIN_EMAIL = 'demo@itinera.local';

export interface DemoCredentials {
  workspaceName: string;
  adminEmail: string;
  adminPassword: string;
  writeKey: string;
  secretKey: string;
}

/**
 * Start-up seeding, idempotent across restarts:
 * - on a database with no workspace (and ITINERA_DEMO on), a demo workspace with an owner and
 *   keys, whose credentials are returned once to be printed;
 * - the default workspace, its ITINERA_BOOTSTRAP_* keys and the ITINERA_ADMIN_* owner.
 */
@Injectable()
export class BootstrapService {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(WorkspacesService) private readonly workspaces: WorkspacesService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
  ) {}

  async run(): Promise<DemoCredentials | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [SEED_LOCK_KEY]);
      const demo = (await this.workspaces.findDefault()) || !this.config.seedsDemo ? undefined : await this.seedDemo();
      await this.applyBootstrapVariables();
      return demo;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  }

  private async seedDemo(): Promise<DemoCredentials> {
    const workspace = await this.workspaces.create('Demo workspace');
    const adminPassword = randomToken(16);
    const { user } = await this.users.upsert(DEMO_ADMIN_EMAIL, adminPassword, true);
    await this.users.grant(workspace.id, user.id, 'owner');
    const write = await this.apiKeys.create(workspace.id, { name: 'Demo write key', kind: 'write' });
    const secret = await this.apiKeys.create(workspace.id, { name: 'Demo secret key', kind: 'secret', role: 'owner' });
    await this.ingestion.ingest(workspace.id, demoEvents());
    return { workspaceName: workspace.name, adminEmail: DEMO_ADMIN_EMAIL, adminPassword, writeKey: write.key, secretKey: secret.key };
  }

  private async applyBootstrapVariables(): Promise<void> {
    const { ITINERA_BOOTSTRAP_WRITE_KEY, ITINERA_BOOTSTRAP_SECRET_KEY, ITINERA_ADMIN_EMAIL, ITINERA_ADMIN_PASSWORD } = this.config;
    if (!ITINERA_BOOTSTRAP_WRITE_KEY && !ITINERA_BOOTSTRAP_SECRET_KEY && !ITINERA_ADMIN_EMAIL) return;
    const workspace = (await this.workspaces.findDefault()) ?? (await this.workspaces.create('Default workspace'));
    if (ITINERA_BOOTSTRAP_WRITE_KEY) await this.apiKeys.ensure(workspace.id, 'Bootstrap write key', ITINERA_BOOTSTRAP_WRITE_KEY);
    if (ITINERA_BOOTSTRAP_SECRET_KEY)
      await this.apiKeys.ensure(workspace.id, 'Bootstrap secret key', ITINERA_BOOTSTRAP_SECRET_KEY, 'owner');
    if (ITINERA_ADMIN_EMAIL && ITINERA_ADMIN_PASSWORD) {
      const { user } = await this.users.upsert(ITINERA_ADMIN_EMAIL, ITINERA_ADMIN_PASSWORD, true);
      const membership = await this.users.membership(workspace.id, user.id);
      if (membership?.role !== 'owner') await this.users.grant(workspace.id, user.id, 'owner');
    }
  }
}

/** A small B2B story for the demo workspace: two accounts, three users, a few product events. */
function demoEvents(): NormalizedEvent[] {
  const receivedAt = new Date();
  const ago = (hours: number) => new Date(receivedAt.getTime() - hours * 3_600_000).toISOString();
  const raw = [
    {
      type: 'identify',
      userId: 'demo-ada',
      traits: { name: 'Ada Lovelace', email: 'ada@example.com', plan: 'trial', timezone: 'Europe/London' },
      timestamp: ago(50),
    },
    { type: 'group', userId: 'demo-ada', groupId: 'acme', traits: { name: 'Acme Inc.', tier: 'growth', seats: 12 }, timestamp: ago(50) },
    { type: 'track', userId: 'demo-ada', event: 'signed_up', properties: { plan: 'trial' }, timestamp: ago(50) },
    { type: 'track', userId: 'demo-ada', event: 'feature_activated', properties: { feature: 'journeys' }, timestamp: ago(30) },
    {
      type: 'identify',
      userId: 'demo-grace',
      traits: { name: 'Grace Hopper', email: 'grace@example.com', plan: 'pro', timezone: 'America/New_York' },
      timestamp: ago(20),
    },
    {
      type: 'group',
      userId: 'demo-grace',
      groupId: 'globex',
      traits: { name: 'Globex', tier: 'enterprise', seats: 250 },
      timestamp: ago(20),
    },
    { type: 'track', userId: 'demo-grace', event: 'hit_limit', properties: { limit: 'seats' }, timestamp: ago(2) },
    {
      type: 'identify',
      userId: 'demo-linus',
      traits: { name: 'Linus', email: 'linus@example.com', plan: 'trial', timezone: 'Europe/Helsinki' },
      timestamp: ago(10),
    },
    { type: 'track', userId: 'demo-linus', event: 'signed_up', properties: { plan: 'trial' }, timestamp: ago(10) },
  ];
  return raw.map((event, i) => {
    const result = normalizeEvent({ ...event, messageId: `demo-${i}` }, { receivedAt });
    if (!result.ok) throw new Error(`demo event ${i}: ${result.reason}`);
    return result.event;
  });
}
