// A loopback fake of Slack's Web API, enough for the Slack channel: chat.postMessage and
// auth.test, with arguments form-encoded or JSON and the token as a bearer header (or a
// `token` field). Point @slack/web-api at it with `slackApiUrl: fake.apiUrl`.
import { type FakeHandler, type FakeReply, FakeServer, type RecordedRequest } from './fake-server.js';

export const SLACK_FAKE_TOKEN = 'xoxb-itinera-fake-token';

export interface SlackPostedMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  /** Blocks as sent, parsed when they came as a JSON string (form-encoded bodies). */
  blocks: unknown[] | undefined;
  threadTs: string | undefined;
  /** Every argument as received. */
  args: Record<string, unknown>;
}

export interface SlackFakeOptions {
  port?: number;
  /** Tokens the fake accepts; default `[SLACK_FAKE_TOKEN]`. */
  tokens?: string[];
  /** When given, only these channel ids exist; others get `channel_not_found`. Default: every channel exists. */
  channels?: string[];
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Fails like Slack: `failNext({ status: 429, retryAfterSeconds })` answers 429 with Retry-After
 * and `{ ok: false, error: 'ratelimited' }`; other statuses answer that HTTP status;
 * `{ invalidToken: true }` answers `{ ok: false, error: 'invalid_auth' }` (HTTP 200, as Slack
 * does); `{ timeout: true }` never answers. `platformErrorNext('channel_not_found')` queues any
 * other `ok: false` answer.
 */
export class SlackFake extends FakeServer {
  /** Messages accepted by chat.postMessage, oldest first. */
  readonly messages: SlackPostedMessage[] = [];
  private readonly tokens: Set<string>;
  private readonly channels?: Set<string>;
  private readonly queued: FakeReply[] = [];
  private sequence = 0;

  constructor(options: SlackFakeOptions = {}) {
    super({ name: 'slack', port: options.port });
    this.tokens = new Set(options.tokens ?? [SLACK_FAKE_TOKEN]);
    if (options.channels) this.channels = new Set(options.channels);
    this.serve('/api/auth.test', () => ({
      body: {
        ok: true,
        url: 'https://itinera-fake.slack.com/',
        team: 'Itinera fake workspace',
        user: 'itinera',
        team_id: 'T00000000',
        user_id: 'U00000000',
        bot_id: 'B00000000',
      },
    }));
    this.serve('/api/chat.postMessage', (request) => this.postMessage(request));
  }

  /** The value for @slack/web-api's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Answers the next requests (after authentication) with these replies, in order. */
  replyNext(...replies: FakeReply[]): void {
    this.queued.push(...replies);
  }

  /** Answers the next request with `{ ok: false, error }` (HTTP 200), e.g. `channel_not_found`, `is_archived`. */
  platformErrorNext(error: string): void {
    this.queued.push({ body: { ok: false, error } });
  }

  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.queued.length = 0;
  }

  protected override authenticate(request: RecordedRequest): FakeReply | undefined {
    const header = String(request.headers.authorization ?? '');
    const args = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const token = header.startsWith('Bearer ') ? header.slice(7) : (args.token ?? request.query.token);
    if (!token) return { body: { ok: false, error: 'not_authed' } };
    return typeof token === 'string' && this.tokens.has(token) ? undefined : this.invalidTokenReply();
  }

  protected override invalidTokenReply(): FakeReply {
    return { body: { ok: false, error: 'invalid_auth' } };
  }

  protected override errorReply(status: number): FakeReply {
    if (status === 429) return { status, body: { ok: false, error: 'ratelimited' } };
    return { status, body: { ok: false, error: status >= 500 ? 'internal_error' : 'invalid_request' } };
  }

  private serve(path: string, handler: FakeHandler): void {
    const queuedFirst: FakeHandler = (request) => this.queued.shift() ?? handler(request);
    this.route('POST', path, queuedFirst);
    this.route('GET', path, queuedFirst);
  }

  private postMessage(request: RecordedRequest): FakeReply {
    const args = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    if (!channel || (this.channels && !this.channels.has(channel))) return { body: { ok: false, error: 'channel_not_found' } };
    const blocks = typeof args.blocks === 'string' ? safeParse(args.blocks) : args.blocks;
    const text = typeof args.text === 'string' ? args.text : undefined;
    if (!text && !(Array.isArray(blocks) && blocks.length > 0)) return { body: { ok: false, error: 'no_text' } };
    this.sequence += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.sequence).padStart(6, '0')}`;
    // A channel given by name (#general) is answered with an id, as Slack does.
    const channelId = channel.startsWith('#')
      ? `C${channel
          .slice(1)
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .padEnd(8, '0')}`
      : channel;
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    this.messages.push({ channel: channelId, ts, text, blocks: Array.isArray(blocks) ? blocks : undefined, threadTs, args });
    return {
      body: {
        ok: true,
        channel: channelId,
        ts,
        message: {
          type: 'message',
          subtype: 'bot_message',
          text: text ?? '',
          ts,
          bot_id: 'B00000000',
          ...(threadTs && { thread_ts: threadTs }),
        },
      },
    };
  }
}

/** Starts a Slack fake on 127.0.0.1 (a free port unless `options.port`). */
export async function startSlackFake(options: SlackFakeOptions = {}): Promise<SlackFake> {
  return new SlackFake(options).start();
}
