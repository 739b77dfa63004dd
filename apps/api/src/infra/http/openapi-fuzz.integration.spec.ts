import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

/**
 * Every operation of the committed OpenAPI document × every class of bad input found in the
 * hardening review, plus bodies fast-check derives from each operation's schema, against the real
 * application on PostgreSQL and Redis: no answer may be a 5xx, and a rejected request may change
 * no row of the workspace. Seeded (ITINERA_FUZZ_SEED) and bounded, so a failure replays exactly.
 */

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  bodySchema?: Schema;
  writeKeyAuth: boolean;
}
interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const SEED = Number(process.env.ITINERA_FUZZ_SEED ?? 20251202);
const DOCUMENT = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: Array<Record<string, unknown>> }
    >
  >;
  components: { schemas: Record<string, Schema> };
};

const token: Parameter = { name: 'token', in: 'path', required: true, schema: { type: 'string' } };
/** Routes left out of the document (hosted pages, provider webhooks, tracking, metrics) are fuzzed too: they take no credentials. */
const UNDOCUMENTED: Operation[] = [
  { method: 'GET', path: '/unsubscribe/{token}', parameters: [token], writeKeyAuth: false },
  { method: 'POST', path: '/unsubscribe/{token}', parameters: [token], writeKeyAuth: false },
  {
    method: 'GET',
    path: '/preferences/{token}',
    parameters: [token, { name: 'saved', in: 'query', schema: { type: 'string' } }],
    writeKeyAuth: false,
  },
  { method: 'POST', path: '/preferences/{token}', parameters: [token], writeKeyAuth: false },
  {
    method: 'POST',
    path: '/webhooks/{pluginId}',
    parameters: [
      { name: 'pluginId', in: 'path', required: true },
      { name: 'provider', in: 'query' },
    ],
    writeKeyAuth: false,
  },
  { method: 'GET', path: '/t/o/{token}', parameters: [token], writeKeyAuth: false },
  { method: 'GET', path: '/t/c/{token}', parameters: [token, { name: 'u', in: 'query' }], writeKeyAuth: false },
  { method: 'GET', path: '/metrics', parameters: [], writeKeyAuth: false },
];

const OPERATIONS: Operation[] = [
  ...Object.entries(DOCUMENT.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      bodySchema: op.requestBody?.content['application/json']?.schema,
      writeKeyAuth: (op.security ?? []).some((s) => 'writeKey' in s),
    })),
  ),
  ...UNDOCUMENTED,
];

/** Strings an attacker or a careless client sends: traversal, injection, template syntax, odd Unicode. */
const HOSTILE_STRINGS = [
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  "' OR '1'='1' --",
  '"; DROP TABLE profiles; --',
  '{{ 7 | times: 7 }}{% include "/etc/passwd" %}',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '%00',
  '\u202e\ufeff\u200b',
  '𝕴𝖙𝖎𝖓𝖊𝖗𝖆',
  'x'.repeat(5000),
  '',
  ' ',
  '.',
  '..',
  'null',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
];

/** Bodies that are expensive to build, built once. */
const DEEP_ARRAYS = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const DEEP_OBJECT_TEXT = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
const WIDE_ARRAY = `[${new Array(480_000).fill('1').join(',')}]`;
const OVER_LIMIT = JSON.stringify({ name: 'x'.repeat(1_200_000) });
const GZIP_BOMB = gzipSync(JSON.stringify({ name: '0'.repeat(30_000_000) }));

// ---- Schemas → sample values and arbitraries ----

function resolve(schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i += 1)
    current = DOCUMENT.components.schemas[(current.$ref as string).split('/').pop()!] ?? {};
  if (Array.isArray(current.allOf) && current.allOf.length === 1 && !current.properties)
    return { ...resolve(current.allOf[0] as Schema), ...current, allOf: undefined };
  return current;
}

/** A value the schema describes (examples, defaults, required fields only), to which one aspect is then made bad. */
function sampleOf(schemaRef: Schema | undefined, depth = 0): unknown {
  const schema = resolve(schemaRef);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.oneOf)) return sampleOf(schema.oneOf[0] as Schema, depth);
  const type = schema.type;
  if (type === 'string') return schema.format === 'uuid' ? randomUUID() : schema.format === 'date-time' ? '2025-01-01T00:00:00Z' : 'fuzz';
  if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (type === 'boolean') return true;
  if (type === 'array') return depth > 4 ? [] : [sampleOf(schema.items as Schema, depth + 1)];
  if (type === 'object' || schema.properties) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    return Object.fromEntries(
      Object.entries(properties)
        .filter(([name]) => required.has(name) && depth < 5)
        .map(([name, s]) => [name, sampleOf(s, depth + 1)]),
    );
  }
  return 'fuzz';
}

/** Bodies around the schema: every known field conformant, hostile, of the wrong type or missing; unknown fields too. */
function bodyArbitrary(schemaRef: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(schemaRef);
  const hostile = fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(null, -1, 1.5, 1e308, true, [], {}),
  );
  const conformant = fc.constant(sampleOf(schema, depth));
  if (depth > 3) return fc.oneof(conformant, hostile);
  if (schema.type === 'object' || schema.properties) {
    const properties = Object.fromEntries(
      Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([name, s]) => [name, bodyArbitrary(s, depth + 1)]),
    ) as Record<string, fc.Arbitrary<unknown>>;
    const record = fc.record(properties, { requiredKeys: [] });
    const extra = fc.dictionary(
      fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'a.b')),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 2 },
    );
    return fc.oneof(
      { weight: 4, arbitrary: record },
      { weight: 1, arbitrary: fc.tuple(record, extra).map(([a, b]) => ({ ...b, ...a })) },
      { weight: 1, arbitrary: hostile },
    );
  }
  if (schema.type === 'array') return fc.oneof(fc.array(bodyArbitrary(schema.items as Schema, depth + 1), { maxLength: 3 }), hostile);
  if (schema.type === 'integer' || schema.type === 'number') {
    const min = typeof schema.minimum === 'number' ? schema.minimum : -10;
    // Small values: a worker probe holding a job for 30 s is valid but would stall the run.
    return fc.oneof(
      fc.integer({ min, max: Math.max(min, Math.min(typeof schema.maximum === 'number' ? schema.maximum : 100, 200)) }),
      hostile,
    );
  }
  return fc.oneof(conformant, hostile, fc.jsonValue({ maxDepth: 2 }));
}

/** Every string leaf of a value replaced. */
function mapStrings(value: unknown, replace: (s: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, replace));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, replace)]));
  return value;
}

/** The sample with at least one string in it to spoil (a body without strings gets one). */
function withStrings(sample: unknown): unknown {
  if (typeof sample === 'object' && sample !== null && !Array.isArray(sample))
    return { ...sample, ...(JSON.stringify(sample).includes('"') ? {} : { note: 'fuzz' }) };
  return sample;
}

const textOf = (value: unknown) => JSON.stringify(value);
/** JSON with lone surrogates written as escapes (JSON.stringify already does), and NULs. */
const jsonWith = (value: unknown, inject: string) => textOf(mapStrings(withStrings(value), (s) => `${s}${inject}`));

// ---- The run ----

describe('OpenAPI-driven fuzzing: no input gets a 5xx or stores anything when rejected (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let baseUrl: { host: string; port: number };
  let db: DataSource;
  let seeds: { journeyId: string; topicKey: string; templateKey: string; userId: string };
  const failures: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    const server = t.app.getHttpServer();
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
    const address = server.address() as AddressInfo;
    baseUrl = { host: '127.0.0.1', port: address.port };
    db = t.app.get(DataSource);
    const owner = { Authorization: `Bearer ${ws.keys.owner}` };
    seeds = {
      journeyId: '',
      topicKey: `fuzz-topic-${uniqueSuffix()}`,
      templateKey: `fuzz-template-${uniqueSuffix()}`,
      userId: `fuzz-user-${uniqueSuffix()}`,
    };
    await t.http
      .put(`/api/profiles/${seeds.userId}`)
      .set(owner)
      .send({ traits: { email: 'fuzz@example.test', plan: 'pro' } })
      .expect(200);
    await t.http
      .post('/api/topics')
      .set(owner)
      .send({ key: seeds.topicKey, name: 'Fuzz topic', defaultPreference: 'opted_in' })
      .expect(201);
    await t.http
      .post('/api/templates')
      .set(owner)
      .send({ key: seeds.templateKey, name: 'Fuzz template', content: { inapp: { title: 'Hi', body: 'Hello {{ profile.userId }}' } } })
      .expect(201);
    // A draft that cannot be published: nothing the fuzzer does starts runs in the background.
    const journey = await t.http
      .post('/api/journeys')
      .set(owner)
      .send({ name: `Fuzz journey ${uniqueSuffix()}`, definition: { nodes: [], edges: [] } })
      .expect(201);
    seeds.journeyId = journey.body.id as string;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  function send(req: RawRequest): Promise<RawResponse> {
    requests += 1;
    return new Promise((resolveResponse, reject) => {
      const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
      const outgoing = httpRequest(
        {
          ...baseUrl,
          agent: false,
          method: req.method,
          path: req.path,
          headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...req.headers },
        },
        (response) => {
          if (String(response.headers['content-type']).startsWith('text/event-stream')) {
            // A live inbox stream (the fuzzer created that user): its answer is the status line.
            resolveResponse({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.alloc(0) });
            outgoing.destroy();
            return;
          }
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () =>
            resolveResponse({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
          );
          response.on('error', reject);
        },
      );
      outgoing.setTimeout(20_000, () => outgoing.destroy(new Error(`no answer in 20 s: ${req.method} ${req.path}`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** Rows of every table that belong to the workspace. */
  async function rowCounts(): Promise<Record<string, number>> {
    const [row] = await db.query(
      `SELECT (SELECT count(*) FROM workspaces WHERE id = $1)::int AS workspaces,
              (SELECT count(*) FROM memberships WHERE workspace_id = $1)::int AS memberships,
              (SELECT count(*) FROM sessions WHERE workspace_id = $1)::int AS sessions,
              (SELECT count(*) FROM api_keys WHERE workspace_id = $1)::int AS api_keys,
              (SELECT count(*) FROM api_keys WHERE workspace_id = $1 AND revoked_at IS NOT NULL)::int AS revoked_keys,
              (SELECT count(*) FROM profiles WHERE workspace_id = $1)::int AS profiles,
              (SELECT count(*) FROM profile_anonymous_ids WHERE workspace_id = $1)::int AS profile_anonymous_ids,
              (SELECT count(*) FROM contact_points WHERE workspace_id = $1)::int AS contact_points,
              (SELECT count(*) FROM accounts WHERE workspace_id = $1)::int AS accounts,
              (SELECT count(*) FROM events WHERE workspace_id = $1)::int AS events,
              (SELECT count(*) FROM stream_entries WHERE workspace_id = $1)::int AS stream_entries,
              (SELECT count(*) FROM provider_configs WHERE workspace_id = $1)::int AS provider_configs,
              (SELECT count(*) FROM templates WHERE workspace_id = $1)::int AS templates,
              (SELECT count(*) FROM template_versions WHERE workspace_id = $1)::int AS template_versions,
              (SELECT count(*) FROM topics WHERE workspace_id = $1)::int AS topics,
              (SELECT count(*) FROM preferences WHERE workspace_id = $1)::int AS preferences,
              (SELECT count(*) FROM workspace_settings WHERE workspace_id = $1)::int AS workspace_settings,
              (SELECT count(*) FROM send_requests WHERE workspace_id = $1)::int AS send_requests,
              (SELECT count(*) FROM messages WHERE workspace_id = $1)::int AS messages,
              (SELECT count(*) FROM message_events e JOIN messages m ON m.id = e.message_id WHERE m.workspace_id = $1)::int AS message_events,
              (SELECT count(*) FROM journeys WHERE workspace_id = $1)::int AS journeys,
              (SELECT count(*) FROM journey_versions WHERE workspace_id = $1)::int AS journey_versions,
              (SELECT count(*) FROM journey_runs WHERE workspace_id = $1)::int AS journey_runs,
              (SELECT count(*) FROM journey_steps s JOIN journey_runs r ON r.id = s.run_id WHERE r.workspace_id = $1)::int AS journey_steps,
              (SELECT count(*) FROM journey_timers s JOIN journey_runs r ON r.id = s.run_id WHERE r.workspace_id = $1)::int AS journey_timers`,
      [ws.id],
    );
    return row as Record<string, number>;
  }

  /** Sends one request and records what breaks the two rules. */
  async function probe(label: string, req: RawRequest): Promise<RawResponse | undefined> {
    const before = await rowCounts();
    let res: RawResponse;
    try {
      res = await send(req);
    } catch (error) {
      failures.push(`${label}: ${req.method} ${req.path} → ${(error as Error).message}`);
      return undefined;
    }
    const shown = `${label}: ${req.method} ${req.path.slice(0, 160)} ${String(req.headers?.['content-type'] ?? '')} ${String(req.body ?? '').slice(0, 160)}`;
    if (res.status >= 500) failures.push(`${shown} → ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
    if (res.status >= 400) {
      if (res.body.length > 16 * 1024) failures.push(`${shown} → ${res.status} with a ${res.body.length}-byte error body`);
      const after = await rowCounts();
      const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
      if (changed.length > 0)
        failures.push(`${shown} → ${res.status} yet changed ${changed.map((c) => `${c} ${before[c]}→${after[c]}`).join(', ')}`);
    }
    return res;
  }

  // ---- Building requests ----

  function pathValue(op: Operation, name: string): string {
    const deleting = op.method === 'DELETE';
    if (op.path.startsWith('/inbox/') && op.path.endsWith('/stream')) return 'fuzz-nobody'; // a real user's stream stays open
    if (name === 'userId') return op.path.startsWith('/api/members') ? randomUUID() : deleting ? 'fuzz-nobody' : seeds.userId;
    if (name === 'id') return op.path.startsWith('/api/journeys') && !deleting ? seeds.journeyId : randomUUID();
    if (name === 'key') return deleting ? 'fuzz-none' : op.path.startsWith('/api/topics') ? seeds.topicKey : seeds.templateKey;
    if (name === 'topicKey') return seeds.topicKey;
    if (name === 'version') return '1';
    if (name === 'action') return 'read';
    if (name === 'type') return 'track';
    if (name === 'pluginId') return '@itinera/channel-webhook/webhook';
    if (name === 'token') return 'not-a-signed-token';
    return randomUUID();
  }

  function pathWith(op: Operation, values: (name: string) => string, query: Record<string, string> = {}): string {
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values(name));
    const search = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${v}`)
      .join('&');
    return search ? `${path}?${search}` : path;
  }

  const encoded = (op: Operation) => (name: string) => encodeURIComponent(pathValue(op, name));

  function authHeaders(op: Operation): Record<string, string> {
    if (op.writeKeyAuth && !op.path.startsWith('/inbox'))
      return { Authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` };
    return { Authorization: `Bearer ${ws.keys.owner}` };
  }

  const takesBody = (op: Operation) => op.bodySchema !== undefined || ['POST', 'PUT', 'PATCH'].includes(op.method);
  const sample = (op: Operation) =>
    op.path === '/v1/batch' ? { batch: [sampleOf({ $ref: '#/components/schemas/SegmentEventDto' })] } : sampleOf(op.bodySchema);
  const queryParams = (op: Operation) => op.parameters.filter((p) => p.in === 'query');
  const pathParams = (op: Operation) => op.parameters.filter((p) => p.in === 'path');
  const json = { 'content-type': 'application/json' };
  /** Deterministic draws from an arbitrary, seeded per operation. */
  const draw = <T>(arbitrary: fc.Arbitrary<T>, op: Operation, count: number) =>
    fc.sample(arbitrary, { seed: SEED + OPERATIONS.indexOf(op), numRuns: count });

  /** The input classes of the review, each as the requests it makes for one operation. */
  const classes: Array<[name: string, build: (op: Operation) => RawRequest[]]> = [
    [
      'malformed JSON',
      (op) =>
        takesBody(op)
          ? [{ method: op.method, path: pathWith(op, encoded(op)), headers: { ...authHeaders(op), ...json }, body: '{"name": "x",' }]
          : [],
    ],
    [
      '10,000-deep JSON',
      (op) =>
        takesBody(op)
          ? [{ method: op.method, path: pathWith(op, encoded(op)), headers: { ...authHeaders(op), ...json }, body: DEEP_ARRAYS }]
          : [],
    ],
    [
      'deep JSON in a field',
      (op) =>
        takesBody(op)
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), ...json },
                body: `${textOf({ ...(withStrings(sample(op)) as object), deep: 0 }).slice(0, -2)}${DEEP_OBJECT_TEXT}}`,
              },
            ]
          : [],
    ],
    [
      '1 MB wide array',
      (op) =>
        takesBody(op)
          ? [{ method: op.method, path: pathWith(op, encoded(op)), headers: { ...authHeaders(op), ...json }, body: WIDE_ARRAY }]
          : [],
    ],
    [
      'body over the limit',
      (op) =>
        takesBody(op)
          ? [{ method: op.method, path: pathWith(op, encoded(op)), headers: { ...authHeaders(op), ...json }, body: OVER_LIMIT }]
          : [],
    ],
    [
      'gzip bomb',
      (op) =>
        takesBody(op)
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), ...json, 'content-encoding': 'gzip' },
                body: GZIP_BOMB,
              },
            ]
          : [],
    ],
    [
      'NUL in string fields',
      (op) =>
        takesBody(op)
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), ...json },
                body: jsonWith(sample(op), '\u0000'),
              },
            ]
          : [],
    ],
    [
      'NUL in a key',
      (op) =>
        takesBody(op)
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), ...json },
                body: textOf({ ...(withStrings(sample(op)) as object), 'a\u0000': 1 }),
              },
            ]
          : [],
    ],
    [
      'lone surrogates in string fields',
      (op) =>
        takesBody(op)
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), ...json },
                body: jsonWith(sample(op), '\ud800'),
              },
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), ...json },
                body: jsonWith(sample(op), '\udfff'),
              },
            ]
          : [],
    ],
    [
      'hostile strings in fields',
      (op) =>
        takesBody(op)
          ? draw(fc.constantFrom(...HOSTILE_STRINGS), op, 3).map((s) => ({
              method: op.method,
              path: pathWith(op, encoded(op)),
              headers: { ...authHeaders(op), ...json },
              body: textOf(mapStrings(withStrings(sample(op)), () => s)),
            }))
          : [],
    ],
    [
      'a JSON scalar or array body',
      (op) =>
        takesBody(op)
          ? ['"text"', '[1,2]', 'null', '42'].map((body) => ({
              method: op.method,
              path: pathWith(op, encoded(op)),
              headers: { ...authHeaders(op), ...json },
              body,
            }))
          : [],
    ],
    [
      'text/plain body',
      (op) =>
        takesBody(op)
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), 'content-type': 'text/plain' },
                body: textOf(sample(op)),
              },
            ]
          : [],
    ],
    [
      'form body',
      (op) =>
        takesBody(op)
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op)),
                headers: { ...authHeaders(op), 'content-type': 'application/x-www-form-urlencoded' },
                body: 'name=x&email=a%40b',
              },
            ]
          : [],
    ],
    [
      'NUL in path parameters',
      (op) => (pathParams(op).length ? [{ method: op.method, path: pathWith(op, () => 'a%00b'), headers: authHeaders(op) }] : []),
    ],
    [
      'bad percent-encoding in path parameters',
      (op) =>
        pathParams(op).length
          ? [
              { method: op.method, path: pathWith(op, () => '%E0%A4%A'), headers: authHeaders(op) },
              { method: op.method, path: pathWith(op, () => '%ED%A0%80'), headers: authHeaders(op) },
            ]
          : [],
    ],
    [
      'hostile path parameters',
      (op) =>
        pathParams(op).length
          ? draw(fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s !== '' && s !== '.' && s !== '..')), op, 3).map((s) => ({
              method: op.method,
              path: pathWith(op, () => encodeURIComponent(s)),
              headers: authHeaders(op),
            }))
          : [],
    ],
    [
      'NUL in query parameters',
      (op) =>
        queryParams(op).length
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op), Object.fromEntries(queryParams(op).map((p) => [p.name, 'a%00b']))),
                headers: authHeaders(op),
              },
            ]
          : [],
    ],
    [
      'bad percent-encoding and hostile query parameters',
      (op) =>
        queryParams(op).length
          ? [
              {
                method: op.method,
                path: pathWith(op, encoded(op), Object.fromEntries(queryParams(op).map((p) => [p.name, '%E0%A4%A']))),
                headers: authHeaders(op),
              },
              ...draw(fc.constantFrom(...HOSTILE_STRINGS), op, 2).map((s) => ({
                method: op.method,
                path: pathWith(op, encoded(op), Object.fromEntries(queryParams(op).map((p) => [p.name, encodeURIComponent(s)]))),
                headers: authHeaders(op),
              })),
              {
                method: op.method,
                path: `${pathWith(op, encoded(op))}?${queryParams(op)
                  .map((p) => `${p.name}=1&${p.name}=2`)
                  .join('&')}`,
                headers: authHeaders(op),
              },
            ]
          : [],
    ],
    [
      'NUL inside a cursor',
      (op) =>
        queryParams(op).some((p) => p.name === 'cursor')
          ? [
              'WyJcdTAwMDAiLCJcdTAwMDAiXQ',
              Buffer.from('["2025-01-01T00:00:00.000000Z","\\ud800"]').toString('base64url'),
              Buffer.from('[1e400,"x"]').toString('base64url'),
              '!!!',
            ].map((cursor) => ({ method: op.method, path: pathWith(op, encoded(op), { cursor }), headers: authHeaders(op) }))
          : [],
    ],
    [
      'JSON session cookie, no credentials',
      (op) => [
        {
          method: op.method,
          path: pathWith(op, encoded(op)),
          headers: { cookie: 'itinera_session=j:{}', ...(takesBody(op) ? json : {}) },
          body: takesBody(op) ? textOf(sample(op)) : undefined,
        },
        { method: op.method, path: pathWith(op, encoded(op)), headers: { cookie: 'itinera_session=j:["a"]; itinera_session=%00' } },
      ],
    ],
    [
      'malformed credentials',
      (op) => [
        {
          method: op.method,
          path: pathWith(op, encoded(op)),
          headers: { authorization: `Basic ${Buffer.from('itn_wk_\u0000\ud800:').toString('base64')}` },
        },
        { method: op.method, path: pathWith(op, encoded(op)), headers: { authorization: 'Bearer itn_sk_%00' } },
      ],
    ],
  ];

  it('every operation × every input class', async () => {
    for (const op of OPERATIONS) {
      for (const [name, build] of classes) {
        for (const req of build(op)) await probe(`${name} [${op.method} ${op.path}]`, req);
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('property: schema-derived bodies on every operation that takes one', async () => {
    for (const op of OPERATIONS.filter(takesBody)) {
      const arbitrary =
        op.path === '/v1/batch'
          ? fc.record({ batch: fc.array(bodyArbitrary({ $ref: '#/components/schemas/SegmentEventDto' }), { minLength: 1, maxLength: 4 }) })
          : bodyArbitrary(op.bodySchema);
      await fc.assert(
        fc.asyncProperty(arbitrary, async (body) => {
          await probe(`schema body [${op.method} ${op.path}]`, {
            method: op.method,
            path: pathWith(op, encoded(op)),
            headers: { ...authHeaders(op), ...json },
            body: textOf(body) ?? 'null',
          });
        }),
        { seed: SEED + OPERATIONS.indexOf(op), numRuns: 8 },
      );
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
  }, 240_000);
});
