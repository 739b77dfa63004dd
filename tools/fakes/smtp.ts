// A loopback SMTP sink: accepts what an SMTP client (nodemailer in the e-mail channel) sends,
// parses each message with mailparser and keeps it for assertions. Plain SMTP only (STARTTLS
// disabled), authentication optional. It can be told to fail the next messages the way a real
// relay does: a 4xx (try again later), a 5xx (rejected), a rate limit, a hang, or bad credentials.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** SMTP envelope: MAIL FROM and every RCPT TO. */
  envelope: { from: string | null; to: string[] };
  /** The user name the client authenticated with, if it did. */
  user: string | undefined;
  messageId: string | undefined;
  from: string | undefined;
  to: string[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  /** Header values as sent (unfolded), keyed by lower-case name; the first occurrence wins. */
  headers: Record<string, string>;
  /** The complete message source. */
  raw: string;
  receivedAt: Date;
}

/**
 * - `error`: 451 4.3.0 at end of DATA (transient, the client should retry)
 * - `rate-limit`: 421 4.7.0 at MAIL FROM (transient)
 * - `rejected`: 550 5.1.1 at RCPT TO (permanent)
 * - `invalid-token`: 535 5.7.8 to AUTH, or 530 5.7.0 at MAIL FROM when the client did not authenticate
 * - `timeout`: never answers the end of DATA, until the fake closes
 */
export type SmtpFailure = 'error' | 'rate-limit' | 'rejected' | 'invalid-token' | 'timeout';

export interface SmtpFakeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * Accounts the fake knows (user name → password). When given, AUTH with any other pair fails
   * with 535; authentication stays optional either way.
   */
  users?: Record<string, string>;
}

export interface SmtpFake {
  /** `smtp://127.0.0.1:PORT` */
  url: string;
  host: string;
  port: number;
  /** Every message accepted so far, oldest first. */
  messages: ReceivedMail[];
  /** Same array as `messages`, named like the HTTP fakes' record. */
  requests: ReceivedMail[];
  /** Fails the next `times` (default 1) transactions with `failure`. */
  failNext(failure: SmtpFailure, options?: { times?: number }): void;
  /** Answers the end of DATA of the next transaction with this SMTP reply instead of 250. */
  replyNext(code: number, message?: string): void;
  /** Resolves once at least `count` messages have arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Forgets recorded messages and queued failures. */
  reset(): void;
  close(): Promise<void>;
}

interface SmtpReplyError extends Error {
  responseCode: number;
}

function reply(code: number, message: string): SmtpReplyError {
  return Object.assign(new Error(message), { responseCode: code });
}

const FAILURE_REPLIES: Record<Exclude<SmtpFailure, 'timeout'>, [number, string]> = {
  error: [451, '4.3.0 Temporary local problem, try again later'],
  'rate-limit': [421, '4.7.0 Too many messages, slow down'],
  rejected: [550, '5.1.1 Mailbox unavailable'],
  'invalid-token': [535, '5.7.8 Authentication credentials invalid'],
};

export async function startSmtpFake(options: SmtpFakeOptions = {}): Promise<SmtpFake> {
  const host = options.host ?? '127.0.0.1';
  const messages: ReceivedMail[] = [];
  const failures: SmtpFailure[] = [];
  let nextReply: [number, string] | undefined;
  const waiters = new Set<() => void>();
  const hanging = new Set<() => void>();
  // A failure is taken at the stage where it applies and remembered for the rest of the session.
  const sessionFailures = new WeakMap<SMTPServerSession, SmtpFailure>();

  const failureFor = (session: SMTPServerSession): SmtpFailure | undefined => {
    if (!sessionFailures.has(session) && failures.length > 0) sessionFailures.set(session, failures.shift()!);
    return sessionFailures.get(session);
  };

  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    secure: false,
    logger: false,
    banner: 'Itinera SMTP fake',
    closeTimeout: 100,
    onAuth(auth, session, callback) {
      const failure = failureFor(session);
      const known = options.users;
      if (failure === 'invalid-token' || (known && known[auth.username ?? ''] !== auth.password)) {
        const [code, message] = FAILURE_REPLIES['invalid-token'];
        return callback(reply(code, message));
      }
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, session, callback) {
      const failure = failureFor(session);
      if (failure === 'rate-limit') return callback(reply(...FAILURE_REPLIES['rate-limit']));
      if (failure === 'invalid-token') return callback(reply(530, '5.7.0 Authentication required'));
      callback();
    },
    onRcptTo(_address, session, callback) {
      if (failureFor(session) === 'rejected') return callback(reply(...FAILURE_REPLIES.rejected));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const failure = failureFor(session);
        sessionFailures.delete(session);
        if (failure === 'timeout') {
          hanging.add(() => callback(reply(421, '4.4.2 Connection timed out')));
          return;
        }
        if (failure === 'error') return callback(reply(...FAILURE_REPLIES.error));
        if (nextReply) {
          const [code, message] = nextReply;
          nextReply = undefined;
          if (code >= 400) return callback(reply(code, message));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const headers: Record<string, string> = {};
            for (const { key, line } of parsed.headerLines) {
              if (key in headers) continue;
              headers[key] = line
                .slice(line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ')
                .trim();
            }
            const addresses = (value: typeof parsed.to): string[] =>
              (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              user: typeof session.user === 'string' ? session.user : undefined,
              messageId: parsed.messageId,
              from: parsed.from?.text,
              to: addresses(parsed.to),
              subject: parsed.subject,
              text: parsed.text,
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              headers,
              raw,
              receivedAt: new Date(),
            });
            for (const wake of waiters) wake();
            callback(null, `2.0.0 Ok: queued as ${parsed.messageId ?? 'message'}`);
          },
          (error: Error) => callback(reply(554, `5.6.0 Unparsable message: ${error.message}`)),
        );
      });
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://${host}:${port}`,
    host,
    port,
    messages,
    requests: messages,
    failNext(failure, { times = 1 } = {}) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    replyNext(code, message = code >= 400 ? 'Rejected by the SMTP fake' : 'Ok') {
      nextReply = [code, message];
    },
    waitForMessages(count, timeoutMs = 5000) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP fake: expected ${count} messages, got ${messages.length} after ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        waiters.add(check);
      });
    },
    reset() {
      messages.length = 0;
      failures.length = 0;
      nextReply = undefined;
    },
    close() {
      for (const release of hanging) release();
      hanging.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
