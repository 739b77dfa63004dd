import {
  checkJsonSchema,
  secretFields,
  splitSecrets,
  unmarkedSecretFields,
  validateAgainstSchema,
  validateConfigValues,
} from './json-schema.js';

const configSchema = {
  type: 'object',
  required: ['apiKey'],
  properties: {
    apiKey: { type: 'string', 'x-secret': true },
    webhookSecret: { type: 'string', 'x-secret': true },
    region: { enum: ['eu', 'us'], default: 'eu' },
    timeoutMs: { type: 'integer', default: 5000 },
  },
  additionalProperties: false,
};

describe('config values', () => {
  it('validates, fills in defaults on a copy, and splits the secrets off', () => {
    const values = { apiKey: 'k', webhookSecret: 's' };
    const result = validateConfigValues(configSchema, values);
    expect(result).toEqual({ ok: true, value: { apiKey: 'k', webhookSecret: 's', region: 'eu', timeoutMs: 5000 } });
    expect(values).toEqual({ apiKey: 'k', webhookSecret: 's' });
    expect(secretFields(configSchema)).toEqual(['apiKey', 'webhookSecret']);
    expect(splitSecrets(configSchema, (result as { value: Record<string, unknown> }).value)).toEqual({
      config: { region: 'eu', timeoutMs: 5000 },
      secrets: { apiKey: 'k', webhookSecret: 's' },
    });
  });

  it('lists every problem', () => {
    const result = validateConfigValues(configSchema, { region: 'mars', extra: 1 });
    expect(result.ok).toBe(false);
    expect((result as { errors: string[] }).errors).toEqual(
      expect.arrayContaining([
        "/: must have required property 'apiKey'",
        '/: unknown property "extra"',
        '/region: must be one of "eu", "us"',
      ]),
    );
  });
});

describe('unmarkedSecretFields', () => {
  it('finds credential-looking fields that are not marked', () => {
    const schema = {
      type: 'object',
      properties: {
        apiKey: { type: 'string' },
        password: { type: 'string', 'x-secret': true },
        auth_token: { type: 'string' },
        clientSecret: { type: 'string' },
        maxTokens: { type: 'integer' },
        tokenUrl: { type: 'string' },
        serviceToken: { type: 'string', 'x-secret': false },
      },
    };
    expect(unmarkedSecretFields(schema)).toEqual(['apiKey', 'auth_token', 'clientSecret']);
  });
});

describe('schemas', () => {
  it('reports unusable schemas', () => {
    expect(checkJsonSchema({ type: 'object' })).toEqual({ ok: true });
    expect(checkJsonSchema({ type: 'nothing' }).ok).toBe(false);
    expect(checkJsonSchema({ $ref: '#/definitions/missing' }).ok).toBe(false);
    expect(checkJsonSchema([])).toEqual({ ok: false, errors: ['schema: must be a JSON Schema object'] });
  });

  it('validates formats', () => {
    expect(validateAgainstSchema({ type: 'string', format: 'email' }, 'a@b.co')).toEqual({ ok: true });
    expect(validateAgainstSchema({ type: 'string', format: 'email' }, 'nope').ok).toBe(false);
  });

  it('keeps a bounded cache when every request brings a new schema', () => {
    for (let i = 0; i < 600; i++) {
      expect(validateAgainstSchema({ type: 'object', properties: { [`f${i}`]: { const: i } } }, { [`f${i}`]: i })).toEqual({ ok: true });
    }
    expect(validateAgainstSchema({ type: 'object', properties: { f1: { const: 1 } } }, { f1: 2 }).ok).toBe(false);
  });

  it('compiles schemas that carry an $id more than once', () => {
    const schema = { $id: 'https://example.com/thing.json', type: 'string' };
    expect(validateAgainstSchema(schema, 'a')).toEqual({ ok: true });
    expect(validateAgainstSchema({ ...schema }, 'b')).toEqual({ ok: true });
  });
});
