import type { LlmOutput, LlmRequest } from '@itinera/plugin-sdk';
import type { NodeHandler } from './node-handler.js';
import { errorPort } from './plugin-failure.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/** The value an ai answer writes to `persistTrait`: the label, the score, or the text. */
function traitValue(output: LlmOutput): unknown {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return output;
  const fields = output as { label?: unknown; score?: unknown; text?: unknown };
  return fields.label ?? fields.score ?? fields.text ?? output;
}

/**
 * Asks an LLM plugin (generate, classify, score, extract) with a Liquid prompt; the plugin checks
 * the answer against the requested labels or schema. Its output is `data.<nodeId>`; `persistTrait`
 * also writes it to the profile. Failure: `error`.
 */
export const aiNode: NodeHandler<'ai'> = {
  type: 'ai',
  keepsOutput: true,
  sideEffect: true,
  async run({ node, run, idempotencyKey, context, liquid, effects }) {
    const config = node.config;
    try {
      const request: LlmRequest = {
        task: config.task,
        prompt: await liquid.string(config.prompt, await context()),
        model: config.model,
        labels: config.labels,
        schema: config.schema,
        // The plugin's own node parameters.
        system: typeof config.system === 'string' ? config.system : undefined,
        maxTokens: typeof config.maxTokens === 'number' ? config.maxTokens : undefined,
        temperature: typeof config.temperature === 'number' ? config.temperature : undefined,
      };
      const timeoutMs = typeof config.timeoutMs === 'number' ? config.timeoutMs : DEFAULT_TIMEOUT_MS;
      const result = await effects.complete(run, config.provider, request, { idempotencyKey, timeoutMs });
      const answer = typeof result.output === 'object' && result.output !== null ? result.output : { text: result.output };
      if (config.persistTrait) await effects.setTraits(run, { [config.persistTrait]: traitValue(result.output) });
      return { kind: 'next', port: 'next', output: { ...answer, usage: result.usage, model: result.model } };
    } catch (error) {
      return errorPort(error);
    }
  },
};
