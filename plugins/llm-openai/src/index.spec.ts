import { createTestContext, isPluginError, type LlmRequest, type PluginError, runConformanceSuite } from '@itinera/plugin-sdk';
import { OPENAI_FAKE_API_KEY, type OpenAiFake, startOpenAiFake } from '@itinera/fakes';
import plugin, { type OpenAiConfig, type OpenAiSecrets } from './index.js';

let fake: OpenAiFake;
beforeAll(async () => {
  fake = await startOpenAiFake();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const config = () => ({ apiKey: OPENAI_FAKE_API_KEY, baseUrl: `${fake.url}/v1`, timeoutMs: 5000 });
const context = (values: Record<string, unknown> = config()) =>
  createTestContext<OpenAiConfig, OpenAiSecrets>({ manifest: plugin.manifest, values });
const classify: LlmRequest = { task: 'classify', prompt: 'Account health score 12/100. Is it at risk?', labels: ['high', 'low'] };

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (error) {
    if (isPluginError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

runConformanceSuite(plugin, {
  config,
  input: classify,
  nodeParameters: { task: 'score', prompt: 'How likely is {{ profile.traits.name }} to upgrade?', model: 'gpt-5-mini' },
  failures: [
    { name: 'HTTP 500', arrange: () => fake.failNext({ status: 500 }), retryable: true, code: 'provider_error' },
    { name: 'HTTP 429', arrange: () => fake.failNext({ status: 429, retryAfterSeconds: 7 }), retryable: true, code: 'rate_limited' },
    { name: 'invalid API key', config: () => ({ ...config(), apiKey: 'sk-wrong' }), retryable: false, code: 'auth' },
    {
      name: 'no answer before the timeout',
      arrange: () => fake.failNext({ timeout: true }),
      config: () => ({ ...config(), timeoutMs: 1000 }),
      retryable: true,
      code: 'timeout',
    },
    {
      name: 'an answer outside the schema',
      arrange: () => fake.answerNext({ json: { label: 'medium' } }),
      retryable: true,
      code: 'invalid_output',
    },
    { name: 'classify without labels', input: { task: 'classify', prompt: 'x' }, retryable: false, code: 'invalid_request' },
  ],
});

describe('llm-openai', () => {
  it('generates text with the default model, one system and one user message, and reports usage', async () => {
    const result = await plugin.complete(context(), { task: 'generate', prompt: 'Write a one-line welcome.', maxTokens: 50 });
    expect(result.output).toBe('This is an answer from the Itinera OpenAI fake.');
    expect(result.model).toBe('gpt-5-mini');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const [body] = fake.completions();
    expect(body!.model).toBe('gpt-5-mini');
    expect(body!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body!.messages[1]!.content).toBe('Write a one-line welcome.');
    expect(body!.response_format).toBeUndefined();
    expect(body!.max_completion_tokens).toBe(50);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${OPENAI_FAKE_API_KEY}`);
  });

  it('classifies with a strict json_schema whose label is an enum of the labels', async () => {
    fake.answerNext({ json: { label: 'HIGH' } });
    const result = await plugin.complete(context(), { ...classify, model: 'gpt-5' });
    expect(result.output).toEqual({ label: 'high' });
    expect(result.model).toBe('gpt-5');
    const format = fake.completions()[0]!.response_format!;
    expect(format.type).toBe('json_schema');
    expect(format.json_schema!.strict).toBe(true);
    expect(format.json_schema!.schema).toMatchObject({ properties: { label: { enum: ['high', 'low'] } }, required: ['label'] });
  });

  it('scores between 0 and 1 and rejects a score outside', async () => {
    fake.answerNext({ json: { score: 0.8 } }, { json: { score: 1.5 } });
    expect((await plugin.complete(context(), { task: 'score', prompt: 'Upgrade likelihood?' })).output).toEqual({ score: 0.8 });
    const error = await failure(plugin.complete(context(), { task: 'score', prompt: 'Upgrade likelihood?' }));
    expect(error).toMatchObject({ retryable: true, code: 'invalid_output' });
  });

  it('extracts an object following the requested schema', async () => {
    const schema = {
      type: 'object',
      properties: { company: { type: 'string' }, seats: { type: 'integer', minimum: 1 } },
      required: ['company', 'seats'],
    };
    fake.answerNext({ json: { company: 'Acme', seats: 40 } });
    const result = await plugin.complete(context(), { task: 'extract', prompt: 'Acme wants 40 seats.', schema });
    expect(result.output).toEqual({ company: 'Acme', seats: 40 });
    const format = fake.completions()[0]!.response_format!;
    expect(format.json_schema!.schema).toEqual(schema);
    expect(format.json_schema!.strict).toBe(false);
  });

  it('wraps a non-object schema in { value } for the API and unwraps the answer', async () => {
    fake.answerNext({ json: { value: ['a', 'b'] } });
    const schema = { type: 'array', items: { type: 'string' } };
    const result = await plugin.complete(context(), { task: 'generate', prompt: 'Two letters', schema });
    expect(result.output).toEqual(['a', 'b']);
    expect(fake.completions()[0]!.response_format!.json_schema!.schema).toMatchObject({ properties: { value: schema } });
  });

  it('answers with the fake’s sample of the schema when nothing is queued', async () => {
    const result = await plugin.complete(context(), classify);
    expect(result.output).toEqual({ label: 'high' });
  });

  it('makes exactly one attempt: the SDK’s own retries are off', async () => {
    fake.failNext({ status: 503 });
    const error = await failure(plugin.complete(context(), classify));
    expect(error).toMatchObject({ retryable: true, providerStatus: 503 });
    expect(fake.completions()).toHaveLength(1);
  });

  it('passes Retry-After on as retryAfterMs', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    const error = await failure(plugin.complete(context(), classify));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 7000, providerStatus: 429 });
  });

  it('maps a 400 to a permanent error', async () => {
    fake.failNext({ status: 400, message: "Invalid schema for response_format 'itinera_output'" });
    const error = await failure(plugin.complete(context(), classify));
    expect(error).toMatchObject({ retryable: false, code: 'invalid_request', providerStatus: 400 });
  });

  it('treats a refusal as permanent', async () => {
    fake.answerNext({ refusal: 'I cannot help with that.' });
    const error = await failure(plugin.complete(context(), classify));
    expect(error).toMatchObject({ retryable: false, code: 'refused' });
  });

  it('reports structured answers cut off by the token limit', async () => {
    fake.answerNext({ content: '{"label": "hi', finishReason: 'length' });
    const error = await failure(plugin.complete(context(), classify));
    expect(error).toMatchObject({ retryable: false, code: 'output_truncated' });
  });

  it('rejects invalid JSON as retryable invalid_output', async () => {
    fake.answerNext({ content: 'high' });
    const error = await failure(plugin.complete(context(), classify));
    expect(error).toMatchObject({ retryable: true, code: 'invalid_output' });
  });

  it('gives up with a retryable aborted error when the signal aborts mid-call', async () => {
    fake.failNext({ timeout: true });
    const controller = new AbortController();
    const ctx = createTestContext<OpenAiConfig, OpenAiSecrets>({ manifest: plugin.manifest, values: config(), signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(plugin.complete(ctx, classify));
    expect(error).toMatchObject({ retryable: true, code: 'aborted' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports an unreachable API as a retryable network error', async () => {
    const closed = await startOpenAiFake();
    const url = closed.url;
    await closed.close();
    const error = await failure(plugin.complete(context({ ...config(), baseUrl: `${url}/v1` }), classify));
    expect(error).toMatchObject({ retryable: true, code: 'network' });
  });

  it('checks the configuration by listing models', async () => {
    await expect(plugin.checkConfig!(context())).resolves.toMatchObject({ ok: true, message: expect.stringContaining('3 models') });
    await expect(plugin.checkConfig!(context({ ...config(), apiKey: 'sk-wrong' }))).resolves.toEqual(
      expect.objectContaining({ ok: false, message: 'OpenAI rejected the API key' }),
    );
  });
});
