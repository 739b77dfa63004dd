import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import {
  type CheckConfigResult,
  deadlineSignal,
  defineLlmPlugin,
  fromHttpStatus,
  isPluginError,
  LLM_REQUEST_SCHEMA,
  llmInstructions,
  type LlmRequest,
  type LlmResult,
  parseJsonText,
  parseLlmOutput,
  PermanentError,
  type PluginContext,
  type PluginError,
  RetryableError,
  structuredOutputSchema,
  toPluginError,
} from '@itinera/plugin-sdk';

export interface AnthropicConfig {
  baseUrl?: string;
  defaultModel: string;
  maxTokens: number;
  timeoutMs: number;
}

export interface AnthropicSecrets {
  apiKey: string;
}

export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_MODEL = 'claude-haiku-4-5';
/** The tool the model is made to call; its input schema is the requested output schema. */
export const OUTPUT_TOOL = 'itinera_output';

type Ctx = PluginContext<AnthropicConfig, AnthropicSecrets>;

function client(ctx: Ctx): Anthropic {
  return new Anthropic({
    apiKey: ctx.secrets.apiKey,
    baseURL: ctx.config.baseUrl ?? DEFAULT_BASE_URL,
    // The core owns retries: one attempt per call. The call's own signal (deadlineSignal) enforces
    // the timeout; the SDK's timeout is only a backstop.
    maxRetries: 0,
    timeout: ctx.config.timeoutMs + 1000,
  });
}

/** Maps what the Anthropic SDK throws to retryable or permanent PluginErrors. */
export function mapAnthropicError(error: unknown, ctx: Pick<Ctx, 'signal'>): PluginError {
  if (isPluginError(error)) return error;
  if (error instanceof APIUserAbortError) {
    return ctx.signal.aborted
      ? new RetryableError('The Anthropic request was aborted', { code: 'aborted', cause: error })
      : new RetryableError('The Anthropic request timed out', { code: 'timeout', cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new RetryableError('The Anthropic request timed out', { code: 'timeout', cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new RetryableError(`Cannot reach Anthropic: ${error.message}`, { code: 'network', cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const body = error.error as { error?: { type?: string } } | undefined;
    return fromHttpStatus(error.status, `Anthropic: ${error.message}`, {
      retryAfter: error.headers?.get('retry-after'),
      details: { type: body?.error?.type, requestId: error.requestID },
      cause: error,
    });
  }
  return toPluginError(error, 'The Anthropic request failed');
}

async function complete(ctx: Ctx, request: LlmRequest): Promise<LlmResult> {
  const structured = structuredOutputSchema(request);
  const model = request.model ?? ctx.config.defaultModel;
  let message: Anthropic.Message;
  try {
    message = await client(ctx).messages.create(
      {
        model,
        max_tokens: request.maxTokens ?? ctx.config.maxTokens,
        system: llmInstructions(request),
        messages: [{ role: 'user', content: request.prompt }],
        ...(structured && {
          tools: [
            {
              name: OUTPUT_TOOL,
              description: 'Records the answer. Call it exactly once with the answer as its input.',
              input_schema: structured.schema as Anthropic.Tool.InputSchema,
            },
          ],
          tool_choice: { type: 'tool', name: OUTPUT_TOOL, disable_parallel_tool_use: true },
        }),
        ...(request.temperature !== undefined && { temperature: Math.min(1, request.temperature) }),
      },
      { signal: deadlineSignal(ctx, ctx.config.timeoutMs) },
    );
  } catch (error) {
    throw mapAnthropicError(error, ctx);
  }
  const usage = { inputTokens: message.usage?.input_tokens ?? 0, outputTokens: message.usage?.output_tokens ?? 0 };
  const details = { model: message.model, usage, stopReason: message.stop_reason };
  if (message.stop_reason === 'refusal') throw new PermanentError('The model refused to answer', { code: 'refused', details });
  const text = message.content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
  let output;
  if (structured) {
    if (message.stop_reason === 'max_tokens') {
      throw new PermanentError('The answer was cut off by the token limit before it was complete; raise maxTokens', {
        code: 'output_truncated',
        details,
      });
    }
    const call = message.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use' && block.name === OUTPUT_TOOL);
    // The tool call is forced; a plain JSON text answer is accepted as a fallback.
    const answer = call ? call.input : parseJsonText(text);
    output = parseLlmOutput(request, structured.unwrap(answer), { parsed: true });
  } else {
    output = parseLlmOutput(request, text);
  }
  ctx.logger.debug('anthropic completion', { model: message.model, task: request.task, ...usage });
  return { output, usage, model: message.model, raw: { id: message.id, stopReason: message.stop_reason } };
}

async function checkConfig(ctx: Ctx): Promise<CheckConfigResult> {
  try {
    const page = await client(ctx).models.list({ limit: 100 }, { signal: deadlineSignal(ctx, ctx.config.timeoutMs) });
    const ids = page.data.map((m) => m.id);
    const hasDefault = ids.includes(ctx.config.defaultModel);
    return {
      ok: true,
      message: `Connected to Anthropic: ${ids.length} models available${hasDefault ? '' : `; the default model "${ctx.config.defaultModel}" is not among them`}`,
      details: { defaultModelAvailable: hasDefault },
    };
  } catch (error) {
    const mapped = mapAnthropicError(error, ctx);
    return {
      ok: false,
      message: mapped.code === 'auth' ? 'Anthropic rejected the API key' : `Cannot reach Anthropic: ${mapped.message}`,
      details: mapped.toJSON(),
    };
  }
}

export const anthropicPlugin = defineLlmPlugin<AnthropicConfig, AnthropicSecrets>({
  manifest: {
    id: 'anthropic',
    kind: 'llm',
    displayName: 'Anthropic',
    version: '0.1.0',
    description:
      'Generate, classify, score and extract with Anthropic Claude models; structured answers come from a forced tool call whose input follows the requested JSON Schema.',
    homepage: 'https://docs.anthropic.com/en/api/messages',
    configSchema: {
      type: 'object',
      required: ['apiKey'],
      properties: {
        apiKey: { type: 'string', minLength: 1, title: 'API key', 'x-secret': true },
        baseUrl: {
          type: 'string',
          format: 'uri',
          title: 'Base URL',
          description: `Default ${DEFAULT_BASE_URL}. Set it for a gateway or proxy.`,
        },
        defaultModel: { type: 'string', minLength: 1, default: DEFAULT_MODEL, title: 'Default model' },
        maxTokens: {
          type: 'integer',
          minimum: 1,
          maximum: 200_000,
          default: 1024,
          title: 'Default maximum output tokens',
          description: 'Anthropic requires a limit; a node may set its own.',
        },
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

export default anthropicPlugin;
