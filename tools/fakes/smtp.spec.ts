import nodemailer from 'nodemailer';
import { type SmtpFake, startSmtpFake } from './smtp.js';

describe('SMTP fake', () => {
  let fake: SmtpFake;

  beforeAll(async () => {
    fake = await startSmtpFake({ users: { itinera: 'secret' } });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const transport = (auth?: { user: string; pass: string }) =>
    nodemailer.createTransport({ host: fake.host, port: fake.port, secure: false, ignoreTLS: true, auth, socketTimeout: 2000 });

  it('records a parsed message with its envelope and headers', async () => {
    const info = await transport({ user: 'itinera', pass: 'secret' }).sendMail({
      from: 'Itinera <noreply@itinera.test>',
      to: 'ada@example.com',
      subject: 'Welcome',
      text: 'Hello Ada',
      html: '<p>Hello Ada</p>',
      headers: { 'List-Unsubscribe': '<https://itinera.test/u/1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const [mail] = await fake.waitForMessages(1);
    expect(mail.envelope).toEqual({ from: 'noreply@itinera.test', to: ['ada@example.com'] });
    expect(mail.user).toBe('itinera');
    expect(mail.messageId).toBe(info.messageId);
    expect(mail.subject).toBe('Welcome');
    expect(mail.text?.trim()).toBe('Hello Ada');
    expect(mail.html).toBe('<p>Hello Ada</p>');
    expect(mail.headers['list-unsubscribe']).toBe('<https://itinera.test/u/1>');
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('accepts unauthenticated clients and rejects wrong credentials', async () => {
    await transport().sendMail({ from: 'a@itinera.test', to: 'b@example.com', text: 'x' });
    expect(fake.messages).toHaveLength(1);
    await expect(
      transport({ user: 'itinera', pass: 'wrong' }).sendMail({ from: 'a@itinera.test', to: 'b@example.com', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 535 });
  });

  it.each([
    ['error', 451],
    ['rate-limit', 421],
    ['rejected', 550],
    ['invalid-token', 530],
  ] as const)('fails the next transaction with %s', async (failure, code) => {
    fake.failNext(failure);
    await expect(transport().sendMail({ from: 'a@itinera.test', to: 'b@example.com', text: 'x' })).rejects.toMatchObject({
      responseCode: code,
    });
    await transport().sendMail({ from: 'a@itinera.test', to: 'b@example.com', text: 'x' });
    expect(fake.messages).toHaveLength(1);
  });

  it('answers with a chosen reply and can hang', async () => {
    fake.replyNext(552, '5.3.4 Message too big');
    await expect(transport().sendMail({ from: 'a@itinera.test', to: 'b@example.com', text: 'x' })).rejects.toMatchObject({
      responseCode: 552,
    });
    fake.failNext('timeout');
    const hung = nodemailer
      .createTransport({ host: fake.host, port: fake.port, ignoreTLS: true, socketTimeout: 300 })
      .sendMail({ from: 'a@itinera.test', to: 'b@example.com', text: 'x' });
    await expect(hung).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
