import type { CheckConfigResult } from './channel.js';
import type { PluginContext } from './context.js';
import { PermanentError, RetryableError } from './errors.js';
import { checkJsonSchema, type JsonSchema, validateAgainstSchema } from './json-schema.js';
import { LLM_TASKS, type LlmManifest, type LlmTask } from './manifest.js';

/** What an ai node asks for, rendered by the core. */
export interface LlmRequest {
  task: LlmTask;
  prompt: string;
  /** Default: the provider configuration's default model. */
  model?: string;
  /** classify: the labels to choose from (at least one). */
  labels?: string[];
  /** generate/extract: JSON Schema the answer must follow. */
  schema?: JsonSchema;
  /** Extra system instructions prepended to the task's own. */
  system?: string;
  maxTokens?: number;
  temperature?: number;
}

/**
 * The answer, by task: generate → text (or the JSON value matching `schema`); classify →
 * `{ label }` (one of the labels); score → `{ score }` in [0, 1]; extract → the JSON value
 * matching `schema`.
 */
export type LlmOutput = string | { label: string } | { score: number } | Record<string, unknown> | unknown[];

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmResult {
  output: LlmOutput;
  usage: LlmUsage;
  /** The model that answered, as the provider names it. */
  model: string;
  raw?: unknown;
}

export interface LlmPlugin<C = Record<string, unknown>, S = Record<string, unknown>> {
  readonly manifest: LlmManifest;
  complete(ctx: PluginContext<C, S>, request: LlmRequest): Promise<LlmResult>;
  checkConfig?(ctx: PluginContext<C, S>): Promise<CheckConfigResult>;
}

/**
 * Throws a permanent `invalid_request` PluginError when the request cannot be answered: unknown
 * task, empty prompt, classify without labels, or a `schema` that is not a usable JSON Schema.
 */
export function checkLlmRequest(request: LlmRequest): void {
  const problems: string[] = [];
  if (!LLM_TASKS.includes(request?.task)) problems.push(`task must be one of ${LLM_TASKS.join(', ')}`);
  if (typeof request?.prompt !== 'string' || request.prompt.trim() === '') problems.push('prompt must be a non-empty string');
  if (request?.task === 'classify') {
    const labels = request.labels;
    if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string' && l.trim() !== '')) {
      problems.push('classify needs "labels": a list of non-empty strings');
    }
  }
  if (request?.schema !== undefined) {
    const result = checkJsonSchema(request.schema, 'schema');
    if (!result.ok) problems.push(...result.errors);
  }
  if (problems.length > 0) {
    throw new PermanentError(`Invalid LLM request: ${problems.join('; ')}`, { code: 'invalid_request', details: { problems } });
  }
}

/**
 * The JSON Schema the answer to `request` must follow, or undefined for free text (generate
 * without a schema). classify and score get Itinera's own schemas; extract defaults to any object.
 */
export function llmOutputSchema(request: LlmRequest): JsonSchema | undefined {
  switch (request.task) {
    case 'classify':
      return {
        type: 'object',
        properties: { label: { type: 'string', enum: [...(request.labels ?? [])] } },
        required: ['label'],
        additionalProperties: false,
      };
    case 'score':
      return {
        type: 'object',
        properties: { score: { type: 'number', minimum: 0, maximum: 1 } },
        required: ['score'],
        additionalProperties: false,
      };
    case 'extract':
      return request.schema ?? { type: 'object' };
    default:
      return request.schema;
  }
}

/** JSON Schema of an LlmRequest: LLM plugins use it as their manifest's `nodeParameters`. */
export const LLM_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['task', 'prompt'],
  properties: {
    task: { enum: [...LLM_TASKS], title: 'Task' },
    prompt: { type: 'string', minLength: 1, title: 'Prompt', 'x-widget': 'textarea' },
    model: { type: 'string', title: 'Model', description: "Default: the provider configuration's default model" },
    labels: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, title: 'Labels (classify)' },
    schema: { type: 'object', title: 'Output JSON Schema (generate, extract)' },
    system: { type: 'string', title: 'Extra instructions' },
    maxTokens: { type: 'integer', minimum: 1, maximum: 200_000, title: 'Maximum output tokens' },
    temperature: { type: 'number', minimum: 0, maximum: 2, title: 'Temperature' },
  },
  additionalProperties: false,
};

/**
 * The output schema as providers' structured-output features need it: a JSON object at the
 * root. A non-object schema (an array, a string, …) is wrapped as `{ value: <schema> }`; `unwrap`
 * takes the model's parsed answer back to the requested shape. Undefined for free text.
 */
export function structuredOutputSchema(request: LlmRequest): { schema: JsonSchema; unwrap(answer: unknown): unknown } | undefined {
  const schema = llmOutputSchema(request);
  if (!schema) return undefined;
  if (schema.type === 'object') return { schema, unwrap: (answer) => answer };
  return {
    schema: { type: 'object', properties: { value: schema }, required: ['value'], additionalProperties: false },
    unwrap: (answer) => (typeof answer === 'object' && answer !== null ? (answer as { value?: unknown }).value : answer),
  };
}

/**
 * System instructions for a task, the same for every provider, so an ai node behaves alike
 * whichever LLM answers it.
 */
export function llmInstructions(request: LlmRequest): string {
  const lines: string[] = [];
  if (request.system) lines.push(request.system.trim());
  const schema = llmOutputSchema(request);
  switch (request.task) {
    case 'classify':
      lines.push(
        `Classify the user's input into exactly one of these labels: ${(request.labels ?? []).map((l) => JSON.stringify(l)).join(', ')}.`,
        'Answer with a JSON object {"label": <one of the labels, spelled exactly as given>} and nothing else.',
      );
      break;
    case 'score':
      lines.push(
        "Score the user's input as the prompt asks, on a scale from 0 (lowest) to 1 (highest).",
        'Answer with a JSON object {"score": <a number between 0 and 1>} and nothing else.',
      );
      break;
    case 'extract':
      lines.push(
        "Extract the requested information from the user's input.",
        `Answer with JSON only, matching this JSON Schema: ${JSON.stringify(schema)}`,
      );
      break;
    default:
      lines.push("Do what the user's input asks.");
      if (schema) lines.push(`Answer with JSON only, matching this JSON Schema: ${JSON.stringify(schema)}`);
  }
  return lines.join('\n');
}

function invalidOutput(message: string, details?: unknown): RetryableError {
  return new RetryableError(message, { code: 'invalid_output', details });
}

/** Parses JSON from model text, tolerating a Markdown code fence around it. */
export function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed);
  const candidate = fenced ? fenced[1]! : trimmed;
  try {
    return JSON.parse(candidate);
  } catch {
    throw invalidOutput('The model did not answer with valid JSON', { text: text.slice(0, 500) });
  }
}

/**
 * Checks an answer against what `request` asked for (the task's shape and the requested JSON
 * Schema) and returns it unchanged. Throws a **retryable** PluginError with code
 * `invalid_output` when it does not match: model output varies between calls, so a retry may
 * well succeed; the core bounds the retries as for any retryable error.
 */
export function validateLlmOutput(request: LlmRequest, output: unknown): LlmOutput {
  const schema = llmOutputSchema(request);
  if (!schema) {
    if (typeof output !== 'string') throw invalidOutput('The model answer must be text');
    return output;
  }
  const result = validateAgainstSchema(schema, output, '/output');
  if (!result.ok) {
    throw invalidOutput(`The model answer does not match the requested schema: ${result.errors.join('; ')}`, {
      errors: result.errors,
    });
  }
  return output as LlmOutput;
}

/**
 * Turns a model's answer into the node's output: parses JSON text when the task needs JSON,
 * maps a classify label to the requested spelling (case and surrounding space ignored), then
 * validates it with validateLlmOutput. `answer` is the model's text, or an already-parsed value
 * (e.g. a tool call's input); pass `{ parsed: true }` when a parsed answer may itself be a string.
 */
export function parseLlmOutput(request: LlmRequest, answer: unknown, options: { parsed?: boolean } = {}): LlmOutput {
  const schema = llmOutputSchema(request);
  let value = answer;
  if (schema && typeof answer === 'string' && !options.parsed) value = parseJsonText(answer);
  if (request.task === 'classify' && typeof value === 'object' && value !== null) {
    const label = (value as { label?: unknown }).label;
    if (typeof label === 'string') {
      const wanted = label.trim().toLowerCase();
      const match = (request.labels ?? []).find((l) => l.trim().toLowerCase() === wanted);
      if (match !== undefined) value = { ...(value as object), label: match };
    }
  }
  if (request.task === 'score' && typeof value === 'object' && value !== null) {
    const score = (value as { score?: unknown }).score;
    if (typeof score === 'string' && score.trim() !== '' && Number.isFinite(Number(score))) {
      value = { ...(value as object), score: Number(score) };
    }
  }
  return validateLlmOutput(request, value);
}
