// A loopback fake of Firebase Cloud Messaging's HTTP v1 API: `POST /v1/projects/{project}/messages:send`,
// which firebase-admin's `sendEach` calls once per message over HTTP/1.1 once
// `enableLegacyHttpTransport()` is on. It checks the bearer token, answers in FCM's error format
// (UNREGISTERED, INVALID_ARGUMENT, QUOTA_EXCEEDED, ...), and serves an OAuth token endpoint
// (`POST /token`) for credentials that exchange a grant for an access token.
// firebase-admin's host is fixed (fcm.googleapis.com): point it here with `fcmFakeAgent(port)` as
// the app's `httpAgent` (see plugins/channel-push-fcm).
import { Agent as HttpsAgent } from 'node:https';
import { connect, type Socket } from 'node:net';
import { type FakeReply, FakeServer, type RecordedRequest } from './fake-server.js';

export const FCM_FAKE_ACCESS_TOKEN = 'itinera-fake-fcm-access-token';
export const FCM_FAKE_PROJECT_ID = 'itinera-fake-project';

export interface FcmSentMessage {
  /** `projects/{project}/messages/{id}`, as FCM answers. */
  name: string;
  project: string;
  message: Record<string, unknown>;
  validateOnly: boolean;
}

export interface FcmFakeOptions {
  port?: number;
  /** Bearer tokens accepted; default `[FCM_FAKE_ACCESS_TOKEN]`. */
  accessTokens?: string[];
  /** Registration tokens FCM no longer knows (answered 404 UNREGISTERED). */
  unregisteredTokens?: string[];
  /** Registration tokens FCM considers malformed (answered 400 INVALID_ARGUMENT). Tokens shorter than 8 characters are too. */
  invalidTokens?: string[];
}

/**
 * An https.Agent for firebase-admin's `httpAgent` option: every connection it opens goes to the
 * given loopback port in plain HTTP, whatever host the SDK asked for, so token requests and FCM
 * calls all reach the fake.
 */
export function fcmFakeAgent(port: number, host = '127.0.0.1'): HttpsAgent {
  const agent = new HttpsAgent({ keepAlive: false });
  (agent as unknown as { createConnection: () => Socket }).createConnection = () => connect({ port, host });
  return agent;
}

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

/** Google's error body; `errorCode` adds FCM's detail (UNREGISTERED, QUOTA_EXCEEDED, …). */
function googleError(status: number, state: string, message: string, errorCode?: string): FakeReply {
  return {
    status,
    body: { error: { code: status, message, status: state, ...(errorCode && { details: [{ '@type': FCM_ERROR_TYPE, errorCode }] }) } },
  };
}

const STATUS_ERRORS: Record<number, [state: string, errorCode: string | undefined, message: string]> = {
  400: ['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', undefined, 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'SENDER_ID_MISMATCH', 'SenderId mismatch'],
  404: ['NOT_FOUND', 'UNREGISTERED', 'Requested entity was not found.'],
  429: ['RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED', 'Quota exceeded for sending messages.'],
  500: ['INTERNAL', 'INTERNAL', 'Internal error encountered.'],
  503: ['UNAVAILABLE', 'UNAVAILABLE', 'The service is currently unavailable.'],
};

/**
 * Fails like FCM: `failNext({ status })` answers Google's error body for that status (429
 * QUOTA_EXCEEDED, 500 INTERNAL, 503 UNAVAILABLE, 403 SENDER_ID_MISMATCH, …) — per message, as
 * firebase-admin sends one request per message; `{ invalidToken: true }` 401 UNAUTHENTICATED;
 * `{ timeout: true }` never answers. Note that firebase-admin itself retries 503s.
 */
export class FcmFake extends FakeServer {
  /** Messages accepted, oldest first (dry runs included, flagged `validateOnly`). */
  readonly messages: FcmSentMessage[] = [];
  private readonly accessTokens: Set<string>;
  private readonly unregistered = new Set<string>();
  private readonly invalid: Set<string>;
  private readonly agents: HttpsAgent[] = [];
  private sequence = 0;

  constructor(private readonly fakeOptions: FcmFakeOptions = {}) {
    super({ name: 'fcm', port: fakeOptions.port });
    this.accessTokens = new Set(fakeOptions.accessTokens ?? [FCM_FAKE_ACCESS_TOKEN]);
    this.invalid = new Set(fakeOptions.invalidTokens ?? []);
    for (const token of fakeOptions.unregisteredTokens ?? []) this.unregistered.add(token);
    // Google's OAuth token endpoint, for credentials that exchange a signed JWT or a refresh token.
    this.route('POST', '/token', () => ({
      body: { access_token: [...this.accessTokens][0], expires_in: 3600, token_type: 'Bearer' },
    }));
    this.route('POST', SEND_PATH, (request) => this.send(request));
  }

  /** Makes FCM answer UNREGISTERED for this registration token from now on. */
  unregister(token: string): void {
    this.unregistered.add(token);
  }

  /** An https.Agent that sends firebase-admin's requests to this fake (closed with the fake). */
  agent(): HttpsAgent {
    const agent = fcmFakeAgent(this.port);
    this.agents.push(agent);
    return agent;
  }

  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.unregistered.clear();
    for (const token of this.fakeOptions.unregisteredTokens ?? []) this.unregistered.add(token);
  }

  override async close(): Promise<void> {
    for (const agent of this.agents) agent.destroy();
    await super.close();
  }

  protected override authenticate(request: RecordedRequest): FakeReply | undefined {
    if (request.path === '/token') return undefined;
    const header = String(request.headers.authorization ?? '');
    return header.startsWith('Bearer ') && this.accessTokens.has(header.slice(7)) ? undefined : this.invalidTokenReply();
  }

  protected override invalidTokenReply(): FakeReply {
    return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
  }

  protected override errorReply(status: number, message: string | undefined): FakeReply {
    const [state, errorCode, text] = STATUS_ERRORS[status] ?? [
      status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION',
      undefined,
      `FCM fake failure (HTTP ${status})`,
    ];
    return googleError(status, state, message ?? text, errorCode);
  }

  private send(request: RecordedRequest): FakeReply {
    const project = SEND_PATH.exec(request.path)![1]!;
    const body = request.body as { message?: Record<string, unknown>; validate_only?: boolean } | undefined;
    const message = body?.message;
    if (!message || typeof message !== 'object') return this.errorReply(400, 'Request contains an invalid argument.');
    const targets = ['token', 'topic', 'condition'].filter((key) => typeof message[key] === 'string');
    if (targets.length !== 1) return this.errorReply(400, 'Exactly one of token, topic or condition must be set.');
    const token = message.token as string | undefined;
    if (token !== undefined && (this.invalid.has(token) || token.length < 8)) {
      return this.errorReply(400, 'The registration token is not a valid FCM registration token');
    }
    if (token !== undefined && this.unregistered.has(token)) return this.errorReply(404, 'Requested entity was not found.');
    this.sequence += 1;
    const id = body.validate_only ? 'fake_message_id' : `0:${Date.now()}${String(this.sequence).padStart(4, '0')}%${this.newId('', 8)}`;
    const name = `projects/${project}/messages/${id}`;
    this.messages.push({ name, project, message, validateOnly: body.validate_only === true });
    return { body: { name } };
  }
}

/** Starts an FCM fake on 127.0.0.1 (a free port unless `options.port`). */
export async function startFcmFake(options: FcmFakeOptions = {}): Promise<FcmFake> {
  return new FcmFake(options).start();
}
