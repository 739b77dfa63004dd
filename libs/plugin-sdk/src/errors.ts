/**
 * Typed plugin errors. Every failure a plugin reports is a PluginError that says whether trying
 * again later can succeed (`retryable`). The core owns retries, back-off and fallbacks: it
 * retries retryable errors within the step's budget (honouring `retryAfterMs`) and fails over or
 * records the failure for permanent ones.
 */

/** Well-known error codes. Plugins may use their own codes as well. */
export type PluginErrorCode =
  | 'aborted'
  | 'auth'
  | 'blocked_address'
  | 'conflict'
  | 'http_status'
  | 'internal'
  | 'invalid_config'
  | 'invalid_output'
  | 'invalid_request'
  | 'network'
  | 'not_found'
  | 'output_truncated'
  | 'permanent_failure'
  | 'provider_error'
  | 'rate_limited'
  | 'refused'
  | 'response_too_large'
  | 'retryable_failure'
  | 'timeout'
  | 'too_many_redirects'
  | (string & {});

export interface PluginErrorOptions {
  /** Machine-readable reason, e.g. `auth`, `rate_limited`, `invalid_output`. */
  code?: PluginErrorCode;
  /** True when the same call may succeed later (429, 5xx, timeouts, network errors). */
  retryable: boolean;
  /** The provider asked us to wait this long before trying again (from Retry-After). */
  retryAfterMs?: number;
  /** HTTP status (or provider status code) the provider answered with, if any. */
  providerStatus?: number;
  /** Extra JSON-serialisable details for logs and the run timeline. Never put secrets here. */
  details?: unknown;
  cause?: unknown;
}

const PLUGIN_ERROR_MARK = Symbol.for('itinera.plugin-error');

export class PluginError extends Error {
  readonly code: PluginErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly providerStatus?: number;
  readonly details?: unknown;

  constructor(message: string, options: PluginErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PluginError';
    this.code = options.code ?? (options.retryable ? 'retryable_failure' : 'permanent_failure');
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.providerStatus !== undefined) this.providerStatus = options.providerStatus;
    if (options.details !== undefined) this.details = options.details;
    Object.defineProperty(this, PLUGIN_ERROR_MARK, { value: true });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.providerStatus !== undefined && { providerStatus: this.providerStatus }),
      ...(this.details !== undefined && { details: this.details }),
    };
  }
}

/** A failure that may succeed if tried again later. */
export class RetryableError extends PluginError {
  constructor(message: string, options: Omit<PluginErrorOptions, 'retryable'> = {}) {
    super(message, { code: 'retryable_failure', ...options, retryable: true });
    this.name = 'RetryableError';
  }
}

/** A failure that will fail again the same way (bad credentials, invalid request, rejected recipient). */
export class PermanentError extends PluginError {
  constructor(message: string, options: Omit<PluginErrorOptions, 'retryable'> = {}) {
    super(message, { code: 'permanent_failure', ...options, retryable: false });
    this.name = 'PermanentError';
  }
}

/**
 * True for PluginErrors, including ones created by another copy of this package (a plugin that
 * bundles its own SDK): it checks a global brand, not only the class.
 */
export function isPluginError(error: unknown): error is PluginError {
  if (error instanceof PluginError) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[PLUGIN_ERROR_MARK] === true &&
    typeof (error as PluginError).retryable === 'boolean'
  );
}

/**
 * Parses a Retry-After value (delta seconds or an HTTP date) into milliseconds from `now`.
 * Also accepts a number of seconds. Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | number | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface FromHttpStatusOptions {
  /** The Retry-After header (or a number of seconds), if the provider sent one. */
  retryAfter?: string | number | null;
  details?: unknown;
  cause?: unknown;
}

/**
 * Maps an HTTP status from a provider to a PluginError:
 * 408, 429 and 5xx are retryable (429 with `rate_limited` and the Retry-After delay);
 * 401 and 403 are permanent with code `auth`; 404 permanent `not_found`; 409 permanent
 * `conflict`; other 4xx permanent `invalid_request`; 0 (no response) retryable `network`.
 */
export function fromHttpStatus(status: number, message?: string, options: FromHttpStatusOptions = {}): PluginError {
  const text = message ?? `Provider answered HTTP ${status}`;
  const common = { providerStatus: status || undefined, details: options.details, cause: options.cause };
  const retryAfterMs = parseRetryAfter(options.retryAfter);
  if (!status) return new RetryableError(text, { ...common, code: 'network' });
  if (status === 429) return new RetryableError(text, { ...common, code: 'rate_limited', retryAfterMs });
  if (status === 408) return new RetryableError(text, { ...common, code: 'timeout', retryAfterMs });
  if (status >= 500) return new RetryableError(text, { ...common, code: 'provider_error', retryAfterMs });
  if (status === 401 || status === 403) return new PermanentError(text, { ...common, code: 'auth' });
  if (status === 404) return new PermanentError(text, { ...common, code: 'not_found' });
  if (status === 409) return new PermanentError(text, { ...common, code: 'conflict' });
  if (status >= 400) return new PermanentError(text, { ...common, code: 'invalid_request' });
  return new PermanentError(text, { ...common, code: 'http_status' });
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns anything thrown into a PluginError: PluginErrors pass through; aborts and timeouts
 * (AbortError, TimeoutError) and network failures (ECONNREFUSED, ECONNRESET, ETIMEDOUT, …) are
 * retryable; anything else is a permanent `internal` error (a bug does not fix itself on retry).
 */
export function toPluginError(error: unknown, fallbackMessage = 'Plugin failed'): PluginError {
  if (isPluginError(error)) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error && error.message ? error.message : fallbackMessage;
  if (name === 'TimeoutError') return new RetryableError(message, { code: 'timeout', cause: error });
  if (name === 'AbortError') return new RetryableError(message, { code: 'aborted', cause: error });
  const code = networkCode(error);
  if (code) return new RetryableError(message, { code: 'network', cause: error, details: { errno: code } });
  return new PermanentError(message, { code: 'internal', cause: error });
}
