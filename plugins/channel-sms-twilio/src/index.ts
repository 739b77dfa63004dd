import {
  type CheckConfigResult,
  defineChannelPlugin,
  type DeliveryEvent,
  type DeliveryStatus,
  fromHttpStatus,
  type InboundRequest,
  PermanentError,
  type PluginContext,
  type PluginError,
  remainingMs,
  type SmsMessage,
  throwIfAborted,
  toPluginError,
} from '@itinera/plugin-sdk';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

export interface TwilioConfig {
  accountSid: string;
  from?: string;
  messagingServiceSid?: string;
  statusCallbackUrl?: string;
  apiBaseUrl?: string;
}

export interface TwilioSecrets {
  authToken: string;
}

export type TwilioContext = PluginContext<TwilioConfig, TwilioSecrets>;

export const manifest = {
  id: 'twilio',
  kind: 'channel',
  channel: 'sms',
  displayName: 'Twilio SMS',
  version: '0.1.0',
  description: 'Sends SMS through Twilio Programmable Messaging and turns Twilio status callbacks into delivery events.',
  configSchema: {
    type: 'object',
    required: ['accountSid', 'authToken'],
    anyOf: [{ required: ['from'] }, { required: ['messagingServiceSid'] }],
    additionalProperties: false,
    properties: {
      accountSid: { type: 'string', title: 'Account SID', pattern: '^AC[0-9a-fA-F]{32}$' },
      authToken: { type: 'string', title: 'Auth token', minLength: 1, 'x-secret': true },
      from: {
        type: 'string',
        title: 'Sender',
        description: 'A Twilio phone number in E.164 form (+15551234567) or an alphanumeric sender id. Used when a message names none.',
        pattern: '^(\\+[1-9]\\d{6,14}|[A-Za-z0-9 ]{1,11})$',
      },
      messagingServiceSid: {
        type: 'string',
        title: 'Messaging Service SID',
        description: 'Send through a Messaging Service (sender pool, opt-out handling) instead of a single number.',
        pattern: '^MG[0-9a-fA-F]{32}$',
      },
      statusCallbackUrl: {
        type: 'string',
        title: 'Status callback URL',
        description: "Itinera's public delivery-webhook URL for this provider; Twilio posts every status change there.",
        format: 'uri',
      },
      apiBaseUrl: {
        type: 'string',
        title: 'API base URL',
        description:
          'Send API calls here instead of https://api.twilio.com (a Twilio-compatible proxy, or the loopback fake of `npm run fakes`).',
        format: 'uri',
      },
    },
  },
  capabilities: { checkConfig: true, deliveryWebhooks: true, signedWebhooks: true },
} as const;

/**
 * Twilio's HTTP client, sending every call to `baseUrl` instead of Twilio's hosts when one is
 * configured. The twilio SDK has no base-URL option of its own.
 */
class RoutedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: URL | undefined,
    options: { timeout: number },
  ) {
    super({ timeout: options.timeout, autoRetry: false });
  }

  override request<T>(opts: RequestClient.RequestOptions<T>) {
    if (!this.baseUrl) return super.request<T>(opts);
    const original = new URL(opts.uri);
    const target = new URL(this.baseUrl.href);
    target.pathname = `${this.baseUrl.pathname.replace(/\/$/, '')}${original.pathname}`;
    target.search = original.search;
    return super.request<T>({ ...opts, uri: target.href });
  }
}

function createClient(ctx: TwilioContext) {
  const httpClient = new RoutedRequestClient(ctx.config.apiBaseUrl ? new URL(ctx.config.apiBaseUrl) : undefined, {
    timeout: Math.max(1, remainingMs(ctx)),
  });
  return { client: twilio(ctx.config.accountSid, ctx.secrets.authToken, { httpClient, autoRetry: false }), httpClient };
}

/** Rejects as soon as the call's signal aborts (the twilio SDK takes no AbortSignal). */
function abortable<T>(ctx: TwilioContext, work: Promise<T>): Promise<T> {
  throwIfAborted(ctx);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(ctx.signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => ctx.signal.removeEventListener('abort', onAbort!));
}

/** Twilio error codes that say the recipient, not the request, is the problem. */
const RECIPIENT_ERRORS: Record<number, string> = {
  21211: 'invalid_recipient',
  21214: 'invalid_recipient',
  21408: 'recipient_region_not_enabled',
  21610: 'unsubscribed',
  21612: 'unreachable_recipient',
  21614: 'invalid_recipient',
};

interface TwilioRestError extends Error {
  status?: number;
  code?: number | string;
  moreInfo?: string;
}

/**
 * Maps a twilio SDK error to a PluginError: 429 (Twilio code 20429) and 5xx retryable with the
 * Retry-After delay; 401/403 (20003) permanent `auth`; other 4xx permanent, with recipient
 * problems (invalid number, STOP-ped recipient) named; network errors and timeouts retryable.
 */
export function toTwilioPluginError(error: unknown, retryAfter?: string | null): PluginError {
  const e = error as TwilioRestError;
  if (typeof e?.status === 'number' && e.status >= 400) {
    const twilioCode = typeof e.code === 'number' ? e.code : undefined;
    const details = { twilioCode, moreInfo: e.moreInfo };
    const message = `Twilio answered ${e.status}${twilioCode ? ` (error ${twilioCode})` : ''}: ${e.message}`;
    if (twilioCode !== undefined && RECIPIENT_ERRORS[twilioCode]) {
      return new PermanentError(message, { code: RECIPIENT_ERRORS[twilioCode], providerStatus: e.status, details, cause: error });
    }
    return fromHttpStatus(e.status, message, { retryAfter, details, cause: error });
  }
  return toPluginError(error, 'Twilio request failed');
}

/** Twilio's MessageStatus values that Itinera records, and what they mean for us. */
const STATUS_MAP: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'opened',
  undelivered: 'bounced',
  failed: 'failed',
  canceled: 'failed',
};

function formFields(request: InboundRequest): Record<string, string> {
  if (request.body && typeof request.body === 'object' && !Array.isArray(request.body)) {
    return Object.fromEntries(Object.entries(request.body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(request.rawBody));
}

function header(request: InboundRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export const twilioPlugin = defineChannelPlugin<SmsMessage, TwilioConfig, TwilioSecrets>({
  manifest,

  async send(ctx, message) {
    // A sender named by the message wins; otherwise the Messaging Service, then the default number.
    const sender = message.from
      ? { from: message.from }
      : ctx.config.messagingServiceSid
        ? { messagingServiceSid: ctx.config.messagingServiceSid }
        : { from: ctx.config.from };
    const { client, httpClient } = createClient(ctx);
    try {
      const created = await abortable(
        ctx,
        client.messages.create({
          to: message.to,
          body: message.body,
          ...sender,
          ...(ctx.config.statusCallbackUrl ? { statusCallback: ctx.config.statusCallbackUrl } : {}),
        }),
      );
      if (created.status === 'failed' || created.status === 'undelivered') {
        throw new PermanentError(`Twilio refused the message: ${created.errorMessage ?? created.status}`, {
          code: 'rejected',
          details: { sid: created.sid, errorCode: created.errorCode },
        });
      }
      return {
        providerMessageId: created.sid,
        raw: { sid: created.sid, status: created.status, numSegments: created.numSegments, price: created.price },
      };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw toTwilioPluginError(error, httpClient.lastResponse?.headers?.['retry-after'] as string | undefined);
    }
  },

  parseDeliveryEvent(_ctx, request): DeliveryEvent[] {
    const fields = formFields(request);
    const sid = fields.MessageSid ?? fields.SmsSid;
    const twilioStatus = fields.MessageStatus ?? fields.SmsStatus;
    const status = twilioStatus ? STATUS_MAP[twilioStatus] : undefined;
    if (!sid || !status) return [];
    const errorCode = fields.ErrorCode;
    return [
      {
        providerMessageId: sid,
        status,
        occurredAt: new Date().toISOString(),
        ...(fields.To && { recipient: fields.To }),
        ...((errorCode || twilioStatus === 'canceled') && {
          reason: errorCode ? `Twilio error ${errorCode}${fields.ErrorMessage ? `: ${fields.ErrorMessage}` : ''}` : 'canceled',
        }),
        raw: fields,
      },
    ];
  },

  verifySignature(ctx, request) {
    const signature = header(request, 'x-twilio-signature');
    if (!signature) return false;
    const url = new URL(request.url);
    if (url.searchParams.has('bodySHA256')) {
      return twilio.validateRequestWithBody(ctx.secrets.authToken, signature, request.url, request.rawBody);
    }
    return twilio.validateRequest(ctx.secrets.authToken, signature, request.url, formFields(request));
  },

  async checkConfig(ctx): Promise<CheckConfigResult> {
    const { client, httpClient } = createClient(ctx);
    try {
      const account = await abortable(ctx, client.api.v2010.accounts(ctx.config.accountSid).fetch());
      if (account.status !== 'active') {
        return {
          ok: false,
          message: `The Twilio account ${account.friendlyName} is ${account.status}`,
          details: { status: account.status },
        };
      }
      return { ok: true, message: `Connected to Twilio account ${account.friendlyName}`, details: { type: account.type } };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const failure = toTwilioPluginError(error, httpClient.lastResponse?.headers?.['retry-after'] as string | undefined);
      return {
        ok: false,
        message: failure.code === 'auth' ? 'Twilio rejected the Account SID or auth token' : `Could not reach Twilio: ${failure.message}`,
        details: failure.toJSON(),
      };
    }
  },
});

export default twilioPlugin;
