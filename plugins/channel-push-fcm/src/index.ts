import { createHash } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  type CheckConfigResult,
  deadlineSignal,
  defineChannelPlugin,
  PermanentError,
  type PluginContext,
  type PluginError,
  parseRetryAfter,
  type PushMessage,
  RetryableError,
  type SendResult,
  toPluginError,
} from '@itinera/plugin-sdk';
import { type App, cert, type Credential, deleteApp, initializeApp } from 'firebase-admin/app';
import { type BatchResponse, getMessaging, type Messaging, type TokenMessage } from 'firebase-admin/messaging';

export interface FcmConfig {
  projectId: string;
  androidPriority: 'high' | 'normal';
  ttlSeconds?: number;
  endpoint?: string;
}

export interface FcmSecrets {
  serviceAccountJson?: string;
  accessToken?: string;
}

export type FcmContext = PluginContext<FcmConfig, FcmSecrets>;

export const manifest = {
  id: 'fcm',
  kind: 'channel',
  channel: 'push',
  displayName: 'Firebase Cloud Messaging',
  version: '0.1.0',
  description:
    'Sends push notifications to Android, iOS and web apps through Firebase Cloud Messaging (HTTP v1, firebase-admin), and reports device tokens that are no longer registered.',
  configSchema: {
    type: 'object',
    required: ['projectId'],
    anyOf: [{ required: ['serviceAccountJson'] }, { required: ['accessToken'] }],
    additionalProperties: false,
    properties: {
      projectId: { type: 'string', title: 'Firebase project id', pattern: '^[a-z][a-z0-9-]{4,28}[a-z0-9]$' },
      serviceAccountJson: {
        type: 'string',
        title: 'Service account key (JSON)',
        description: 'The JSON key file of a service account with the Firebase Cloud Messaging API Admin role.',
        'x-secret': true,
      },
      accessToken: {
        type: 'string',
        title: 'OAuth 2.0 access token',
        description: "Instead of a service account: an access token minted elsewhere (it is not refreshed), or the loopback fake's token.",
        'x-secret': true,
      },
      androidPriority: { enum: ['high', 'normal'], title: 'Android priority', default: 'high' },
      ttlSeconds: {
        type: 'integer',
        title: 'Time to live (s)',
        description: 'How long FCM keeps an undelivered message.',
        minimum: 0,
        maximum: 2_419_200,
      },
      endpoint: {
        type: 'string',
        title: 'FCM endpoint',
        description: 'Send to this origin instead of https://fcm.googleapis.com (a proxy, or the loopback fake of `npm run fakes`).',
        format: 'uri',
      },
    },
  },
  capabilities: { checkConfig: true },
} as const;

/** FCM error codes (firebase-admin's) meaning the device token is gone for good: drop it from the profile. */
const DEAD_TOKEN_CODES = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token']);
const RETRYABLE_CODES = new Set([
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/server-unavailable',
  'messaging/internal-error',
  'messaging/unknown-error',
  'app/network-error',
  'app/network-timeout',
]);
const AUTH_CODES = new Set([
  'messaging/third-party-auth-error',
  'messaging/mismatched-credential',
  'messaging/authentication-error',
  'app/invalid-credential',
]);

interface FirebaseLikeError extends Error {
  code?: string;
  httpResponse?: { status: number; headers: Record<string, unknown> };
}

function isDeadToken(error: FirebaseLikeError | undefined): boolean {
  if (!error?.code) return false;
  if (DEAD_TOKEN_CODES.has(error.code)) return true;
  // FCM v1 answers INVALID_ARGUMENT for a malformed registration token (and for bad payloads, which say otherwise).
  return error.code === 'messaging/invalid-argument' && /registration token/i.test(error.message);
}

/**
 * Maps a firebase-admin error to a PluginError: quota, unavailable, internal and network errors
 * retryable (with Retry-After when FCM sent one); credential problems (401/403, APNs auth)
 * permanent `auth`; dead tokens permanent `unregistered`; anything else permanent.
 */
export function toFcmPluginError(error: unknown): PluginError {
  const e = error as FirebaseLikeError;
  const code = e?.code;
  const status = e?.httpResponse?.status;
  const details = { fcmCode: code };
  const message = `FCM: ${e?.message ?? String(error)}`;
  if (code && RETRYABLE_CODES.has(code)) {
    const retryAfter = e.httpResponse?.headers?.['retry-after'];
    return new RetryableError(message, {
      code: code.includes('rate-exceeded') ? 'rate_limited' : code.startsWith('app/network') ? 'network' : 'provider_error',
      providerStatus: status,
      retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined),
      details,
      cause: error,
    });
  }
  if ((code && AUTH_CODES.has(code)) || status === 401 || status === 403) {
    return new PermanentError(message, { code: 'auth', providerStatus: status, details, cause: error });
  }
  if (isDeadToken(e)) return new PermanentError(message, { code: 'unregistered', providerStatus: status, details, cause: error });
  if (code?.startsWith('messaging/') || code?.startsWith('app/')) {
    return new PermanentError(message, { code: 'invalid_request', providerStatus: status, details, cause: error });
  }
  return toPluginError(error, 'FCM request failed');
}

/** An https.Agent whose connections all go to `endpoint` (plain TCP for http:, TLS for https:). */
function endpointAgent(endpoint: URL): HttpsAgent {
  const agent = new HttpsAgent({ keepAlive: true });
  const port = Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80));
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');
  (agent as unknown as { createConnection: () => Socket }).createConnection =
    endpoint.protocol === 'https:' ? () => connectTls({ host, port, servername: host }) : () => connectTcp({ port, host });
  return agent;
}

function credentialFor(ctx: FcmContext): Credential {
  const { serviceAccountJson, accessToken } = ctx.secrets;
  if (serviceAccountJson) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(serviceAccountJson) as Record<string, unknown>;
    } catch {
      throw new PermanentError('The service account key is not valid JSON', { code: 'invalid_config' });
    }
    try {
      return cert(parsed);
    } catch (error) {
      throw new PermanentError(`The service account key is not usable: ${(error as Error).message}`, {
        code: 'invalid_config',
        cause: error,
      });
    }
  }
  if (accessToken) return { getAccessToken: async () => ({ access_token: accessToken, expires_in: 3600 }) };
  throw new PermanentError('Configure a service account key or an access token', { code: 'invalid_config' });
}

/** One firebase-admin app per distinct configuration, so access tokens are cached between sends. */
const apps = new Map<string, { app: App; messaging: Messaging }>();
const MAX_APPS = 32;

function messagingFor(ctx: FcmContext): Messaging {
  const { projectId, endpoint } = ctx.config;
  const key = createHash('sha256')
    .update(JSON.stringify([projectId, endpoint ?? '', ctx.secrets.serviceAccountJson ?? '', ctx.secrets.accessToken ?? '']))
    .digest('hex')
    .slice(0, 32);
  const cached = apps.get(key);
  if (cached) return cached.messaging;
  const app = initializeApp(
    { projectId, credential: credentialFor(ctx), ...(endpoint && { httpAgent: endpointAgent(new URL(endpoint)) }) },
    `itinera-fcm-${key}`,
  );
  const messaging = getMessaging(app);
  // HTTP/1.1 transport: honours httpAgent (the HTTP/2 transport bypasses it) and settles per request.
  messaging.enableLegacyHttpTransport();
  apps.set(key, { app, messaging });
  if (apps.size > MAX_APPS) {
    const [oldestKey, oldest] = apps.entries().next().value!;
    apps.delete(oldestKey);
    void deleteApp(oldest.app).catch(() => undefined);
  }
  return messaging;
}

/** Races a firebase-admin call against the call's signal and deadline (the SDK takes neither). */
async function withinDeadline<T>(ctx: FcmContext, work: () => Promise<T>): Promise<T> {
  const signal = deadlineSignal(ctx);
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

function tokenMessage(ctx: FcmContext, message: PushMessage, token: string): TokenMessage {
  const { androidPriority, ttlSeconds } = ctx.config;
  return {
    token,
    notification: { title: message.title, body: message.body, ...(message.imageUrl && { imageUrl: message.imageUrl }) },
    ...(message.data && { data: message.data }),
    android: { priority: androidPriority ?? 'high', ...(ttlSeconds !== undefined && { ttl: ttlSeconds * 1000 }) },
    apns: {
      payload: { aps: { sound: 'default' } },
      ...(ttlSeconds !== undefined && { headers: { 'apns-expiration': String(Math.floor(Date.now() / 1000) + ttlSeconds) } }),
    },
    fcmOptions: { analyticsLabel: 'itinera' },
  };
}

/**
 * Turns per-token results into the send result. One delivered token is a success (the others'
 * failures are in `raw`, dead tokens in `unregisteredTokens`). With none delivered: every token
 * dead is a permanent `unregistered` error; any retryable failure makes the error retryable;
 * otherwise the first failure decides. Errors carry `details.unregisteredTokens` too.
 */
export function summarise(tokens: string[], batch: BatchResponse): SendResult {
  const results = batch.responses.map((response, index) => ({
    token: tokens[index]!,
    ...(response.success ? { messageId: response.messageId } : { error: response.error?.code ?? 'unknown' }),
  }));
  const unregisteredTokens = tokens.filter((_, index) => isDeadToken(batch.responses[index]?.error as FirebaseLikeError | undefined));
  const delivered = batch.responses.flatMap((response) => (response.success && response.messageId ? [response.messageId] : []));
  if (delivered.length > 0) {
    return {
      providerMessageId: delivered[0]!,
      ...(unregisteredTokens.length > 0 && { unregisteredTokens }),
      raw: { successCount: batch.successCount, failureCount: batch.failureCount, results },
    };
  }
  const details = { unregisteredTokens, results };
  if (unregisteredTokens.length === tokens.length) {
    throw new PermanentError(`None of the ${tokens.length} device token(s) is registered any more`, { code: 'unregistered', details });
  }
  const failures = batch.responses
    .map((response) => response.error)
    .filter((error, index) => error && !unregisteredTokens.includes(tokens[index]!))
    .map((error) => toFcmPluginError(error));
  const first = failures.find((failure) => failure.retryable) ?? failures[0]!;
  const options = { code: first.code, providerStatus: first.providerStatus, retryAfterMs: first.retryAfterMs, details, cause: first };
  throw first.retryable ? new RetryableError(first.message, options) : new PermanentError(first.message, options);
}

export const fcmPlugin = defineChannelPlugin<PushMessage, FcmConfig, FcmSecrets>({
  manifest,

  async send(ctx, message) {
    const tokens = [...new Set(message.tokens)];
    if (tokens.length === 0) throw new PermanentError('A push message needs at least one device token', { code: 'invalid_request' });
    if (tokens.length > 500) throw new PermanentError('FCM accepts at most 500 device tokens per send', { code: 'invalid_request' });
    const messaging = messagingFor(ctx);
    let batch: BatchResponse;
    try {
      batch = await withinDeadline(ctx, () => messaging.sendEach(tokens.map((token) => tokenMessage(ctx, message, token))));
    } catch (error) {
      if (ctx.signal.aborted || Date.now() >= ctx.deadline) throw error;
      throw toFcmPluginError(error);
    }
    const result = summarise(tokens, batch);
    if (result.unregisteredTokens) ctx.logger.info('FCM reported unregistered device tokens', { count: result.unregisteredTokens.length });
    return result;
  },

  async checkConfig(ctx): Promise<CheckConfigResult> {
    try {
      const messaging = messagingFor(ctx);
      // A dry run validates the credentials and the project without delivering anything.
      await withinDeadline(ctx, () => messaging.send({ topic: 'itinera-config-check', notification: { title: 'Itinera' } }, true));
      return { ok: true, message: `Firebase project ${ctx.config.projectId} accepted a dry-run message` };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const failure = toFcmPluginError(error);
      return {
        ok: false,
        message:
          failure.code === 'auth' || failure.code === 'invalid_config'
            ? `Firebase rejected the credentials for ${ctx.config.projectId}: ${failure.message}`
            : `Could not reach FCM: ${failure.message}`,
        details: failure.toJSON(),
      };
    }
  },
});

export default fcmPlugin;
