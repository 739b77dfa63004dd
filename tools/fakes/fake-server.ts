// A small base for loopback fakes of vendor HTTP APIs: listens on 127.0.0.1 (port 0 by default),
// records every request, routes them to handlers, and can be told to fail the next requests
// (an HTTP status, a timeout that never answers, or an invalid token). Vendor fakes extend it
// and shape the answers and error bodies like their vendor does.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** Parsed JSON or `application/x-www-form-urlencoded` body; the raw text otherwise; undefined when empty. */
  body: unknown;
  receivedAt: Date;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

/**
 * How the next request(s) fail:
 * - `{ status }`: that HTTP status with the vendor's error body (`retryAfterSeconds` adds
 *   Retry-After, default 1 for 429);
 * - `{ timeout: true }`: the request is never answered, until the fake closes;
 * - `{ invalidToken: true }`: the vendor's answer to a wrong API key (401).
 */
export type FakeFailure = { status: number; retryAfterSeconds?: number; message?: string } | { timeout: true } | { invalidToken: true };

export interface FakeServerOptions {
  /** For messages and ids, e.g. "openai". */
  name: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Serve https with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

interface Route {
  method: string;
  path: string | RegExp;
  handler: FakeHandler;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

/** A fake vendor API. Subclasses register routes and override the error shapes. */
export class FakeServer {
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[] = [];
  protected readonly options: FakeServerOptions;
  // ES private members: subclasses may use any of these names for their own members.
  readonly #routes: Route[] = [];
  readonly #failures: FakeFailure[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();
  #server?: Server;
  #address?: AddressInfo;

  constructor(options: FakeServerOptions) {
    this.options = options;
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    if (!this.#address) throw new Error(`${this.options.name} fake is not started`);
    const scheme = this.options.tls ? 'https' : 'http';
    return `${scheme}://${this.options.host ?? '127.0.0.1'}:${this.#address.port}`;
  }

  get port(): number {
    if (!this.#address) throw new Error(`${this.options.name} fake is not started`);
    return this.#address.port;
  }

  /** Registers a handler; `path` matches the path without the query string. */
  route(method: string, path: string | RegExp, handler: FakeHandler): this {
    this.#routes.push({ method: method.toUpperCase(), path, handler });
    return this;
  }

  /** Makes the next `times` requests fail this way (queued after earlier failures). */
  failNext(failure: FakeFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.#failures.push(failure);
  }

  /** Requests whose path matches, oldest first. */
  requestsTo(path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  lastRequest(): RecordedRequest | undefined {
    return this.requests.at(-1);
  }

  /** Forgets recorded requests and queued failures. */
  reset(): void {
    this.requests.length = 0;
    this.#failures.length = 0;
  }

  async start(): Promise<this> {
    const listener = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    const server = this.options.tls ? createHttpsServer(this.options.tls, listener) : createHttpServer(listener);
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('secureConnection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#address = server.address() as AddressInfo;
    return this;
  }

  /** Stops listening and drops every connection, including requests left hanging by a timeout. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A random id with a prefix, like vendors' ids (`chatcmpl-…`, `msg_…`). */
  protected newId(prefix: string, bytes = 12): string {
    return `${prefix}${randomBytes(bytes).toString('hex')}`;
  }

  /** The vendor's answer to a wrong or missing API key. */
  protected invalidTokenReply(_request: RecordedRequest): FakeReply {
    return { status: 401, body: { error: { message: 'Invalid API key' } } };
  }

  /** The vendor's error body for a failure status. */
  protected errorReply(status: number, message: string | undefined, _request: RecordedRequest): FakeReply {
    return { status, body: { error: { message: message ?? `${this.options.name} fake failure (HTTP ${status})` } } };
  }

  /** Returns a reply to refuse the request (e.g. a wrong API key), or undefined to let it through. */
  protected authenticate(_request: RecordedRequest): FakeReply | undefined {
    return undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', 'http://fake.local');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
      receivedAt: new Date(),
    };
    this.requests.push(request);
    try {
      const failure = this.#failures.shift();
      if (failure && 'timeout' in failure) {
        this.#hanging.add(res);
        res.on('close', () => this.#hanging.delete(res));
        return;
      }
      let reply: FakeReply;
      if (failure && 'invalidToken' in failure) {
        reply = this.invalidTokenReply(request);
      } else if (failure) {
        reply = this.errorReply(failure.status, failure.message, request);
        const retryAfter = failure.retryAfterSeconds ?? (failure.status === 429 ? 1 : undefined);
        if (retryAfter !== undefined) reply.headers = { ...reply.headers, 'retry-after': String(retryAfter) };
      } else {
        reply = this.authenticate(request) ?? (await this.#dispatch(request));
      }
      this.#send(res, reply);
    } catch (error) {
      this.#send(res, this.errorReply(500, `${this.options.name} fake crashed: ${(error as Error).message}`, request));
    }
  }

  async #dispatch(request: RecordedRequest): Promise<FakeReply> {
    const route = this.#routes.find(
      (r) => r.method === request.method && (typeof r.path === 'string' ? r.path === request.path : r.path.test(request.path)),
    );
    if (!route) return this.errorReply(404, `No route ${request.method} ${request.path} in the ${this.options.name} fake`, request);
    return route.handler(request);
  }

  #send(res: ServerResponse, reply: FakeReply): void {
    const status = reply.status ?? 200;
    const headers: Record<string, string> = { ...reply.headers };
    let payload: string | Buffer = '';
    if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
      payload = reply.body;
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    res.writeHead(status, headers);
    res.end(payload);
  }
}

/**
 * A plausible value for a JSON Schema: the first enum value or const, the midpoint of a numeric
 * range, every required property of an object. Fakes answer structured-output requests with it
 * when no answer was queued.
 */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const s = schema as Record<string, any>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) return sampleFromSchema(s.anyOf[0], depth + 1);
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0) return sampleFromSchema(s.oneOf[0], depth + 1);
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return sampleFromSchema(Object.assign({}, ...s.allOf), depth + 1);
  const type = Array.isArray(s.type) ? (s.type.find((t: string) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type ?? (s.properties ? 'object' : undefined)) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required: string[] = Array.isArray(s.required) ? s.required : Object.keys(properties);
      return Object.fromEntries(required.map((name) => [name, sampleFromSchema(properties[name] ?? {}, depth + 1)]));
    }
    case 'array': {
      const count = Math.max(1, Number(s.minItems ?? 1));
      return Array.from({ length: count }, () => sampleFromSchema(s.items ?? {}, depth + 1));
    }
    case 'number':
    case 'integer': {
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : min + 1;
      const mid = (min + max) / 2;
      return type === 'integer' ? Math.ceil(mid) : mid;
    }
    case 'boolean':
      return true;
    case 'string': {
      if (s.format === 'date-time') return new Date(0).toISOString();
      if (s.format === 'date') return '1970-01-01';
      if (s.format === 'email') return 'someone@example.com';
      if (s.format === 'uri' || s.format === 'url') return 'https://example.com/';
      const text = 'example';
      return typeof s.minLength === 'number' && s.minLength > text.length ? text.padEnd(s.minLength, 'x') : text;
    }
    case 'null':
      return null;
    default:
      return 'example';
  }
}

/** A rough token count (about four characters a token), for the usage figures fakes report. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
