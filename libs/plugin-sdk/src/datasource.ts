import type { PluginContext } from './context.js';
import type { JsonSchema } from './json-schema.js';
import type { DataSourceManifest } from './manifest.js';
import type { CheckConfigResult } from './channel.js';

/** A request a fetch node makes, already rendered by the core (Liquid applied). */
export interface FetchRequest {
  /** Default GET. */
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Budget for the whole fetch, retries included; capped by `ctx.deadline`. */
  timeoutMs?: number;
}

export interface FetchResult {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text. */
  body: unknown;
  durationMs: number;
  /** The final URL, after redirects. */
  url?: string;
}

export interface DataSourcePlugin<C = Record<string, unknown>, S = Record<string, unknown>> {
  readonly manifest: DataSourceManifest;
  fetch(ctx: PluginContext<C, S>, request: FetchRequest): Promise<FetchResult>;
  checkConfig?(ctx: PluginContext<C, S>): Promise<CheckConfigResult>;
}

/** JSON Schema of a FetchRequest: data-source plugins use it (or a variant) as their `nodeParameters`. */
export const FETCH_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['url'],
  properties: {
    method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], default: 'GET', title: 'Method' },
    url: { type: 'string', minLength: 1, title: 'URL' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, title: 'Headers' },
    body: { title: 'Body' },
    timeoutMs: { type: 'integer', minimum: 1, maximum: 300_000, title: 'Timeout (ms)' },
  },
  additionalProperties: false,
};
