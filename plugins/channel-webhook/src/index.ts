import { createHash } from 'node:crypto';
import {
  type CheckConfigResult,
  defineChannelPlugin,
  fromHttpStatus,
  guardedRequest,
  PermanentError,
  type PluginContext,
  remainingMs,
  type SendResult,
  type WebhookMessage,
} from '@itinera/plugin-sdk';
import { Webhook } from 'standardwebhooks';

export interface WebhookConfig {
  timeoutMs: number;
  allowHosts?: string[];
  allowCidrs?: string[];
  /** Hosts (allowHosts syntax) the Authorization secret is sent to. */
  authorizationHosts?: string[];
  maxResponseBytes: number;
}

export interface WebhookSecrets {
  /** `whsec_` followed by the base64 key, as Standard Webhooks secrets are written. */
  signingSecret: string;
  /** Sent as the Authorization header, if set. */
  authorization?: string;
}

type Ctx = PluginContext<WebhookConfig, WebhookSecrets>;

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];
const USER_AGENT = 'Itinera-Webhooks/1';

/**
 * The webhook-id of a message: derived from the idempotency key, so every retry of one send
 * carries the same id and receivers can deduplicate, as Standard Webhooks asks.
 */
export function webhookId(idempotencyKey: string): string {
  return `msg_${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 27)}`;
}

/** The Standard Webhooks headers for a payload: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export function signWebhook(secret: string, id: string, payload: string, timestamp: Date = new Date()): Record<string, string> {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': new Webhook(secret).sign(id, new Date(seconds * 1000), payload),
  };
}

function snippet(body: Buffer): string {
  const text = body.toString('utf8');
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

async function send(ctx: Ctx, message: WebhookMessage): Promise<SendResult> {
  const method = (message.method ?? 'POST').toUpperCase();
  if (!['POST', 'PUT', 'PATCH'].includes(method)) {
    throw new PermanentError(`Webhooks are sent with POST, PUT or PATCH, not ${method}`, { code: 'invalid_request' });
  }
  const payload = typeof message.body === 'string' ? message.body : JSON.stringify(message.body ?? null);
  const id = webhookId(ctx.idempotencyKey);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!SIGNATURE_HEADERS.includes(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  delete headers.authorization;
  const authorizationHosts = ctx.config.authorizationHosts ?? [];
  if (ctx.secrets.authorization && authorizationHosts.length === 0) {
    throw new PermanentError('An Authorization header is configured but authorizationHosts names no host it may be sent to', {
      code: 'invalid_config',
    });
  }
  Object.assign(headers, signWebhook(ctx.secrets.signingSecret, id, payload));

  const response = await guardedRequest({
    method,
    url: message.url,
    headers,
    credentialHeaders: ctx.secrets.authorization ? { authorization: ctx.secrets.authorization } : undefined,
    credentialHosts: authorizationHosts,
    body: payload,
    policy: { allowHosts: ctx.config.allowHosts, allowCidrs: ctx.config.allowCidrs },
    signal: ctx.signal,
    timeoutMs: Math.min(ctx.config.timeoutMs, remainingMs(ctx)),
    // Endpoints must answer 2xx themselves: following a redirect would resend a signed payload elsewhere.
    maxRedirects: 0,
    maxResponseBytes: ctx.config.maxResponseBytes,
  });
  const raw = { status: response.status, body: snippet(response.body) };
  if (response.status >= 200 && response.status < 300) {
    ctx.logger.debug('webhook delivered', { webhookId: id, status: response.status });
    return { providerMessageId: id, accepted: true, raw };
  }
  if (response.status >= 300 && response.status < 400) {
    throw new PermanentError(`The webhook endpoint redirected (HTTP ${response.status}); redirects are not followed`, {
      code: 'invalid_request',
      providerStatus: response.status,
      details: { ...raw, location: response.headers.location },
    });
  }
  throw fromHttpStatus(response.status, `The webhook endpoint answered HTTP ${response.status}`, {
    retryAfter: response.headers['retry-after'],
    details: raw,
  });
}

async function checkConfig(ctx: Ctx): Promise<CheckConfigResult> {
  try {
    new Webhook(ctx.secrets.signingSecret).sign('msg_check', new Date(), '');
    return { ok: true, message: 'The signing secret is valid; webhooks will be signed per Standard Webhooks' };
  } catch (error) {
    return { ok: false, message: `The signing secret cannot be used: ${(error as Error).message}` };
  }
}

export const webhookPlugin = defineChannelPlugin<WebhookMessage, WebhookConfig, WebhookSecrets>({
  manifest: {
    id: 'webhook',
    kind: 'channel',
    channel: 'webhook',
    displayName: 'Webhook',
    version: '0.1.0',
    description:
      'Sends JSON to an HTTP endpoint, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). Private and internal addresses are refused unless allow-listed.',
    homepage: 'https://www.standardwebhooks.com/',
    configSchema: {
      type: 'object',
      required: ['signingSecret'],
      properties: {
        signingSecret: {
          type: 'string',
          pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
          title: 'Signing secret',
          description: 'whsec_ followed by a base64 key (at least 24 bytes recommended). Receivers verify signatures with it.',
          'x-secret': true,
        },
        authorization: {
          type: 'string',
          title: 'Authorization header',
          description: 'E.g. "Bearer …"; sent only to the hosts in authorizationHosts.',
          'x-secret': true,
        },
        authorizationHosts: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          default: [],
          title: 'Hosts that receive the Authorization header',
          description: 'Host names, *.domain or host:port. Webhooks to other hosts are sent without it.',
        },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 60_000, default: 10_000, title: 'Timeout (ms)' },
        allowHosts: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          default: [],
          title: 'Allowed internal hosts',
          description:
            'Host names (or *.domain), optionally with :port to allow that port only, that may resolve to private or loopback addresses.',
        },
        allowCidrs: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          default: [],
          title: 'Allowed internal address ranges',
          description: 'CIDR ranges, e.g. 10.1.0.0/16, reachable even though private.',
        },
        maxResponseBytes: {
          type: 'integer',
          minimum: 1024,
          maximum: 10 * 1024 * 1024,
          default: 65_536,
          title: 'Largest response read (bytes)',
        },
      },
      additionalProperties: false,
    },
    nodeParameters: {
      type: 'object',
      required: ['url'],
      properties: {
        url: { type: 'string', minLength: 1, title: 'URL' },
        method: { enum: ['POST', 'PUT', 'PATCH'], default: 'POST', title: 'Method' },
        headers: { type: 'object', additionalProperties: { type: 'string' }, title: 'Headers' },
        body: { title: 'Body (JSON)' },
      },
      additionalProperties: false,
    },
    // Every attempt of one send carries the same webhook-id (derived from the idempotency key), which
    // Standard Webhooks receivers deduplicate on: resending after an interrupted attempt is safe.
    capabilities: { checkConfig: true, idempotentSend: true },
  },
  send,
  checkConfig,
});

export default webhookPlugin;
