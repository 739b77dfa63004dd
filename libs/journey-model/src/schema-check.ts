import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { cloneJson } from './json.js';
import type { JsonSchema } from './types.js';

/** One schema violation, with the `x-code` / `x-message` annotation of the failing schema if any. */
export interface SchemaIssue {
  /** JSON pointer inside the validated value. */
  path: string;
  message: string;
  code?: string;
}

// Formats are not checked: most strings in a journey are Liquid templates.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: false, logger: false });
/** Checks schemas written by users (an ai node's output schema), apart from the catalogue's. */
const userAjv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });

const CACHE_LIMIT = 256;
const byIdentity = new WeakMap<object, ValidateFunction>();
const byContent = new Map<string, { schema: JsonSchema; validate: ValidateFunction }>();

/**
 * Compiles a schema once: the catalogue's own schemas by identity, others (plugin-extended
 * schemas built on each call) by content, keeping at most CACHE_LIMIT of those.
 * Throws if the schema cannot be compiled.
 */
export function compileSchema(schema: JsonSchema, stable = false): ValidateFunction {
  if (stable) {
    const hit = byIdentity.get(schema);
    if (hit) return hit;
    const validate = ajv.compile(cloneJson(schema));
    byIdentity.set(schema, validate);
    return validate;
  }
  const key = JSON.stringify(schema);
  const hit = byContent.get(key);
  if (hit) {
    byContent.delete(key);
    byContent.set(key, hit);
    return hit.validate;
  }
  const copy = cloneJson(schema);
  const validate = ajv.compile(copy);
  byContent.set(key, { schema: copy, validate });
  if (byContent.size > CACHE_LIMIT) {
    const [oldestKey, oldest] = byContent.entries().next().value!;
    byContent.delete(oldestKey);
    ajv.removeSchema(oldest.schema);
  }
  return validate;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(error: ErrorObject): { path: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${escape(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${error.instancePath}/${escape(String(params.additionalProperty))}`, message: 'is not a known property' };
    case 'enum':
      return {
        path: error.instancePath,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { path: error.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { path: error.instancePath, message: error.message ?? 'is invalid' };
  }
}

/** Validates `value` and returns every violation (none: valid). Never throws on data. */
export function schemaIssues(validate: ValidateFunction, value: unknown): SchemaIssue[] {
  if (validate(value)) return [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'if') continue;
    const parent = (error.parentSchema ?? {}) as JsonSchema;
    const code = typeof parent['x-code'] === 'string' ? (parent['x-code'] as string) : undefined;
    const described = describe(error);
    const custom = parent['x-message'];
    const message = typeof custom === 'string' ? custom : described.message;
    const key = `${described.path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path: described.path, message, ...(code ? { code } : {}) });
  }
  return issues;
}

/** Problems with a user-supplied JSON Schema (an ai node's output schema): meta-schema and compilation. */
export function jsonSchemaProblems(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return ['must be a JSON Schema object'];
  try {
    if (!userAjv.validateSchema(schema as JsonSchema)) {
      // The meta-schema's anyOf yields several errors for one mistake: the first says it best.
      const first = userAjv.errors?.[0];
      return [`is not a valid JSON Schema: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`];
    }
    const validate = userAjv.compile(cloneJson(schema));
    userAjv.removeSchema(validate.schema as JsonSchema);
    return [];
  } catch (error) {
    return [`is not a usable JSON Schema: ${(error as Error).message}`];
  }
}
