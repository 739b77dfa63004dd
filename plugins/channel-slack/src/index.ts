import {
  type ChatMessage,
  type CheckConfigResult,
  deadlineSignal,
  defineChannelPlugin,
  fromHttpStatus,
  PermanentError,
  type PluginContext,
  type PluginError,
  remainingMs,
  RetryableError,
  toPluginError,
} from '@itinera/plugin-sdk';
import { type ChatPostMessageArguments, type Logger, LogLevel, WebClient } from '@slack/web-api';

export interface SlackConfig {
  apiUrl?: string;
  username?: string;
  iconEmoji?: string;
  iconUrl?: string;
  unfurlLinks: boolean;
}

export interface SlackSecrets {
  botToken: string;
}

export type SlackContext = PluginContext<SlackConfig, SlackSecrets>;

export const manifest = {
  id: 'slack',
  kind: 'channel',
  channel: 'slack',
  displayName: 'Slack',
  version: '0.1.0',
  description: 'Posts messages to Slack channels and direct messages with a Slack app bot token (chat.postMessage).',
  configSchema: {
    type: 'object',
    required: ['botToken'],
    additionalProperties: false,
    properties: {
      botToken: {
        type: 'string',
        title: 'Bot token',
        description: "The app's bot token (xoxb-…) with the chat:write scope (and chat:write.customize to set a name or icon).",
        pattern: '^xox[a-z]-',
        'x-secret': true,
      },
      username: { type: 'string', title: 'Sender name', maxLength: 80 },
      iconEmoji: { type: 'string', title: 'Sender icon emoji', pattern: '^:[a-z0-9_+-]+:$' },
      iconUrl: { type: 'string', title: 'Sender icon URL', format: 'uri' },
      unfurlLinks: { type: 'boolean', title: 'Unfurl links', default: false },
      apiUrl: {
        type: 'string',
        title: 'API URL',
        description:
          'Call the Web API here instead of https://slack.com/api/ (Slack GovSlack, a proxy, or the loopback fake of `npm run fakes`).',
        format: 'uri',
      },
    },
  },
  capabilities: { checkConfig: true },
} as const;

/** Slack's platform errors (`{ ok: false, error }`) that trying again will not fix, by our code. */
const PERMANENT_ERRORS: Record<string, string> = {
  invalid_auth: 'auth',
  not_authed: 'auth',
  account_inactive: 'auth',
  token_revoked: 'auth',
  token_expired: 'auth',
  no_permission: 'auth',
  missing_scope: 'auth',
  not_allowed_token_type: 'auth',
  ekm_access_denied: 'auth',
  team_access_not_granted: 'auth',
  channel_not_found: 'invalid_recipient',
  user_not_found: 'invalid_recipient',
  is_archived: 'invalid_recipient',
  not_in_channel: 'invalid_recipient',
  cannot_dm_bot: 'invalid_recipient',
  user_disabled: 'invalid_recipient',
  restricted_action: 'refused',
  restricted_action_read_only_channel: 'refused',
  restricted_action_thread_only_channel: 'refused',
  restricted_action_non_threadable_channel: 'refused',
  msg_too_long: 'invalid_request',
  no_text: 'invalid_request',
  invalid_blocks: 'invalid_request',
  invalid_blocks_format: 'invalid_request',
  too_many_attachments: 'invalid_request',
  invalid_arguments: 'invalid_request',
};

/** Platform errors that are Slack's own trouble and worth another try. */
const RETRYABLE_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

interface SlackSdkError extends Error {
  code?: string;
  data?: { error?: string; needed?: string; response_metadata?: { messages?: string[] } };
  retryAfter?: number;
  statusCode?: number;
  headers?: Record<string, string>;
  original?: Error;
}

/**
 * Maps a @slack/web-api error to a PluginError: `ratelimited` (HTTP 429) retryable with the
 * Retry-After delay; token and permission problems (invalid_auth, missing_scope, …) permanent
 * `auth`; unknown or archived channels permanent `invalid_recipient`; Slack-side failures,
 * HTTP 5xx and network errors retryable.
 */
export function toSlackPluginError(error: unknown): PluginError {
  const e = error as SlackSdkError;
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return new RetryableError(`Slack rate limit: retry after ${e.retryAfter} s`, {
        code: 'rate_limited',
        providerStatus: 429,
        retryAfterMs: typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined,
        cause: error,
      });
    case 'slack_webapi_platform_error': {
      const slackError = e.data?.error ?? 'unknown_error';
      const details = { slackError, needed: e.data?.needed };
      if (RETRYABLE_ERRORS.has(slackError)) {
        return new RetryableError(`Slack answered ${slackError}`, {
          code: slackError === 'ratelimited' ? 'rate_limited' : 'provider_error',
          details,
          cause: error,
        });
      }
      return new PermanentError(`Slack answered ${slackError}`, {
        code: PERMANENT_ERRORS[slackError] ?? 'rejected',
        details,
        cause: error,
      });
    }
    case 'slack_webapi_http_error':
      return fromHttpStatus(e.statusCode ?? 0, `Slack answered HTTP ${e.statusCode}`, {
        retryAfter: e.headers?.['retry-after'],
        cause: error,
      });
    case 'slack_webapi_request_error':
      return new RetryableError(`Slack request failed: ${e.original?.message ?? e.message}`, {
        code: e.original?.name === 'TimeoutError' ? 'timeout' : 'network',
        cause: error,
      });
    default:
      return toPluginError(error, 'Slack request failed');
  }
}

function slackLogger(ctx: SlackContext): Logger {
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => ctx.logger.debug(`slack: ${text(msg)}`),
    info: (...msg) => ctx.logger.debug(`slack: ${text(msg)}`),
    // The SDK warns about failures we turn into errors anyway.
    warn: (...msg) => ctx.logger.debug(`slack: ${text(msg)}`),
    error: (...msg) => ctx.logger.warn(`slack: ${text(msg)}`),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function createClient(ctx: SlackContext): WebClient {
  const signal = deadlineSignal(ctx);
  return new WebClient(ctx.secrets.botToken, {
    ...(ctx.config.apiUrl && { slackApiUrl: ctx.config.apiUrl.endsWith('/') ? ctx.config.apiUrl : `${ctx.config.apiUrl}/` }),
    // The core owns retries and back-off: fail fast, and say how long Slack asked us to wait.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: Math.max(1, remainingMs(ctx)),
    logger: slackLogger(ctx),
    // Every request also ends when the core aborts the call.
    fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
  });
}

export const slackPlugin = defineChannelPlugin<ChatMessage, SlackConfig, SlackSecrets>({
  manifest,

  async send(ctx, message) {
    if (typeof message.to !== 'string' || message.to.length === 0) {
      throw new PermanentError('A Slack message needs a channel or user id in `to`', { code: 'invalid_request' });
    }
    const { username, iconEmoji, iconUrl, unfurlLinks } = ctx.config;
    try {
      const args = {
        channel: message.to,
        text: message.text,
        // Standard Markdown renders through a markdown block; `text` stays the notification fallback.
        ...(message.markdown && { blocks: [{ type: 'markdown', text: message.markdown }] }),
        unfurl_links: unfurlLinks ?? false,
        unfurl_media: unfurlLinks ?? false,
        ...(username && { username }),
        ...(iconEmoji && { icon_emoji: iconEmoji }),
        ...(iconUrl && !iconEmoji && { icon_url: iconUrl }),
      } as ChatPostMessageArguments;
      const result = await createClient(ctx).chat.postMessage(args);
      return {
        providerMessageId: `${result.channel}:${result.ts}`,
        raw: { channel: result.channel, ts: result.ts },
      };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw toSlackPluginError(error);
    }
  },

  async checkConfig(ctx): Promise<CheckConfigResult> {
    try {
      const identity = await createClient(ctx).auth.test();
      return {
        ok: true,
        message: `Connected to the Slack workspace ${identity.team} as ${identity.user}`,
        details: { teamId: identity.team_id, botId: identity.bot_id },
      };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const failure = toSlackPluginError(error);
      return {
        ok: false,
        message:
          failure.code === 'auth' ? `Slack rejected the bot token (${failure.message})` : `Could not reach Slack: ${failure.message}`,
        details: failure.toJSON(),
      };
    }
  },
});

export default slackPlugin;
