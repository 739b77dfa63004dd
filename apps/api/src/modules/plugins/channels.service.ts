import {
  createPluginContext,
  type PluginContext,
  type PluginLogger,
  secretFields,
  splitSecrets,
  validateConfigValues,
} from '@itinera/plugin-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type SharedCache, SharedCaches } from '../../infra/cache/shared-cache.js';
import { SecretBox } from '../../infra/crypto/secret-box.js';
import { NotFoundError, UnprocessableError, ValidationError } from '../../infra/http/errors.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import type { ProviderDto } from './dto/channels.dto.js';
import { PluginRegistry } from './plugin-registry.js';

interface ProviderRow {
  id: string;
  workspace_id: string;
  plugin_id: string;
  kind: string;
  channel: string | null;
  name: string;
  priority: number;
  enabled: boolean;
  config: Record<string, unknown>;
  sealed_secrets: string | null;
  secret_fields: string[];
  created_at: Date;
  updated_at: Date;
}

export interface ProviderInput {
  pluginId: string;
  name: string;
  config: Record<string, unknown>;
  priority?: number;
  enabled?: boolean;
}

/** A configured provider, ready to call: its plugin and a context factory. */
export interface ResolvedProvider {
  id: string;
  name: string;
  pluginId: string;
  channel: string | null;
  context(options: { idempotencyKey: string; deadline?: number; timeoutMs?: number; signal?: AbortSignal }): PluginContext;
}

/**
 * Per-workspace provider configuration (`/api/channels`): validated against the plugin's
 * configSchema, secrets sealed with ITINERA_SECRET (bound to the workspace and row) and never
 * returned. Several providers per channel are tried in `priority` order. The send path's
 * `providersFor` reads a workspace's enabled providers, secrets unsealed, once per process and
 * change (see SharedCaches).
 */
@Injectable()
export class ChannelsService {
  private readonly enabled: SharedCache<Array<{ row: ProviderRow; provider: ResolvedProvider }>>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PluginRegistry) private readonly registry: PluginRegistry,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(SharedCaches) caches: SharedCaches,
  ) {
    this.enabled = caches.cache('enabled-providers');
  }

  async list(workspaceId: string, filter: { channel?: string; kind?: string } = {}): Promise<ProviderDto[]> {
    const rows: ProviderRow[] = await this.dataSource.query(
      `SELECT * FROM provider_configs WHERE workspace_id = $1 AND ($2::text IS NULL OR channel = $2) AND ($3::text IS NULL OR kind = $3)
       ORDER BY kind, channel, priority, created_at`,
      [workspaceId, filter.channel ?? null, filter.kind ?? null],
    );
    return rows.map((row) => this.toDto(row));
  }

  async get(workspaceId: string, id: string): Promise<ProviderDto> {
    return this.toDto(await this.row(workspaceId, id));
  }

  async create(workspaceId: string, input: ProviderInput): Promise<ProviderDto> {
    const { plugin } = this.registry.get(input.pluginId);
    const values = this.validated(plugin.manifest.configSchema, input.config);
    const id = randomUUID();
    const { config, secrets } = splitSecrets(plugin.manifest.configSchema, values);
    await this.dataSource.query(
      `INSERT INTO provider_configs (id, workspace_id, plugin_id, kind, channel, name, priority, enabled, config, sealed_secrets, secret_fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        workspaceId,
        input.pluginId,
        plugin.manifest.kind,
        plugin.manifest.channel ?? null,
        input.name,
        input.priority ?? 0,
        input.enabled ?? true,
        JSON.stringify(config),
        this.seal(workspaceId, id, secrets),
        Object.keys(secrets),
      ],
    );
    await this.enabled.changed(workspaceId);
    return this.get(workspaceId, id);
  }

  async update(workspaceId: string, id: string, changes: Partial<Omit<ProviderInput, 'pluginId'>>): Promise<ProviderDto> {
    const row = await this.row(workspaceId, id);
    const { plugin } = this.registry.get(row.plugin_id);
    let config = row.config;
    let sealed = row.sealed_secrets;
    let fields = row.secret_fields;
    if (changes.config) {
      const values = this.validated(plugin.manifest.configSchema, { ...this.values(row), ...changes.config });
      const split = splitSecrets(plugin.manifest.configSchema, values);
      config = split.config;
      sealed = this.seal(workspaceId, id, split.secrets);
      fields = Object.keys(split.secrets);
    }
    await this.dataSource.query(
      `UPDATE provider_configs SET name = $3, priority = $4, enabled = $5, config = $6, sealed_secrets = $7, secret_fields = $8, updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [
        workspaceId,
        id,
        changes.name ?? row.name,
        changes.priority ?? row.priority,
        changes.enabled ?? row.enabled,
        JSON.stringify(config),
        sealed,
        fields,
      ],
    );
    await this.enabled.changed(workspaceId);
    return this.get(workspaceId, id);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const [, count] = await this.dataSource.query('DELETE FROM provider_configs WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    if (count === 0) throw new NotFoundError(`Provider ${id} not found in this workspace`);
    await this.enabled.changed(workspaceId);
  }

  /** "Test connection": the plugin's checkConfig against the stored configuration. */
  async testConnection(workspaceId: string, id: string): Promise<{ ok: boolean; message: string }> {
    const provider = await this.resolve(workspaceId, id);
    const { plugin } = this.registry.get(provider.pluginId);
    if (!plugin.checkConfig) throw new UnprocessableError(`Plugin "${provider.pluginId}" has no connection test`);
    try {
      return await plugin.checkConfig(provider.context({ idempotencyKey: `check:${id}:${Date.now()}`, timeoutMs: 15_000 }));
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }

  async resolve(workspaceId: string, id: string): Promise<ResolvedProvider> {
    return this.toResolved(await this.row(workspaceId, id));
  }

  /** Enabled providers of a channel (or of a data-source/LLM plugin kind), in fallback order, whose plugin is installed. */
  async providersFor(workspaceId: string, channel: string): Promise<ResolvedProvider[]> {
    const enabled = await this.enabled.get(workspaceId, async () => {
      const rows: ProviderRow[] = await this.dataSource.query(
        'SELECT * FROM provider_configs WHERE workspace_id = $1 AND enabled ORDER BY priority, created_at',
        [workspaceId],
      );
      return rows.filter((row) => this.registry.find(row.plugin_id)).map((row) => ({ row, provider: this.toResolved(row) }));
    });
    return enabled
      .filter(({ row }) => row.channel === channel || (row.channel === null && row.plugin_id === channel))
      .map(({ provider }) => provider);
  }

  private toResolved(row: ProviderRow): ResolvedProvider {
    const loaded = this.registry.get(row.plugin_id);
    const values = this.values(row);
    const logger = this.pluginLogger(row);
    return {
      id: row.id,
      name: row.name,
      pluginId: row.plugin_id,
      channel: row.channel,
      context: (options) => createPluginContext(loaded.plugin.manifest, { workspaceId: row.workspace_id, values, logger, ...options }),
    };
  }

  private pluginLogger(row: ProviderRow): PluginLogger {
    const child = this.logger.child({ plugin: row.plugin_id, provider: row.id });
    return {
      debug: (message, fields) => child.debug(fields ?? {}, message),
      info: (message, fields) => child.info(fields ?? {}, message),
      warn: (message, fields) => child.warn(fields ?? {}, message),
      error: (message, fields) => child.error(fields ?? {}, message),
    };
  }

  private async row(workspaceId: string, id: string): Promise<ProviderRow> {
    const rows: ProviderRow[] = await this.dataSource.query('SELECT * FROM provider_configs WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      id,
    ]);
    if (rows.length === 0) throw new NotFoundError(`Provider ${id} not found in this workspace`);
    return rows[0];
  }

  private values(row: ProviderRow): Record<string, unknown> {
    const secrets = row.sealed_secrets
      ? (JSON.parse(this.box.open(row.sealed_secrets, `provider:${row.workspace_id}:${row.id}`)) as Record<string, unknown>)
      : {};
    return { ...row.config, ...secrets };
  }

  private seal(workspaceId: string, id: string, secrets: Record<string, unknown>): string | null {
    return Object.keys(secrets).length > 0 ? this.box.seal(JSON.stringify(secrets), `provider:${workspaceId}:${id}`) : null;
  }

  private validated(schema: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
    const result = validateConfigValues(schema, values);
    if (!result.ok) {
      throw new ValidationError(
        `Invalid provider configuration: ${result.errors.join('; ')}`,
        result.errors.map((message) => ({ field: `config${message.split(':')[0]}`, messages: [message] })),
      );
    }
    return result.value;
  }

  private toDto(row: ProviderRow): ProviderDto {
    const loaded = this.registry.find(row.plugin_id);
    const secret = new Set(loaded ? secretFields(loaded.plugin.manifest.configSchema) : row.secret_fields);
    return {
      id: row.id,
      pluginId: row.plugin_id,
      kind: row.kind,
      channel: row.channel,
      name: row.name,
      priority: row.priority,
      enabled: row.enabled,
      config: Object.fromEntries(Object.entries(row.config).filter(([key]) => !secret.has(key))),
      secretsSet: row.secret_fields,
      pluginInstalled: Boolean(loaded),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
