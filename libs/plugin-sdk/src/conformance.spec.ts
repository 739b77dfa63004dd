// The conformance kit run against small in-memory plugins of each kind: it must pass plugins that
// follow the contract (and its own checks must be reachable from a plain Jest spec).
import type { EmailMessage } from './channel.js';
import { runConformanceSuite } from './conformance.js';
import { throwIfAborted } from './context.js';
import { defineChannelPlugin, defineDataSourcePlugin, defineLlmPlugin } from './define.js';
import { fromHttpStatus, PermanentError } from './errors.js';

let nextFailure: number | undefined;
const sent: EmailMessage[] = [];

const emailPlugin = defineChannelPlugin<EmailMessage, { from: string }, { password: string }>({
  manifest: {
    id: 'email-memory',
    channel: 'email',
    displayName: 'In-memory e-mail',
    version: '1.0.0',
    description: 'Keeps e-mail in memory.',
    configSchema: {
      type: 'object',
      required: ['from', 'password'],
      properties: { from: { type: 'string', format: 'email' }, password: { type: 'string', 'x-secret': true } },
    },
    capabilities: { deliveryWebhooks: true, checkConfig: true },
  },
  async send(ctx, message) {
    if (ctx.secrets.password !== 'right') throw fromHttpStatus(401, 'bad password');
    if (nextFailure !== undefined) {
      const status = nextFailure;
      nextFailure = undefined;
      throw fromHttpStatus(status);
    }
    sent.push(message);
    return { providerMessageId: `mem-${sent.length}`, accepted: true };
  },
  parseDeliveryEvent(_ctx, request) {
    const events = (request.body as { events: Array<{ id: string; type: string; at: string }> }).events;
    return events.map((e) => ({ providerMessageId: e.id, status: e.type === 'delivered' ? 'delivered' : 'bounced', occurredAt: e.at }));
  },
  async checkConfig(ctx) {
    return { ok: ctx.secrets.password === 'right', message: 'Signed in' };
  },
});

runConformanceSuite(emailPlugin, {
  config: { from: 'team@example.com', password: 'right' },
  input: { to: 'u@example.com', subject: 'Hi', html: '<p>Hi</p>', headers: { 'List-Unsubscribe': '<https://x/u>' } },
  failures: [
    { name: 'provider down', arrange: () => void (nextFailure = 503), retryable: true, code: 'provider_error' },
    { name: 'wrong password', config: { from: 'team@example.com', password: 'wrong' }, retryable: false, code: 'auth' },
  ],
  deliveryWebhook: {
    request: {
      method: 'POST',
      url: 'https://itinera.example/hooks/email',
      headers: {},
      rawBody: '',
      body: {
        events: [
          { id: 'mem-1', type: 'delivered', at: '2025-01-01T00:00:00Z' },
          { id: 'mem-2', type: 'bounce', at: '2025-01-01T00:00:01Z' },
        ],
      },
    },
    events: 2,
  },
});

const dataSource = defineDataSourcePlugin({
  manifest: {
    id: 'static',
    displayName: 'Static data',
    version: '1.0.0',
    description: 'Answers from a table.',
    configSchema: { type: 'object', properties: {} },
    nodeParameters: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
  },
  async fetch(_ctx, request) {
    if (request.url.endsWith('/missing')) throw new PermanentError('no such row', { code: 'not_found', providerStatus: 404 });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: { url: request.url }, durationMs: 1 };
  },
});

runConformanceSuite(dataSource, {
  config: {},
  input: { url: 'memory://accounts/1' },
  nodeParameters: { url: 'memory://accounts/{{ profile.userId }}' },
  failures: [{ name: 'missing row', input: { url: 'memory://missing' }, retryable: false, code: 'not_found' }],
});

const llm = defineLlmPlugin({
  manifest: {
    id: 'echo-llm',
    displayName: 'Echo LLM',
    version: '1.0.0',
    description: 'Answers deterministically.',
    configSchema: { type: 'object', properties: { model: { type: 'string', default: 'echo-1' } } },
    capabilities: { structuredOutput: true, tasks: ['generate', 'classify', 'score', 'extract'] },
  },
  async complete(ctx, request) {
    // A plain object plugin would have to check this itself; defineLlmPlugin already does.
    throwIfAborted(ctx);
    const output = request.task === 'classify' ? { label: request.labels![0]! } : request.task === 'score' ? { score: 0.5 } : 'echo';
    return { output, usage: { inputTokens: request.prompt.length, outputTokens: 1 }, model: String(ctx.config.model) };
  },
});

runConformanceSuite(llm, {
  config: {},
  input: { task: 'classify', prompt: 'Which?', labels: ['a', 'b'] },
  happyPath: (ctx) => llm.complete(ctx, { task: 'score', prompt: 'How much?' }),
  failures: [
    { name: 'an extract answer that is not an object', input: { task: 'extract', prompt: 'x' }, retryable: true, code: 'invalid_output' },
  ],
});

describe('a plain-object plugin without the define helpers', () => {
  const plain = {
    manifest: {
      id: 'plain',
      kind: 'datasource' as const,
      displayName: 'Plain',
      version: '0.0.1',
      description: 'Written by hand.',
      configSchema: { type: 'object' },
    },
    async fetch(ctx: Parameters<typeof throwIfAborted>[0]) {
      throwIfAborted(ctx);
      return { status: 204, headers: {}, body: null, durationMs: 0 };
    },
  };
  runConformanceSuite(plain, { config: {}, input: { url: 'memory://x' } });
});
