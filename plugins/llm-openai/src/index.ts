import {
  type CheckConfigResult,
  defineLlmPlugin,
  fromHttpStatus,
  isPluginError,
  type JsonSchema,
  LLM_REQUEST_SCHEMA,
  llmInstructions,
  type LlmRequest,
  type LlmResult,
  parseJsonText,
  parseLlmOutput,
  PermanentError,
  type PluginContext,
  type PluginError,
  deadlineSignal,
  RetryableError,
  structuredOutputSchema,
  toPluginError,
} from '@itinera/plugin-sdk';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export interface OpenAiConfig {
  baseUrl?: string;
  organization?: string;
  defaultModel: string;
  timeoutMs: number;
}

export interface OpenAiSecrets {
  apiKey: string;
}

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MODEL = 'gpt-5-mini';
const OUTPUT_NAME = 'itinera_output';

type Ctx = PluginContext<OpenAiConfig, OpenAiSecrets>;

function client(ctx: Ctx): OpenAI {
  return new OpenAI({
    apiKey: ctx.secrets.apiKey,
    baseURL: ctx.config.baseUrl ?? DEFAULT_BASE_URL,
    organization: ctx.config.organization ?? null,
    project: null,
    // The core owns retries: one attempt per call. The call's own signal (deadlineSignal) enforces
    // the timeout; the SDK's timeout is only a backstop.
    maxRetries: 0,
    timeout: ctx.config.timeoutMs + 1000,
  });
}

/** Maps what the openai SDK throws to retryable or permanent PluginErrors. */
export function mapOpenAiError(error: unknown, ctx: Pick<Ctx, 'signal'>): PluginError {
  if (isPluginError(error)) return error;
  if (error instanceof APIUserAbortError) {
    return ctx.signal.aborted
      ? new RetryableError('The OpenAI request was aborted', { code: 'aborted', cause: error })
      : new RetryableError('The OpenAI request timed out', { code: 'timeout', cause: error });
  }
  if (error instanceof APIConnectionTimeoutError)
    return new RetryableError('The OpenAI request timed out', { code: 'timeout', cause: error });
  if (error instanceof APIConnectionError) {
    return new RetryableError(`Cannot reach OpenAI: ${error.message}`, { code: 'network', cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    return fromHttpStatus(error.status, `OpenAI: ${error.message}`, {
      retryAfter: error.headers?.get('retry-after'),
      details: { type: error.type, code: error.code, requestId: error.requestID },
      cause: error,
    });
  }
  return toPluginError(error, 'The OpenAI request failed');
}

/** Strict structured outputs need every object closed and every property required. */
function strictCompatible(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return true;
  if (Array.isArray(schema)) return schema.every(strictCompatible);
  const s = schema as JsonSchema;
  if (s.type === 'object' || s.properties) {
    const properties = Object.keys((s.properties as object) ?? {});
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    if (s.additionalProperties !== false || properties.some((p) => !required.includes(p))) return false;
  }
  return Object.entries(s).every(([key, value]) => key === 'enum' || key === 'const' || strictCompatible(value));
}

async function complete(ctx: Ctx, request: LlmRequest): Promise<LlmResult> {
  const structured = structuredOutputSchema(request);
  const model = request.model ?? ctx.config.defaultModel;
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  try {
    completion = await client(ctx).chat.completions.create(
      {
        model,
        messages: [
          { role: 'system', content: llmInstructions(request) },
          { role: 'user', content: request.prompt },
        ],
        ...(structured && {
          response_format: {
            type: 'json_schema',
            json_schema: { name: OUTPUT_NAME, schema: structured.schema, strict: strictCompatible(structured.schema) },
          },
        }),
        ...(request.maxTokens !== undefined && { max_completion_tokens: request.maxTokens }),
        ...(request.temperature !== undefined && { temperature: request.temperature }),
      },
      { signal: deadlineSignal(ctx, ctx.config.timeoutMs) },
    );
  } catch (error) {
    throw mapOpenAiError(error, ctx);
  }
  const choice = completion.choices[0];
  const usage = { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 };
  const details = { model: completion.model, usage, finishReason: choice?.finish_reason };
  if (!choice) throw new RetryableError('OpenAI answered without a choice', { code: 'invalid_output', details });
  if (choice.message.refusal) {
    throw new PermanentError(`The model refused: ${choice.message.refusal}`, { code: 'refused', details });
  }
  if (choice.finish_reason === 'content_filter') {
    throw new PermanentError('The answer was withheld by the content filter', { code: 'refused', details });
  }
  const content = choice.message.content ?? '';
  if (structured && choice.finish_reason === 'length') {
    throw new PermanentError('The answer was cut off by the token limit before the JSON was complete; raise maxTokens', {
      code: 'output_truncated',
      details,
    });
  }
  const output = structured
    ? parseLlmOutput(request, structured.unwrap(parseJsonText(content)), { parsed: true })
    : parseLlmOutput(request, content);
  ctx.logger.debug('openai completion', { model: completion.model, task: request.task, ...usage });
  return { output, usage, model: completion.model, raw: { id: completion.id, finishReason: choice.finish_reason } };
}

async function checkConfig(ctx: Ctx): Promise<CheckConfigResult> {
  try {
    const page = await client(ctx).models.list({ signal: deadlineSignal(ctx, ctx.config.timeoutMs) });
    const ids = page.data.map((m) => m.id);
    const hasDefault = ids.includes(ctx.config.defaultModel);
    return {
      ok: true,
      message: `Connected to OpenAI: ${ids.length} models available${hasDefault ? '' : `; the default model "${ctx.config.defaultModel}" is not among them`}`,
      details: { defaultModelAvailable: hasDefault },
    };
  } catch (error) {
    const mapped = mapOpenAiError(error, ctx);
    return {
      ok: false,
      message: mapped.code === 'auth' ? 'OpenAI rejected the API key' : `Cannot reach OpenAI: ${mapped.message}`,
      details: mapped.toJSON(),
    };
  }
}

export const openAiPlugin = defineLlmPlugin<OpenAiConfig, OpenAiSecrets>({
  manifest: {
    id: 'openai',
    kind: 'llm',
    displayName: 'OpenAI',
    version: '0.1.0',
    description: 'Generate, classify, score and extract with OpenAI chat models; structured answers follow the requested JSON Schema.',
    homepage: 'https://platform.openai.com/docs/api-reference/chat',
    configSchema: {
      type: 'object',
      required: ['apiKey'],
      properties: {
        apiKey: { type: 'string', minLength: 1, title: 'API key', 'x-secret': true },
        baseUrl: {
          type: 'string',
          format: 'uri',
          title: 'Base URL',
          description: `Default ${DEFAULT_BASE_URL}. Set it for an OpenAI-compatible gateway or proxy.`,
        },
        organization: { type: 'string', title: 'Organization id' },
        defaultModel: { type: 'string', minLength: 1, default: DEFAULT_MODEL, title: 'Default model' },
        timeoutMs: { type: 'integer', minimum: 1000, maximum: 600_000, default: 60_000, title: 'Timeout (ms)' },
      },
      additionalProperties: false,
    },
    nodeParameters: LLM_REQUEST_SCHEMA,
    capabilities: { structuredOutput: true, checkConfig: true, tasks: ['generate', 'classify', 'score', 'extract'] },
  },
  complete,
  checkConfig,
});

export default openAiPlugin;
