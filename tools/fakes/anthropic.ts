// A loopback fake of Anthropic's Messages API, enough for the llm-anthropic plugin:
// `POST /v1/messages` (text answers, or a tool_use block when the request forces a tool, with
// token usage) and `GET /v1/models`. Point the official SDK at it with
// `new Anthropic({ apiKey: ANTHROPIC_FAKE_API_KEY, baseURL: fake.url })`.
import { estimateTokens, type FakeReply, FakeServer, type RecordedRequest, sampleFromSchema } from './fake-server.js';

export const ANTHROPIC_FAKE_API_KEY = 'sk-ant-itinera-fake-key';

/** What the fake answers to one message request. */
export type AnthropicAnswer =
  /** A text block. */
  | { text: string; stopReason?: 'end_turn' | 'max_tokens' | 'refusal' }
  /** A text block holding this JSON value. */
  | { json: unknown }
  /** A tool_use block with this input (for the forced tool, or `name`). */
  | { toolInput: unknown; name?: string }
  /** A raw HTTP answer, e.g. a vendor error body. */
  | { reply: FakeReply };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export interface MessagesBody {
  model: string;
  max_tokens: number;
  system?: string | Array<{ type: 'text'; text: string }>;
  messages: Array<{ role: string; content: unknown }>;
  tools?: AnthropicTool[];
  tool_choice?: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string };
  temperature?: number;
  [key: string]: unknown;
}

export type AnthropicResponder = (body: MessagesBody, request: RecordedRequest) => AnthropicAnswer | Promise<AnthropicAnswer>;

export interface AnthropicFakeOptions {
  port?: number;
  /** API keys accepted (in `x-api-key` or as a bearer token); default [ANTHROPIC_FAKE_API_KEY]. */
  apiKeys?: string[];
  /** Models `GET /v1/models` lists. */
  models?: string[];
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export class AnthropicFake extends FakeServer {
  private readonly answers: Array<AnthropicAnswer | AnthropicResponder> = [];
  private responder?: AnthropicResponder;
  private readonly apiKeys: string[];
  private readonly models: string[];

  constructor(options: AnthropicFakeOptions = {}) {
    super({ name: 'anthropic', port: options.port });
    this.apiKeys = options.apiKeys ?? [ANTHROPIC_FAKE_API_KEY];
    this.models = options.models ?? ['claude-haiku-4-5', 'claude-sonnet-4-6', 'claude-opus-4-6'];
    this.route('POST', '/v1/messages', (request) => this.message(request));
    this.route('GET', '/v1/models', () => ({
      body: {
        data: this.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
        has_more: false,
        first_id: this.models[0] ?? null,
        last_id: this.models.at(-1) ?? null,
      },
    }));
  }

  /** Queues answers for the next message requests, in order (a function is called with the request). */
  answerNext(...answers: Array<AnthropicAnswer | AnthropicResponder>): void {
    this.answers.push(...answers);
  }

  /** Answers every request with no queued answer (default: the forced tool's input sampled from its schema, or a short text). */
  respondWith(responder: AnthropicResponder | undefined): void {
    this.responder = responder;
  }

  /** Request bodies of the message requests received, oldest first. */
  messageRequests(): MessagesBody[] {
    return this.requestsTo('/v1/messages').map((r) => r.body as MessagesBody);
  }

  override reset(): void {
    super.reset();
    this.answers.length = 0;
    this.responder = undefined;
  }

  protected override authenticate(request: RecordedRequest): FakeReply | undefined {
    // The API takes the key in `x-api-key`; recent SDKs send it as `Authorization: Bearer`.
    const bearer = String(request.headers.authorization ?? '');
    const key = String(request.headers['x-api-key'] ?? (bearer.startsWith('Bearer ') ? bearer.slice(7) : ''));
    if (!this.apiKeys.includes(key)) return this.invalidTokenReply();
    if (!request.headers['anthropic-version']) return this.errorReply(400, 'anthropic-version: header is required');
    return undefined;
  }

  protected override invalidTokenReply(): FakeReply {
    return this.errorReply(401, 'invalid x-api-key');
  }

  protected override errorReply(status: number, message: string | undefined): FakeReply {
    const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return {
      status,
      headers: { 'request-id': this.newId('req_') },
      body: { type: 'error', error: { type, message: message ?? `The Anthropic fake failed this request (HTTP ${status})` } },
    };
  }

  private defaultAnswer(body: MessagesBody): AnthropicAnswer {
    const forced = body.tool_choice?.type === 'tool' ? body.tools?.find((t) => t.name === body.tool_choice?.name) : undefined;
    if (forced) return { toolInput: sampleFromSchema(forced.input_schema), name: forced.name };
    return { text: 'This is an answer from the Itinera Anthropic fake.' };
  }

  private async message(request: RecordedRequest): Promise<FakeReply> {
    const body = request.body as MessagesBody;
    if (typeof body !== 'object' || body === null || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      return this.errorReply(400, 'model: Field required; messages: Field required');
    }
    if (typeof body.max_tokens !== 'number') return this.errorReply(400, 'max_tokens: Field required');
    const queued = this.answers.shift() ?? this.responder;
    const answer = typeof queued === 'function' ? await queued(body, request) : (queued ?? this.defaultAnswer(body));
    if ('reply' in answer) return answer.reply;
    let content: unknown[];
    let stopReason: string;
    if ('toolInput' in answer) {
      const name = answer.name ?? body.tool_choice?.name ?? body.tools?.[0]?.name ?? 'tool';
      content = [{ type: 'tool_use', id: this.newId('toolu_'), name, input: answer.toolInput }];
      stopReason = 'tool_use';
    } else {
      const text = 'json' in answer ? JSON.stringify(answer.json) : answer.text;
      content = [{ type: 'text', text }];
      stopReason = 'text' in answer && answer.stopReason ? answer.stopReason : 'end_turn';
    }
    const system = typeof body.system === 'string' ? body.system : (body.system ?? []).map((b) => b.text).join('\n');
    const prompt = body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
    const inputTokens = estimateTokens(`${system}\n${prompt}${body.tools ? JSON.stringify(body.tools) : ''}`);
    return {
      headers: { 'request-id': this.newId('req_') },
      body: {
        id: this.newId('msg_'),
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          output_tokens: estimateTokens(JSON.stringify(content)),
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    };
  }
}

/** Starts an Anthropic fake on 127.0.0.1 (a free port unless `options.port`). */
export async function startAnthropicFake(options: AnthropicFakeOptions = {}): Promise<AnthropicFake> {
  return new AnthropicFake(options).start();
}
