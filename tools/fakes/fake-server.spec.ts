import { FakeServer, type RecordedRequest, sampleFromSchema } from './fake-server.js';

class EchoFake extends FakeServer {
  constructor() {
    super({ name: 'echo' });
    this.route('POST', '/things', (request: RecordedRequest) => ({ status: 201, body: { got: request.body } }));
    this.route('GET', /^\/things\/\w+$/, (request) => ({ body: { id: request.path.split('/').pop(), q: request.query } }));
  }

  protected override authenticate(request: RecordedRequest) {
    return request.headers.authorization === 'Bearer good' ? undefined : this.invalidTokenReply(request);
  }
}

let fake: EchoFake;
beforeAll(async () => {
  fake = await new EchoFake().start();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const auth = { authorization: 'Bearer good' };

describe('FakeServer', () => {
  it('listens on 127.0.0.1, routes, and records requests with parsed bodies', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${fake.url}/things`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ got: { a: 1 } });
    const form = await fetch(`${fake.url}/things`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'To=%2B1555&Body=hi',
    });
    expect(await form.json()).toEqual({ got: { To: '+1555', Body: 'hi' } });
    expect(await (await fetch(`${fake.url}/things/abc?x=1`, { headers: auth })).json()).toEqual({ id: 'abc', q: { x: '1' } });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /things', 'POST /things', 'GET /things/abc']);
    expect(fake.requestsTo('/things')).toHaveLength(2);
    expect(fake.lastRequest()!.url).toBe('/things/abc?x=1');
  });

  it('answers unknown routes with 404 and bad tokens with 401', async () => {
    expect((await fetch(`${fake.url}/nope`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${fake.url}/things/a`)).status).toBe(401);
  });

  it('fails the next requests as told, then recovers', async () => {
    fake.failNext({ status: 500 });
    fake.failNext({ status: 429 }, 2);
    fake.failNext({ invalidToken: true });
    const statuses: Array<[number, string | null]> = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${fake.url}/things/a`, { headers: auth });
      statuses.push([response.status, response.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([
      [500, null],
      [429, '1'],
      [429, '1'],
      [401, null],
      [200, null],
    ]);
  });

  it('leaves a request hanging until the client gives up or the fake closes', async () => {
    fake.failNext({ timeout: true });
    const started = Date.now();
    await expect(fetch(`${fake.url}/things/a`, { headers: auth, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    const other = await new EchoFake().start();
    other.failNext({ timeout: true });
    const pending = fetch(`${other.url}/things/a`, { headers: auth }).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    await expect(pending).resolves.toBe('dropped');
  });
});

describe('sampleFromSchema', () => {
  it('builds a value that follows the schema', () => {
    expect(
      sampleFromSchema({
        type: 'object',
        required: ['label', 'score', 'tags', 'when'],
        properties: {
          label: { type: 'string', enum: ['high', 'low'] },
          score: { type: 'number', minimum: 0, maximum: 1 },
          tags: { type: 'array', items: { type: 'string' } },
          when: { type: 'string', format: 'date-time' },
          optional: { type: 'string' },
        },
      }),
    ).toEqual({ label: 'high', score: 0.5, tags: ['example'], when: '1970-01-01T00:00:00.000Z' });
    expect(sampleFromSchema({ type: 'integer', minimum: 3, maximum: 6 })).toBe(5);
    expect(sampleFromSchema({ anyOf: [{ const: 'x' }, { type: 'number' }] })).toBe('x');
  });
});
