import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../create-app.js';
import { loadConfig } from '../infra/config/app-config.js';
import { migrateDatabase } from '../infra/database/data-source.js';
import { createLogger } from '../infra/logging/logger.js';
import { ApiKeysService } from '../modules/auth/api-keys.service.js';
import type { WorkspaceRole } from '../modules/auth/roles.js';
import { UsersService } from '../modules/auth/users.service.js';
import { WorkspacesService } from '../modules/workspaces/workspaces.service.js';

export interface TestWorkspace {
  id: string;
  name: string;
  /** A secret key per role. */
  keys: Record<WorkspaceRole, string>;
  writeKey: string;
}

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  workspace(name?: string): Promise<TestWorkspace>;
  user(workspaceId: string, role: WorkspaceRole): Promise<{ email: string; password: string }>;
  close(): Promise<void>;
}

export const uniqueSuffix = () => randomBytes(4).toString('hex');

/**
 * A database of its own for a test file whose statements must not meet other files' rows (a
 * sequence it sets, a poll that takes whatever is due). Named after the run's database, so the
 * run's teardown drops it; the app creates and migrates it at start.
 */
export function ownDatabaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_${name}`;
  return url.toString();
}

/**
 * The real application (API + worker roles) on the test run's own PostgreSQL database, for
 * integration tests through HTTP. Each app gets a Redis prefix of its own (under the run's), so
 * its workers never take another test file's jobs.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    ...process.env,
    ITINERA_DEMO: 'false',
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}_${uniqueSuffix()}`,
    ...env,
  });
  await migrateDatabase(config.DATABASE_URL);
  const app = await createApp(config, { logger: createLogger({ LOG_LEVEL: process.env.ITINERA_TEST_LOG_LEVEL ?? 'silent' }) });
  await app.init();
  const server = app.getHttpServer();

  return {
    app,
    http: request(server),
    async workspace(name = `Workspace ${uniqueSuffix()}`) {
      const workspace = await app.get(WorkspacesService).create(name);
      const apiKeys = app.get(ApiKeysService);
      const keys = {} as Record<WorkspaceRole, string>;
      for (const role of ['owner', 'editor', 'viewer'] as const) {
        keys[role] = (await apiKeys.create(workspace.id, { name: `${role} key`, kind: 'secret', role })).key;
      }
      const writeKey = (await apiKeys.create(workspace.id, { name: 'write key', kind: 'write' })).key;
      return { id: workspace.id, name: workspace.name, keys, writeKey };
    },
    async user(workspaceId, role) {
      const email = `${role}-${uniqueSuffix()}@example.test`;
      const password = `pw-${uniqueSuffix()}-${uniqueSuffix()}`;
      const users = app.get(UsersService);
      const { user } = await users.upsert(email, password, false);
      await users.grant(workspaceId, user.id, role);
      return { email, password };
    },
    close: () => app.close(),
  };
}
