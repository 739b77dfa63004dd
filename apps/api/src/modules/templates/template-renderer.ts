import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../infra/http/errors.js';
import { CompiledTemplate, type RenderedContent } from './compiled-template.js';
import { LiquidEngines } from './liquid-engine.js';
import { LruCache } from '../../infra/cache/lru-cache.js';
import { type SharedCache, SharedCaches } from '../../infra/cache/shared-cache.js';
import { isTemplateKey, type TemplateChannel, type TemplateContent } from './template-content.js';

export type TemplateVersionRef = 'published' | 'draft' | number;

/** The variables a template renders with. */
export interface RenderContext {
  /** `{ userId, email, phone, timezone, locale, traits, account }` (see `renderProfile` in profiles/profile-view.ts). */
  profile: Record<string, unknown>;
  event?: Record<string, unknown>;
  data?: Record<string, unknown>;
  run?: Record<string, unknown>;
}

export interface RenderOptions {
  /** Default `published`. */
  version?: TemplateVersionRef;
  /** The locale variant to prefer; undefined → the profile's locale; null → the default content. */
  locale?: string | null;
  /** More top-level variables, e.g. `unsubscribeUrl` and `preferencesUrl`; they never replace profile, event, data or run. */
  extra?: Record<string, unknown>;
}

/** How many compiled template versions stay in memory, and how much stored content (bytes of JSON) they may add up to. */
export const COMPILED_TEMPLATE_CACHE = { maxEntries: 500, maxContentBytes: 32 * 1024 * 1024 };

interface TemplateHead {
  id: string;
  key: string;
  published_version: number | null;
  draft_revision: number;
}

/**
 * Renders templates for sends and previews. A version is parsed once and kept, compiled, in a
 * bounded in-memory cache keyed by (template id, version) — drafts by their revision. Heads (which
 * version is published, the draft's revision) are cached until the template changes (`headChanged`,
 * see SharedCaches), so a hot send costs the render alone.
 */
@Injectable()
export class TemplateRenderer {
  private readonly engines = new LiquidEngines();
  private readonly cache = new LruCache<string, Promise<CompiledTemplate>>(
    COMPILED_TEMPLATE_CACHE.maxEntries,
    COMPILED_TEMPLATE_CACHE.maxContentBytes,
  );

  private readonly heads: SharedCache<TemplateHead>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SharedCaches) caches: SharedCaches,
  ) {
    this.heads = caches.cache('template-heads');
  }

  /** After a template's draft, published version or existence changed (committed). */
  headChanged(workspaceId: string, templateKey: string): Promise<void> {
    return this.heads.changed(`${workspaceId}:${templateKey}`);
  }

  /**
   * Renders one channel of a template. Unknown template or version → NotFoundError; a channel
   * the version has no block for → UnprocessableError; a failure while rendering (a filter
   * throwing, a limit reached, MJML made invalid by a value) → TemplateRenderError naming the field.
   */
  async render(
    workspaceId: string,
    templateKey: string,
    channel: TemplateChannel,
    context: RenderContext,
    options: RenderOptions = {},
  ): Promise<RenderedContent> {
    const compiled = await this.compiled(workspaceId, templateKey, options.version ?? 'published');
    return compiled.render(channel, variablesOf(context, options), localeOf(context, options));
  }

  /** The channels a version of a template has content for (default: the published version). */
  async channels(workspaceId: string, templateKey: string, version: TemplateVersionRef = 'published'): Promise<TemplateChannel[]> {
    return (await this.compiled(workspaceId, templateKey, version)).channels();
  }

  async exists(workspaceId: string, key: string): Promise<boolean> {
    if (!isTemplateKey(key)) return false;
    const rows = await this.dataSource.query('SELECT 1 FROM templates WHERE workspace_id = $1 AND key = $2', [workspaceId, key]);
    return rows.length > 0;
  }

  /** Renders a content that is not stored (the template editor's unsaved draft); nothing is cached. */
  async renderContent(
    templateKey: string,
    content: TemplateContent,
    channel: TemplateChannel,
    context: RenderContext,
    options: Omit<RenderOptions, 'version'> = {},
  ): Promise<RenderedContent> {
    const compiled = CompiledTemplate.compile(this.engines, templateKey, 'draft', content);
    return compiled.render(channel, variablesOf(context, options), localeOf(context, options));
  }

  private async compiled(workspaceId: string, templateKey: string, version: TemplateVersionRef): Promise<CompiledTemplate> {
    if (!isTemplateKey(templateKey)) throw new NotFoundError(`No template with key "${templateKey.slice(0, 100)}" in this workspace`);
    if (typeof version === 'number' && !(Number.isInteger(version) && version >= 1 && version <= 2_147_483_647)) {
      throw new NotFoundError(`Template "${templateKey}" has no version ${version}`);
    }
    const head = await this.heads.get(`${workspaceId}:${templateKey}`, async () => {
      const heads: TemplateHead[] = await this.dataSource.query(
        'SELECT id, key, published_version, draft_revision FROM templates WHERE workspace_id = $1 AND key = $2',
        [workspaceId, templateKey],
      );
      // A missing template throws, so it is not cached: one created a moment later is found.
      if (!heads[0]) throw new NotFoundError(`No template with key "${templateKey}" in this workspace`);
      return heads[0];
    });
    if (version === 'draft') return this.cached(`${head.id}:draft:${head.draft_revision}`, () => this.loadDraft(head));
    const number = version === 'published' ? head.published_version : version;
    if (number === null) throw new NotFoundError(`Template "${templateKey}" has no published version yet; publish it first`);
    return this.cached(`${head.id}:${number}`, () => this.loadVersion(head, number));
  }

  private cached(key: string, load: () => Promise<{ compiled: CompiledTemplate; bytes: number }>): Promise<CompiledTemplate> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const loading = load();
    const pending = loading.then((loaded) => loaded.compiled);
    this.cache.set(key, pending);
    loading.then(
      (loaded) => this.cache.reweigh(key, loaded.bytes),
      () => this.cache.delete(key),
    );
    return pending;
  }

  private async loadDraft(head: TemplateHead): Promise<{ compiled: CompiledTemplate; bytes: number }> {
    const rows = await this.dataSource.query('SELECT draft, octet_length(draft::text) AS bytes FROM templates WHERE id = $1', [head.id]);
    if (rows.length === 0) throw new NotFoundError(`No template with key "${head.key}" in this workspace`);
    return { compiled: CompiledTemplate.compile(this.engines, head.key, 'draft', rows[0].draft as TemplateContent), bytes: rows[0].bytes };
  }

  private async loadVersion(head: TemplateHead, version: number): Promise<{ compiled: CompiledTemplate; bytes: number }> {
    const rows = await this.dataSource.query(
      'SELECT content, octet_length(content::text) AS bytes FROM template_versions WHERE template_id = $1 AND version = $2',
      [head.id, version],
    );
    if (rows.length === 0) throw new NotFoundError(`Template "${head.key}" has no version ${version}`);
    return {
      compiled: CompiledTemplate.compile(this.engines, head.key, version, rows[0].content as TemplateContent),
      bytes: rows[0].bytes,
    };
  }
}

/** The extra variables first: profile, event, data and run always win. */
function variablesOf(context: RenderContext, options: RenderOptions): Record<string, unknown> {
  return {
    ...(options.extra ?? {}),
    profile: context.profile ?? {},
    event: context.event ?? {},
    data: context.data ?? {},
    run: context.run ?? {},
  };
}

function localeOf(context: RenderContext, options: RenderOptions): string | null {
  if (options.locale !== undefined) return options.locale;
  const locale = context.profile?.locale;
  return typeof locale === 'string' && locale !== '' ? locale : null;
}
