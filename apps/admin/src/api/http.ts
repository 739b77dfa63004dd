/** An HTTP error answered by the Itinera API, with the server's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Calls the API on the SPA's own origin with JSON in and out. The session travels in an
 * HttpOnly cookie, so nothing here handles tokens. Non-2xx answers throw an `ApiError`.
 */
export async function http<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
    signal: options.signal,
  });
  const payload = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, errorMessage(response, payload), payload);
  return payload as T;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  if (!(response.headers.get('Content-Type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Nest-style errors carry `message` as a string or, for validation, a list of strings. */
export function errorMessage(response: Pick<Response, 'status' | 'statusText'>, payload: unknown): string {
  if (payload && typeof payload === 'object' && 'message' in payload) {
    const { message } = payload as { message: unknown };
    if (typeof message === 'string' && message) return message;
    if (Array.isArray(message) && message.length > 0) return message.map(String).join('; ');
  }
  return `Request failed with status ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}
