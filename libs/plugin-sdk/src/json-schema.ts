import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';

/** A JSON Schema (draft-07 or 2019-09 keywords as Ajv 8 understands them) as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/** Result of a validation: every problem as one readable line (`/path: message`). */
export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

// ajv-formats is CommonJS; depending on the loader the plugin is the module or its `default`.
const addFormats = ((ajvFormats as unknown as { default?: unknown }).default ?? ajvFormats) as unknown as (ajv: Ajv) => Ajv;

/** Annotations Itinera reads from schemas; declared so Ajv accepts and type-checks them. */
const ANNOTATIONS = [
  { keyword: 'x-secret', schemaType: 'boolean' },
  { keyword: 'x-order', schemaType: 'number' },
  { keyword: 'x-widget', schemaType: 'string' },
  { keyword: 'x-placeholder', schemaType: 'string' },
] as const;

function createAjv(options: { useDefaults: boolean }): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: options.useDefaults, validateFormats: true });
  addFormats(ajv);
  for (const annotation of ANNOTATIONS) ajv.addKeyword({ ...annotation });
  return ajv;
}

/** Validates data as it is (LLM output, node parameters, manifests). */
const dataAjv = createAjv({ useDefaults: false });
/** Validates plugin configuration and fills in `default`s. */
const configAjv = createAjv({ useDefaults: true });

const CACHE_LIMIT = 256;
const caches = new Map<Ajv, Map<string, { schema: JsonSchema; validate: ValidateFunction }>>();

/**
 * Compiles a schema once per distinct content (schemas arrive as fresh objects on every request,
 * e.g. an ai node's output schema), keeping at most CACHE_LIMIT compiled schemas per validator.
 */
function compile(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  let cache = caches.get(ajv);
  if (!cache) caches.set(ajv, (cache = new Map()));
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.validate;
  }
  const copy = structuredClone(schema);
  const validate = ajv.compile(copy);
  cache.set(key, { schema: copy, validate });
  if (cache.size > CACHE_LIMIT) {
    const [oldestKey, oldest] = cache.entries().next().value!;
    cache.delete(oldestKey);
    ajv.removeSchema(oldest.schema);
  }
  return validate;
}

/** Formats Ajv errors as `/path: message` lines. */
export function formatSchemaErrors(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  return (errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const path = `${prefix}${error.instancePath}` || '/';
      if (error.keyword === 'additionalProperties') {
        return `${path}: unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
      }
      if (error.keyword === 'enum') {
        return `${path}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return `${path}: ${error.message ?? 'is invalid'}`;
    });
}

/**
 * Checks that `schema` is a usable JSON Schema: valid against the meta-schema and compilable
 * (unresolvable `$ref`s, bad patterns and the like are reported).
 */
export function checkJsonSchema(schema: unknown, label = 'schema'): ValidationResult {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { ok: false, errors: [`${label}: must be a JSON Schema object`] };
  }
  if (!dataAjv.validateSchema(schema as JsonSchema)) {
    return { ok: false, errors: formatSchemaErrors(dataAjv.errors, label).map((e) => `${e} (JSON Schema)`) };
  }
  try {
    compile(dataAjv, schema as JsonSchema);
  } catch (error) {
    return { ok: false, errors: [`${label}: ${(error as Error).message}`] };
  }
  return { ok: true };
}

/** Validates `data` against `schema` without changing it. */
export function validateAgainstSchema(schema: JsonSchema, data: unknown, label = ''): ValidationResult {
  let validate: ValidateFunction;
  try {
    validate = compile(dataAjv, schema);
  } catch (error) {
    return { ok: false, errors: [`${label || '/'}: the schema cannot be used: ${(error as Error).message}`] };
  }
  return validate(data) ? { ok: true } : { ok: false, errors: formatSchemaErrors(validate.errors, label) };
}

/**
 * Validates a configuration object against a config schema, on a copy with the schema's
 * `default`s filled in. Returns the completed copy when valid.
 */
export function validateConfigValues(
  schema: JsonSchema,
  values: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; errors: string[] } {
  const copy = structuredClone(values ?? {});
  let validate: ValidateFunction;
  try {
    validate = compile(configAjv, schema);
  } catch (error) {
    return { ok: false, errors: [`configSchema cannot be used: ${(error as Error).message}`] };
  }
  if (!validate(copy)) return { ok: false, errors: formatSchemaErrors(validate.errors) };
  return { ok: true, value: copy as Record<string, unknown> };
}

/** Names of the top-level properties of a config schema marked `"x-secret": true`. */
export function secretFields(configSchema: JsonSchema): string[] {
  const properties = configSchema.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, JsonSchema>)
    .filter(([, property]) => typeof property === 'object' && property !== null && property['x-secret'] === true)
    .map(([name]) => name);
}

/**
 * Splits configuration values into the public part and the secrets (the `x-secret` fields),
 * as the core hands them to a plugin in `ctx.config` and `ctx.secrets`.
 */
export function splitSecrets(
  configSchema: JsonSchema,
  values: Record<string, unknown>,
): { config: Record<string, unknown>; secrets: Record<string, unknown> } {
  const secretNames = new Set(secretFields(configSchema));
  const config: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) (secretNames.has(name) ? secrets : config)[name] = value;
  return { config, secrets };
}

/** Names ending like a credential (separators and case ignored): apiKey, authToken, clientSecret, password, … */
const SECRET_NAME = /(password|passphrase|passwd|secret|token|apikey|privatekey|credentials?|signingkey|accesskey|authkey)$/;

/**
 * Top-level config properties whose names look like credentials (password, secret, token,
 * apiKey, privateKey, credentials, …) but are not marked `"x-secret": true`. The conformance kit
 * fails a plugin that has any, because unmarked secrets would be stored unencrypted and
 * returned by the API.
 */
export function unmarkedSecretFields(configSchema: JsonSchema): string[] {
  const properties = configSchema.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, JsonSchema>)
    .filter(
      ([name, property]) =>
        SECRET_NAME.test(name.replace(/[-_]/g, '').toLowerCase()) && !(typeof property === 'object' && property?.['x-secret'] === true),
    )
    .filter(([, property]) => !(typeof property === 'object' && property?.['x-secret'] === false))
    .map(([name]) => name);
}
