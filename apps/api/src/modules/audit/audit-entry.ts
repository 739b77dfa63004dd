// What an audit entry says about a request, worked out from the request alone (pure).
import { storableText as storable } from '../../infra/http/input-rules.js';
import { KEY_PREFIXES } from '../auth/secret-tokens.js';

const VERB_OF_METHOD: Record<string, string> = { POST: 'create', PUT: 'replace', PATCH: 'update', DELETE: 'delete' };

/** Field names whose values never reach the audit log: passwords, secrets, tokens, keys, credentials. */
const SECRET_FIELD = /pass(word)?|secret|token|api_?key|private_?key|credential|service_?account|signing|authorization|cookie/i;
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;
const MAX_STRING = 2_000;
export const REDACTED = '[redacted]';

/** An API key itself (`itn_sk_…`, `itn_wk_…`), wherever it appears: the answer that creates one carries it once. */
const isKeyMaterial = (value: string) => Object.values(KEY_PREFIXES).some((prefix) => value.startsWith(prefix));

export interface AuditedRoute {
  /** The route's first segment after `/api/`: `journeys`, `templates`, `api-keys`, `settings`. */
  resource: string;
  /** What was asked: `create`, `update`, `delete`, `replace`, or the route's own verb (`publish`, `revoke`, `locales.delete`). */
  action: string;
}

/**
 * The resource and action of a management route (`POST /api/journeys/:id/publish` → journeys,
 * publish). A POST ending in a word is that word (publish, pause, revoke, import, test-send);
 * otherwise the method says it, after the sub-collection it is about (`locales.delete`).
 */
export function auditedRoute(method: string, route: string): AuditedRoute {
  const segments = route.split('/').filter((s) => s !== '' && s !== 'api');
  const [resource = 'workspace', ...rest] = segments;
  const literals = rest.filter((s) => !s.startsWith(':'));
  const last = rest[rest.length - 1];
  const verb = VERB_OF_METHOD[method] ?? method.toLowerCase();
  if (method === 'POST' && last !== undefined && !last.startsWith(':')) {
    return { resource, action: [...literals.slice(0, -1), last].join('.') };
  }
  return { resource, action: [...literals, verb].join('.') };
}

/** The target of a request: its route's first parameter (`:id`, `:key`, `:userId`), or the key or id of what it created. */
export function auditTarget(params: Record<string, string> | undefined, result: unknown): string | null {
  const first = params ? Object.values(params)[0] : undefined;
  if (typeof first === 'string' && first !== '') return storable(first.slice(0, 200));
  if (typeof result === 'object' && result !== null) {
    // Templates and topics are addressed by key in their routes, the rest by id.
    const { id, key } = result as { id?: unknown; key?: unknown };
    if (typeof key === 'string' && !isKeyMaterial(key)) return storable(key.slice(0, 200));
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return null;
}

/** The request body as the audit log keeps it: secrets replaced, long strings and lists cut, text storable. */
export function redacted(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    if (isKeyMaterial(value)) return REDACTED;
    return storable(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? ['…'] : { '…': 'nested deeper than the audit log keeps' };
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((item) => redacted(item, depth + 1));
    return value.length > MAX_ITEMS ? [...kept, `… ${value.length - MAX_ITEMS} more`] : kept;
  }
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, MAX_ITEMS)
      .map(([key, inner]) => [
        storable(key),
        SECRET_FIELD.test(key) && inner !== null && inner !== undefined ? REDACTED : redacted(inner, depth + 1),
      ]),
  );
}

/** What the answer said about the target, in a few fields (its id, key, name, version, status). */
export function resultSummary(result: unknown): Record<string, unknown> | null {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return null;
  const picked: Record<string, unknown> = {};
  for (const field of ['id', 'key', 'name', 'version', 'status', 'role', 'email', 'message']) {
    const value = (result as Record<string, unknown>)[field];
    if (value === undefined || (typeof value === 'object' && value !== null)) continue;
    if (typeof value === 'string') picked[field] = isKeyMaterial(value) ? REDACTED : storable(value.slice(0, 500));
    else picked[field] = value;
  }
  return Object.keys(picked).length > 0 ? picked : null;
}
