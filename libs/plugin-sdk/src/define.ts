import type { ChannelMessage, ChannelPlugin, DeliveryEvent } from './channel.js';
import { throwIfAborted, type PluginContext } from './context.js';
import type { DataSourcePlugin } from './datasource.js';
import { isPluginError, PermanentError, RetryableError, toPluginError } from './errors.js';
import { checkLlmRequest, type LlmPlugin, validateLlmOutput } from './llm.js';
import {
  type ChannelManifest,
  type DataSourceManifest,
  type LlmManifest,
  PLUGIN_KINDS,
  type PluginKind,
  validateManifest,
} from './manifest.js';

export type ItineraPlugin = ChannelPlugin<any, any, any> | DataSourcePlugin<any, any> | LlmPlugin<any, any>;

/** The method every plugin of a kind must have. */
export const REQUIRED_METHOD: Record<PluginKind, 'send' | 'fetch' | 'complete'> = {
  channel: 'send',
  datasource: 'fetch',
  llm: 'complete',
};

const DEFINED = Symbol.for('itinera.plugin');

/** Distributes Omit over a manifest, keeping the literal `kind` required by the helper. */
type ManifestInput<M> = Omit<M, 'kind'> & { kind?: M extends { kind: infer K } ? K : never };

export type ChannelPluginDefinition<M, C, S> = Omit<ChannelPlugin<M, C, S>, 'manifest'> & {
  manifest: ManifestInput<ChannelManifest>;
};
export type DataSourcePluginDefinition<C, S> = Omit<DataSourcePlugin<C, S>, 'manifest'> & {
  manifest: ManifestInput<DataSourceManifest>;
};
export type LlmPluginDefinition<C, S> = Omit<LlmPlugin<C, S>, 'manifest'> & { manifest: ManifestInput<LlmManifest> };

function checkedManifest<M extends { kind: PluginKind }>(manifest: ManifestInput<M>, kind: M['kind']): M {
  if (manifest.kind !== undefined && manifest.kind !== kind) {
    throw new Error(`define${kind}Plugin: manifest.kind is "${String(manifest.kind)}", expected "${kind}"`);
  }
  const full = { ...manifest, kind } as unknown as M;
  const result = validateManifest(full);
  if (!result.ok) {
    const id = (manifest as { id?: unknown }).id;
    throw new Error(`Invalid manifest for plugin "${String(id)}":\n  - ${result.errors.join('\n  - ')}`);
  }
  return deepFreeze(structuredClone(full));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * Wraps a plugin method: refuses to start when the call is already aborted or past its deadline,
 * and turns anything the method throws into a PluginError (an abort while the call ran becomes
 * a retryable `aborted`/`timeout` error whatever the vendor SDK threw).
 */
function guarded<A extends unknown[], R>(
  name: string,
  method: (ctx: PluginContext<any, any>, ...args: A) => R | Promise<R>,
): (ctx: PluginContext<any, any>, ...args: A) => Promise<R> {
  return async function guardedMethod(ctx, ...args) {
    throwIfAborted(ctx);
    try {
      return await method(ctx, ...args);
    } catch (error) {
      if (isPluginError(error)) throw error;
      if (ctx.signal.aborted || Date.now() >= ctx.deadline) {
        try {
          throwIfAborted(ctx);
        } catch (abortError) {
          throw new RetryableError((abortError as Error).message, { code: (abortError as RetryableError).code, cause: error });
        }
      }
      throw toPluginError(error, `${name} failed`);
    }
  };
}

function brand<P extends object>(plugin: P): P {
  Object.defineProperty(plugin, DEFINED, { value: true });
  return Object.freeze(plugin);
}

function checkCapabilities(manifest: { capabilities?: Record<string, unknown>; id: string }, methods: Record<string, unknown>): void {
  const pairs: Array<[string, string]> = [
    ['deliveryWebhooks', 'parseDeliveryEvent'],
    ['signedWebhooks', 'verifySignature'],
    ['checkConfig', 'checkConfig'],
    ['statusLookup', 'lookupStatus'],
  ];
  for (const [capability, method] of pairs) {
    if (manifest.capabilities?.[capability] === true && typeof methods[method] !== 'function') {
      throw new Error(`Plugin "${manifest.id}" declares capability "${capability}" but has no ${method}()`);
    }
  }
}

/**
 * Defines a channel plugin: validates the manifest (throws at import time if it is invalid),
 * freezes it, and wraps the methods so that an aborted call never starts and every failure is a
 * PluginError. Delivery events are checked to be a list.
 *
 * ```ts
 * export default defineChannelPlugin<SmsMessage, MyConfig, MySecrets>({
 *   manifest: { id: 'sms-acme', channel: 'sms', displayName: 'Acme SMS', version: '1.0.0', description: '…', configSchema },
 *   async send(ctx, message) { … return { providerMessageId }; },
 * });
 * ```
 */
export function defineChannelPlugin<M = ChannelMessage, C = Record<string, unknown>, S = Record<string, unknown>>(
  definition: ChannelPluginDefinition<M, C, S>,
): ChannelPlugin<M, C, S> {
  const manifest = checkedManifest<ChannelManifest>(definition.manifest, 'channel');
  if (typeof definition.send !== 'function') throw new Error(`Channel plugin "${manifest.id}" has no send()`);
  checkCapabilities(manifest, definition as unknown as Record<string, unknown>);
  const plugin: ChannelPlugin<M, C, S> = {
    manifest,
    send: guarded('send', async (ctx, message: M) => {
      const result = await definition.send(ctx, message);
      if (typeof result?.providerMessageId !== 'string' || result.providerMessageId === '') {
        throw new PermanentError(`Channel plugin "${manifest.id}" returned no providerMessageId`, { code: 'internal' });
      }
      return result;
    }),
  };
  if (definition.parseDeliveryEvent) {
    const parse = definition.parseDeliveryEvent;
    plugin.parseDeliveryEvent = guarded('parseDeliveryEvent', async (ctx, request) => {
      const events: DeliveryEvent[] = await parse(ctx, request);
      if (!Array.isArray(events)) throw new PermanentError('parseDeliveryEvent must return a list', { code: 'internal' });
      return events;
    });
  }
  if (definition.verifySignature) {
    const verify = definition.verifySignature;
    plugin.verifySignature = guarded('verifySignature', async (ctx, request) => (await verify(ctx, request)) === true);
  }
  if (definition.checkConfig) plugin.checkConfig = guarded('checkConfig', definition.checkConfig);
  if (definition.lookupStatus) plugin.lookupStatus = guarded('lookupStatus', definition.lookupStatus);
  return brand(plugin);
}

/** Defines a data-source plugin (see defineChannelPlugin for what the helper adds). */
export function defineDataSourcePlugin<C = Record<string, unknown>, S = Record<string, unknown>>(
  definition: DataSourcePluginDefinition<C, S>,
): DataSourcePlugin<C, S> {
  const manifest = checkedManifest<DataSourceManifest>(definition.manifest, 'datasource');
  if (typeof definition.fetch !== 'function') throw new Error(`Data-source plugin "${manifest.id}" has no fetch()`);
  checkCapabilities(manifest, definition as unknown as Record<string, unknown>);
  const plugin: DataSourcePlugin<C, S> = { manifest, fetch: guarded('fetch', definition.fetch) };
  if (definition.checkConfig) plugin.checkConfig = guarded('checkConfig', definition.checkConfig);
  return brand(plugin);
}

/**
 * Defines an LLM plugin. Besides what defineChannelPlugin does, the wrapper rejects unusable
 * requests (permanent `invalid_request`) before calling the plugin, and validates the plugin's
 * output against the task and requested schema before returning it (retryable `invalid_output`),
 * so nothing invalid ever reaches a journey.
 */
export function defineLlmPlugin<C = Record<string, unknown>, S = Record<string, unknown>>(
  definition: LlmPluginDefinition<C, S>,
): LlmPlugin<C, S> {
  const manifest = checkedManifest<LlmManifest>(definition.manifest, 'llm');
  if (typeof definition.complete !== 'function') throw new Error(`LLM plugin "${manifest.id}" has no complete()`);
  checkCapabilities(manifest, definition as unknown as Record<string, unknown>);
  const tasks = manifest.capabilities?.tasks;
  const plugin: LlmPlugin<C, S> = {
    manifest,
    complete: guarded('complete', async (ctx, request) => {
      checkLlmRequest(request);
      if (tasks && !tasks.includes(request.task)) {
        throw new PermanentError(`Plugin "${manifest.id}" does not perform the task "${request.task}"`, { code: 'invalid_request' });
      }
      const result = await definition.complete(ctx, request);
      return { ...result, output: validateLlmOutput(request, result?.output) };
    }),
  };
  if (definition.checkConfig) plugin.checkConfig = guarded('checkConfig', definition.checkConfig);
  return brand(plugin);
}

/**
 * True for any object shaped like a plugin: a manifest with a known kind, the kind's required
 * method, and function-typed optional methods. Works for plain objects and for plugins defined
 * with another copy of this package.
 */
export function isItineraPlugin(value: unknown): value is ItineraPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  const manifest = candidate.manifest as { kind?: unknown; id?: unknown } | undefined;
  if (typeof manifest !== 'object' || manifest === null || typeof manifest.id !== 'string') return false;
  if (!PLUGIN_KINDS.includes(manifest.kind as PluginKind)) return false;
  if (typeof candidate[REQUIRED_METHOD[manifest.kind as PluginKind]] !== 'function') return false;
  for (const optional of ['parseDeliveryEvent', 'verifySignature', 'checkConfig', 'lookupStatus']) {
    if (candidate[optional] !== undefined && typeof candidate[optional] !== 'function') return false;
  }
  return true;
}

/** True when the plugin was made by a define*Plugin helper (of any copy of this package). */
export function isDefinedPlugin(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINED] === true;
}

/**
 * The plugins an entry module exports: its default export (a plugin or a list of plugins), else
 * its named exports that are plugins. This is how the core reads each `itinera.plugins` entry.
 */
export function pluginsFromModule(moduleNamespace: Record<string, unknown>): ItineraPlugin[] {
  const fromValue = (value: unknown): ItineraPlugin[] =>
    Array.isArray(value) ? value.filter(isItineraPlugin) : isItineraPlugin(value) ? [value] : [];
  const fromDefault = fromValue(moduleNamespace.default);
  if (fromDefault.length > 0) return fromDefault;
  return [
    ...new Set(
      Object.entries(moduleNamespace)
        .filter(([name]) => name !== 'default')
        .flatMap(([, v]) => fromValue(v)),
    ),
  ];
}
