import tls from 'node:tls';
import { Client, type GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { GRAPH_FAKE_ACCESS_TOKEN, GRAPH_FAKE_CLIENT_ID, GRAPH_FAKE_CLIENT_SECRET, type GraphFake, startGraphFake } from './graph.js';

describe('Microsoft Graph fake', () => {
  let fake: GraphFake;
  const defaultCas = tls.getCACertificates('default');

  const client = (token = GRAPH_FAKE_ACCESS_TOKEN) =>
    Client.init({
      baseUrl: `${fake.url}/`,
      customHosts: new Set([fake.hostname]),
      authProvider: (done) => done(null, token),
    });
  const noRetry = [new RetryHandlerOptions(0, 0)];

  beforeAll(async () => {
    fake = await startGraphFake({ teams: { 'team-1': ['19:general@thread.tacv2'] } });
    // Trust the fake's self-signed certificate in this process (NODE_EXTRA_CA_CERTS is read only at start-up).
    tls.setDefaultCACertificates([...defaultCas, fake.ca]);
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    tls.setDefaultCACertificates(defaultCas);
    await fake.close();
  });

  it('serves https that an untrusting client refuses', async () => {
    tls.setDefaultCACertificates(defaultCas);
    try {
      await expect(fetch(`${fake.url}/v1.0/organization`)).rejects.toThrow();
    } finally {
      tls.setDefaultCACertificates([...defaultCas, fake.ca]);
    }
  });

  it('receives a channel message through the Graph client with the bearer token', async () => {
    const message = { body: { contentType: 'html', content: '<b>Hi</b>' }, subject: 'Welcome' };
    const result = await client()
      .api(`/teams/team-1/channels/${encodeURIComponent('19:general@thread.tacv2')}/messages`)
      .middlewareOptions(noRetry)
      .post(message);
    expect(result).toMatchObject({ id: expect.any(String), channelIdentity: { teamId: 'team-1', channelId: '19:general@thread.tacv2' } });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${GRAPH_FAKE_ACCESS_TOKEN}`);
    expect(fake.messages[0]).toMatchObject({ kind: 'channel', teamId: 'team-1', channelId: '19:general@thread.tacv2', message });
  });

  it('receives chat messages and rejects unknown channels and bad tokens', async () => {
    const result = await client()
      .api('/chats/19:abc@thread.v2/messages')
      .post({ body: { content: 'Hi' } });
    expect(result).toMatchObject({ chatId: '19:abc@thread.v2' });
    await expect(
      client()
        .api('/teams/team-1/channels/nope/messages')
        .post({ body: { content: 'x' } }),
    ).rejects.toMatchObject({
      statusCode: 404,
      code: 'NotFound',
    });
    await expect(
      client('wrong')
        .api('/chats/19:abc@thread.v2/messages')
        .post({ body: { content: 'x' } }),
    ).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });
  });

  it('fails the way it is told to', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 3 });
    const error = (await client()
      .api('/chats/19:abc@thread.v2/messages')
      .middlewareOptions(noRetry)
      .post({ body: { content: 'x' } })
      .catch((e: unknown) => e)) as GraphError;
    expect(error.statusCode).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(fake.requests).toHaveLength(1);
  });

  it('issues client-credentials tokens', async () => {
    const ok = await fetch(fake.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: GRAPH_FAKE_CLIENT_ID,
        client_secret: GRAPH_FAKE_CLIENT_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(await ok.json()).toMatchObject({ access_token: GRAPH_FAKE_ACCESS_TOKEN, token_type: 'Bearer' });
    const bad = await fetch(fake.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: GRAPH_FAKE_CLIENT_ID, client_secret: 'wrong' }),
    });
    expect(bad.status).toBe(401);
  });
});
