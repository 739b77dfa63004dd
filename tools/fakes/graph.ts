// A loopback fake of Microsoft Graph, enough for the Teams channel: post a message to a team's
// channel (or reply in a thread) or to a chat, read a channel, a chat or the organisation, and an
// OAuth 2.0 client-credentials token endpoint (`POST /{tenant}/oauth2/v2.0/token`). Served over
// https with a self-signed certificate generated at start-up (the Graph client attaches the
// bearer token only over https), so clients must trust `fake.ca`: NODE_EXTRA_CA_CERTS for a
// separate process, `tls.setDefaultCACertificates` in-process (see plugins/channel-teams).
import { randomUUID } from 'node:crypto';
import { generate } from 'selfsigned';
import { type FakeReply, FakeServer, type RecordedRequest } from './fake-server.js';

export const GRAPH_FAKE_ACCESS_TOKEN = 'itinera-fake-graph-token';
export const GRAPH_FAKE_TENANT_ID = '00000000-0000-4000-8000-0000000000aa';
export const GRAPH_FAKE_CLIENT_ID = '00000000-0000-4000-8000-00000000c1d0';
export const GRAPH_FAKE_CLIENT_SECRET = 'itinera-fake-client-secret';

export interface GraphPostedMessage {
  id: string;
  kind: 'channel' | 'chat';
  teamId?: string;
  channelId?: string;
  chatId?: string;
  /** The message replied to, for channel replies. */
  replyToId?: string;
  /** The chatMessage as posted. */
  message: Record<string, unknown>;
}

export interface GraphFakeOptions {
  port?: number;
  /** Bearer tokens accepted; default `[GRAPH_FAKE_ACCESS_TOKEN]`. */
  accessTokens?: string[];
  /** Client id → secret accepted by the token endpoint; default the fixed test pair above. */
  clients?: Record<string, string>;
  /** When given, only these teams (id → channel ids) exist. Default: every team and channel exists. */
  teams?: Record<string, string[]>;
  /** When given, only these chats exist. Default: every chat exists. */
  chats?: string[];
  /** A certificate and key (PEM) to serve instead of a freshly generated self-signed pair. */
  tls?: { cert: string; key: string };
}

/** A self-signed certificate for `localhost`, 127.0.0.1 and ::1, valid for a year. */
export async function createLoopbackCertificate(hostname = 'localhost'): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

const CHANNEL_MESSAGES = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/messages$/;
const CHANNEL_REPLIES = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/messages\/([^/]+)\/replies$/;
const CHAT_MESSAGES = /^\/v1\.0\/chats\/([^/]+)\/messages$/;
const CHANNEL = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)$/;
const CHAT = /^\/v1\.0\/chats\/([^/]+)$/;
const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;

function graphError(status: number, code: string, message: string): FakeReply {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
      },
    },
  };
}

const STATUS_CODES: Record<number, [code: string, message: string]> = {
  400: ['BadRequest', 'Invalid request.'],
  401: ['InvalidAuthenticationToken', 'Access token validation failure.'],
  403: ['Forbidden', 'Missing role permissions on the request.'],
  404: ['NotFound', 'Resource not found.'],
  429: ['TooManyRequests', 'Too many requests.'],
  500: ['generalException', 'An internal server error occurred.'],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable.'],
  504: ['GatewayTimeout', 'Gateway timeout.'],
};

const decode = (segment: string | undefined) => decodeURIComponent(segment ?? '');

/**
 * Fails like Graph: `failNext({ status })` answers Graph's error body for that status (429
 * TooManyRequests with Retry-After, 503 serviceNotAvailable, 403 Forbidden, 404 NotFound, …);
 * `{ invalidToken: true }` 401 InvalidAuthenticationToken; `{ timeout: true }` never answers.
 */
export class GraphFake extends FakeServer {
  readonly messages: GraphPostedMessage[] = [];
  /** The PEM certificate clients must trust. */
  readonly ca: string;
  private readonly accessTokens: Set<string>;
  private readonly clients: Record<string, string>;

  constructor(private readonly fakeOptions: GraphFakeOptions & { tls: { cert: string; key: string } }) {
    super({ name: 'graph', port: fakeOptions.port, tls: fakeOptions.tls });
    this.ca = fakeOptions.tls.cert;
    this.accessTokens = new Set(fakeOptions.accessTokens ?? [GRAPH_FAKE_ACCESS_TOKEN]);
    this.clients = fakeOptions.clients ?? { [GRAPH_FAKE_CLIENT_ID]: GRAPH_FAKE_CLIENT_SECRET };
    this.route('POST', TOKEN, (request) => this.token(request));
    this.route('GET', '/v1.0/organization', () => ({
      body: { value: [{ id: GRAPH_FAKE_TENANT_ID, displayName: 'Itinera fake tenant' }] },
    }));
    this.route('GET', CHANNEL, (request) => {
      const [, teamId, channelId] = CHANNEL.exec(request.path)!;
      if (!this.channelExists(decode(teamId), decode(channelId))) return this.errorReply(404, 'Channel not found.');
      return { body: { id: decode(channelId), displayName: 'General', membershipType: 'standard' } };
    });
    this.route('GET', CHAT, (request) => {
      const chatId = decode(CHAT.exec(request.path)![1]);
      if (!this.chatExists(chatId)) return this.errorReply(404, 'Chat not found.');
      return { body: { id: chatId, chatType: 'group', topic: null } };
    });
    this.route('POST', CHANNEL_REPLIES, (request) => this.postToChannel(request, CHANNEL_REPLIES.exec(request.path)!));
    this.route('POST', CHANNEL_MESSAGES, (request) => this.postToChannel(request, CHANNEL_MESSAGES.exec(request.path)!));
    this.route('POST', CHAT_MESSAGES, (request) => this.postToChat(request));
  }

  /** `url + '/v1.0'`. The Graph client's `baseUrl` is `url + '/'`. */
  get graphUrl(): string {
    return `${this.url}/v1.0`;
  }

  /** The OAuth 2.0 token endpoint of the fake tenant. */
  get tokenUrl(): string {
    return `${this.url}/${GRAPH_FAKE_TENANT_ID}/oauth2/v2.0/token`;
  }

  /** The host name for the Graph client's `customHosts`. */
  get hostname(): string {
    return new URL(this.url).hostname;
  }

  override reset(): void {
    super.reset();
    this.messages.length = 0;
  }

  protected override authenticate(request: RecordedRequest): FakeReply | undefined {
    if (TOKEN.test(request.path)) return undefined;
    const header = String(request.headers.authorization ?? '');
    if (!header.startsWith('Bearer ')) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    return this.accessTokens.has(header.slice(7)) ? undefined : this.invalidTokenReply();
  }

  protected override invalidTokenReply(): FakeReply {
    return graphError(401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed.');
  }

  protected override errorReply(status: number, message: string | undefined): FakeReply {
    const [code, text] = STATUS_CODES[status] ?? [status >= 500 ? 'generalException' : 'BadRequest', `Graph fake failure (HTTP ${status})`];
    return graphError(status, code, message ?? text);
  }

  private channelExists(teamId: string, channelId: string): boolean {
    const teams = this.fakeOptions.teams;
    return !teams || (teams[teamId]?.includes(channelId) ?? false);
  }

  private chatExists(chatId: string): boolean {
    return !this.fakeOptions.chats || this.fakeOptions.chats.includes(chatId);
  }

  private token(request: RecordedRequest): FakeReply {
    const form = (request.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The grant type must be client_credentials.' },
      };
    }
    if (!form.client_id || this.clients[form.client_id] === undefined || this.clients[form.client_id] !== form.client_secret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } };
    }
    return { body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: [...this.accessTokens][0] } };
  }

  private chatMessage(id: string, body: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
    const now = new Date().toISOString();
    return {
      '@odata.context': `${this.graphUrl}/$metadata#chatMessage`,
      id,
      replyToId: null,
      etag: id,
      messageType: 'message',
      createdDateTime: now,
      lastModifiedDateTime: now,
      lastEditedDateTime: null,
      deletedDateTime: null,
      subject: body.subject ?? null,
      summary: body.summary ?? null,
      importance: body.importance ?? 'normal',
      locale: 'en-us',
      from: {
        application: null,
        device: null,
        user: { id: '00000000-0000-4000-8000-0000000000ee', displayName: 'Itinera', userIdentityType: 'aadUser' },
      },
      body: body.body ?? { contentType: 'text', content: '' },
      attachments: body.attachments ?? [],
      mentions: body.mentions ?? [],
      reactions: [],
      ...extra,
    };
  }

  private messageBody(request: RecordedRequest): Record<string, unknown> | undefined {
    const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : undefined;
    const content = (body?.body as { content?: unknown } | undefined)?.content;
    return typeof content === 'string' && content.length > 0 ? body : undefined;
  }

  private postToChannel(request: RecordedRequest, match: RegExpExecArray): FakeReply {
    const teamId = decode(match[1]);
    const channelId = decode(match[2]);
    const replyToId = match[3] === undefined ? undefined : decode(match[3]);
    if (!this.channelExists(teamId, channelId)) return this.errorReply(404, 'Team or channel not found.');
    const body = this.messageBody(request);
    if (!body) return this.errorReply(400, 'Message body cannot be empty.');
    const id = `${Date.now()}${this.messages.length}`;
    this.messages.push({ id, kind: 'channel', teamId, channelId, replyToId, message: body });
    return {
      status: 201,
      body: this.chatMessage(id, body, {
        replyToId: replyToId ?? null,
        channelIdentity: { teamId, channelId },
        webUrl: `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${id}`,
      }),
    };
  }

  private postToChat(request: RecordedRequest): FakeReply {
    const chatId = decode(CHAT_MESSAGES.exec(request.path)![1]);
    if (!this.chatExists(chatId)) return this.errorReply(404, 'Chat not found.');
    const body = this.messageBody(request);
    if (!body) return this.errorReply(400, 'Message body cannot be empty.');
    const id = `${Date.now()}${this.messages.length}`;
    this.messages.push({ id, kind: 'chat', chatId, message: body });
    return { status: 201, body: this.chatMessage(id, body, { chatId, channelIdentity: null }) };
  }
}

/** Starts a Graph fake over https on 127.0.0.1 (a free port unless `options.port`), with a fresh self-signed certificate unless `options.tls`. */
export async function startGraphFake(options: GraphFakeOptions = {}): Promise<GraphFake> {
  const tls = options.tls ?? (await createLoopbackCertificate());
  return new GraphFake({ ...options, tls }).start();
}
