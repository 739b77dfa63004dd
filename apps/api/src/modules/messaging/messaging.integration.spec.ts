import Courier from '@trycourier/courier';
import { DataSource } from 'typeorm';
import {
  startSmtpFake,
  type SmtpFake,
  startTwilioFake,
  TWILIO_FAKE_ACCOUNT_SID,
  TWILIO_FAKE_AUTH_TOKEN,
  type TwilioFake,
} from '@itinera/fakes';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { InboxTokens } from '../inbox/inbox-tokens.js';
import { ProfileViews } from '../profiles/profile-view.js';
import { DeliveryService } from './delivery/delivery.service.js';

const SMTP_PLUGIN = '@itinera/channel-email-smtp/smtp';
const TWILIO_PLUGIN = '@itinera/channel-sms-twilio/twilio';

const WELCOME = {
  email: {
    subject: 'Welcome, {{ profile.traits.name }}',
    preheader: 'Your {{ data.plan }} plan is ready',
    mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ profile.traits.name }}, enjoy {{ data.plan }}.</mj-text><mj-button href="https://app.example.test/start?plan={{ data.plan }}">Start</mj-button><mj-text><a href="{{ unsubscribeUrl }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>',
  },
  sms: { body: 'Hi {{ profile.traits.name }}, your {{ data.plan }} plan is ready.' },
  inapp: {
    title: 'Welcome {{ profile.traits.name }}',
    body: 'Your {{ data.plan }} plan is ready',
    actionUrl: 'https://app.example.test/start',
  },
};

describe('messaging: /send, routing, delivery rules, tracking, inbox (integration, against the fakes)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let smtp: SmtpFake;
  let twilio: TwilioFake;
  let baseUrl: string;
  let db: DataSource;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });

  async function waitForRequest(
    requestId: string,
    done = (statuses: string[]) => statuses.length > 0 && statuses.every((s) => !['queued', 'sending'].includes(s)),
  ) {
    for (let i = 0; i < 100; i += 1) {
      const res = await t.http.get('/api/messages').query({ requestId }).set(owner());
      const statuses = res.body.data.map((m: { status: string }) => m.status);
      if (done(statuses))
        return res.body.data as Array<{
          id: string;
          channel: string;
          status: string;
          reason: string | null;
          recipient: string | null;
          deferredUntil: string | null;
        }>;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`request ${requestId} did not settle`);
  }

  async function send(message: Record<string, unknown>, headers: Record<string, string> = {}) {
    return t.http.post('/send').set(owner()).set(headers).send({ message });
  }

  async function user(traits: Record<string, unknown>) {
    const userId = `u-${uniqueSuffix()}`;
    await t.http.put(`/api/profiles/${userId}`).set(owner()).send({ traits, timezone: 'UTC' });
    return userId;
  }

  beforeAll(async () => {
    smtp = await startSmtpFake();
    twilio = await startTwilioFake({ statusCallbacks: 'auto' });
    t = await startTestApp({ ITINERA_PLUGINS: `${SMTP_PLUGIN},${TWILIO_PLUGIN}` });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    ws = await t.workspace();
    db = t.app.get(DataSource);

    const email = await t.http
      .post('/api/channels')
      .set(owner())
      .send({
        pluginId: SMTP_PLUGIN,
        name: 'Local SMTP',
        priority: 1,
        config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'Itinera <hello@example.test>' },
      });
    expect(email.status).toBe(201);
    const sms = await t.http
      .post('/api/channels')
      .set(owner())
      .send({
        pluginId: TWILIO_PLUGIN,
        name: 'Twilio',
        config: { accountSid: TWILIO_FAKE_ACCOUNT_SID, authToken: TWILIO_FAKE_AUTH_TOKEN, from: '+15550001111', apiBaseUrl: twilio.url },
      });
    expect(sms.status).toBe(201);
    await t.http
      .patch(`/api/channels/${sms.body.id}`)
      .set(owner())
      .send({ config: { statusCallbackUrl: `${baseUrl}/webhooks/${encodeURIComponent(TWILIO_PLUGIN)}?provider=${sms.body.id}` } });

    expect((await t.http.post('/api/templates').set(owner()).send({ key: 'welcome', name: 'Welcome', content: WELCOME })).status).toBe(201);
    expect((await t.http.post('/api/templates/welcome/publish').set(owner()).send({})).status).toBe(201);
    expect(
      (await t.http.post('/api/topics').set(owner()).send({ key: 'onboarding', name: 'Onboarding', defaultPreference: 'opted_in' })).status,
    ).toBe(201);
  });

  afterAll(async () => {
    await t.close();
    await smtp.close();
    await twilio.close();
  });

  it("Courier's SDK sends unchanged: an MJML e-mail over real SMTP with one-click unsubscribe headers and tracking", async () => {
    const userId = await user({ name: 'Ada', email: `ada-${uniqueSuffix()}@example.test` });
    const courier = new Courier({ apiKey: ws.keys.editor, baseURL: baseUrl, maxRetries: 0 });
    const { requestId } = await courier.send.message({
      message: {
        to: { user_id: userId },
        template: 'welcome',
        data: { plan: 'trial' },
        routing: { method: 'single', channels: ['email'] },
        preferences: { subscription_topic_id: 'onboarding' },
      },
    });
    const [message] = await waitForRequest(requestId);
    expect(message).toMatchObject({ channel: 'email', status: 'sent' });

    const [mail] = await smtp.waitForMessages(1);
    expect(mail.subject).toBe('Welcome, Ada');
    expect(mail.html).toContain('Hello Ada, enjoy trial.');
    expect(mail.html).toMatch(/<table/); // MJML compiled to responsive HTML
    expect(mail.headers['list-unsubscribe']).toMatch(/^<http:\/\/localhost:\d+\/unsubscribe\/[^>]+>/);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.html).toMatch(/\/t\/o\/[0-9a-f-]{36}\.[A-Za-z0-9_-]{32}\.gif/);

    // Open pixel and click redirect record engagement on that message.
    const pixel = /\/t\/o\/([^"]+\.gif)/.exec(mail.html!)![0];
    expect((await t.http.get(pixel)).headers['content-type']).toBe('image/gif');
    const click = /href="[^"]*(\/t\/c\/[^"]+)"/.exec(mail.html!)![1].replace(/&amp;/g, '&');
    const redirect = await t.http.get(click);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('https://app.example.test/start?plan=trial');
    expect((await t.http.get(click.replace(/\.[A-Za-z0-9_-]{32}\?/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?'))).status).toBe(404);
    const detail = await t.http.get(`/api/messages/${message.id}`).set(owner());
    expect(detail.body.status).toBe('clicked');
    expect(detail.body.timestamps.opened).toBeTruthy();
    expect(detail.body.events.map((e: { status: string }) => e.status)).toEqual(
      expect.arrayContaining(['sending', 'sent', 'opened', 'clicked']),
    );
  });

  it('one-click unsubscribe (RFC 8058, no login) suppresses the next send of that topic', async () => {
    smtp.reset();
    const userId = await user({ name: 'Bob', email: `bob-${uniqueSuffix()}@example.test` });
    const first = await send({
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'pro' },
      routing: { method: 'single', channels: ['email'] },
      preferences: { subscription_topic_id: 'onboarding' },
    });
    await waitForRequest(first.body.requestId);
    const [mail] = await smtp.waitForMessages(1);
    const oneClick = /^<([^>]+)>/.exec(mail.headers['list-unsubscribe'])![1];
    const path = new URL(oneClick).pathname;
    const post = await t.http.post(path).set('Content-Type', 'application/x-www-form-urlencoded').send('List-Unsubscribe=One-Click');
    expect(post.status).toBe(200);

    const second = await send({
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'pro' },
      routing: { method: 'single', channels: ['email'] },
      preferences: { subscription_topic_id: 'onboarding' },
    });
    const [suppressed] = await waitForRequest(second.body.requestId);
    expect(suppressed.status).toBe('suppressed');
    expect(suppressed.reason).toMatch(/onboarding|opted out/i);
    expect(smtp.messages).toHaveLength(1);
  });

  it('SMS goes through Twilio; its signed status callback marks the message delivered', async () => {
    const userId = await user({ name: 'Cy', phone: '+33 6 00 00 00 01' });
    const res = await send({
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'team' },
      routing: { method: 'single', channels: ['sms'] },
    });
    expect(res.status).toBe(202);
    const [message] = await waitForRequest(res.body.requestId, (s) => s[0] === 'delivered');
    expect(message).toMatchObject({ channel: 'sms', status: 'delivered', recipient: '+33600000001' });
    expect(twilio.messages.at(-1)).toMatchObject({ to: '+33600000001', body: 'Hi Cy, your team plan is ready.' });

    const forged = await t.http
      .post(
        `/webhooks/${encodeURIComponent(TWILIO_PLUGIN)}?provider=${(await t.http.get('/api/channels?channel=sms').set(owner())).body[0].id}`,
      )
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-Twilio-Signature', 'forged')
      .send(`MessageSid=${twilio.messages.at(-1)!.sid}&MessageStatus=failed`);
    expect(forged.status).toBe(401);
  });

  it('single routing skips channels without a contact point and falls back when a provider fails', async () => {
    const userId = await user({ name: 'Dee', email: `dee-${uniqueSuffix()}@example.test`, phone: '+15550002222' });
    smtp.failNext('rejected');
    const res = await send({
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'x' },
      routing: { method: 'single', channels: ['push', 'email', 'sms'] },
    });
    const messages = await waitForRequest(res.body.requestId, (s) => s.includes('sent') || s.includes('delivered'));
    const byChannel = Object.fromEntries(messages.map((m) => [m.channel, m]));
    expect(byChannel.email.status).toBe('failed');
    expect(byChannel.email.reason).toMatch(/Local SMTP/);
    expect(['sent', 'delivered']).toContain(byChannel.sms.status);
    expect(byChannel.push).toBeUndefined();
    const request = await db.query('SELECT outcome FROM send_requests WHERE id = $1', [res.body.requestId]);
    expect(request[0].outcome.channels[0]).toMatchObject({
      channel: 'push',
      status: 'skipped',
      reason: 'the profile has no push contact point',
    });
  });

  it('routing all sends on every eligible channel; the in-app message reaches the live SSE stream', async () => {
    const userId = await user({ name: 'Eve', email: `eve-${uniqueSuffix()}@example.test` });
    const token = t.app.get(InboxTokens).tokenFor(ws.id, userId);
    const controller = new AbortController();
    const stream = await fetch(`${baseUrl}/inbox/${userId}/stream?writeKey=${ws.writeKey}&token=${token}`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let received = '';
    const seen = (async () => {
      const decoder = new TextDecoder();
      while (!received.includes('event: message')) received += decoder.decode((await reader.read()).value);
    })();

    const res = await send({
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'max' },
      routing: { method: 'all', channels: ['inapp', 'email'] },
    });
    const messages = await waitForRequest(res.body.requestId, (s) => s.length === 2 && s.every((x) => x === 'sent'));
    expect(messages.map((m) => m.channel).sort()).toEqual(['email', 'inapp']);
    await seen;
    controller.abort();
    expect(received).toContain('Welcome Eve');

    const auth = { 'X-Itinera-User-Token': token, Authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` };
    const feed = await t.http.get(`/inbox/${userId}/messages`).set(auth);
    expect(feed.body.data[0]).toMatchObject({ title: 'Welcome Eve', body: 'Your max plan is ready', readAt: null });
    expect((await t.http.get(`/inbox/${userId}/counts`).set(auth)).body).toEqual({ unread: 1, unseen: 1, total: 1 });
    await t.http.post(`/inbox/${userId}/messages/${feed.body.data[0].id}/read`).set(auth);
    expect((await t.http.get(`/inbox/${userId}/counts`).set(auth)).body).toEqual({ unread: 0, unseen: 0, total: 1 });
    expect((await t.http.get(`/inbox/${userId}/messages`).set({ ...auth, 'X-Itinera-User-Token': 'f'.repeat(64) })).status).toBe(403);
    expect((await t.http.get(`/inbox/someone-else/messages`).set(auth)).status).toBe(403);
    expect((await t.http.get(`/inbox/${userId}/counts`).set(owner())).status).toBe(200);

    // End-user preferences through the inbox: the user opts out of onboarding e-mail themselves.
    const prefs = await t.http.get(`/inbox/${userId}/preferences`).set(auth);
    expect(prefs.status).toBe(200);
    expect(JSON.stringify(prefs.body)).toContain('onboarding');
    expect(
      (
        await t.http
          .put(`/inbox/${userId}/preferences/onboarding`)
          .set(auth)
          .send({ channels: { email: 'opted_out' } })
      ).status,
    ).toBe(200);
    const next = await send({
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'max' },
      routing: { method: 'single', channels: ['email'] },
      preferences: { subscription_topic_id: 'onboarding' },
    });
    expect((await waitForRequest(next.body.requestId))[0].status).toBe('suppressed');
  });

  it('Idempotency-Key: same body → the first answer replayed, one message; another body → 422', async () => {
    const userId = await user({ name: 'Fay', email: `fay-${uniqueSuffix()}@example.test` });
    const key = `idem-${uniqueSuffix()}`;
    const message = {
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'a' },
      routing: { method: 'single', channels: ['email'] },
    };
    const first = await send(message, { 'Idempotency-Key': key });
    const again = await send(message, { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await send({ ...message, data: { plan: 'b' } }, { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    await waitForRequest(first.body.requestId);
    expect(
      (await db.query('SELECT count(*)::int AS n FROM messages m JOIN profiles p ON p.id = m.profile_id WHERE p.user_id = $1', [userId]))[0]
        .n,
    ).toBe(1);
  });

  it('bad input → 4xx with a clear message, and nothing stored or queued', async () => {
    const userId = await user({ name: 'Gus', email: 'gus@example.test' });
    // This workspace's requests: other test files share the database and send meanwhile.
    const before = (await db.query('SELECT count(*)::int AS n FROM send_requests WHERE workspace_id = $1', [ws.id]))[0].n;
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ to: { user_id: 'nobody-at-all' }, template: 'welcome' }, 404, /No profile with userId/],
      [{ to: { user_id: userId }, template: 'no-such-template' }, 404, /No template/],
      [{ to: { user_id: userId }, template: 'welcome', preferences: { subscription_topic_id: 'nope' } }, 404, /No topic "nope"/],
      [{ to: { user_id: userId }, template: 'welcome', routing: { method: 'single', channels: ['fax'] } }, 400, /Unknown channel/],
      [{ to: {}, template: 'welcome' }, 400, /message.to.user_id/],
      [{ template: 'welcome', routing: 'fast' }, 400, /message.to/],
    ];
    for (const [message, status, text] of cases) {
      const res = await send(message);
      expect({ status: res.status, message: res.body.message }).toEqual({ status, message: expect.stringMatching(text) });
    }
    expect((await t.http.post('/send').set(owner()).send({ nope: true })).status).toBe(400);
    expect((await t.http.post('/send').set(owner()).set('Content-Type', 'application/json').send('{"message":')).status).toBe(400);
    expect(
      (
        await t.http
          .post('/send')
          .set({ Authorization: `Bearer ${ws.keys.viewer}` })
          .send({ message: { to: { user_id: userId }, template: 'welcome' } })
      ).status,
    ).toBe(403);
    expect((await db.query('SELECT count(*)::int AS n FROM send_requests WHERE workspace_id = $1', [ws.id]))[0].n).toBe(before);
  });

  it('a frequency cap throttles the message over the limit, with its reason; quiet hours defer (urgent bypasses)', async () => {
    const other = await t.workspace();
    const auth = { Authorization: `Bearer ${other.keys.owner}` };
    await t.http
      .post('/api/channels')
      .set(auth)
      .send({
        pluginId: SMTP_PLUGIN,
        name: 'SMTP',
        config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'x@example.test' },
      });
    await t.http
      .post('/api/templates')
      .set(auth)
      .send({
        key: 'ping',
        name: 'Ping',
        content: {
          email: {
            subject: 'Ping',
            mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Ping</mj-text></mj-column></mj-section></mj-body></mjml>',
          },
        },
      });
    await t.http.post('/api/templates/ping/publish').set(auth).send({});
    expect(
      (
        await t.http
          .put('/api/settings')
          .set(auth)
          .send({
            quietHours: { enabled: false, start: '22:00', end: '07:00' },
            frequencyCaps: [{ scope: 'global', limit: 2, windowSeconds: 3600, action: 'skip' }],
          })
      ).status,
    ).toBe(200);
    const userId = `capped-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${userId}`)
      .set(auth)
      .send({ traits: { email: `${userId}@example.test` } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await t.http
        .post('/send')
        .set(auth)
        .send({ message: { to: { user_id: userId }, template: 'ping' } });
      const [m] = await waitForRequestIn(auth, res.body.requestId);
      statuses.push([m.status, m.reason]);
    }
    expect(statuses.map((s) => s[0])).toEqual(['sent', 'sent', 'throttled']);
    expect(statuses[2][1]).toMatch(/frequency cap .*at most 2 per 3600s/);

    const now = new Date();
    const hh = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    await t.http
      .put('/api/settings')
      .set(auth)
      .send({
        quietHours: {
          enabled: true,
          start: hh(new Date(now.getTime() - 3_600_000)),
          end: hh(new Date(now.getTime() + 3_600_000)),
          defaultTimezone: 'UTC',
        },
        frequencyCaps: [],
      });
    const quiet = `quiet-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${quiet}`)
      .set(auth)
      .send({ traits: { email: `${quiet}@example.test` }, timezone: 'UTC' });
    const deferred = await t.http
      .post('/send')
      .set(auth)
      .send({ message: { to: { user_id: quiet }, template: 'ping' } });
    const [waiting] = await waitForRequestIn(auth, deferred.body.requestId, (s) => s[0] === 'deferred');
    expect(new Date(waiting.deferredUntil!).getTime()).toBeGreaterThan(now.getTime() + 3_000_000);
    expect(waiting.reason).toMatch(/quiet hours in UTC/);
    const urgent = await t.http
      .post('/send')
      .set(auth)
      .send({ message: { to: { user_id: quiet }, template: 'ping', metadata: { tags: ['urgent'] } } });
    expect((await waitForRequestIn(auth, urgent.body.requestId))[0].status).toBe('sent');

    async function waitForRequestIn(
      headers: Record<string, string>,
      requestId: string,
      done = (s: string[]) => s.length > 0 && s.every((x) => !['queued', 'sending'].includes(x)),
    ) {
      for (let i = 0; i < 100; i += 1) {
        const res = await t.http.get('/api/messages').query({ requestId }).set(headers);
        if (done(res.body.data.map((m: { status: string }) => m.status)))
          return res.body.data as Array<{ status: string; reason: string; deferredUntil: string | null }>;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('did not settle');
    }
  });

  it("renders in the workspace's default locale for a profile with none, in the profile's own when it has one", async () => {
    const content = { ...WELCOME, locales: { de: { email: { subject: 'Willkommen, {{ profile.traits.name }}' } } } };
    expect((await t.http.post('/api/templates').set(owner()).send({ key: 'hallo', name: 'Hallo', content })).status).toBe(201);
    expect((await t.http.post('/api/templates/hallo/publish').set(owner()).send({})).status).toBe(201);
    const patched = await t.http.patch('/api/workspace').set(owner()).send({ defaultLocale: 'de' });
    expect(patched.status).toBe(200);
    expect(patched.body.defaultLocale).toBe('de');
    try {
      const withoutLocale = await user({ name: 'Uwe', email: `uwe-${uniqueSuffix()}@example.test` });
      const eve = { name: 'Eve', email: `eve-${uniqueSuffix()}@example.test` };
      const withLocale = await user(eve);
      await t.http.put(`/api/profiles/${withLocale}`).set(owner()).send({ traits: eve, timezone: 'UTC', locale: 'en-GB' });
      for (const [userId, subject] of [
        [withoutLocale, 'Willkommen, Uwe'],
        [withLocale, 'Welcome, Eve'],
      ]) {
        smtp.reset();
        const sent = await send({
          to: { user_id: userId },
          template: 'hallo',
          data: { plan: 'pro' },
          routing: { method: 'single', channels: ['email'] },
        });
        expect(sent.status).toBe(202);
        await waitForRequest(sent.body.requestId);
        const [mail] = await smtp.waitForMessages(1);
        expect(mail.subject).toBe(subject);
      }
    } finally {
      const cleared = await t.http.patch('/api/workspace').set(owner()).send({ defaultLocale: null });
      expect(cleared.body.defaultLocale).toBeNull();
    }
    expect((await t.http.patch('/api/workspace').set(owner()).send({ defaultLocale: 'not a locale!' })).status).toBe(400);
  });

  it('test-send renders the draft and sends it to one profile now; unknown template or user → 404', async () => {
    smtp.reset();
    const userId = await user({ name: 'Ivy', email: `ivy-${uniqueSuffix()}@example.test` });
    await t.http
      .patch('/api/templates/welcome')
      .set(owner())
      .send({ content: { ...WELCOME, email: { ...WELCOME.email, subject: 'Draft subject for {{ profile.traits.name }}' } } });
    const res = await t.http
      .post('/api/templates/welcome/test-send')
      .set(owner())
      .send({ userId, channels: ['email'], data: { plan: 'sample' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'sent', channels: [{ channel: 'email', status: 'sent' }] });
    const [mail] = await smtp.waitForMessages(1);
    expect(mail.subject).toBe('Draft subject for Ivy');
    expect((await t.http.post('/api/templates/nope/test-send').set(owner()).send({ userId })).status).toBe(404);
    expect((await t.http.post('/api/templates/welcome/test-send').set(owner()).send({ userId: 'ghost' })).status).toBe(404);
    expect(
      (
        await t.http
          .post('/api/templates/welcome/test-send')
          .set(owner())
          .send({ userId, channels: ['fax'] })
      ).status,
    ).toBe(400);
  });

  it('a message nothing holds back goes straight to sending, once: the same step delivered again sends nothing more', async () => {
    smtp.reset();
    const userId = await user({ name: 'Eve', email: `eve-${uniqueSuffix()}@example.test` });
    const profileId = await t.app.get(ProfileViews).requireIdOfUser(ws.id, userId);
    const request = {
      workspaceId: ws.id,
      profileId,
      templateKey: 'welcome',
      channels: ['email'],
      routing: 'single' as const,
      topic: null,
      data: { plan: 'solo' },
      idempotencyBase: `run:${uniqueSuffix()}:send:1`,
    };
    const delivery = t.app.get(DeliveryService);
    const first = await delivery.deliver(request);
    expect(first).toMatchObject({ status: 'sent', channels: [{ channel: 'email', status: 'sent' }] });
    const again = await delivery.deliver(request);
    expect(again.channels[0]).toMatchObject({ status: 'sent', messageId: first.channels[0].messageId });
    expect(smtp.messages).toHaveLength(1);
    const [row] = await db.query('SELECT attempts, sending_at, recipient FROM messages WHERE id = $1', [first.channels[0].messageId]);
    expect(row.attempts).toBe(1);
    expect(row.sending_at).toBeTruthy();
    const events = await db.query('SELECT status FROM message_events WHERE message_id = $1 ORDER BY occurred_at, id', [
      first.channels[0].messageId,
    ]);
    expect(events.map((e: { status: string }) => e.status)).toEqual(['sending', 'sent']);
  });

  it('a send interrupted after being handed over is not sent again blindly', async () => {
    smtp.reset();
    const userId = await user({ name: 'Hal', email: `hal-${uniqueSuffix()}@example.test` });
    const res = await send({
      to: { user_id: userId },
      template: 'welcome',
      data: { plan: 'z' },
      routing: { method: 'single', channels: ['email'] },
    });
    const [sent] = await waitForRequest(res.body.requestId);
    expect(sent.status).toBe('sent');
    // Simulate a crash between the provider's answer and our bookkeeping, then a retry of the job.
    await db.query("UPDATE messages SET status = 'sending', sent_at = NULL WHERE id = $1", [sent.id]);
    await db.query("UPDATE send_requests SET status = 'accepted' WHERE id = $1", [res.body.requestId]);
    const { SendRequestProcessor } = await import('../send/send-request.processor.js');
    await t.app.get(SendRequestProcessor).process({ data: { workspaceId: ws.id, requestId: res.body.requestId } } as never);
    const detail = await t.http.get(`/api/messages/${sent.id}`).set(owner());
    expect(detail.body.status).toBe('unknown');
    expect(detail.body.reason).toMatch(/outcome unknown: .* not resent/);
    expect(smtp.messages).toHaveLength(1);
  });
});
