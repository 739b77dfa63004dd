import { ErrorCode, WebClient } from '@slack/web-api';
import { SLACK_FAKE_TOKEN, type SlackFake, startSlackFake } from './slack.js';

describe('Slack fake', () => {
  let fake: SlackFake;
  const client = (token = SLACK_FAKE_TOKEN) =>
    new WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 500 });

  beforeAll(async () => {
    fake = await startSlackFake({ channels: ['C0ITINERA'] });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('posts a message through the SDK', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Hi*' } }];
    const result = await client().chat.postMessage({ channel: 'C0ITINERA', text: 'Hi', blocks });
    expect(result).toMatchObject({ ok: true, channel: 'C0ITINERA' });
    expect(result.ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.messages[0]).toMatchObject({ channel: 'C0ITINERA', text: 'Hi', blocks });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${SLACK_FAKE_TOKEN}`);
  });

  it('answers auth.test and rejects bad tokens and unknown channels', async () => {
    await expect(client().auth.test()).resolves.toMatchObject({ ok: true, team_id: 'T00000000' });
    await expect(client('xoxb-wrong').auth.test()).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'invalid_auth' },
    });
    await expect(client().chat.postMessage({ channel: 'C0MISSING', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
  });

  it('fails the way it is told to', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 9 });
    await expect(client().chat.postMessage({ channel: 'C0ITINERA', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 9,
    });
    fake.failNext({ status: 500 });
    await expect(client().chat.postMessage({ channel: 'C0ITINERA', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 500,
    });
    fake.failNext({ invalidToken: true });
    await expect(client().chat.postMessage({ channel: 'C0ITINERA', text: 'x' })).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    fake.failNext({ timeout: true });
    await expect(client().chat.postMessage({ channel: 'C0ITINERA', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    fake.platformErrorNext('is_archived');
    await expect(client().chat.postMessage({ channel: 'C0ITINERA', text: 'x' })).rejects.toMatchObject({
      data: { error: 'is_archived' },
    });
    expect(fake.messages).toHaveLength(0);
  });

  it('accepts JSON bodies and a token field', async () => {
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${SLACK_FAKE_TOKEN}` },
      body: JSON.stringify({ channel: 'C0ITINERA', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0ITINERA' });
    const form = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST', body: new URLSearchParams({ token: SLACK_FAKE_TOKEN }) });
    expect(await form.json()).toMatchObject({ ok: true });
    expect(fake.messages[0]).toMatchObject({ text: 'json', blocks: [{ type: 'divider' }] });
  });
});
