import type { Template } from 'liquidjs';
import { UnprocessableError } from '../../infra/http/errors.js';
import { type LiquidEngines, problemOf } from './liquid-engine.js';
import { compileMjml, MjmlCompileError, textFromHtml, withPreheader } from './mjml-email.js';
import {
  CHANNEL_FIELDS,
  channelsOf,
  isObject,
  type JsonValue,
  localeCandidates,
  type TemplateChannel,
  type TemplateContent,
} from './template-content.js';
import { TemplateRenderError } from './template.errors.js';

export interface RenderedEmail {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}
export interface RenderedSms {
  body: string;
}
export interface RenderedPush {
  title: string;
  body: string;
  data: Record<string, string>;
  imageUrl: string | null;
}
export interface RenderedChat {
  text: string;
  markdown: boolean;
}
export interface RenderedInapp {
  title: string;
  body: string;
  actionUrl: string | null;
  data: Record<string, unknown>;
}
export interface RenderedWebhook {
  url: string;
  body: unknown;
}

/** What a channel sends: the block of the rendered channel, and which version and locale made it. */
export interface RenderedContent {
  templateKey: string;
  version: number | 'draft';
  channel: TemplateChannel;
  /** The locale variant used (the most specific one any field came from); null for the default content. */
  locale: string | null;
  email?: RenderedEmail;
  sms?: RenderedSms;
  push?: RenderedPush;
  chat?: RenderedChat;
  inapp?: RenderedInapp;
  webhook?: RenderedWebhook;
}

type CompiledValue =
  | { kind: 'liquid'; path: string; templates: Template[] }
  | { kind: 'literal'; value: JsonValue }
  | { kind: 'array'; items: CompiledValue[] }
  | { kind: 'object'; entries: Array<[string, CompiledValue]> };

interface Variant {
  /** The locale key as written in the content; null for the default content. */
  locale: string | null;
  prefix: string;
  blocks: Map<TemplateChannel, Map<string, CompiledValue>>;
}

interface Picked {
  variant: Variant;
  value: CompiledValue;
}

/**
 * A template content parsed once: every Liquid string of every channel block and locale variant,
 * ready to render many times. Built by TemplateRenderer and cached per (template, version).
 */
export class CompiledTemplate {
  private readonly byLocale: Map<string, Variant>;

  private constructor(
    readonly templateKey: string,
    readonly version: number | 'draft',
    private readonly engines: LiquidEngines,
    private readonly defaults: Variant,
    locales: Variant[],
  ) {
    this.byLocale = new Map(locales.map((v) => [v.locale!.toLowerCase(), v]));
  }

  /** Parses a stored content; a string that does not parse raises TemplateRenderError naming it. */
  static compile(engines: LiquidEngines, templateKey: string, version: number | 'draft', content: TemplateContent): CompiledTemplate {
    const compileBlocks = (source: Record<string, unknown>, locale: string | null, prefix: string): Variant => {
      const blocks = new Map<TemplateChannel, Map<string, CompiledValue>>();
      for (const channel of channelsOf(source as TemplateContent)) {
        const block = source[channel] as Record<string, unknown>;
        const fields = new Map<string, CompiledValue>();
        for (const [field, spec] of Object.entries(CHANNEL_FIELDS[channel])) {
          if (block[field] === undefined) continue;
          const path = `${prefix}${channel}.${field}`;
          fields.set(
            field,
            compileValue(engines, templateKey, path, block[field] as JsonValue, spec.kind === 'mjml', spec.kind === 'boolean'),
          );
        }
        blocks.set(channel, fields);
      }
      return { locale, prefix, blocks };
    };
    const defaults = compileBlocks(content as Record<string, unknown>, null, 'content.');
    const locales = Object.entries(isObject(content.locales) ? content.locales : {}).map(([locale, blocks]) =>
      compileBlocks(blocks as Record<string, unknown>, locale, `content.locales.${locale}.`),
    );
    return new CompiledTemplate(templateKey, version, engines, defaults, locales);
  }

  channels(): TemplateChannel[] {
    return [...this.defaults.blocks.keys()];
  }

  /**
   * Renders one channel. Each field comes from the most specific locale variant that has it
   * (exact locale, then its language, e.g. `fr-CA` then `fr`), else from the default content.
   */
  async render(channel: TemplateChannel, variables: Record<string, unknown>, locale: string | null): Promise<RenderedContent> {
    if (!this.defaults.blocks.has(channel)) {
      const where = this.version === 'draft' ? 'draft' : `version ${this.version}`;
      throw new UnprocessableError(
        `Template "${this.templateKey}" (${where}) has no ${channel} content; it has: ${this.channels().join(', ') || 'no channel'}`,
      );
    }
    const variants = [
      ...localeCandidates(locale)
        .map((candidate) => this.byLocale.get(candidate))
        .filter((v): v is Variant => v !== undefined),
      this.defaults,
    ];
    const used = new Set<Variant>();
    const pick = (field: string): Picked | undefined => {
      for (const variant of variants) {
        const value = variant.blocks.get(channel)?.get(field);
        if (value) {
          used.add(variant);
          return { variant, value };
        }
      }
      return undefined;
    };
    const text = async (field: string): Promise<string | undefined> => {
      const picked = pick(field);
      return picked ? String(await this.renderValue(picked.value, variables)) : undefined;
    };
    const json = async (field: string): Promise<unknown> => {
      const picked = pick(field);
      return picked ? this.renderValue(picked.value, variables) : undefined;
    };

    const rendered: RenderedContent = { templateKey: this.templateKey, version: this.version, channel, locale: null };
    switch (channel) {
      case 'email':
        rendered.email = await this.renderEmail(pick, text, variables);
        break;
      case 'sms':
        rendered.sms = { body: (await text('body')) ?? '' };
        break;
      case 'push':
        rendered.push = {
          title: (await text('title')) ?? '',
          body: (await text('body')) ?? '',
          data: Object.fromEntries(
            Object.entries(((await json('data')) as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)]),
          ),
          imageUrl: emptyToNull(await text('imageUrl')),
        };
        break;
      case 'chat':
        rendered.chat = { text: (await text('text')) ?? '', markdown: ((await json('markdown')) as boolean | undefined) ?? true };
        break;
      case 'inapp':
        rendered.inapp = {
          title: (await text('title')) ?? '',
          body: (await text('body')) ?? '',
          actionUrl: emptyToNull(await text('actionUrl')),
          data: ((await json('data')) as Record<string, unknown> | undefined) ?? {},
        };
        break;
      case 'webhook':
        rendered.webhook = { url: (await text('url')) ?? '', body: await json('body') };
        break;
    }
    rendered.locale = variants.find((v) => used.has(v))?.locale ?? null;
    return rendered;
  }

  private async renderEmail(
    pick: (field: string) => Picked | undefined,
    text: (field: string) => Promise<string | undefined>,
    variables: Record<string, unknown>,
  ): Promise<RenderedEmail> {
    const subject = ((await text('subject')) ?? '').replace(/\s+/g, ' ').trim();
    const preheader = ((await text('preheader')) ?? '').replace(/\s+/g, ' ').trim();
    const mjmlField = pick('mjml')!;
    const mjml = String(await this.renderValue(mjmlField.value, variables));
    let html: string;
    try {
      html = await compileMjml(preheader ? withPreheader(mjml, escapeHtml(preheader)) : mjml);
    } catch (error) {
      if (!(error instanceof MjmlCompileError)) throw error;
      const [problem] = error.problems;
      const path = `${mjmlField.variant.prefix}email.mjml`;
      throw new TemplateRenderError(this.templateKey, path, { ...problem, message: `the rendered MJML is not valid: ${problem.message}` });
    }
    const ownText = await text('text');
    return { subject, preheader, html, text: ownText?.trim() ? ownText : textFromHtml(html) };
  }

  private async renderValue(value: CompiledValue, variables: Record<string, unknown>): Promise<unknown> {
    switch (value.kind) {
      case 'literal':
        return value.value;
      case 'array':
        return Promise.all(value.items.map((item) => this.renderValue(item, variables)));
      case 'object': {
        const entries: Array<[string, unknown]> = [];
        for (const [key, item] of value.entries) entries.push([key, await this.renderValue(item, variables)]);
        // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
        return Object.fromEntries(entries);
      }
      case 'liquid':
        try {
          return String(await this.engines.plain.render(value.templates, variables));
        } catch (error) {
          throw new TemplateRenderError(this.templateKey, value.path, problemOf(error));
        }
    }
  }
}

function compileValue(
  engines: LiquidEngines,
  templateKey: string,
  path: string,
  value: JsonValue,
  html: boolean,
  literal: boolean,
): CompiledValue {
  if (literal) return { kind: 'literal', value };
  if (typeof value === 'string') {
    try {
      return { kind: 'liquid', path, templates: engines.parse(value, html) };
    } catch (error) {
      throw new TemplateRenderError(templateKey, path, problemOf(error));
    }
  }
  if (Array.isArray(value))
    return { kind: 'array', items: value.map((item, i) => compileValue(engines, templateKey, `${path}.${i}`, item, false, false)) };
  if (isObject(value)) {
    return {
      kind: 'object',
      entries: Object.entries(value).map(([key, item]) => [
        key,
        compileValue(engines, templateKey, `${path}.${key}`, item as JsonValue, false, false),
      ]),
    };
  }
  return { kind: 'literal', value };
}

function emptyToNull(value: string | undefined): string | null {
  return value?.trim() ? value.trim() : null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
