import type { ChannelMessage, ChannelPlugin, CheckConfigResult, DeliveryEvent, InboundRequest, SendResult } from './channel.js';
import { DELIVERY_STATUSES } from './channel.js';
import { createTestContext, type PluginContext } from './context.js';
import type { DataSourcePlugin, FetchRequest, FetchResult } from './datasource.js';
import { REQUIRED_METHOD, type ItineraPlugin, isItineraPlugin } from './define.js';
import { isPluginError, type PluginError } from './errors.js';
import { checkJsonSchema, type JsonSchema, unmarkedSecretFields, validateAgainstSchema, validateConfigValues } from './json-schema.js';
import { type LlmPlugin, type LlmRequest, type LlmResult, llmOutputSchema } from './llm.js';
import { LLM_TASKS, validateManifest } from './manifest.js';

/** The argument of the plugin's main method, by plugin type. */
export type PluginInput<P> =
  P extends ChannelPlugin<infer M, any, any>
    ? M
    : P extends DataSourcePlugin<any, any>
      ? FetchRequest
      : P extends LlmPlugin<any, any>
        ? LlmRequest
        : ChannelMessage | FetchRequest | LlmRequest;

/** The result of the plugin's main method, by plugin type. */
export type PluginResult<P> =
  P extends ChannelPlugin<any, any, any>
    ? SendResult
    : P extends DataSourcePlugin<any, any>
      ? FetchResult
      : P extends LlmPlugin<any, any>
        ? LlmResult
        : SendResult | FetchResult | LlmResult;

/** A value, or a function producing it when a test runs (after your `beforeAll` started a fake). */
export type Lazy<T> = T | (() => T | Promise<T>);

export interface ConformanceFailureCase<P> {
  name: string;
  /** Prepares the failure, e.g. `fake.failNext({ status: 503 })`. */
  arrange?: () => void | Promise<void>;
  /** Configuration for this case (default: `options.config`), e.g. a wrong API key. */
  config?: Lazy<Record<string, unknown>>;
  /** Input for this case (default: `options.input`). */
  input?: Lazy<PluginInput<P>>;
  retryable: boolean;
  /** The PluginError code expected, if it matters. */
  code?: string;
}

export interface ConformanceOptions<P extends ItineraPlugin = ItineraPlugin> {
  /** A complete, valid configuration (secret fields included) pointing at your fake. */
  config: Lazy<Record<string, unknown>>;
  /** A valid argument for the main method (message, fetch request, completion request). */
  input: Lazy<PluginInput<P>>;
  /**
   * Performs one successful call against the fake and returns its result; the kit checks its
   * shape. Default: calls the main method with `config` and `input` (for LLM plugins the output is
   * then also checked against the task's schema).
   */
  happyPath?: (ctx: PluginContext) => Promise<PluginResult<P>>;
  /** Sample node parameters that must validate against `manifest.nodeParameters`. */
  nodeParameters?: Lazy<unknown>;
  /** Calls that must fail with a PluginError of the given kind. */
  failures?: ConformanceFailureCase<P>[];
  /** Channel plugins with `parseDeliveryEvent`: a sample provider webhook and how many events it holds. */
  deliveryWebhook?: Lazy<{ request: InboundRequest; events?: number }>;
  /** Time allowed for a call with an already-aborted signal to settle (default 1000 ms). */
  abortWithinMs?: number;
}

interface JestLike {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => unknown, timeout?: number): void;
  expect: any;
}

function jestGlobals(): JestLike {
  const g = globalThis as unknown as Partial<JestLike>;
  if (typeof g.describe !== 'function' || typeof g.it !== 'function' || typeof g.expect !== 'function') {
    throw new Error('runConformanceSuite must be called from a Jest test file (it uses describe, it and expect)');
  }
  return g as JestLike;
}

async function evaluate<T>(value: Lazy<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : value;
}

function call(plugin: ItineraPlugin, ctx: PluginContext, input: unknown): Promise<unknown> {
  switch (plugin.manifest.kind) {
    case 'channel':
      return (plugin as ChannelPlugin).send(ctx, input as ChannelMessage);
    case 'datasource':
      return (plugin as DataSourcePlugin).fetch(ctx, input as FetchRequest);
    default:
      return (plugin as LlmPlugin).complete(ctx, input as LlmRequest);
  }
}

async function settle(
  promise: Promise<unknown>,
  withinMs: number,
): Promise<{ state: 'resolved' | 'rejected' | 'pending'; value?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<{ state: 'pending' }>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending' }), withinMs);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ state: 'resolved' as const, value }),
        (value) => ({ state: 'rejected' as const, value }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (isPluginError(error)) return `${error.name} ${JSON.stringify(error.toJSON())}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return JSON.stringify(error);
}

/** Checks a thrown value is a PluginError with a boolean `retryable`; fails the test with a readable message if not. */
function expectPluginError(expect: JestLike['expect'], error: unknown): PluginError {
  if (!isPluginError(error)) {
    throw new Error(`Expected a PluginError (RetryableError or PermanentError), got ${describeError(error)}`);
  }
  expect(typeof error.retryable).toBe('boolean');
  expect(typeof error.code).toBe('string');
  return error;
}

/** `input` is the request the result answers, when known (the default happy path); it enables the LLM schema check. */
function checkResultShape(plugin: ItineraPlugin, input: unknown, result: unknown, expect: JestLike['expect']): void {
  expect(result).toEqual(expect.any(Object));
  switch (plugin.manifest.kind) {
    case 'channel': {
      const send = result as SendResult;
      expect(typeof send.providerMessageId).toBe('string');
      expect(send.providerMessageId.length).toBeGreaterThan(0);
      if (send.accepted !== undefined) expect(typeof send.accepted).toBe('boolean');
      if (send.unregisteredTokens !== undefined) expect(Array.isArray(send.unregisteredTokens)).toBe(true);
      break;
    }
    case 'datasource': {
      const fetched = result as FetchResult;
      expect(Number.isInteger(fetched.status)).toBe(true);
      expect(fetched.status).toBeGreaterThanOrEqual(100);
      expect(fetched.status).toBeLessThan(600);
      expect(fetched.headers).toEqual(expect.any(Object));
      for (const [name, value] of Object.entries(fetched.headers)) {
        expect(name).toBe(name.toLowerCase());
        expect(typeof value).toBe('string');
      }
      expect(typeof fetched.durationMs).toBe('number');
      expect(fetched.durationMs).toBeGreaterThanOrEqual(0);
      expect('body' in fetched).toBe(true);
      break;
    }
    default: {
      const completion = result as LlmResult;
      const request = input as LlmRequest;
      expect(typeof completion.model).toBe('string');
      expect(Number.isInteger(completion.usage?.inputTokens)).toBe(true);
      expect(Number.isInteger(completion.usage?.outputTokens)).toBe(true);
      expect(completion.usage.inputTokens).toBeGreaterThanOrEqual(0);
      expect(completion.usage.outputTokens).toBeGreaterThanOrEqual(0);
      expect(completion.output).toBeDefined();
      if (request === undefined) break;
      const schema = llmOutputSchema(request);
      if (schema) {
        const verdict = validateAgainstSchema(schema, completion.output, '/output');
        expect(verdict).toEqual({ ok: true });
      } else {
        expect(typeof completion.output).toBe('string');
      }
    }
  }
}

/**
 * The conformance kit: registers a Jest `describe` block that checks a plugin against the
 * Itinera plugin contract. Call it at the top level of the plugin's spec file:
 *
 * ```ts
 * let fake: AcmeFake;
 * beforeAll(async () => { fake = await startAcmeFake(); });
 * afterAll(() => fake.close());
 * runConformanceSuite(plugin, {
 *   config: () => ({ apiKey: 'key', baseUrl: fake.url }),
 *   input: { to: '+15550100', body: 'Hi' },
 *   failures: [{ name: 'HTTP 503', arrange: () => fake.failNext({ status: 503 }), retryable: true }],
 * });
 * ```
 *
 * It checks: the manifest validates and survives a JSON round trip; kind, channel, capabilities
 * and methods agree; `configSchema` and `nodeParameters` are usable JSON Schemas and the samples
 * validate; credential-like config fields are marked `x-secret`; a call with an already-aborted
 * signal, or past its deadline, rejects promptly with a retryable PluginError; the happy path
 * returns a well-formed result; each failure case rejects with a PluginError of the expected
 * kind; `checkConfig` and `parseDeliveryEvent`, when present, answer in the right shape.
 */
export function runConformanceSuite<P extends ItineraPlugin>(plugin: P, options: ConformanceOptions<P>): void {
  const { describe, it, expect } = jestGlobals();
  const id = (plugin as { manifest?: { id?: string } })?.manifest?.id ?? 'unknown';
  const abortWithinMs = options.abortWithinMs ?? 1000;

  const context = async (overrides: Partial<PluginContext> = {}, config?: Lazy<Record<string, unknown>>): Promise<PluginContext> =>
    createTestContext({ manifest: plugin.manifest, values: await evaluate(config ?? options.config), ...overrides });

  describe(`Itinera plugin conformance: ${id}`, () => {
    it('is an Itinera plugin', () => {
      expect(isItineraPlugin(plugin)).toBe(true);
    });

    it('has a valid manifest', () => {
      const verdict = validateManifest(plugin.manifest);
      if (!verdict.ok) throw new Error(`Invalid manifest:\n  - ${verdict.errors.join('\n  - ')}`);
    });

    it('has a JSON-serialisable manifest (it survives a JSON round trip unchanged)', () => {
      expect(JSON.parse(JSON.stringify(plugin.manifest))).toStrictEqual({ ...plugin.manifest });
    });

    it('has a kind, channel, capabilities and methods that agree', () => {
      const { kind, channel, capabilities = {} } = plugin.manifest;
      const methods = plugin as unknown as Record<string, unknown>;
      expect(typeof methods[REQUIRED_METHOD[kind]]).toBe('function');
      if (kind === 'channel') expect(typeof channel).toBe('string');
      else expect(channel).toBeUndefined();
      const pairs: Array<[string, string]> = [
        ['deliveryWebhooks', 'parseDeliveryEvent'],
        ['signedWebhooks', 'verifySignature'],
        ['checkConfig', 'checkConfig'],
        ['statusLookup', 'lookupStatus'],
      ];
      for (const [capability, method] of pairs) {
        if (kind !== 'channel' && capability !== 'checkConfig') {
          expect({ [method]: methods[method] }).toEqual({ [method]: undefined });
          continue;
        }
        // A method is present exactly when its capability is declared.
        expect({ [capability]: capabilities[capability] === true }).toEqual({ [capability]: typeof methods[method] === 'function' });
      }
      if (kind === 'llm') {
        expect(Array.isArray(capabilities.tasks) && capabilities.tasks.length > 0).toBe(true);
        for (const task of capabilities.tasks ?? []) expect(LLM_TASKS).toContain(task);
      }
    });

    it('has a usable configSchema that accepts the sample configuration', async () => {
      expect(checkJsonSchema(plugin.manifest.configSchema, 'configSchema')).toEqual({ ok: true });
      const verdict = validateConfigValues(plugin.manifest.configSchema, await evaluate(options.config));
      if (!verdict.ok) throw new Error(`The sample configuration does not validate:\n  - ${verdict.errors.join('\n  - ')}`);
    });

    it('marks credential fields of configSchema with "x-secret": true', () => {
      expect(unmarkedSecretFields(plugin.manifest.configSchema)).toEqual([]);
    });

    it('has usable node parameters', async () => {
      const schema = plugin.manifest.nodeParameters;
      if (schema === undefined) return;
      expect(checkJsonSchema(schema, 'nodeParameters')).toEqual({ ok: true });
      if (options.nodeParameters !== undefined) {
        expect(validateAgainstSchema(schema as JsonSchema, await evaluate(options.nodeParameters))).toEqual({ ok: true });
      }
    });

    it('rejects promptly with a retryable PluginError when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('aborted by the conformance kit'));
      const ctx = await context({ signal: controller.signal });
      const outcome = await settle(call(plugin, ctx, await evaluate(options.input)), abortWithinMs);
      if (outcome.state === 'pending') throw new Error(`The call did not settle within ${abortWithinMs} ms of an aborted signal`);
      if (outcome.state === 'resolved') throw new Error('The call succeeded although its signal was aborted');
      expect(expectPluginError(expect, outcome.value).retryable).toBe(true);
    });

    it('rejects promptly with a retryable PluginError when the deadline has passed', async () => {
      const ctx = await context({ deadline: Date.now() - 1 });
      const outcome = await settle(call(plugin, ctx, await evaluate(options.input)), abortWithinMs);
      if (outcome.state === 'pending') throw new Error(`The call did not settle within ${abortWithinMs} ms of a passed deadline`);
      if (outcome.state === 'resolved') throw new Error('The call succeeded although its deadline had passed');
      expect(expectPluginError(expect, outcome.value).retryable).toBe(true);
    });

    it('succeeds on the happy path with a well-formed result', async () => {
      const ctx = await context();
      const input = await evaluate(options.input);
      let result: unknown;
      try {
        result = options.happyPath ? await options.happyPath(ctx) : await call(plugin, ctx, input);
      } catch (error) {
        throw new Error(`The happy path failed: ${describeError(error)}`);
      }
      checkResultShape(plugin, options.happyPath ? undefined : input, result, expect);
      expect(() => JSON.stringify(result)).not.toThrow();
    });

    for (const failure of options.failures ?? []) {
      it(`fails with a ${failure.retryable ? 'retryable' : 'permanent'} PluginError: ${failure.name}`, async () => {
        const ctx = await context({}, failure.config);
        await failure.arrange?.();
        const input = await evaluate(failure.input ?? options.input);
        let thrown: unknown;
        try {
          await call(plugin, ctx, input);
        } catch (error) {
          thrown = error;
        }
        if (thrown === undefined) throw new Error(`"${failure.name}" did not fail`);
        const error = expectPluginError(expect, thrown);
        expect({ retryable: error.retryable, ...(failure.code && { code: error.code }) }).toEqual({
          retryable: failure.retryable,
          ...(failure.code && { code: failure.code }),
        });
      });
    }

    if (typeof (plugin as ChannelPlugin).checkConfig === 'function') {
      it('answers checkConfig with { ok, message }', async () => {
        const result: CheckConfigResult = await (plugin as ChannelPlugin).checkConfig!(await context());
        expect(typeof result.ok).toBe('boolean');
        expect(typeof result.message).toBe('string');
        expect(result.ok).toBe(true);
      });
    }

    if (typeof (plugin as ChannelPlugin).parseDeliveryEvent === 'function' && options.deliveryWebhook !== undefined) {
      it('parses a provider delivery webhook into delivery events', async () => {
        const sample = await evaluate(options.deliveryWebhook!);
        const events: DeliveryEvent[] = await (plugin as ChannelPlugin).parseDeliveryEvent!(await context(), sample.request);
        expect(Array.isArray(events)).toBe(true);
        if (sample.events !== undefined) expect(events).toHaveLength(sample.events);
        for (const event of events) {
          expect(typeof event.providerMessageId).toBe('string');
          expect(DELIVERY_STATUSES).toContain(event.status);
          expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
        }
      });
    }
  });
}
