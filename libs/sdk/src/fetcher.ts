/** An HTTP error answered by the Itinera API, with the server's own message and body. */
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

export interface ClientSettings {
  /** Origin (and optional path prefix) of the API; empty: the page's own origin. */
  baseUrl: string;
  /** Extra headers on every request, e.g. `Authorization: Bearer itn_sk_…` outside a browser session. */
  headers: Record<string, string>;
  /** `same-origin` sends the admin session cookie; `include` for a cross-origin admin. */
  credentials: RequestCredentials;
  fetch: typeof fetch;
}

const settings: ClientSettings = { baseUrl: '', headers: {}, credentials: 'same-origin', fetch: (...args) => globalThis.fetch(...args) };

/** Points the generated client at an API and adds headers; the defaults suit the admin SPA served by the API. */
export function configureClient(changes: Partial<ClientSettings>): void {
  Object.assign(settings, changes);
}

/**
 * The one function every generated call goes through: JSON in and out, the session cookie
 * (or configured headers), and an `ApiError` for every non-2xx answer.
 */
export async function itineraFetch<T>(url: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  for (const [name, value] of Object.entries(settings.headers)) headers.set(name, value);
  if (init.body === undefined || init.body === null) headers.delete('Content-Type');
  const response = await settings.fetch(`${settings.baseUrl}${url}`, { ...init, headers, credentials: settings.credentials });
  const payload = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, errorMessage(response, payload), payload);
  return payload as T;
}

/** The answer's body: JSON when it says so, else its text; undefined when empty. */
export async function readBody(response: Response): Promise<unknown> {
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

/** The API's errors carry `message` as a string or, for validation, a list of strings. */
export function errorMessage(response: Pick<Response, 'status' | 'statusText'>, payload: unknown): string {
  if (payload && typeof payload === 'object' && 'message' in payload) {
    const { message } = payload as { message: unknown };
    if (typeof message === 'string' && message) return message;
    if (Array.isArray(message) && message.length > 0) return message.map(String).join('; ');
  }
  return `Request failed with status ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

/** The error type of the generated hooks: every failure is an `ApiError` (or a network `TypeError`). */
export type ErrorType<_Body> = ApiError;
