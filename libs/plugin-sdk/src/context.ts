import { PermanentError, RetryableError } from './errors.js';
import { splitSecrets, validateConfigValues } from './json-schema.js';
import type { PluginManifest } from './manifest.js';

export type LogFields = Record<string, unknown>;

/** Structured logger handed to plugins; the core tags every line with workspace, plugin and run. */
export interface PluginLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * What the core hands to every plugin call.
 * - `config`: the provider configuration, validated against the manifest's `configSchema`
 *   (defaults filled in), without the secret fields;
 * - `secrets`: the `"x-secret": true` fields, decrypted, kept apart so they are never logged;
 * - `signal`: aborted when the core gives up on the call (deadline, shutdown); pass it on to
 *   every I/O;
 * - `deadline`: epoch milliseconds by which the call must have settled;
 * - `idempotencyKey`: stable across retries of the same logical operation (e.g. one send step
 *   of one run); pass it to providers that deduplicate.
 */
export interface PluginContext<C = Record<string, unknown>, S = Record<string, unknown>> {
  workspaceId: string;
  logger: PluginLogger;
  config: C;
  secrets: S;
  signal: AbortSignal;
  deadline: number;
  idempotencyKey: string;
}

/** Milliseconds left before the context's deadline (never negative). */
export function remainingMs(ctx: Pick<PluginContext, 'deadline'>, now: number = Date.now()): number {
  return Math.max(0, ctx.deadline - now);
}

/**
 * Throws a retryable PluginError when the call was aborted (`aborted`) or its deadline has passed
 * (`timeout`). Plugins call it before starting work; the define*Plugin helpers already do.
 */
export function throwIfAborted(ctx: Pick<PluginContext, 'signal' | 'deadline'>): void {
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason as { name?: string; message?: string } | undefined;
    const timedOut = reason?.name === 'TimeoutError';
    throw new RetryableError(timedOut ? 'The call timed out' : `The call was aborted${reason?.message ? `: ${reason.message}` : ''}`, {
      code: timedOut ? 'timeout' : 'aborted',
    });
  }
  if (Date.now() >= ctx.deadline) throw new RetryableError('The call deadline has passed', { code: 'timeout' });
}

/**
 * A signal that aborts when the context's signal does or when the deadline (or `timeoutMs`, if
 * sooner) passes. Hand it to vendor SDKs and `fetch`.
 */
export function deadlineSignal(ctx: Pick<PluginContext, 'signal' | 'deadline'>, timeoutMs?: number): AbortSignal {
  const budget = Math.min(remainingMs(ctx), timeoutMs ?? Number.POSITIVE_INFINITY);
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.max(0, Math.floor(budget)))]);
}

export const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface CreatePluginContextInput {
  workspaceId: string;
  /** The stored configuration, secret fields included. */
  values: Record<string, unknown>;
  idempotencyKey: string;
  logger?: PluginLogger;
  signal?: AbortSignal;
  /** Epoch ms; default now + timeoutMs. */
  deadline?: number;
  /** Used when no deadline is given; default 30 s. */
  timeoutMs?: number;
}

/**
 * Builds a plugin context from stored configuration: validates the values against the
 * manifest's `configSchema` (filling in defaults) and splits the secrets off. Throws a permanent
 * PluginError with code `invalid_config` listing every problem.
 */
export function createPluginContext<C = Record<string, unknown>, S = Record<string, unknown>>(
  manifest: Pick<PluginManifest, 'id' | 'configSchema'>,
  input: CreatePluginContextInput,
): PluginContext<C, S> {
  const result = validateConfigValues(manifest.configSchema, input.values);
  if (!result.ok) {
    throw new PermanentError(`Invalid configuration for plugin "${manifest.id}": ${result.errors.join('; ')}`, {
      code: 'invalid_config',
      details: { errors: result.errors },
    });
  }
  const { config, secrets } = splitSecrets(manifest.configSchema, result.value);
  return {
    workspaceId: input.workspaceId,
    logger: input.logger ?? silentLogger,
    config: config as C,
    secrets: secrets as S,
    signal: input.signal ?? new AbortController().signal,
    deadline: input.deadline ?? Date.now() + (input.timeoutMs ?? 30_000),
    idempotencyKey: input.idempotencyKey,
  };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: LogFields;
}

/** A context for tests, with the log lines it received. */
export interface TestPluginContext<C = Record<string, unknown>, S = Record<string, unknown>> extends PluginContext<C, S> {
  logs: LogEntry[];
}

export interface TestContextOverrides<C = Record<string, unknown>, S = Record<string, unknown>> extends Partial<
  Omit<PluginContext<C, S>, 'config' | 'secrets'>
> {
  /** With `values`, validates and splits them like the core does. */
  manifest?: Pick<PluginManifest, 'id' | 'configSchema'>;
  /** Stored configuration with secrets included (needs `manifest`). */
  values?: Record<string, unknown>;
  config?: C;
  secrets?: S;
  /** Sets `deadline` to now + timeoutMs (default 30 s). */
  timeoutMs?: number;
}

/**
 * A context for unit tests: a recording logger, a fresh signal, a 30 s deadline and a random
 * idempotency key, with any field overridden. Pass `manifest` and `values` to get config and
 * secrets validated and split exactly as the core does.
 */
export function createTestContext<C = Record<string, unknown>, S = Record<string, unknown>>(
  overrides: TestContextOverrides<C, S> = {},
): TestPluginContext<C, S> {
  const logs: LogEntry[] = [];
  const record = (level: LogEntry['level']) => (message: string, fields?: LogFields) => {
    logs.push(fields === undefined ? { level, message } : { level, message, fields });
  };
  const { manifest, values, timeoutMs, ...rest } = overrides;
  let config = (rest.config ?? {}) as C;
  let secrets = (rest.secrets ?? {}) as S;
  if (values !== undefined) {
    if (!manifest) throw new Error('createTestContext: `values` needs `manifest` to validate them against');
    const ctx = createPluginContext<C, S>(manifest, { workspaceId: 'ws_test', values, idempotencyKey: 'x' });
    config = { ...ctx.config, ...(rest.config ?? {}) } as C;
    secrets = { ...ctx.secrets, ...(rest.secrets ?? {}) } as S;
  }
  return {
    workspaceId: rest.workspaceId ?? 'ws_test',
    logger: rest.logger ?? { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    config,
    secrets,
    signal: rest.signal ?? new AbortController().signal,
    deadline: rest.deadline ?? Date.now() + (timeoutMs ?? 30_000),
    idempotencyKey: rest.idempotencyKey ?? `test_${Math.random().toString(36).slice(2, 12)}`,
    logs,
  };
}
