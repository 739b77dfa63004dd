import { nodeStep, sampleRun } from '../../../testing/node-step.js';
import { aiNode } from './ai.node.js';

const usage = { inputTokens: 10, outputTokens: 2 };

describe('ai node', () => {
  it('renders the prompt, passes the plugin parameters, keeps the answer and writes persistTrait', async () => {
    const run = sampleRun();
    run.context.data = { health: { body: { score: 12 } } };
    const node = {
      id: 'risk',
      type: 'ai' as const,
      config: {
        provider: 'openai',
        task: 'classify' as const,
        labels: ['high', 'low'],
        prompt: 'score {{ data.health.body.score }}',
        persistTrait: 'risk',
        temperature: 0,
      },
    };
    const { step, calls } = nodeStep(node, {
      run,
      answers: { complete: async () => ({ output: { label: 'high' }, usage, model: 'gpt-x' }), setTraits: async () => undefined },
    });
    expect(await aiNode.run(step)).toEqual({ kind: 'next', port: 'next', output: { label: 'high', usage, model: 'gpt-x' } });
    expect(calls[0]).toMatchObject({
      effect: 'complete',
      args: [
        run,
        'openai',
        { task: 'classify', prompt: 'score 12', labels: ['high', 'low'], temperature: 0 },
        { idempotencyKey: 'run:r-1:risk:1', timeoutMs: 30_000 },
      ],
    });
    expect(calls[1]).toEqual({ effect: 'setTraits', args: [run, { risk: 'high' }] });
  });

  it('wraps a text answer as { text }', async () => {
    const node = { id: 'gen', type: 'ai' as const, config: { provider: 'anthropic', task: 'generate' as const, prompt: 'hi' } };
    const { step } = nodeStep(node, { answers: { complete: async () => ({ output: 'hello', usage, model: 'c' }) } });
    expect(await aiNode.run(step)).toEqual({ kind: 'next', port: 'next', output: { text: 'hello', usage, model: 'c' } });
  });

  it('takes error when the provider fails or is not configured', async () => {
    const node = { id: 'gen', type: 'ai' as const, config: { provider: 'openai', task: 'generate' as const, prompt: 'hi' } };
    const { step } = nodeStep(node, { answers: { complete: async () => Promise.reject(new Error('no openai provider is configured')) } });
    expect(await aiNode.run(step)).toMatchObject({ kind: 'next', port: 'error', output: { error: 'no openai provider is configured' } });
  });
});
