import {
  type CheckConfigResult,
  checkNetworkPolicy,
  type DataSourcePlugin,
  defineDataSourcePlugin,
  FETCH_REQUEST_SCHEMA,
  type FetchRequest,
  type FetchResult,
  fromHttpStatus,
  guardedRequest,
  type GuardedResponse,
  type HostResolver,
  isPluginError,
  parseRetryAfter,
  PermanentError,
  type PluginContext,
  type PluginError,
  remainingMs,
  RetryableError,
} from '@itinera/plugin-sdk';

export interface HttpSourceConfig {
  allowHosts: string[];
  /** Hosts (allowHosts syntax) the secret headers are sent to; requests elsewhere go without them. */
  secretHeadersHosts: string[];
  allowCidrs: string[];
  defaultTimeoutMs: number;
  maxResponseBytes: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  maxRedirects: number;
}

export interface HttpSourceSecrets {
  /** Headers sent with every request (e.g. Authorization for an internal API). */
  headers?: Record<string, string>;
}

export interface HttpSourceOptions {
  /** Host name resolution (default: the system resolver). Tests use it to simulate DNS answers. */
  resolve?: HostResolver;
  /** Randomness for back-off jitter (default Math.random). */
  random?: () => number;
}

type Ctx = PluginContext<HttpSourceConfig, HttpSourceSecrets>;

/** Methods that may be repeated without changing the result (RFC 9110), retried on 429 and 5xx. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Statuses that mean the request was not processed, retried for every method. */
const NOT_PROCESSED = new Set([429, 503]);

function shouldRetryStatus(method: string, status: number): boolean {
  if (NOT_PROCESSED.has(status)) return true;
  return IDEMPOTENT.has(method) && (status === 500 || status === 502 || status === 504 || status === 408);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/** JSON bodies parsed (null when empty); everything else as UTF-8 text. */
export function decodeBody(response: Pick<GuardedResponse, 'headers' | 'body'>): unknown {
  const text = response.body.toString('utf8');
  if (!isJson(response.headers['content-type'])) return text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function encodeBody(request: FetchRequest, headers: Record<string, string>): string | undefined {
  if (request.body === undefined || request.body === null) return undefined;
  if (typeof request.body === 'string') return request.body;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(request.body);
}

function statusError(method: string, url: string, response: GuardedResponse): PluginError {
  const body = decodeBody(response);
  const preview = typeof body === 'string' ? body.slice(0, 500) : body;
  return fromHttpStatus(response.status, `${method} ${url} answered HTTP ${response.status}`, {
    retryAfter: response.headers['retry-after'],
    details: { status: response.status, headers: response.headers, body: preview },
  });
}

/**
 * Builds the HTTP data source. The default export is `createHttpDataSource()`; tests pass a
 * resolver to simulate DNS answers (private addresses, rebinding).
 */
export function createHttpDataSource(options: HttpSourceOptions = {}): DataSourcePlugin<HttpSourceConfig, HttpSourceSecrets> {
  const random = options.random ?? Math.random;

  async function fetch(ctx: Ctx, request: FetchRequest): Promise<FetchResult> {
    const policy = { allowHosts: ctx.config.allowHosts, allowCidrs: ctx.config.allowCidrs };
    const problems = checkNetworkPolicy(policy);
    if (problems.length > 0) {
      throw new PermanentError(`Invalid allow-list: ${problems.join('; ')}`, { code: 'invalid_config', details: { problems } });
    }
    const secretHeaders = ctx.secrets.headers ?? {};
    if (Object.keys(secretHeaders).length > 0 && ctx.config.secretHeadersHosts.length === 0) {
      throw new PermanentError('Secret headers are configured but secretHeadersHosts names no host they may be sent to', {
        code: 'invalid_config',
      });
    }
    const started = Date.now();
    const budget = Math.min(request.timeoutMs ?? ctx.config.defaultTimeoutMs, remainingMs(ctx, started));
    const deadline = started + budget;
    const method = (request.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { accept: 'application/json, text/*;q=0.9, */*;q=0.8', 'user-agent': 'Itinera/1' };
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    const body = encodeBody(request, headers);

    for (let attempt = 0; ; attempt++) {
      let response: GuardedResponse;
      try {
        response = await guardedRequest({
          method,
          url: request.url,
          headers,
          credentialHeaders: secretHeaders,
          credentialHosts: ctx.config.secretHeadersHosts,
          body,
          policy,
          signal: ctx.signal,
          timeoutMs: Math.max(0, deadline - Date.now()),
          maxRedirects: ctx.config.maxRedirects,
          maxResponseBytes: ctx.config.maxResponseBytes,
          resolve: options.resolve,
        });
      } catch (error) {
        const retryNetwork = isPluginError(error) && error.code === 'network' && IDEMPOTENT.has(method);
        if (!retryNetwork || attempt >= ctx.config.maxRetries) throw error;
        const delay = ctx.config.retryBaseDelayMs * 2 ** attempt * (1 + random());
        if (Date.now() + delay >= deadline) throw error;
        ctx.logger.debug('http fetch failed, retrying', { attempt: attempt + 1, delayMs: Math.round(delay), code: error.code });
        await sleep(delay, ctx.signal);
        continue;
      }
      if (response.status < 400) {
        return {
          status: response.status,
          headers: response.headers,
          body: method === 'HEAD' ? null : decodeBody(response),
          durationMs: Date.now() - started,
          url: response.url,
        };
      }
      if (!shouldRetryStatus(method, response.status) || attempt >= ctx.config.maxRetries) {
        throw statusError(method, request.url, response);
      }
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      const delay = retryAfter ?? ctx.config.retryBaseDelayMs * 2 ** attempt * (1 + random());
      if (Date.now() + delay >= deadline) {
        // Waiting would overrun the budget: hand the wait to the core instead.
        const error = statusError(method, request.url, response);
        throw new RetryableError(error.message, {
          code: error.code,
          providerStatus: response.status,
          retryAfterMs: retryAfter ?? error.retryAfterMs,
          details: error.details,
        });
      }
      ctx.logger.debug('http fetch answered a retryable status, retrying', {
        attempt: attempt + 1,
        status: response.status,
        delayMs: Math.round(delay),
      });
      await sleep(delay, ctx.signal);
    }
  }

  async function checkConfig(ctx: Ctx): Promise<CheckConfigResult> {
    const problems = checkNetworkPolicy({
      allowHosts: [...ctx.config.allowHosts, ...ctx.config.secretHeadersHosts],
      allowCidrs: ctx.config.allowCidrs,
    });
    if (problems.length > 0) return { ok: false, message: `Invalid allow-list: ${problems.join('; ')}` };
    if (Object.keys(ctx.secrets.headers ?? {}).length > 0 && ctx.config.secretHeadersHosts.length === 0) {
      return { ok: false, message: 'Secret headers are configured: list the hosts they may be sent to in secretHeadersHosts' };
    }
    const allowed = [...ctx.config.allowHosts, ...ctx.config.allowCidrs];
    return {
      ok: true,
      message: allowed.length
        ? `Public addresses and ${allowed.join(', ')} are reachable`
        : 'Public addresses are reachable; private and internal ones are blocked',
    };
  }

  return defineDataSourcePlugin<HttpSourceConfig, HttpSourceSecrets>({
    manifest: {
      id: 'http',
      kind: 'datasource',
      displayName: 'HTTP',
      version: '0.1.0',
      description:
        'Fetches JSON or text over HTTP(S) for fetch nodes: timeouts, bounded retries on 429 and 5xx, a response size cap, and an SSRF guard that blocks private, loopback, link-local and metadata addresses (also after redirects) unless allow-listed.',
      configSchema: {
        type: 'object',
        properties: {
          allowHosts: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            default: [],
            title: 'Allowed internal hosts',
            description:
              'Host names (or *.domain), optionally with :port to allow that port only, that may resolve to private or loopback addresses, e.g. crm.internal:8080.',
          },
          allowCidrs: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            default: [],
            title: 'Allowed internal address ranges',
            description: 'CIDR ranges reachable even though private, e.g. 10.20.0.0/16.',
          },
          headers: {
            type: 'object',
            additionalProperties: { type: 'string' },
            title: 'Secret headers',
            description: 'E.g. Authorization for an internal API, sent only to the hosts below. Stored encrypted.',
            'x-secret': true,
          },
          secretHeadersHosts: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            default: [],
            title: 'Hosts that receive the secret headers',
            description:
              'Host names, *.domain or host:port. Requests to any other host (and redirects to one) go without the secret headers.',
          },
          defaultTimeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: 10_000, title: 'Default timeout (ms)' },
          maxResponseBytes: {
            type: 'integer',
            minimum: 1024,
            maximum: 50 * 1024 * 1024,
            default: 1024 * 1024,
            title: 'Largest response (bytes)',
          },
          maxRetries: { type: 'integer', minimum: 0, maximum: 5, default: 2, title: 'Retries on 429 and 5xx' },
          retryBaseDelayMs: { type: 'integer', minimum: 1, maximum: 60_000, default: 250, title: 'First retry delay (ms)' },
          maxRedirects: { type: 'integer', minimum: 0, maximum: 10, default: 5, title: 'Redirects followed' },
        },
        additionalProperties: false,
      },
      nodeParameters: FETCH_REQUEST_SCHEMA,
      capabilities: { checkConfig: true },
    },
    fetch,
    checkConfig,
  });
}

export const httpDataSource = createHttpDataSource();

export default httpDataSource;
