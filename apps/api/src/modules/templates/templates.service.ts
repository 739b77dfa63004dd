import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../../infra/http/errors.js';
import type { Principal } from '../auth/principal.js';
import { ProfilesService } from '../profiles/profiles.service.js';
import type { RenderedContent } from './compiled-template.js';
import type {
  CreateTemplateDto,
  PreviewTemplateDto,
  TemplateDto,
  TemplateSummaryDto,
  TemplateVersionDto,
  TemplateVersionSummaryDto,
  UpdateTemplateDto,
} from './dto/template.dto.js';
import { LiquidEngines } from './liquid-engine.js';
import { channelsOf, isTemplateKey, TEMPLATE_CHANNELS, type TemplateContent } from './template-content.js';
import { renderProfile, sampleRenderProfile } from '../profiles/profile-view.js';
import { TemplateRenderer } from './template-renderer.js';
import type { TemplateFieldError } from './template.errors.js';
import { validateTemplateContent } from './template-validator.js';

const SUMMARY_COLUMNS = `t.id, t.key, t.name, t.description, t.draft_updated_at, t.published_version, t.created_at, t.updated_at,
  ARRAY(SELECT jsonb_object_keys(t.draft)) AS draft_keys,
  (t.published_version IS NULL OR v.content IS DISTINCT FROM t.draft) AS has_unpublished_changes`;
const TEMPLATE_COLUMNS = `${SUMMARY_COLUMNS}, t.draft,
  v.version AS v_version, v.note AS v_note, v.published_at AS v_published_at, v.published_by AS v_published_by, v.content AS v_content`;
const TEMPLATE_FROM = 'templates t LEFT JOIN template_versions v ON v.template_id = t.id AND v.version = t.published_version';

/** Templates through the management API: drafts, immutable published versions, previews. Every query is scoped to the workspace. */
@Injectable()
export class TemplatesService {
  private readonly engines = new LiquidEngines();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TemplateRenderer) private readonly renderer: TemplateRenderer,
    @Inject(ProfilesService) private readonly profiles: ProfilesService,
  ) {}

  async list(workspaceId: string): Promise<TemplateSummaryDto[]> {
    const rows = await this.dataSource.query(`SELECT ${SUMMARY_COLUMNS} FROM ${TEMPLATE_FROM} WHERE t.workspace_id = $1 ORDER BY t.key`, [
      workspaceId,
    ]);
    return rows.map(toSummary);
  }

  async get(workspaceId: string, key: string): Promise<TemplateDto> {
    return toTemplate(await this.row(workspaceId, key));
  }

  async create(workspaceId: string, input: CreateTemplateDto): Promise<TemplateDto> {
    checkText(input);
    await this.checkContent(input.content);
    const rows = await this.dataSource.query(
      `INSERT INTO templates (workspace_id, key, name, description, draft) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, key) DO NOTHING RETURNING id`,
      [workspaceId, input.key, input.name, input.description ?? null, JSON.stringify(input.content)],
    );
    if (rows.length === 0)
      throw new ConflictError(`A template with key "${input.key}" already exists in this workspace`, [
        { field: 'key', messages: ['is already used by another template'] },
      ]);
    return this.get(workspaceId, input.key);
  }

  /** Name and description change at once; a new content replaces the draft (published versions never change). */
  async update(workspaceId: string, key: string, input: UpdateTemplateDto): Promise<TemplateDto> {
    checkKey(key);
    checkText(input);
    if (input.content !== undefined) await this.checkContent(input.content);
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [workspaceId, key];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (input.name !== undefined) set('name', input.name);
    if (input.description !== undefined) set('description', input.description === '' ? null : input.description);
    if (input.content !== undefined) {
      set('draft', JSON.stringify(input.content));
      sets.push('draft_revision = draft_revision + 1', 'draft_updated_at = now()');
    }
    const [rows] = await this.dataSource.query(
      `UPDATE templates SET ${sets.join(', ')} WHERE workspace_id = $1 AND key = $2 RETURNING id`,
      params,
    );
    if (rows.length === 0) throw notFound(key);
    await this.renderer.headChanged(workspaceId, key);
    return this.get(workspaceId, key);
  }

  /** Deletes the template with its draft and every published version. */
  async remove(workspaceId: string, key: string): Promise<void> {
    checkKey(key);
    const [rows] = await this.dataSource.query('DELETE FROM templates WHERE workspace_id = $1 AND key = $2 RETURNING id', [
      workspaceId,
      key,
    ]);
    if (rows.length === 0) throw notFound(key);
    await this.renderer.headChanged(workspaceId, key);
  }

  /**
   * Publishes the draft as the next immutable version. A draft equal to the published version
   * publishes nothing: the current version is returned with `created: false`.
   */
  async publish(
    workspaceId: string,
    key: string,
    note: string | undefined,
    by: Principal,
  ): Promise<{ created: boolean; version: TemplateVersionDto }> {
    checkKey(key);
    if (note?.includes('\u0000'))
      throw new ValidationError('note must not contain NUL characters', [{ field: 'note', messages: ['must not contain NUL characters'] }]);
    const result = await this.dataSource.transaction(async (m) => {
      const [head] = await m.query('SELECT id, draft, published_version FROM templates WHERE workspace_id = $1 AND key = $2 FOR UPDATE', [
        workspaceId,
        key,
      ]);
      if (!head) throw notFound(key);
      const draft = head.draft as TemplateContent;
      if (channelsOf(draft).length === 0) {
        throw new ConflictError(
          `Template "${key}" has no channel content to publish; add at least one channel block (email, sms, push, chat, inapp or webhook) to the draft`,
        );
      }
      if (head.published_version !== null) {
        const [same] = await m.query(
          'SELECT version FROM template_versions WHERE template_id = $1 AND version = $2 AND content = $3::jsonb',
          [head.id, head.published_version, JSON.stringify(draft)],
        );
        if (same) return { created: false, templateId: head.id as string, version: head.published_version as number };
      }
      await this.checkContent(draft);
      const [{ next }] = await m.query('SELECT COALESCE(max(version), 0) + 1 AS next FROM template_versions WHERE template_id = $1', [
        head.id,
      ]);
      await m.query(
        `INSERT INTO template_versions (template_id, workspace_id, version, content, note, published_by) VALUES ($1, $2, $3, $4, $5, $6)`,
        [head.id, workspaceId, next, JSON.stringify(draft), note ?? null, publisherOf(by)],
      );
      await m.query('UPDATE templates SET published_version = $2, updated_at = now() WHERE id = $1', [head.id, next]);
      return { created: true, templateId: head.id as string, version: next as number };
    });
    if (result.created) await this.renderer.headChanged(workspaceId, key);
    return { created: result.created, version: await this.version(workspaceId, key, result.version) };
  }

  async versions(workspaceId: string, key: string): Promise<TemplateVersionSummaryDto[]> {
    checkKey(key);
    const rows = await this.dataSource.query(
      `SELECT t.id AS template_id, v.version, v.note, v.published_at, v.published_by, v.content
         FROM templates t LEFT JOIN template_versions v ON v.template_id = t.id
        WHERE t.workspace_id = $1 AND t.key = $2 ORDER BY v.version DESC`,
      [workspaceId, key],
    );
    if (rows.length === 0) throw notFound(key);
    return rows.filter((r: { version: number | null }) => r.version !== null).map(toVersionSummary);
  }

  async version(workspaceId: string, key: string, version: number): Promise<TemplateVersionDto> {
    checkKey(key);
    const rows = await this.dataSource.query(
      `SELECT t.key, v.version, v.note, v.published_at, v.published_by, v.content
         FROM templates t LEFT JOIN template_versions v ON v.template_id = t.id AND v.version = $3
        WHERE t.workspace_id = $1 AND t.key = $2`,
      [workspaceId, key, version],
    );
    if (rows.length === 0) throw notFound(key);
    if (rows[0].version === null) throw new NotFoundError(`Template "${key}" has no version ${version}`);
    return { ...toVersionSummary(rows[0]), key: rows[0].key, content: rows[0].content };
  }

  /**
   * Renders one channel as a send would: with the profile of `userId` (or an empty one), sample
   * `data`/`event`/`run`, and placeholders for the unsubscribe and preference links. Renders the
   * draft unless a version is asked for, or `content` when given (checked as when saved).
   */
  async preview(workspaceId: string, key: string, input: PreviewTemplateDto): Promise<RenderedContent> {
    checkKey(key);
    if (input.userId?.includes('\u0000'))
      throw new ValidationError('userId must not contain NUL characters', [
        { field: 'userId', messages: ['must not contain NUL characters'] },
      ]);
    if (input.userId !== undefined && input.profile !== undefined)
      throw new ValidationError('Give either userId (a profile of the workspace) or profile (a made-up one), not both', [
        { field: 'profile', messages: ['must not be given with userId'] },
      ]);
    const exists = await this.renderer.exists(workspaceId, key);
    if (!exists) throw notFound(key);
    const profile = input.userId
      ? renderProfile(await this.profiles.get(workspaceId, input.userId))
      : sampleRenderProfile(input.profile ?? {});
    const context = { profile: profile as unknown as Record<string, unknown>, event: input.event, data: input.data, run: input.run };
    const extra = { unsubscribeUrl: '#unsubscribe', preferencesUrl: '#preferences', ...(input.extra ?? {}) };
    const locale = input.locale;
    if (input.content !== undefined) {
      await this.checkContent(input.content);
      return this.renderer.renderContent(key, input.content, input.channel, context, { locale, extra });
    }
    return this.renderer.render(workspaceId, key, input.channel, context, { version: input.version ?? 'draft', locale, extra });
  }

  private async checkContent(content: unknown): Promise<void> {
    const errors: TemplateFieldError[] = await validateTemplateContent(this.engines, content);
    if (errors.length === 0) return;
    const summary = errors.map((e) => `${e.field}: ${e.messages.join('; ')}`).join(' | ');
    throw new ValidationError(`Invalid template content: ${summary}`, errors);
  }

  private async row(workspaceId: string, key: string): Promise<Record<string, unknown>> {
    checkKey(key);
    const rows = await this.dataSource.query(`SELECT ${TEMPLATE_COLUMNS} FROM ${TEMPLATE_FROM} WHERE t.workspace_id = $1 AND t.key = $2`, [
      workspaceId,
      key,
    ]);
    if (rows.length === 0) throw notFound(key);
    return rows[0];
  }
}

function notFound(key: string): NotFoundError {
  return new NotFoundError(`No template with key "${key}" in this workspace`);
}

/** A key in a path that no template can have is simply not found (and never reaches PostgreSQL). */
function checkKey(key: string): void {
  if (!isTemplateKey(key)) throw notFound(key.slice(0, 100));
}

function checkText(input: { name?: string; description?: string | null }): void {
  for (const field of ['name', 'description'] as const) {
    if (input[field]?.includes('\u0000'))
      throw new ValidationError(`${field} must not contain NUL characters`, [{ field, messages: ['must not contain NUL characters'] }]);
  }
}

function publisherOf(principal: Principal): string | null {
  if (principal.userId) return `user:${principal.userId}`;
  if (principal.apiKeyId) return `api_key:${principal.apiKeyId}`;
  return null;
}

function toSummary(row: Record<string, unknown>): TemplateSummaryDto {
  return {
    id: row.id as string,
    key: row.key as string,
    name: row.name as string,
    description: row.description as string | null,
    channels: TEMPLATE_CHANNELS.filter((channel) => (row.draft_keys as string[]).includes(channel)),
    publishedVersion: row.published_version as number | null,
    hasUnpublishedChanges: row.has_unpublished_changes as boolean,
    draftUpdatedAt: row.draft_updated_at as Date,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

function toTemplate(row: Record<string, unknown>): TemplateDto {
  return {
    ...toSummary(row),
    content: row.draft as TemplateContent,
    published:
      row.v_version === null
        ? null
        : toVersionSummary({
            version: row.v_version,
            note: row.v_note,
            published_at: row.v_published_at,
            published_by: row.v_published_by,
            content: row.v_content,
          }),
  };
}

function toVersionSummary(row: Record<string, unknown>): TemplateVersionSummaryDto {
  return {
    version: row.version as number,
    note: row.note as string | null,
    publishedAt: row.published_at as Date,
    publishedBy: row.published_by as string | null,
    channels: channelsOf(row.content as TemplateContent),
  };
}
