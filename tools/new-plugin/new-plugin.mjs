#!/usr/bin/env node
// Scaffolds an Itinera plugin package that passes the conformance kit as generated:
//   npm run new-plugin -- --kind channel --name acme [--channel sms] [--dir plugins] [--package @acme/itinera-sms]
// Writes <dir>/<kind>-<name>/ with package.json, tsconfig files, src/index.ts, src/index.spec.ts and a README.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KINDS = ['channel', 'datasource', 'llm'];
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** The root package.json's workspace globs (`plugins/*`…): a package generated under one joins the repository. */
const WORKSPACES = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).workspaces;

/** A sample message per channel: its SDK type and a value the generated spec sends. */
const CHANNELS = {
  email: {
    type: 'EmailMessage',
    sample: "{ to: 'someone@example.com', subject: 'Welcome', html: '<p>Welcome aboard</p>', text: 'Welcome aboard' }",
  },
  sms: { type: 'SmsMessage', sample: "{ to: '+15550100', body: 'Your code is 123456' }" },
  push: { type: 'PushMessage', sample: "{ tokens: ['device-token-1'], title: 'Hello', body: 'You have a new message' }" },
  slack: { type: 'ChatMessage', sample: "{ to: 'C0123456789', text: 'Deploy finished' }" },
  teams: { type: 'ChatMessage', sample: "{ to: { teamId: 'team-1', channelId: 'channel-1' }, text: 'Deploy finished' }" },
  webhook: { type: 'WebhookMessage', sample: "{ url: 'https://example.com/hooks', body: { event: 'signed_up' } }" },
};

function usage(message) {
  if (message) console.error(`new-plugin: ${message}\n`);
  console.error(`Usage: npm run new-plugin -- --kind <${KINDS.join('|')}> --name <kebab-name> [options]

Options:
  --channel <type>     channel plugins: ${Object.keys(CHANNELS).join(', ')} (default sms)
  --dir <folder>       where to create <kind>-<name>/ (default: plugins/ of this repository)
  --package <name>     npm package name (default @itinera/<kind>-<name>)
  --force              write into an existing folder`);
  process.exit(message ? 1 : 0);
}

function pascal(name) {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function title(name) {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
}

const commonConfig = (defaultUrl) => `{
      type: 'object',
      required: ['apiKey'],
      properties: {
        apiKey: { type: 'string', minLength: 1, title: 'API key', 'x-secret': true },
        baseUrl: { type: 'string', format: 'uri', default: '${defaultUrl}', title: 'API base URL' },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 120000, default: 10000, title: 'Timeout (ms)' },
      },
      additionalProperties: false,
    }`;

function channelSource({ name, Name, displayName, channel }) {
  const { type } = CHANNELS[channel];
  return `import {
  type ${type},
  type CheckConfigResult,
  deadlineSignal,
  defineChannelPlugin,
  fromHttpStatus,
  type PluginContext,
  type SendResult,
} from '@itinera/plugin-sdk';

export interface ${Name}Config {
  baseUrl: string;
  timeoutMs: number;
}

export interface ${Name}Secrets {
  apiKey: string;
}

type Ctx = PluginContext<${Name}Config, ${Name}Secrets>;

async function call(ctx: Ctx, path: string, init: { method: string; body?: unknown }): Promise<Response> {
  const response = await fetch(new URL(path, ctx.config.baseUrl), {
    method: init.method,
    headers: {
      authorization: \`Bearer \${ctx.secrets.apiKey}\`,
      'content-type': 'application/json',
      // Lets the provider drop a duplicate if the core retries a send whose outcome it did not learn.
      'idempotency-key': ctx.idempotencyKey,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: deadlineSignal(ctx, ctx.config.timeoutMs),
  });
  if (!response.ok) {
    throw fromHttpStatus(response.status, \`${displayName} answered HTTP \${response.status}: \${await response.text()}\`, {
      retryAfter: response.headers.get('retry-after'),
    });
  }
  return response;
}

async function send(ctx: Ctx, message: ${type}): Promise<SendResult> {
  const response = await call(ctx, 'messages', { method: 'POST', body: message });
  const body = (await response.json()) as { id: string };
  ctx.logger.debug('${name}: message accepted', { id: body.id });
  return { providerMessageId: body.id, accepted: true };
}

async function checkConfig(ctx: Ctx): Promise<CheckConfigResult> {
  try {
    await call(ctx, 'me', { method: 'GET' });
    return { ok: true, message: 'Connected to ${displayName}' };
  } catch (error) {
    return { ok: false, message: \`Cannot use ${displayName}: \${(error as Error).message}\` };
  }
}

export const ${name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())}Plugin = defineChannelPlugin<${type}, ${Name}Config, ${Name}Secrets>({
  manifest: {
    id: '${name}',
    kind: 'channel',
    channel: '${channel}',
    displayName: '${displayName}',
    version: '0.1.0',
    description: 'Sends ${channel} messages through ${displayName}.',
    configSchema: ${commonConfig(`https://api.${name}.example/v1/`)},
    capabilities: { checkConfig: true },
  },
  send,
  checkConfig,
});

export default ${name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())}Plugin;
`;
}

function datasourceSource({ name, Name, displayName }) {
  return `import {
  type CheckConfigResult,
  deadlineSignal,
  defineDataSourcePlugin,
  type FetchRequest,
  type FetchResult,
  fromHttpStatus,
  PermanentError,
  type PluginContext,
} from '@itinera/plugin-sdk';

export interface ${Name}Config {
  baseUrl: string;
  timeoutMs: number;
}

export interface ${Name}Secrets {
  apiKey: string;
}

type Ctx = PluginContext<${Name}Config, ${Name}Secrets>;

/** Resolves a node's URL against the configured API; URLs pointing anywhere else are refused. */
function target(ctx: Ctx, url: string): URL {
  const base = new URL(ctx.config.baseUrl);
  const resolved = new URL(url.replace(/^\\/+/, ''), base);
  if (resolved.origin !== base.origin) {
    throw new PermanentError(\`${displayName} only fetches from \${base.origin}\`, { code: 'invalid_request' });
  }
  return resolved;
}

async function fetchData(ctx: Ctx, request: FetchRequest): Promise<FetchResult> {
  const started = Date.now();
  const response = await fetch(target(ctx, request.url), {
    method: request.method ?? 'GET',
    headers: { ...request.headers, authorization: \`Bearer \${ctx.secrets.apiKey}\`, accept: 'application/json' },
    body: request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
    signal: deadlineSignal(ctx, request.timeoutMs ?? ctx.config.timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) {
    throw fromHttpStatus(response.status, \`${displayName} answered HTTP \${response.status}\`, {
      retryAfter: response.headers.get('retry-after'),
      details: { body: text.slice(0, 500) },
    });
  }
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: json && text ? JSON.parse(text) : text,
    durationMs: Date.now() - started,
    url: response.url,
  };
}

async function checkConfig(ctx: Ctx): Promise<CheckConfigResult> {
  try {
    await fetchData(ctx, { url: 'me' });
    return { ok: true, message: 'Connected to ${displayName}' };
  } catch (error) {
    return { ok: false, message: \`Cannot use ${displayName}: \${(error as Error).message}\` };
  }
}

export const ${name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())}Source = defineDataSourcePlugin<${Name}Config, ${Name}Secrets>({
  manifest: {
    id: '${name}',
    kind: 'datasource',
    displayName: '${displayName}',
    version: '0.1.0',
    description: 'Fetches data from ${displayName} for fetch nodes.',
    configSchema: ${commonConfig(`https://api.${name}.example/v1/`)},
    nodeParameters: {
      type: 'object',
      required: ['url'],
      properties: {
        method: { enum: ['GET', 'POST'], default: 'GET' },
        url: { type: 'string', minLength: 1, title: 'Path, relative to the API base URL' },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: {},
        timeoutMs: { type: 'integer', minimum: 1 },
      },
      additionalProperties: false,
    },
    capabilities: { checkConfig: true },
  },
  fetch: fetchData,
  checkConfig,
});

export default ${name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())}Source;
`;
}

function llmSource({ name, Name, displayName }) {
  return `import {
  type CheckConfigResult,
  deadlineSignal,
  defineLlmPlugin,
  fromHttpStatus,
  LLM_REQUEST_SCHEMA,
  llmInstructions,
  llmOutputSchema,
  type LlmRequest,
  type LlmResult,
  parseLlmOutput,
  type PluginContext,
} from '@itinera/plugin-sdk';

export interface ${Name}Config {
  baseUrl: string;
  defaultModel: string;
  timeoutMs: number;
}

export interface ${Name}Secrets {
  apiKey: string;
}

type Ctx = PluginContext<${Name}Config, ${Name}Secrets>;

interface CompletionAnswer {
  text: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

async function call(ctx: Ctx, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(new URL(path, ctx.config.baseUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: \`Bearer \${ctx.secrets.apiKey}\`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: deadlineSignal(ctx, ctx.config.timeoutMs),
  });
  if (!response.ok) {
    throw fromHttpStatus(response.status, \`${displayName} answered HTTP \${response.status}\`, {
      retryAfter: response.headers.get('retry-after'),
    });
  }
  return response;
}

async function complete(ctx: Ctx, request: LlmRequest): Promise<LlmResult> {
  const response = await call(ctx, 'complete', {
    model: request.model ?? ctx.config.defaultModel,
    system: llmInstructions(request),
    prompt: request.prompt,
    // The JSON Schema the answer must follow (undefined for free text).
    schema: llmOutputSchema(request),
    maxTokens: request.maxTokens,
    temperature: request.temperature,
  });
  const answer = (await response.json()) as CompletionAnswer;
  return {
    // Parses JSON answers and validates them against the task's schema (invalid output never leaves the plugin).
    output: parseLlmOutput(request, answer.text),
    usage: { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens },
    model: answer.model,
  };
}

async function checkConfig(ctx: Ctx): Promise<CheckConfigResult> {
  try {
    await call(ctx, 'models');
    return { ok: true, message: 'Connected to ${displayName}' };
  } catch (error) {
    return { ok: false, message: \`Cannot use ${displayName}: \${(error as Error).message}\` };
  }
}

export const ${name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())}Llm = defineLlmPlugin<${Name}Config, ${Name}Secrets>({
  manifest: {
    id: '${name}',
    kind: 'llm',
    displayName: '${displayName}',
    version: '0.1.0',
    description: 'Generates, classifies, scores and extracts with ${displayName} models.',
    configSchema: {
      type: 'object',
      required: ['apiKey'],
      properties: {
        apiKey: { type: 'string', minLength: 1, title: 'API key', 'x-secret': true },
        baseUrl: { type: 'string', format: 'uri', default: 'https://api.${name}.example/v1/', title: 'API base URL' },
        defaultModel: { type: 'string', minLength: 1, default: '${name}-small', title: 'Default model' },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 600000, default: 60000, title: 'Timeout (ms)' },
      },
      additionalProperties: false,
    },
    nodeParameters: LLM_REQUEST_SCHEMA,
    capabilities: { structuredOutput: true, checkConfig: true, tasks: ['generate', 'classify', 'score', 'extract'] },
  },
  complete,
  checkConfig,
});

export default ${name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())}Llm;
`;
}

/** A loopback stand-in for the provider's API, shared by the generated specs. */
function specServer(kind) {
  const routes = {
    channel: `      if (req.url === '/v1/me') return reply(res, 200, { id: 'account-1' });
      if (req.method === 'POST' && req.url === '/v1/messages') return reply(res, 202, { id: \`msg-\${received.length}\` });`,
    datasource: `      if (req.url === '/v1/me') return reply(res, 200, { id: 'account-1' });
      if (req.url?.startsWith('/v1/accounts/')) return reply(res, 200, { id: req.url.split('/').pop(), health: 87 });`,
    llm: `      if (req.url === '/v1/models') return reply(res, 200, { models: ['sample-small'] });
      if (req.method === 'POST' && req.url === '/v1/complete') {
        const { schema, model } = JSON.parse(body) as { schema?: { properties?: Record<string, { enum?: string[] }> }; model: string };
        const label = schema?.properties?.label?.enum?.[0];
        const text = label ? JSON.stringify({ label }) : schema?.properties?.score ? '{"score":0.5}' : schema ? '{}' : 'Hello!';
        return reply(res, 200, { text, model, inputTokens: 12, outputTokens: 3 });
      }`,
  }[kind];
  return `const received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
let nextStatus: number | undefined;
let server: Server;
let baseUrl = '';

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    if (req.headers.authorization !== \`Bearer \${API_KEY}\`) return reply(res, 401, { error: 'invalid API key' });
    if (nextStatus !== undefined) {
      const status = nextStatus;
      nextStatus = undefined;
      return reply(res, status, { error: 'failure requested by the test' });
    }
${routes}
    return reply(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/v1/\`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  nextStatus = undefined;
});`;
}

function specSource({ kind, channel, Name }) {
  const input = {
    channel: CHANNELS[channel]?.sample,
    datasource: "{ url: 'accounts/42' }",
    llm: "{ task: 'classify', prompt: 'Is this account at risk?', labels: ['high', 'low'] }",
  }[kind];
  const ownTest = {
    channel: `  it('sends the message with the API key and the idempotency key', async () => {
    const ctx = context({ idempotencyKey: 'run-1:step-1' });
    const result = await plugin.send(ctx, ${input});
    expect(result.providerMessageId).toBe('msg-1');
    expect(received[0]!.headers['idempotency-key']).toBe('run-1:step-1');
  });`,
    datasource: `  it('fetches JSON relative to the base URL and refuses other hosts', async () => {
    const result = await plugin.fetch(context(), { url: 'accounts/42' });
    expect(result.body).toEqual({ id: '42', health: 87 });
    await expect(plugin.fetch(context(), { url: 'http://169.254.169.254/latest' })).rejects.toMatchObject({ retryable: false });
  });`,
    llm: `  it('classifies into one of the labels and reports usage', async () => {
    const result = await plugin.complete(context(), { task: 'classify', prompt: 'Risk?', labels: ['high', 'low'] });
    expect(result).toMatchObject({ output: { label: 'high' }, usage: { inputTokens: 12, outputTokens: 3 } });
  });`,
  }[kind];
  return `import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestContext, runConformanceSuite } from '@itinera/plugin-sdk';
import plugin, { type ${Name}Config, type ${Name}Secrets } from './index.js';

const API_KEY = 'test-api-key';

// A loopback stand-in for the provider's API. Replace it with a fake of the real API (see tools/fakes).
${specServer(kind)}

const config = () => ({ apiKey: API_KEY, baseUrl, timeoutMs: 2000 });
const context = (overrides: { idempotencyKey?: string } = {}) =>
  createTestContext<${Name}Config, ${Name}Secrets>({ manifest: plugin.manifest, values: config(), ...overrides });

runConformanceSuite(plugin, {
  config,
  input: ${input},
  failures: [
    { name: 'HTTP 503', arrange: () => void (nextStatus = 503), retryable: true, code: 'provider_error' },
    { name: 'HTTP 429', arrange: () => void (nextStatus = 429), retryable: true, code: 'rate_limited' },
    { name: 'wrong API key', config: () => ({ ...config(), apiKey: 'wrong' }), retryable: false, code: 'auth' },
  ],
});

describe('${kind} plugin', () => {
${ownTest}
});
`;
}

function readme({ kind, displayName, channel, packageName, relDir }) {
  const what = { channel: `a ${channel} channel`, datasource: 'a data source for fetch nodes', llm: 'an LLM for ai nodes' }[kind];
  return `# ${packageName}

${displayName}: ${what} for Itinera, built on \`@itinera/plugin-sdk\`.

## Configuration

| Field | | |
|---|---|---|
| \`apiKey\` | secret | API key, sent as a bearer token |
| \`baseUrl\` | | API base URL |
| \`timeoutMs\` | | request timeout |

## Development

\`src/index.spec.ts\` runs the conformance kit (\`runConformanceSuite\`) against a loopback stand-in
for the provider's API; replace the stand-in with a fake of the real API as the plugin grows.
Use \`guardedRequest\` from the SDK for any request to a user-supplied URL (SSRF guard).

\`\`\`sh
npm install                          # links the new workspace
node --experimental-vm-modules node_modules/jest/bin/jest.js ${relDir}
npm run build -w ${packageName}
\`\`\`
`;
}

/** The package's manifest; inside this repository's workspaces it carries the Nx tag lint's module boundaries read. */
export function packageJson({ kind, displayName, packageName, inWorkspace }) {
  return `${JSON.stringify(
    {
      name: packageName,
      version: '0.1.0',
      description: `${displayName} ${kind} plugin for Itinera`,
      license: 'Apache-2.0',
      type: 'module',
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist', 'README.md'],
      keywords: ['itinera-plugin'],
      itinera: { apiVersion: 1, plugins: ['dist/index.js'] },
      engines: { node: '>=22.12' },
      scripts: { build: 'tsc -p tsconfig.build.json', typecheck: 'tsc -p tsconfig.json --noEmit' },
      ...(inWorkspace ? { nx: { tags: ['scope:plugin'] } } : {}),
      peerDependencies: { '@itinera/plugin-sdk': '^0.1.0' },
      devDependencies: { '@itinera/plugin-sdk': '*' },
    },
    null,
    2,
  )}\n`;
}

/** Lays generated code out as `npm run format` would, so a new package passes the format check as generated. */
async function formatted(path, content) {
  if (path.endsWith('.md')) return content;
  const prettier = await import('prettier');
  const config = await prettier.resolveConfig(join(REPO_ROOT, '.prettierrc.json'));
  return prettier.format(content, { ...config, filepath: path });
}

export async function generate(options) {
  const { kind, name } = options;
  if (!KINDS.includes(kind)) throw new Error(`--kind must be one of ${KINDS.join(', ')}`);
  if (!name || !KEBAB.test(name)) throw new Error('--name must be kebab-case (lower-case letters and digits separated by "-")');
  const channel = options.channel ?? 'sms';
  if (kind === 'channel' && !CHANNELS[channel]) throw new Error(`--channel must be one of ${Object.keys(CHANNELS).join(', ')}`);
  const dir = resolve(options.dir ?? join(REPO_ROOT, 'plugins'), `${kind}-${name}`);
  if (existsSync(dir) && !options.force) throw new Error(`${dir} already exists (use --force to write into it)`);
  const context = {
    kind,
    name,
    channel,
    Name: pascal(name),
    displayName: title(name),
    packageName: options.packageName ?? `@itinera/${kind}-${name}`,
    relDir: relative(REPO_ROOT, dir),
    inWorkspace: WORKSPACES.includes(`${relative(REPO_ROOT, dirname(dir))}/*`),
  };
  const files = {
    'package.json': packageJson(context),
    'tsconfig.json': `${JSON.stringify(
      {
        extends: relative(dir, join(REPO_ROOT, 'tsconfig.base.json')),
        compilerOptions: { outDir: 'dist', types: ['node', 'jest'] },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    )}\n`,
    'tsconfig.build.json': `${JSON.stringify(
      {
        extends: './tsconfig.json',
        compilerOptions: { rootDir: 'src', types: ['node'], declaration: true },
        exclude: ['src/**/*.spec.ts'],
      },
      null,
      2,
    )}\n`,
    'README.md': readme(context),
    'src/index.ts': { channel: channelSource, datasource: datasourceSource, llm: llmSource }[kind](context),
    'src/index.spec.ts': specSource(context),
  };
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await formatted(path, content));
  }
  return { dir, files: Object.keys(files) };
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        kind: { type: 'string' },
        name: { type: 'string' },
        channel: { type: 'string' },
        dir: { type: 'string' },
        package: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    usage(error.message);
  }
  if (values.help) usage();
  try {
    const { dir, files } = await generate({ ...values, packageName: values.package });
    console.log(`Created ${relative(process.cwd(), dir) || dir}/`);
    for (const file of files) console.log(`  ${file}`);
    console.log('\nNext: run `npm install` to link the package, then run its spec (see its README).');
  } catch (error) {
    usage(error.message);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
