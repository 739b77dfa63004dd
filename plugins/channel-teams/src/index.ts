import { createHash } from 'node:crypto';
import {
  type ChatMessage,
  type CheckConfigResult,
  deadlineSignal,
  defineChannelPlugin,
  fromHttpStatus,
  isPluginError,
  PermanentError,
  type PluginContext,
  type PluginError,
  RetryableError,
  type TeamsChannelAddress,
  toPluginError,
} from '@itinera/plugin-sdk';
import { Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';

export interface TeamsConfig {
  graphBaseUrl: string;
  tenantId?: string;
  clientId?: string;
  tokenUrl?: string;
  scope: string;
}

export interface TeamsSecrets {
  accessToken?: string;
  clientSecret?: string;
}

export type TeamsContext = PluginContext<TeamsConfig, TeamsSecrets>;

const DEFAULT_GRAPH = 'https://graph.microsoft.com';
const DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
/** Graph's own hosts (public and national clouds); the client attaches tokens to these by itself. */
const GRAPH_HOSTS = new Set(['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn']);

export const manifest = {
  id: 'teams',
  kind: 'channel',
  channel: 'teams',
  displayName: 'Microsoft Teams',
  version: '0.1.0',
  description: 'Posts messages to Microsoft Teams channels and chats through Microsoft Graph.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    anyOf: [
      { required: ['accessToken'] },
      { required: ['clientId', 'clientSecret', 'tokenUrl'] },
      { required: ['clientId', 'clientSecret', 'tenantId'] },
    ],
    properties: {
      accessToken: {
        type: 'string',
        title: 'Access token',
        description: 'A Graph access token minted elsewhere (it is used as is, never refreshed).',
        'x-secret': true,
      },
      tenantId: { type: 'string', title: 'Tenant id', description: "With client id and secret: the token endpoint is this tenant's." },
      clientId: { type: 'string', title: 'Client (application) id' },
      clientSecret: { type: 'string', title: 'Client secret', 'x-secret': true },
      tokenUrl: {
        type: 'string',
        title: 'Token endpoint',
        description:
          'OAuth 2.0 token endpoint for the client-credentials grant; default https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token.',
        format: 'uri',
        'x-secret': false,
      },
      scope: { type: 'string', title: 'Scope', default: DEFAULT_SCOPE },
      graphBaseUrl: {
        type: 'string',
        title: 'Graph URL',
        description: 'https://graph.microsoft.com, a national cloud (https://graph.microsoft.us), or the loopback fake of `npm run fakes`.',
        format: 'uri',
        pattern: '^https://',
        default: DEFAULT_GRAPH,
      },
    },
  },
  capabilities: { checkConfig: true },
} as const;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** Client-credentials tokens, per token endpoint, client and secret, until a minute before they expire. */
const tokens = new Map<string, CachedToken>();

function tokenKey(ctx: TeamsContext, tokenUrl: string): string {
  return createHash('sha256')
    .update(JSON.stringify([tokenUrl, ctx.config.clientId, ctx.secrets.clientSecret, ctx.config.scope]))
    .digest('hex');
}

function tokenUrlOf(ctx: TeamsContext): string | undefined {
  if (ctx.config.tokenUrl) return ctx.config.tokenUrl;
  if (ctx.config.tenantId) return `https://login.microsoftonline.com/${encodeURIComponent(ctx.config.tenantId)}/oauth2/v2.0/token`;
  return undefined;
}

/** The bearer token: the configured one, or one from the client-credentials grant (cached). */
async function accessToken(ctx: TeamsContext, signal: AbortSignal): Promise<string> {
  if (ctx.secrets.accessToken) return ctx.secrets.accessToken;
  const tokenUrl = tokenUrlOf(ctx);
  if (!tokenUrl || !ctx.config.clientId || !ctx.secrets.clientSecret) {
    throw new PermanentError('Configure an access token, or a client id and secret with a tenant id or token endpoint', {
      code: 'invalid_config',
    });
  }
  const key = tokenKey(ctx, tokenUrl);
  const cached = tokens.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.accessToken;
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ctx.config.clientId,
        client_secret: ctx.secrets.clientSecret,
        scope: ctx.config.scope ?? DEFAULT_SCOPE,
      }),
      signal,
    });
  } catch (error) {
    throw toPluginError(error, 'The token endpoint could not be reached');
  }
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token) {
    const message = `The token endpoint answered ${response.status}: ${body.error_description ?? body.error ?? 'no access token'}`;
    if (response.status === 400 || response.status === 401)
      throw new PermanentError(message, { code: 'auth', providerStatus: response.status });
    throw fromHttpStatus(response.status, message, { retryAfter: response.headers.get('retry-after') });
  }
  const lifetimeMs = Math.max(0, (body.expires_in ?? 3600) - 60) * 1000;
  tokens.set(key, { accessToken: body.access_token, expiresAt: Date.now() + lifetimeMs });
  return body.access_token;
}

async function createClient(ctx: TeamsContext, signal: AbortSignal): Promise<Client> {
  // The token is fetched first, so that its failures keep their own (retryable or permanent) meaning.
  const token = await accessToken(ctx, signal);
  const baseUrl = new URL(ctx.config.graphBaseUrl ?? DEFAULT_GRAPH);
  return Client.init({
    baseUrl: `${baseUrl.origin}/`,
    defaultVersion: 'v1.0',
    // The client only attaches the token to Graph's hosts, over https; name any other host.
    ...(!GRAPH_HOSTS.has(baseUrl.hostname) && { customHosts: new Set([baseUrl.hostname]) }),
    authProvider: (done) => done(null, token),
  });
}

/** A Graph request with the call's signal, and no retries of its own: the core owns retries. */
function request(client: Client, path: string, signal: AbortSignal) {
  return client
    .api(path)
    .options({ signal })
    .middlewareOptions([new RetryHandlerOptions(0, 0)]);
}

interface GraphSdkError extends Error {
  statusCode?: number;
  code?: string | null;
  headers?: Headers;
}

/**
 * Maps a Graph client error to a PluginError: 429, 503/504 and other 5xx retryable with
 * Retry-After; 401/403 permanent `auth`; 404 (unknown team, channel or chat) permanent
 * `invalid_recipient`; other 4xx permanent; network failures and timeouts retryable.
 */
export function toTeamsPluginError(error: unknown): PluginError {
  const e = error as GraphSdkError;
  if (isPluginError(error)) return error;
  if (typeof e?.statusCode !== 'number') return toPluginError(error, 'Graph request failed');
  const status = e.statusCode;
  if (status < 0) {
    // A GraphError without a response: the request never reached Graph or was cut off.
    const timedOut = e.code === 'AbortError' || e.code === 'TimeoutError';
    return new RetryableError(`Graph could not be reached: ${e.message}`, { code: timedOut ? 'timeout' : 'network', cause: error });
  }
  const message = `Graph answered ${status}${e.code ? ` ${e.code}` : ''}: ${e.message}`;
  const details = { graphCode: e.code };
  if (status === 404) return new PermanentError(message, { code: 'invalid_recipient', providerStatus: status, details, cause: error });
  return fromHttpStatus(status, message, { retryAfter: e.headers?.get?.('retry-after'), details, cause: error });
}

function isChannel(to: ChatMessage['to']): to is TeamsChannelAddress {
  return typeof to === 'object' && to !== null && typeof to.teamId === 'string' && typeof to.channelId === 'string';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The chatMessage body: the text as HTML (escaped, line breaks kept). */
export function chatMessageBody(message: ChatMessage): { body: { contentType: 'html'; content: string } } {
  return { body: { contentType: 'html', content: escapeHtml(message.text).replace(/\r?\n/g, '<br>') } };
}

export const teamsPlugin = defineChannelPlugin<ChatMessage, TeamsConfig, TeamsSecrets>({
  manifest,

  async send(ctx, message) {
    const { to } = message;
    const path = isChannel(to)
      ? `/teams/${encodeURIComponent(to.teamId)}/channels/${encodeURIComponent(to.channelId)}/messages`
      : typeof to === 'string' && to.length > 0
        ? `/chats/${encodeURIComponent(to)}/messages`
        : undefined;
    if (!path) throw new PermanentError('A Teams message needs a chat id or a { teamId, channelId } in `to`', { code: 'invalid_request' });
    const signal = deadlineSignal(ctx);
    try {
      const created = (await request(await createClient(ctx, signal), path, signal).post(chatMessageBody(message))) as { id?: string };
      if (!created?.id) throw new PermanentError('Graph answered without a message id', { code: 'provider_error' });
      const container = isChannel(to) ? `teams/${to.teamId}/channels/${to.channelId}` : `chats/${to as string}`;
      return { providerMessageId: `${container}/messages/${created.id}`, raw: { id: created.id } };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const failure = toTeamsPluginError(error);
      if (failure.code === 'auth' && !ctx.secrets.accessToken) {
        const tokenUrl = tokenUrlOf(ctx);
        if (tokenUrl) tokens.delete(tokenKey(ctx, tokenUrl));
      }
      throw failure;
    }
  },

  async checkConfig(ctx): Promise<CheckConfigResult> {
    const signal = deadlineSignal(ctx);
    try {
      const organisation = (await request(await createClient(ctx, signal), '/organization', signal).get()) as {
        value?: Array<{ displayName?: string; id?: string }>;
      };
      const tenant = organisation.value?.[0];
      return {
        ok: true,
        message: `Connected to Microsoft Graph${tenant?.displayName ? ` for ${tenant.displayName}` : ''}`,
        details: { tenantId: tenant?.id },
      };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const failure = toTeamsPluginError(error);
      return {
        ok: false,
        message:
          failure.code === 'auth'
            ? `Microsoft rejected the credentials: ${failure.message}`
            : `Could not reach Microsoft Graph: ${failure.message}`,
        details: failure.toJSON(),
      };
    }
  },
});

export default teamsPlugin;
