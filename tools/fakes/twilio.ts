// A loopback fake of Twilio's REST API, enough for the SMS channel: create a message
// (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded, HTTP Basic with the
// Account SID and auth token), fetch a message or the account, and send signed status callbacks
// to the message's StatusCallback URL. The twilio SDK has no base-URL option: point it here with
// a custom httpClient (see plugins/channel-sms-twilio).
import { createHmac } from 'node:crypto';
import { type FakeHandler, type FakeReply, FakeServer, type RecordedRequest } from './fake-server.js';

export const TWILIO_FAKE_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const TWILIO_FAKE_AUTH_TOKEN = 'itinera-fake-auth-token';

export interface TwilioMessageResource {
  sid: string;
  account_sid: string;
  from: string | null;
  messaging_service_sid: string | null;
  to: string;
  body: string;
  status: string;
  direction: 'outbound-api';
  num_segments: string;
  num_media: string;
  error_code: number | null;
  error_message: string | null;
  price: string | null;
  price_unit: string;
  api_version: '2010-04-01';
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  uri: string;
  subresource_uris: Record<string, string>;
}

export interface TwilioFakeOptions {
  port?: number;
  /** Account SID → auth token accepted with HTTP Basic; default the fixed test pair above. */
  accounts?: Record<string, string>;
  /**
   * `manual` (default): status callbacks are sent only by `sendStatusCallback`.
   * `auto`: after a message is created with a StatusCallback, the fake posts `sent`, then
   * `delivered` (or `undelivered` with error 30003 for numbers listed in `undeliverable`).
   */
  statusCallbacks?: 'manual' | 'auto';
  undeliverable?: string[];
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Twilio's webhook signature: HMAC-SHA1 of the URL followed by each form field name and value, sorted by name; base64. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

function twilioError(status: number, code: number, message: string): FakeReply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

/**
 * Fails with Twilio's error bodies: `failNext({ status: 429 })` answers error 20429 with
 * Retry-After, `{ status: 500 }` error 20500, `{ invalidToken: true }` 401 with error 20003,
 * `{ timeout: true }` never answers. `replyNext` queues any other answer (e.g. error 21610).
 */
export class TwilioFake extends FakeServer {
  /** Messages created so far, oldest first. */
  readonly messages: TwilioMessageResource[] = [];
  private readonly accounts: Record<string, string>;
  private readonly callbacks = new Map<string, string>();
  private readonly queued: FakeReply[] = [];
  private readonly undeliverable: Set<string>;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly fakeOptions: TwilioFakeOptions = {}) {
    super({ name: 'twilio', port: fakeOptions.port });
    this.accounts = fakeOptions.accounts ?? { [TWILIO_FAKE_ACCOUNT_SID]: TWILIO_FAKE_AUTH_TOKEN };
    this.undeliverable = new Set(fakeOptions.undeliverable ?? []);
    this.serve('POST', MESSAGES_PATH, (request) => this.createMessage(request));
    this.serve('GET', MESSAGE_PATH, (request) => {
      const [, accountSid, sid] = MESSAGE_PATH.exec(request.path)!;
      const message = this.messages.find((m) => m.sid === sid && m.account_sid === accountSid);
      return message ? { body: message } : twilioError(404, 20404, `The requested resource ${request.path} was not found`);
    });
    this.serve('GET', ACCOUNT_PATH, (request) => {
      const accountSid = ACCOUNT_PATH.exec(request.path)![1]!;
      return {
        body: {
          sid: accountSid,
          owner_account_sid: accountSid,
          friendly_name: 'Itinera fake account',
          status: 'active',
          type: 'Full',
          date_created: new Date(0).toUTCString(),
          date_updated: new Date(0).toUTCString(),
          uri: `/2010-04-01/Accounts/${accountSid}.json`,
          subresource_uris: { messages: `/2010-04-01/Accounts/${accountSid}/Messages.json` },
        },
      };
    });
  }

  /** Answers the next requests (after authentication) with these replies, in order. */
  replyNext(...replies: FakeReply[]): void {
    this.queued.push(...replies);
  }

  /**
   * Posts a status callback for a created message to its StatusCallback URL, form-encoded and
   * signed with `X-Twilio-Signature` under the account's auth token, as Twilio does.
   */
  async sendStatusCallback(sid: string, status: string, extra: Record<string, string> = {}): Promise<Response> {
    const message = this.messages.find((m) => m.sid === sid);
    const url = this.callbacks.get(sid);
    if (!message || !url) throw new Error(`Twilio fake: no message ${sid} with a StatusCallback`);
    message.status = status;
    message.date_updated = new Date().toUTCString();
    if (extra.ErrorCode) message.error_code = Number(extra.ErrorCode);
    const params: Record<string, string> = {
      AccountSid: message.account_sid,
      ApiVersion: '2010-04-01',
      From: message.from ?? '',
      MessageSid: sid,
      MessageStatus: status,
      SmsSid: sid,
      SmsStatus: status,
      To: message.to,
      ...extra,
    };
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(this.accounts[message.account_sid]!, url, params),
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
    });
  }

  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.queued.length = 0;
    this.callbacks.clear();
  }

  override async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await super.close();
  }

  protected override authenticate(request: RecordedRequest): FakeReply | undefined {
    const accountSid = /^\/2010-04-01\/Accounts\/([^/.]+)/.exec(request.path)?.[1];
    const header = String(request.headers.authorization ?? '');
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const separator = decoded.indexOf(':');
    const user = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    const known = separator > 0 && this.accounts[user] !== undefined && this.accounts[user] === password;
    return known && (accountSid === undefined || accountSid === user) ? undefined : this.invalidTokenReply();
  }

  protected override invalidTokenReply(): FakeReply {
    return twilioError(401, 20003, 'Authentication Error - invalid username');
  }

  protected override errorReply(status: number, message: string | undefined): FakeReply {
    const code = status === 429 ? 20429 : status === 404 ? 20404 : status === 401 ? 20003 : status >= 500 ? 20500 : 21100;
    return twilioError(status, code, message ?? (status === 429 ? 'Too Many Requests' : `Twilio fake failure (HTTP ${status})`));
  }

  private serve(method: string, path: RegExp, handler: FakeHandler): void {
    this.route(method, path, (request) => this.queued.shift() ?? handler(request));
  }

  private createMessage(request: RecordedRequest): FakeReply {
    const accountSid = MESSAGES_PATH.exec(request.path)![1]!;
    const form = (request.body ?? {}) as Record<string, string>;
    if (!form.To) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(form.To)) return twilioError(400, 21211, `The 'To' number ${form.To} is not a valid phone number.`);
    if (!form.From && !form.MessagingServiceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!form.Body && !form.MediaUrl && !form.ContentSid) return twilioError(400, 21602, 'Message body is required.');
    const now = new Date().toUTCString();
    const sid = this.newId('SM', 16);
    const message: TwilioMessageResource = {
      sid,
      account_sid: accountSid,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      to: form.To,
      body: form.Body ?? '',
      status: form.MessagingServiceSid ? 'accepted' : 'queued',
      direction: 'outbound-api',
      num_segments: String(Math.max(1, Math.ceil((form.Body ?? '').length / 153))),
      num_media: '0',
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      api_version: '2010-04-01',
      date_created: now,
      date_updated: now,
      date_sent: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    };
    this.messages.push(message);
    if (form.StatusCallback) {
      this.callbacks.set(sid, form.StatusCallback);
      if (this.fakeOptions.statusCallbacks === 'auto') this.autoCallbacks(message);
    }
    return { status: 201, body: message };
  }

  private autoCallbacks(message: TwilioMessageResource): void {
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      try {
        await this.sendStatusCallback(message.sid, 'sent');
        if (this.undeliverable.has(message.to)) await this.sendStatusCallback(message.sid, 'undelivered', { ErrorCode: '30003' });
        else await this.sendStatusCallback(message.sid, 'delivered');
      } catch {
        // The receiver may be down; Twilio gives up too.
      }
    }, 50);
    timer.unref();
    this.timers.add(timer);
  }
}

/** Starts a Twilio fake on 127.0.0.1 (a free port unless `options.port`). */
export async function startTwilioFake(options: TwilioFakeOptions = {}): Promise<TwilioFake> {
  return new TwilioFake(options).start();
}
