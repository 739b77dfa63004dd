// A loopback fake of OpenAI's Chat Completions API, enough for the llm-openai plugin:
// `POST /v1/chat/completions` (text answers and `response_format: json_schema` answers, with
// token usage) and `GET /v1/models`. Point the official SDK at it with
// `new OpenAI({ apiKey: OPENAI_FAKE_API_KEY, baseURL: `${fake.url}/v1` })`.
import { estimateTokens, type FakeReply, FakeServer, type RecordedRequest, sampleFromSchema } from './fake-server.js';

export const OPENAI_FAKE_API_KEY = 'sk-itinera-fake-openai-key';

/** What the fake answers to one chat completion. */
export type OpenAiAnswer =
  /** The assistant message's text. */
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter' }
  /** A JSON value, sent as the message text (what structured outputs look like). */
  | { json: unknown }
  /** A refusal instead of content. */
  | { refusal: string }
  /** A raw HTTP answer, e.g. a vendor error body. */
  | { reply: FakeReply };

export interface ChatCompletionBody {
  model: string;
  messages: Array<{ role: string; content: unknown }>;
  response_format?: { type: string; json_schema?: { name: string; schema?: unknown; strict?: boolean | null } };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  [key: string]: unknown;
}

export type OpenAiResponder = (body: ChatCompletionBody, request: RecordedRequest) => OpenAiAnswer | Promise<OpenAiAnswer>;

export interface OpenAiFakeOptions {
  port?: number;
  /** API keys accepted as `Authorization: Bearer`; default [OPENAI_FAKE_API_KEY]. */
  apiKeys?: string[];
  /** Models `GET /v1/models` lists. */
  models?: string[];
}

function messageText(messages: ChatCompletionBody['messages']): string {
  return messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))).join('\n');
}

export class OpenAiFake extends FakeServer {
  private readonly answers: Array<OpenAiAnswer | OpenAiResponder> = [];
  private responder?: OpenAiResponder;
  private readonly apiKeys: string[];
  private readonly models: string[];

  constructor(options: OpenAiFakeOptions = {}) {
    super({ name: 'openai', port: options.port });
    this.apiKeys = options.apiKeys ?? [OPENAI_FAKE_API_KEY];
    this.models = options.models ?? ['gpt-5-mini', 'gpt-5', 'gpt-4o-mini'];
    this.route('POST', '/v1/chat/completions', (request) => this.completion(request));
    this.route('GET', '/v1/models', () => ({
      body: {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })),
      },
    }));
  }

  /** Queues answers for the next completions, in order (a function is called with the request). */
  answerNext(...answers: Array<OpenAiAnswer | OpenAiResponder>): void {
    this.answers.push(...answers);
  }

  /** Answers every completion with no queued answer (default: a sample matching the requested schema, or a short text). */
  respondWith(responder: OpenAiResponder | undefined): void {
    this.responder = responder;
  }

  /** Request bodies of the completions received, oldest first. */
  completions(): ChatCompletionBody[] {
    return this.requestsTo('/v1/chat/completions').map((r) => r.body as ChatCompletionBody);
  }

  override reset(): void {
    super.reset();
    this.answers.length = 0;
    this.responder = undefined;
  }

  protected override authenticate(request: RecordedRequest): FakeReply | undefined {
    const header = String(request.headers.authorization ?? '');
    const key = header.startsWith('Bearer ') ? header.slice(7) : '';
    return this.apiKeys.includes(key) ? undefined : this.invalidTokenReply();
  }

  protected override invalidTokenReply(): FakeReply {
    return {
      status: 401,
      body: {
        error: {
          message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    };
  }

  protected override errorReply(status: number, message: string | undefined): FakeReply {
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    return {
      status,
      headers: { 'x-request-id': this.newId('req_') },
      body: { error: { message: message ?? `The OpenAI fake failed this request (HTTP ${status})`, type, param: null, code: type } },
    };
  }

  private defaultAnswer(body: ChatCompletionBody): OpenAiAnswer {
    const format = body.response_format;
    if (format?.type === 'json_schema') return { json: sampleFromSchema(format.json_schema?.schema ?? { type: 'object' }) };
    if (format?.type === 'json_object') return { json: {} };
    return { content: 'This is an answer from the Itinera OpenAI fake.' };
  }

  private async completion(request: RecordedRequest): Promise<FakeReply> {
    const body = request.body as ChatCompletionBody;
    if (typeof body !== 'object' || body === null || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      return this.errorReply(400, "Missing required parameters: 'model' and 'messages'");
    }
    const queued = this.answers.shift() ?? this.responder;
    const answer = typeof queued === 'function' ? await queued(body, request) : (queued ?? this.defaultAnswer(body));
    if ('reply' in answer) return answer.reply;
    const content = 'json' in answer ? JSON.stringify(answer.json) : 'content' in answer ? answer.content : null;
    const refusal = 'refusal' in answer ? answer.refusal : null;
    const promptTokens = estimateTokens(messageText(body.messages));
    const completionTokens = estimateTokens(content ?? refusal ?? '');
    return {
      headers: { 'x-request-id': this.newId('req_') },
      body: {
        id: this.newId('chatcmpl-'),
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal, annotations: [] },
            logprobs: null,
            finish_reason: 'content' in answer && answer.finishReason ? answer.finishReason : 'stop',
          },
        ],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        service_tier: 'default',
        system_fingerprint: 'fp_itinera_fake',
      },
    };
  }
}

/** Starts an OpenAI fake on 127.0.0.1 (a free port unless `options.port`). */
export async function startOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  return new OpenAiFake(options).start();
}
