import { createHash } from 'node:crypto';
import {
  type CheckConfigResult,
  defineChannelPlugin,
  type EmailMessage,
  PermanentError,
  type PluginContext,
  type PluginError,
  remainingMs,
  RetryableError,
  throwIfAborted,
  toPluginError,
} from '@itinera/plugin-sdk';
import nodemailer, { type Transporter } from 'nodemailer';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  startTls: 'opportunistic' | 'required' | 'disabled';
  user?: string;
  from: string;
  replyTo?: string;
  rejectUnauthorized: boolean;
  connectionTimeoutMs: number;
}

export interface SmtpSecrets {
  password?: string;
}

export type SmtpContext = PluginContext<SmtpConfig, SmtpSecrets>;

/** Longest we wait for the TCP connection and the server's greeting, whatever the deadline. */
const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

export const manifest = {
  id: 'smtp',
  kind: 'channel',
  channel: 'email',
  displayName: 'SMTP',
  version: '0.1.0',
  description:
    'Sends e-mail through any SMTP server or relay (Postfix, Amazon SES SMTP, SendGrid, Mailgun, Postmark, Microsoft 365, Gmail) with nodemailer.',
  configSchema: {
    type: 'object',
    required: ['host', 'from'],
    additionalProperties: false,
    properties: {
      host: { type: 'string', title: 'SMTP host', minLength: 1, examples: ['smtp.example.com'] },
      port: { type: 'integer', title: 'Port', minimum: 1, maximum: 65535, default: 587 },
      secure: {
        type: 'boolean',
        title: 'TLS from the start',
        description: 'Implicit TLS from the first byte (usually port 465). Leave off for ports 587 and 25, which upgrade with STARTTLS.',
        default: false,
      },
      startTls: {
        enum: ['opportunistic', 'required', 'disabled'],
        title: 'STARTTLS',
        description: 'opportunistic: upgrade when the server offers it; required: refuse to send without it; disabled: never upgrade.',
        default: 'opportunistic',
      },
      user: { type: 'string', title: 'User name', description: 'Leave empty for a relay that needs no authentication.' },
      password: { type: 'string', title: 'Password', 'x-secret': true },
      from: {
        type: 'string',
        title: 'Default sender',
        description: 'Used when a message names no sender, e.g. "Acme <hello@acme.example>".',
        minLength: 3,
      },
      replyTo: { type: 'string', title: 'Default Reply-To' },
      rejectUnauthorized: {
        type: 'boolean',
        title: 'Verify the server certificate',
        description: 'Turn off only for a relay with a self-signed certificate on a trusted network.',
        default: true,
      },
      connectionTimeoutMs: {
        type: 'integer',
        title: 'Connection timeout (ms)',
        minimum: 100,
        maximum: 120_000,
        default: DEFAULT_CONNECTION_TIMEOUT_MS,
      },
    },
  },
  capabilities: { checkConfig: true },
} as const;

function createTransporter(ctx: SmtpContext): Transporter {
  const { config, secrets } = ctx;
  // Socket waits never outlive the call's deadline; a spent budget still gets 1 ms so nodemailer accepts it.
  const budget = Math.max(1, remainingMs(ctx));
  const connectionTimeout = Math.min(config.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS, budget);
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.startTls === 'required',
    ignoreTLS: config.startTls === 'disabled',
    auth: config.user ? { user: config.user, pass: secrets.password ?? '' } : undefined,
    connectionTimeout,
    greetingTimeout: connectionTimeout,
    socketTimeout: budget,
    tls: { rejectUnauthorized: config.rejectUnauthorized !== false },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/** Runs an SMTP operation, closing the transport when the call's signal aborts. */
async function withTransporter<T>(ctx: SmtpContext, work: (transporter: Transporter) => Promise<T>): Promise<T> {
  throwIfAborted(ctx);
  const transporter = createTransporter(ctx);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      transporter.close();
      reject(ctx.signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([work(transporter), aborted]);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort!);
    transporter.close();
  }
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  permanent?: boolean;
  command?: string;
}

const NETWORK_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY']);
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);

/**
 * Maps a nodemailer error to a PluginError: SMTP 4xx replies (and 503) are retryable, 5xx replies
 * permanent; authentication failures permanent (`auth`); lost or refused connections and
 * timeouts retryable (`network`); TLS failures permanent (a configuration problem).
 */
export function toSmtpPluginError(error: unknown): PluginError {
  const e = error as SmtpError;
  const details = { smtpCode: e?.code, command: e?.command, response: e?.response };
  if (typeof e?.responseCode === 'number') {
    const status = e.responseCode;
    const message = `SMTP server answered ${e.response ?? status}`;
    const permanent = e.permanent ?? (status >= 500 && status !== 503);
    if (e.code === 'EAUTH' || AUTH_REPLY_CODES.has(status)) {
      return new PermanentError(message, { code: 'auth', providerStatus: status, details, cause: error });
    }
    if (permanent) {
      const code = e.code === 'EENVELOPE' ? 'rejected_recipient' : 'rejected';
      return new PermanentError(message, { code, providerStatus: status, details, cause: error });
    }
    const code = status === 421 || status === 450 || status === 452 ? 'rate_limited' : 'provider_error';
    return new RetryableError(message, { code, providerStatus: status, details, cause: error });
  }
  if (e?.code === 'EAUTH' || e?.code === 'ENOAUTH') {
    return new PermanentError(`SMTP authentication failed: ${e.message}`, { code: 'auth', details, cause: error });
  }
  if (e?.code && NETWORK_CODES.has(e.code)) {
    return new RetryableError(`SMTP connection failed: ${e.message}`, { code: 'network', details, cause: error });
  }
  if (e?.code === 'ETLS' || e?.code === 'EREQUIRETLS') {
    return new PermanentError(`SMTP TLS failed: ${e.message}`, { code: 'invalid_config', details, cause: error });
  }
  if (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE') {
    return new PermanentError(`SMTP refused the message: ${e.message}`, { code: 'invalid_request', details, cause: error });
  }
  return toPluginError(error, 'SMTP delivery failed');
}

function domainOf(address: string): string {
  const match = /@([^\s>]+)\s*>?\s*$/.exec(address);
  return match?.[1] ?? 'itinera.local';
}

/**
 * The Message-ID is derived from the idempotency key, so a retried send carries the same
 * Message-ID and receivers (and our delivery events) can tell the copies apart from new mail.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${domainOf(from)}>`;
}

export const smtpPlugin = defineChannelPlugin<EmailMessage, SmtpConfig, SmtpSecrets>({
  manifest,

  async send(ctx, message) {
    const from = message.from ?? ctx.config.from;
    const messageId = messageIdFor(ctx.idempotencyKey, from);
    try {
      const info = await withTransporter(ctx, (transporter) =>
        transporter.sendMail({
          from,
          to: message.to,
          replyTo: message.replyTo ?? ctx.config.replyTo,
          subject: message.subject,
          html: message.html,
          text: message.text,
          headers: message.headers,
          messageId,
        }),
      );
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length > 0 && (info.accepted ?? []).length === 0) {
        throw new PermanentError(`SMTP server rejected ${rejected.join(', ')}`, { code: 'rejected_recipient', details: { rejected } });
      }
      ctx.logger.debug('SMTP server accepted the message', { messageId: info.messageId, response: info.response });
      return {
        providerMessageId: info.messageId ?? messageId,
        raw: { messageId: info.messageId, response: info.response, accepted: info.accepted, rejected: info.rejected },
      };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw toSmtpPluginError(error);
    }
  },

  async checkConfig(ctx): Promise<CheckConfigResult> {
    const where = `${ctx.config.host}:${ctx.config.port}`;
    try {
      await withTransporter(ctx, (transporter) => transporter.verify());
      return { ok: true, message: `Connected to ${where}${ctx.config.user ? ` as ${ctx.config.user}` : ''}` };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const failure = toSmtpPluginError(error);
      return {
        ok: false,
        message: failure.code === 'auth' ? `${where} rejected the user name or password` : `Could not use ${where}: ${failure.message}`,
        details: failure.toJSON(),
      };
    }
  },
});

export default smtpPlugin;
