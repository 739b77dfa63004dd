/**
 * What every value a caller sends must satisfy before Itinera works on it, in one place: JSON
 * nested at most so deep, arrays at most so long, and text PostgreSQL can store (no U+0000,
 * no lone UTF-16 surrogate, which `text` and `jsonb` reject and some validators throw on).
 * Request bodies are checked by the body parser, path and query parameters by the validation
 * pipe, events, import rows and cursors by their readers; all with these functions.
 */

export interface JsonLimits {
  /** Containers inside containers: `{"a":{"b":1}}` has depth 2. */
  maxDepth: number;
  /** Elements of any one array. */
  maxArrayLength: number;
}

/** Bodies of the management API, the inbox and /send: no request of theirs comes near. */
export const BODY_LIMITS: JsonLimits = { maxDepth: 64, maxArrayLength: 10_000 };

export interface InputProblem {
  /** Dotted path of the offending value (`data.items.3.name`); the prefix names where it came from. */
  field: string;
  message: string;
}

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- finding NUL characters is what this pattern is for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** The string with what PostgreSQL cannot store (NUL, lone surrogates) replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_ALL, '\uFFFD');
}

/** Why a string cannot be stored, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  return match[0] === '\u0000' ? 'contains a NUL (\\u0000) character' : 'is not valid Unicode text (a lone UTF-16 surrogate)';
}

interface Visit {
  value: unknown;
  depth: number;
  /** Where the value sits, kept as links so that a path string is only built for a problem. */
  parent: Visit | undefined;
  key: string | number | undefined;
}

function pathOf(visit: Visit, prefix: string): string {
  const keys: Array<string | number> = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  const path = keys.reverse().join('.');
  return prefix && path ? `${prefix}.${path}` : prefix || path || 'body';
}

/**
 * The first value of `root` breaking the limits or holding unstorable text (in keys as in
 * values), walking without recursion and stopping at the first problem: the work is bounded by
 * the size of the input, however it is shaped. With `checkText` false only the structure is
 * checked (for callers that test the text more cheaply on its serialised form).
 */
export function findInputProblem(root: unknown, limits: JsonLimits, prefix = '', checkText = true): InputProblem | undefined {
  const stack: Visit[] = [{ value: root, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'string') {
      const reason = checkText ? unstorableTextReason(value) : undefined;
      if (reason) return { field: pathOf(visit, prefix), message: reason };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > limits.maxDepth) return { field: pathOf(visit, prefix), message: `is nested more than ${limits.maxDepth} levels deep` };
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength) {
        return { field: pathOf(visit, prefix), message: `has ${value.length} elements; at most ${limits.maxArrayLength} are accepted` };
      }
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i], depth: depth + 1, parent: visit, key: i });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i];
      const reason = checkText ? unstorableTextReason(key) : undefined;
      if (reason) {
        return {
          field: pathOf({ value: undefined, depth, parent: visit, key: JSON.stringify(key).slice(1, -1) }, prefix),
          message: `has a key that ${reason}`,
        };
      }
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, parent: visit, key });
    }
  }
  return undefined;
}

/**
 * Whether serialised JSON may hold unstorable text: JSON.stringify writes a NUL as `\u0000` and a
 * lone surrogate as its `\udXXX` escape (paired ones stay literal). A hit can be a false alarm
 * (an escaped backslash before such letters): confirm it with findInputProblem.
 */
export function mayHoldUnstorableText(serialized: string): boolean {
  return /\\u(?:0000|d[89a-f][0-9a-f]{2})/.test(serialized);
}

export class JsonStructureError extends Error {
  readonly status = 400;
  readonly expose = true;
  constructor(
    readonly type: 'entity.too.deep' | 'entity.too.wide',
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Checks the nesting depth and array lengths of raw JSON before it is parsed, in one pass over
 * the bytes that stops at the first excess: a 1 MB `[1,1,…]` or `[[[[…` costs microseconds
 * instead of a parse and a walk. Malformed JSON is left to the parser.
 */
export function assertJsonStructure(bytes: Uint8Array, limits: JsonLimits): void {
  // Per open container: element count for arrays (-1 for objects), and whether it is still empty.
  const counts: number[] = [];
  let empty = false;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (WHITESPACE.has(byte)) continue;
    const top = counts.length - 1;
    if (empty && byte !== CLOSE_ARRAY && top >= 0 && counts[top] === 0) counts[top] = 1;
    empty = false;
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (counts.length >= limits.maxDepth) {
        throw new JsonStructureError('entity.too.deep', `Request body is nested more than ${limits.maxDepth} levels deep`);
      }
      counts.push(byte === OPEN_ARRAY ? 0 : -1);
      empty = byte === OPEN_ARRAY;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) counts.pop();
    else if (byte === COMMA && top >= 0 && counts[top] >= 0) {
      counts[top] += 1;
      if (counts[top] > limits.maxArrayLength) {
        throw new JsonStructureError('entity.too.wide', `Request body has an array of more than ${limits.maxArrayLength} elements`);
      }
    }
  }
}
