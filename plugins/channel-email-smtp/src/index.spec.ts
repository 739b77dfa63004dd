import { createServer, type Server } from 'node:net';
import { createTestContext, type EmailMessage, isPluginError, runConformanceSuite, type TestContextOverrides } from '@itinera/plugin-sdk';
import { type SmtpFake, startSmtpFake } from '@itinera/fakes';
import smtpPlugin, { manifest, messageIdFor, type SmtpConfig, type SmtpSecrets } from './index.js';

let fake: SmtpFake;

beforeAll(async () => {
  fake = await startSmtpFake({ users: { itinera: 'secret' } });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const config = () => ({ host: fake.host, port: fake.port, user: 'itinera', password: 'secret', from: 'Itinera <noreply@itinera.test>' });

const message: EmailMessage = {
  to: 'ada@example.com',
  subject: 'Welcome to Acme',
  html: '<h1>Welcome, Ada</h1><p><a href="https://acme.example/start">Start</a></p>',
  text: 'Welcome, Ada\n\nStart: https://acme.example/start',
  headers: {
    'List-Unsubscribe': '<https://itinera.test/u/tok_123>, <mailto:unsubscribe@itinera.test?subject=tok_123>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
};

runConformanceSuite(smtpPlugin, {
  config,
  input: message,
  failures: [
    { name: 'SMTP 451 at end of DATA', arrange: () => fake.failNext('error'), retryable: true },
    { name: 'SMTP 421 rate limit', arrange: () => fake.failNext('rate-limit'), retryable: true, code: 'rate_limited' },
    { name: 'SMTP 550 recipient rejected', arrange: () => fake.failNext('rejected'), retryable: false, code: 'rejected_recipient' },
    { name: 'SMTP 552 message rejected', arrange: () => fake.replyNext(552, '5.3.4 Message too big'), retryable: false },
    { name: 'wrong password (535)', config: () => ({ ...config(), password: 'wrong' }), retryable: false, code: 'auth' },
    { name: 'nothing listening', config: () => ({ ...config(), port: closedPort }), retryable: true, code: 'network' },
  ],
});

let closedPort = 1;
beforeAll(async () => {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
});

const context = (values: Record<string, unknown> = config(), overrides: TestContextOverrides<SmtpConfig, SmtpSecrets> = {}) =>
  createTestContext<SmtpConfig, SmtpSecrets>({ manifest, values, ...overrides });

describe('SMTP channel', () => {
  it('sends HTML, text and List-Unsubscribe headers; the Message-ID is the provider id', async () => {
    const ctx = context(config(), { idempotencyKey: 'run_1:step_welcome' });
    const result = await smtpPlugin.send(ctx, message);
    const [mail] = await fake.waitForMessages(1);
    expect(result.providerMessageId).toBe(messageIdFor('run_1:step_welcome', 'noreply@itinera.test'));
    expect(mail.messageId).toBe(result.providerMessageId);
    expect(mail.user).toBe('itinera');
    expect(mail.envelope).toEqual({ from: 'noreply@itinera.test', to: ['ada@example.com'] });
    expect(mail.from).toMatch(/^"?Itinera"? <noreply@itinera.test>$/);
    expect(mail.subject).toBe('Welcome to Acme');
    expect(mail.html).toBe(message.html);
    expect(mail.text?.trim()).toBe(message.text);
    expect(mail.headers['list-unsubscribe']).toBe(message.headers!['List-Unsubscribe']);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('keeps the same Message-ID when a send is retried with the same idempotency key', async () => {
    const first = await smtpPlugin.send(context(config(), { idempotencyKey: 'k1' }), message);
    const second = await smtpPlugin.send(context(config(), { idempotencyKey: 'k1' }), message);
    const other = await smtpPlugin.send(context(config(), { idempotencyKey: 'k2' }), message);
    expect(second.providerMessageId).toBe(first.providerMessageId);
    expect(other.providerMessageId).not.toBe(first.providerMessageId);
  });

  it('uses the message sender and Reply-To over the defaults', async () => {
    await smtpPlugin.send(context({ ...config(), replyTo: 'help@itinera.test' }), { ...message, from: 'Acme <hi@acme.example>' });
    const [mail] = await fake.waitForMessages(1);
    expect(mail.envelope.from).toBe('hi@acme.example');
    expect(mail.headers['reply-to']).toBe('help@itinera.test');
  });

  it('sends without authentication to a relay that needs none', async () => {
    const { user: _user, password: _password, ...anonymous } = config();
    await smtpPlugin.send(context(anonymous), message);
    expect((await fake.waitForMessages(1))[0].user).toBeUndefined();
  });

  it('gives up with a retryable timeout when the server stalls past the deadline', async () => {
    fake.failNext('timeout');
    const started = Date.now();
    const error = await smtpPlugin.send(context(config(), { timeoutMs: 400 }), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops when the core aborts the call', async () => {
    fake.failNext('timeout');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    const error = await smtpPlugin.send(context(config(), { signal: controller.signal }), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.retryable && error.code).toBe('aborted');
  });

  it('checkConfig reports a wrong password or an unreachable server without throwing', async () => {
    await expect(smtpPlugin.checkConfig!(context())).resolves.toMatchObject({ ok: true, message: expect.stringContaining('as itinera') });
    await expect(smtpPlugin.checkConfig!(context({ ...config(), password: 'nope' }))).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('rejected the user name or password'),
    });
    await expect(smtpPlugin.checkConfig!(context({ ...config(), port: closedPort }))).resolves.toMatchObject({ ok: false });
  });

  it('keeps the password out of the config and in the secrets', () => {
    const ctx = context();
    expect(ctx.config).not.toHaveProperty('password');
    expect(ctx.secrets).toEqual({ password: 'secret' });
  });
});
