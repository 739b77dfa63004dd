import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../infra/http/errors.js';
import { type PreferenceChoice, profileChoicesSql } from '../preferences/preference-rules.js';

/** The profile variable of templates, conditions and node configs: what an author can read as `profile.*`. */
export interface RenderProfile {
  userId: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  traits: Record<string, unknown>;
  account: { groupId: string; traits: Record<string, unknown> } | null;
}

/** A profile as the rest of the core reads it: delivery, the engine, templates, the inbox. */
export interface ProfileView extends RenderProfile {
  id: string;
  contactPoints: Array<{ channel: string; value: string; metadata: Record<string, unknown> }>;
  /** The workspace's default zone, for profiles whose own timezone is unknown. */
  workspaceTimezone: string;
  /** The workspace's default locale, for profiles whose own locale is unknown (null: the templates' default content). */
  workspaceLocale: string | null;
  /** The profile's stored preference choices, when loaded with them (a send decides on them). */
  preferenceChoices?: PreferenceChoice[];
}

/**
 * The `profile` variable from any profile record (the API's profile, the read model): exactly the
 * fields a template, a condition or a node config can read, nothing more.
 */
export function renderProfile(profile: RenderProfile): RenderProfile {
  return {
    userId: profile.userId,
    email: profile.email,
    phone: profile.phone,
    timezone: profile.timezone,
    locale: profile.locale,
    traits: profile.traits,
    account: profile.account,
  };
}

/** The fields of a profile given inline (not stored). */
export interface SampleProfile {
  userId?: string | null;
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
  locale?: string | null;
  traits?: Record<string, unknown>;
  contactPoints?: Array<{ channel: string; value: string }>;
}

/** The `profile` variable of a profile given inline: its fields, no account. */
export function sampleRenderProfile(fields: SampleProfile): RenderProfile {
  return {
    userId: fields.userId ?? null,
    email: fields.email ?? null,
    phone: fields.phone ?? null,
    timezone: fields.timezone ?? null,
    locale: fields.locale ?? null,
    traits: { ...(fields.traits ?? {}) },
    account: null,
  };
}

interface ProfileViewRow {
  id: string;
  user_id: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  traits: Record<string, unknown>;
  default_timezone: string;
  default_locale: string | null;
  group_id: string | null;
  account_traits: Record<string, unknown> | null;
  contact_points: ProfileView['contactPoints'];
  preference_choices?: PreferenceChoice[];
}

/** Reads profiles for other modules; the profiles module's tables are read here, not in each caller. */
@Injectable()
export class ProfileViews {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The profile with its account and contact points; throws when it no longer exists (erased, merged away). */
  async load(workspaceId: string, profileId: string, options: { preferenceChoices?: boolean } = {}): Promise<ProfileView> {
    const rows: ProfileViewRow[] = await this.dataSource.query(
      `SELECT p.id, p.user_id, p.email, p.phone, p.timezone, p.locale, p.traits, w.default_timezone, w.default_locale, a.group_id, a.traits AS account_traits,
              COALESCE((SELECT json_agg(json_build_object('channel', c.channel, 'value', c.value, 'metadata', c.metadata) ORDER BY c.created_at)
                        FROM contact_points c WHERE c.profile_id = p.id), '[]') AS contact_points
              ${options.preferenceChoices ? `, ${profileChoicesSql('p.id')} AS preference_choices` : ''}
         FROM profiles p JOIN workspaces w ON w.id = p.workspace_id LEFT JOIN accounts a ON a.id = p.account_id
        WHERE p.workspace_id = $1 AND p.id = $2`,
      [workspaceId, profileId],
    );
    if (rows.length === 0) throw new Error(`profile ${profileId} no longer exists`);
    const r = rows[0];
    return {
      id: r.id,
      userId: r.user_id,
      email: r.email,
      phone: r.phone,
      timezone: r.timezone,
      locale: r.locale,
      traits: r.traits,
      account: r.group_id ? { groupId: r.group_id, traits: r.account_traits ?? {} } : null,
      contactPoints: r.contact_points,
      workspaceTimezone: r.default_timezone,
      workspaceLocale: r.default_locale,
      ...(r.preference_choices ? { preferenceChoices: r.preference_choices } : {}),
    };
  }

  /**
   * A profile that is not stored (a simulation's sample profile): the given fields, its e-mail and
   * phone as contact points, a fresh id, the workspace's default zone and locale.
   */
  async sample(workspaceId: string, fields: SampleProfile): Promise<ProfileView> {
    const rows: Array<{ default_timezone: string; default_locale: string | null }> = await this.dataSource.query(
      'SELECT default_timezone, default_locale FROM workspaces WHERE id = $1',
      [workspaceId],
    );
    const profile = sampleRenderProfile(fields);
    const { email, phone } = profile;
    return {
      ...profile,
      id: randomUUID(),
      contactPoints: [
        ...(email ? [{ channel: 'email', value: email, metadata: {} }] : []),
        ...(phone ? [{ channel: 'sms', value: phone, metadata: {} }] : []),
        ...(fields.contactPoints ?? []).map((c) => ({ channel: c.channel, value: c.value, metadata: {} })),
      ],
      workspaceTimezone: rows[0]?.default_timezone ?? 'UTC',
      workspaceLocale: rows[0]?.default_locale ?? null,
    };
  }

  /** The id of the profile with this userId, or undefined. */
  async idOfUser(workspaceId: string, userId: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await this.dataSource.query('SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2', [
      workspaceId,
      userId,
    ]);
    return rows[0]?.id;
  }

  /** The id of the profile with this userId; a NotFoundError (404) saying `hint` when there is none. */
  async requireIdOfUser(workspaceId: string, userId: string, hint = ''): Promise<string> {
    const id = await this.idOfUser(workspaceId, userId);
    if (!id) throw new NotFoundError(`No profile with userId "${userId}" in this workspace${hint ? `: ${hint}` : ''}`);
    return id;
  }
}
