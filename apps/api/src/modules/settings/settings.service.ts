import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type SharedCache, SharedCaches } from '../../infra/cache/shared-cache.js';
import { NotFoundError, ValidationError } from '../../infra/http/errors.js';
import {
  crossFieldErrors,
  DEFAULT_DELIVERY_SETTINGS,
  type DeliverySettings,
  type DeliverySettingsInput,
  fromStored,
  normalise,
} from './delivery-settings.js';
import { nextAllowedSendTime, type QuietHours, zoneFor } from './quiet-hours.js';

export interface DeliverySettingsPatch {
  quietHours?: Partial<Omit<QuietHours, 'days' | 'defaultTimezone'>> & {
    days?: QuietHours['days'] | null;
    defaultTimezone?: string | null;
  };
  frequencyCaps?: DeliverySettingsInput['frequencyCaps'];
  cooldownSeconds?: number | null;
}

/**
 * A workspace's delivery settings (quiet hours, global frequency caps, cooldown): one JSON
 * document per workspace in `workspace_settings`, created with the defaults on first use.
 * The send pipeline reads them through `get` (cached in every process, forgotten everywhere when
 * they change: see SharedCaches) and computes times with `nextAllowedSendTime`.
 */
@Injectable()
export class SettingsService {
  private readonly cache: SharedCache<DeliverySettings>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SharedCaches) caches: SharedCaches,
  ) {
    this.cache = caches.cache<DeliverySettings>('delivery-settings');
  }

  get(workspaceId: string): Promise<DeliverySettings> {
    return this.cache.get(workspaceId, () => this.load(workspaceId));
  }

  private async load(workspaceId: string): Promise<DeliverySettings> {
    const rows: Array<{ delivery: Partial<DeliverySettings> }> = await this.dataSource.query(
      'SELECT delivery FROM workspace_settings WHERE workspace_id = $1',
      [workspaceId],
    );
    if (rows.length > 0) return fromStored(rows[0].delivery);
    return this.dataSource.transaction((m) => this.read(m, workspaceId));
  }

  async replace(workspaceId: string, input: DeliverySettingsInput): Promise<DeliverySettings> {
    const settings = checked(input);
    await this.dataSource.transaction(async (m) => {
      await this.read(m, workspaceId);
      await this.write(m, workspaceId, settings);
    });
    await this.cache.changed(workspaceId);
    return settings;
  }

  /** Top-level fields given replace the stored ones, except quietHours, whose fields are merged. */
  async update(workspaceId: string, patch: DeliverySettingsPatch): Promise<DeliverySettings> {
    const updated = await this.dataSource.transaction(async (m) => {
      const current = await this.read(m, workspaceId);
      const quietHours = { ...current.quietHours };
      for (const [key, value] of Object.entries(patch.quietHours ?? {})) {
        if (value === null) delete quietHours[key as keyof QuietHours];
        else if (value !== undefined) (quietHours as Record<string, unknown>)[key] = value;
      }
      const merged: DeliverySettingsInput = {
        quietHours,
        frequencyCaps: patch.frequencyCaps ?? current.frequencyCaps,
        cooldownSeconds: patch.cooldownSeconds === null ? undefined : (patch.cooldownSeconds ?? current.cooldownSeconds),
      };
      const settings = checked(merged);
      await this.write(m, workspaceId, settings);
      return settings;
    });
    await this.cache.changed(workspaceId);
    return updated;
  }

  /** The workspace's default time zone (used when neither the profile nor the quiet hours name one). */
  async workspaceTimezone(workspaceId: string): Promise<string> {
    const rows: Array<{ default_timezone: string }> = await this.dataSource.query('SELECT default_timezone FROM workspaces WHERE id = $1', [
      workspaceId,
    ]);
    if (rows.length === 0) throw new NotFoundError(`Workspace ${workspaceId} not found`);
    return rows[0].default_timezone;
  }

  /** See `nextAllowedSendTime` in quiet-hours.ts. */
  nextAllowedSendTime(quietHours: QuietHours, zone: string, now: Date): Date | null {
    return nextAllowedSendTime(quietHours, zone, now);
  }

  /** See `zoneFor` in quiet-hours.ts. */
  zoneFor(profileTimezone: string | null, settings: DeliverySettings, workspaceDefault: string): string {
    return zoneFor(profileTimezone, settings, workspaceDefault);
  }

  /** Reads (and locks) the workspace's row, creating it with the defaults when missing. */
  private async read(m: EntityManager, workspaceId: string): Promise<DeliverySettings> {
    await m.query(
      `INSERT INTO workspace_settings (workspace_id, delivery) SELECT id, $2::jsonb FROM workspaces WHERE id = $1
       ON CONFLICT (workspace_id) DO NOTHING`,
      [workspaceId, JSON.stringify(DEFAULT_DELIVERY_SETTINGS)],
    );
    const rows: Array<{ delivery: Partial<DeliverySettings> }> = await m.query(
      'SELECT delivery FROM workspace_settings WHERE workspace_id = $1 FOR UPDATE',
      [workspaceId],
    );
    if (rows.length === 0) throw new NotFoundError(`Workspace ${workspaceId} not found`);
    return fromStored(rows[0].delivery);
  }

  private async write(m: EntityManager, workspaceId: string, settings: DeliverySettings): Promise<void> {
    await m.query('UPDATE workspace_settings SET delivery = $2::jsonb, updated_at = now() WHERE workspace_id = $1', [
      workspaceId,
      JSON.stringify(settings),
    ]);
  }
}

function checked(input: DeliverySettingsInput): DeliverySettings {
  const errors = crossFieldErrors(input);
  if (errors.length > 0) {
    throw new ValidationError(`Invalid settings: ${errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')}`, errors);
  }
  return normalise(input);
}
