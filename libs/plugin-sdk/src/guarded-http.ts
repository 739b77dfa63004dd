import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { isPluginError, PermanentError, RetryableError, toPluginError } from './errors.js';
import { checkAddress, isAllowedHost, type NetworkPolicy } from './network-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (default: the system resolver, like `dns.lookup`). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedRequestOptions {
  /** Default GET. */
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The workspace's allow-list; without one only public addresses are reachable. */
  policy?: NetworkPolicy;
  signal?: AbortSignal;
  /** Budget for the whole exchange, redirects included. */
  timeoutMs?: number;
  /** Redirects followed (each hop checked again); default 5. With 0, 3xx answers are returned as they are. */
  maxRedirects?: number;
  /** Largest response body accepted, after decompression; default 1 MiB. */
  maxResponseBytes?: number;
  resolve?: HostResolver;
}

export interface GuardedResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The final URL, after redirects. */
  url: string;
  /** The URLs redirected to, in order. */
  redirects: string[];
  /** The address the final request connected to. */
  remoteAddress: string;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

const systemResolver: HostResolver = async (hostname) => {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Checks where a URL would connect: the scheme must be http(s), and every address its host
 * resolves to must be allowed by `policy` (see checkAddress), unless the host itself is
 * allow-listed. Returns the address to connect to; throws a permanent `blocked_address`
 * PluginError otherwise.
 */
export async function resolveAllowedAddress(
  url: URL,
  policy: NetworkPolicy = {},
  resolve: HostResolver = systemResolver,
): Promise<ResolvedAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentError(`Only http and https URLs can be requested (got ${url.protocol})`, { code: 'invalid_request' });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const hostAllowed = isAllowedHost(host, policy);
  let addresses: ResolvedAddress[];
  const family = isIP(host);
  if (family !== 0) {
    addresses = [{ address: host, family: family as 4 | 6 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = `Cannot resolve ${host}${code ? ` (${code})` : ''}`;
      if (code === 'ENOTFOUND' || code === 'ENODATA') throw new PermanentError(message, { code: 'not_found', cause: error });
      throw new RetryableError(message, { code: 'network', cause: error });
    }
    if (addresses.length === 0) throw new PermanentError(`${host} has no address`, { code: 'not_found' });
  }
  if (!hostAllowed) {
    for (const { address } of addresses) {
      const verdict = checkAddress(address, policy);
      if (verdict.blocked) {
        const via = family === 0 ? ` (${host} resolves to ${verdict.address})` : '';
        throw new PermanentError(
          `Blocked request to ${url.origin}${via}: ${verdict.reason} addresses are not reachable unless the workspace allow-lists them`,
          { code: 'blocked_address', details: { host, address: verdict.address, range: verdict.reason } },
        );
      }
    }
  }
  return addresses[0]!;
}

function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

function flattenHeaders(message: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function exchange(
  url: URL,
  target: ResolvedAddress,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        lookup: pinnedLookup(target),
        agent: false,
        signal,
      },
      resolve,
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new PermanentError(`The response is larger than the ${maxBytes}-byte limit (${declared} bytes)`, {
      code: 'response_too_large',
      providerStatus: response.statusCode,
    });
  }
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  let stream: Readable = response;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = response.pipe(createGunzip());
  else if (encoding === 'deflate') stream = response.pipe(createInflate());
  else if (encoding === 'br') stream = response.pipe(createBrotliDecompress());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      if (stream !== response) stream.destroy();
      throw new PermanentError(`The response is larger than the ${maxBytes}-byte limit`, {
        code: 'response_too_large',
        providerStatus: response.statusCode,
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * An outbound HTTP request that cannot be pointed at internal addresses (SSRF guard):
 * - the host is resolved first and every address checked (private, loopback, link-local and
 *   cloud-metadata, unique-local, CGNAT, multicast, IPv4-mapped IPv6, …) unless the workspace's
 *   policy allow-lists the host or range;
 * - the connection is pinned to the address that was checked (the socket's DNS lookup returns
 *   it), so a second DNS answer cannot switch it (DNS rebinding);
 * - redirects are followed by hand, each hop checked again; credentials are dropped when a
 *   redirect leaves the origin;
 * - the response body is capped, and the whole exchange bounded by `timeoutMs` and `signal`.
 * HTTP statuses are returned, not thrown. Failures are PluginErrors: `blocked_address`,
 * `response_too_large`, `too_many_redirects` and bad URLs are permanent; timeouts, aborts and
 * network errors retryable.
 */
export async function guardedRequest(options: GuardedRequestOptions): Promise<GuardedResponse> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const signals = [options.signal, options.timeoutMs !== undefined ? AbortSignal.timeout(Math.max(0, options.timeoutMs)) : undefined];
  const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new PermanentError(`Not a valid URL: ${options.url}`, { code: 'invalid_request' });
  }
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (name.toLowerCase() !== 'host') headers[name.toLowerCase()] = value;
  }
  const redirects: string[] = [];
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const target = await resolveAllowedAddress(url, options.policy, options.resolve);
      if (body !== undefined && headers['content-length'] === undefined) {
        headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      }
      const response = await exchange(url, target, method, headers, body, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location && maxRedirects > 0) {
        response.resume();
        if (redirects.length >= maxRedirects) {
          throw new PermanentError(`More than ${maxRedirects} redirects`, { code: 'too_many_redirects', details: { redirects } });
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new PermanentError(`Redirect to an invalid URL: ${location}`, { code: 'invalid_request' });
        }
        if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
          for (const name of ['content-length', 'content-type', 'content-encoding']) delete headers[name];
        }
        redirects.push(next.toString());
        url = next;
        continue;
      }
      const responseBody = await readBody(response, maxBytes);
      return {
        status,
        headers: flattenHeaders(response),
        body: responseBody,
        url: url.toString(),
        redirects,
        remoteAddress: response.socket?.remoteAddress ?? target.address,
      };
    }
  } catch (error) {
    if (isPluginError(error)) throw error;
    if (signal.aborted) {
      const callerAborted = options.signal?.aborted === true;
      throw new RetryableError(callerAborted ? 'The request was aborted' : `The request timed out after ${options.timeoutMs} ms`, {
        code: callerAborted ? 'aborted' : 'timeout',
        cause: error,
      });
    }
    throw toPluginError(error, 'The request failed');
  }
}
