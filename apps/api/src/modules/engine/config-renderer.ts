import { Injectable } from '@nestjs/common';
import { LiquidEngines } from '../templates/liquid-engine.js';

/**
 * Strings in node configs are Liquid templates over the run context `{ profile, event, data,
 * run }`. Parsed templates are kept per string (bounded), rendered with the same safe engine as
 * message templates (no file system, own properties only, time and memory limits).
 */
@Injectable()
export class ConfigRenderer {
  private readonly engines = new LiquidEngines();
  private readonly parsed = new Map<string, ReturnType<LiquidEngines['parse']>>();

  async string(source: string, context: Record<string, unknown>): Promise<string> {
    if (!source.includes('{{') && !source.includes('{%')) return source;
    let templates = this.parsed.get(source);
    if (!templates) {
      templates = this.engines.parse(source);
      if (this.parsed.size > 2000) this.parsed.clear();
      this.parsed.set(source, templates);
    }
    return String(await this.engines.plain.render(templates, context));
  }

  /** Renders every string inside a JSON value. */
  async value(value: unknown, context: Record<string, unknown>): Promise<unknown> {
    if (typeof value === 'string') return this.string(value, context);
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.value(v, context)));
    if (value && typeof value === 'object') {
      const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await this.value(v, context)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  }
}
