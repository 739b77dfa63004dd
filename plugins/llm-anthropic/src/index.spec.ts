import { createTestContext, isPluginError, type LlmRequest, type PluginError, runConformanceSuite } from '@itinera/plugin-sdk';
import { ANTHROPIC_FAKE_API_KEY, type AnthropicFake, startAnthropicFake } from '../../../tools/fakes/anthropic.js';
import plugin, { type AnthropicConfig, type AnthropicSecrets, OUTPUT_TOOL } from './index.js';

let fake: AnthropicFake;
beforeAll(async () => {
  fake = await startAnthropicFake();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const config = () => ({ apiKey: ANTHROPIC_FAKE_API_KEY, baseUrl: fake.url, timeoutMs: 5000 });
const context = (values: Record<string, unknown> = config()) =>
  createTestContext<AnthropicConfig, AnthropicSecrets>({ manifest: plugin.manifest, values });
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
  nodeParameters: { task: 'extract', prompt: 'Company in {{ event.properties.text }}', schema: { type: 'object' } },
  failures: [
    { name: 'HTTP 500', arrange: () => fake.failNext({ status: 500 }), retryable: true, code: 'provider_error' },
    { name: 'HTTP 529 overloaded', arrange: () => fake.failNext({ status: 529 }), retryable: true, code: 'provider_error' },
    { name: 'HTTP 429', arrange: () => fake.failNext({ status: 429, retryAfterSeconds: 3 }), retryable: true, code: 'rate_limited' },
    { name: 'invalid API key', arrange: () => fake.failNext({ invalidToken: true }), retryable: false, code: 'auth' },
    {
      name: 'no answer before the timeout',
      arrange: () => fake.failNext({ timeout: true }),
      config: () => ({ ...config(), timeoutMs: 1000 }),
      retryable: true,
      code: 'timeout',
    },
    {
      name: 'a tool input outside the schema',
      arrange: () => fake.answerNext({ toolInput: { label: 'medium' } }),
      retryable: true,
      code: 'invalid_output',
    },
  ],
});

describe('llm-anthropic', () => {
  it('generates text with the default model and token limit and reports usage', async () => {
    const result = await plugin.complete(context(), { task: 'generate', prompt: 'Write a one-line welcome.' });
    expect(result.output).toBe('This is an answer from the Itinera Anthropic fake.');
    expect(result.model).toBe('claude-haiku-4-5');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const [body] = fake.messageRequests();
    expect(body!.max_tokens).toBe(1024);
    expect(body!.tools).toBeUndefined();
    expect(body!.messages).toEqual([{ role: 'user', content: 'Write a one-line welcome.' }]);
    expect(typeof body!.system).toBe('string');
    const { authorization, 'x-api-key': apiKey } = fake.requests[0]!.headers;
    expect([apiKey, authorization]).toContain(apiKey === undefined ? `Bearer ${ANTHROPIC_FAKE_API_KEY}` : ANTHROPIC_FAKE_API_KEY);
  });

  it('classifies through a forced tool call whose input schema has the labels as an enum', async () => {
    fake.answerNext({ toolInput: { label: 'Low ' } });
    const result = await plugin.complete(context(), { ...classify, model: 'claude-sonnet-4-6', maxTokens: 200 });
    expect(result.output).toEqual({ label: 'low' });
    expect(result.model).toBe('claude-sonnet-4-6');
    const body = fake.messageRequests()[0]!;
    expect(body.tool_choice).toMatchObject({ type: 'tool', name: OUTPUT_TOOL });
    expect(body.tools![0]!.input_schema).toMatchObject({ properties: { label: { enum: ['high', 'low'] } } });
    expect(body.max_tokens).toBe(200);
  });

  it('scores and extracts following the requested schema', async () => {
    const schema = { type: 'object', properties: { plan: { enum: ['free', 'pro'] } }, required: ['plan'] };
    fake.answerNext({ toolInput: { score: 0.25 } }, { toolInput: { plan: 'pro' } });
    expect((await plugin.complete(context(), { task: 'score', prompt: 'Churn risk?' })).output).toEqual({ score: 0.25 });
    expect((await plugin.complete(context(), { task: 'extract', prompt: 'They are on Pro.', schema })).output).toEqual({ plan: 'pro' });
    expect(fake.messageRequests()[1]!.tools![0]!.input_schema).toEqual(schema);
  });

  it('wraps a non-object schema in { value } for the tool and unwraps the answer', async () => {
    fake.answerNext({ toolInput: { value: 'Hello there' } });
    const result = await plugin.complete(context(), { task: 'generate', prompt: 'Greet', schema: { type: 'string', maxLength: 20 } });
    expect(result.output).toBe('Hello there');
  });

  it('accepts a JSON text answer when the model did not call the tool', async () => {
    fake.answerNext({ json: { label: 'high' } });
    expect((await plugin.complete(context(), classify)).output).toEqual({ label: 'high' });
  });

  it('answers with the fake’s sample of the tool schema when nothing is queued', async () => {
    expect((await plugin.complete(context(), { task: 'score', prompt: 'Any' })).output).toEqual({ score: 0.5 });
  });

  it('makes exactly one attempt and passes Retry-After on', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 3 });
    const error = await failure(plugin.complete(context(), classify));
    expect(error).toMatchObject({ retryable: true, code: 'rate_limited', retryAfterMs: 3000, providerStatus: 429 });
    expect(fake.messageRequests()).toHaveLength(1);
  });

  it('maps 400 and a wrong key to permanent errors', async () => {
    fake.failNext({ status: 400, message: 'tools.0.input_schema: invalid' });
    expect(await failure(plugin.complete(context(), classify))).toMatchObject({ retryable: false, code: 'invalid_request' });
    const wrongKey = await failure(plugin.complete(context({ ...config(), apiKey: 'sk-ant-wrong' }), classify));
    expect(wrongKey).toMatchObject({ retryable: false, code: 'auth', providerStatus: 401 });
  });

  it('treats a refusal as permanent and a cut-off structured answer as truncated', async () => {
    fake.answerNext({ text: '', stopReason: 'refusal' }, { text: '{"label":', stopReason: 'max_tokens' });
    expect(await failure(plugin.complete(context(), classify))).toMatchObject({ retryable: false, code: 'refused' });
    expect(await failure(plugin.complete(context(), classify))).toMatchObject({ retryable: false, code: 'output_truncated' });
  });

  it('gives up with a retryable aborted error when the signal aborts mid-call', async () => {
    fake.failNext({ timeout: true });
    const controller = new AbortController();
    const ctx = createTestContext<AnthropicConfig, AnthropicSecrets>({
      manifest: plugin.manifest,
      values: config(),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const error = await failure(plugin.complete(ctx, classify));
    expect(error).toMatchObject({ retryable: true, code: 'aborted' });
  });

  it('reports an unreachable API as a retryable network error', async () => {
    const closed = await startAnthropicFake();
    const url = closed.url;
    await closed.close();
    const error = await failure(plugin.complete(context({ ...config(), baseUrl: url }), classify));
    expect(error).toMatchObject({ retryable: true, code: 'network' });
  });

  it('checks the configuration by listing models', async () => {
    await expect(plugin.checkConfig!(context())).resolves.toMatchObject({ ok: true, message: expect.stringContaining('3 models') });
    await expect(plugin.checkConfig!(context({ ...config(), apiKey: 'sk-ant-wrong' }))).resolves.toMatchObject({
      ok: false,
      message: 'Anthropic rejected the API key',
    });
  });
});
