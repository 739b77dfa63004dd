import { nodeStep } from '../../../testing/node-step.js';
import { webhookNode } from './webhook.node.js';

describe('webhook node', () => {
  it('sends the rendered request as a recorded message and keeps its ids', async () => {
    const node = {
      id: 'sync',
      type: 'webhook' as const,
      config: { url: 'https://hooks.example/{{ profile.userId }}', body: { plan: '{{ profile.traits.plan }}' } },
    };
    const { step, calls } = nodeStep(node, {
      answers: { webhook: async () => ({ status: 'sent', messageId: 'm-1', providerMessageId: 'msg_x' }) },
    });
    expect(await webhookNode.run(step)).toEqual({ kind: 'next', port: 'next', output: { messageId: 'm-1', providerMessageId: 'msg_x' } });
    expect(calls[0].args.slice(1)).toEqual([
      'sync',
      { url: 'https://hooks.example/u1', method: 'POST', headers: undefined, body: { plan: 'trial' } },
      { idempotencyKey: 'run:r-1:sync:1', timeoutMs: 10_000 },
    ]);
  });

  it('sends the run context when it names no body', async () => {
    const node = { id: 'sync', type: 'webhook' as const, config: { url: 'https://hooks.example/x' } };
    const { step, calls } = nodeStep(node, { answers: { webhook: async () => ({ status: 'sent', messageId: 'm-1' }) } });
    await webhookNode.run(step);
    expect((calls[0].args[2] as { body: Record<string, unknown> }).body).toMatchObject({
      profile: { userId: 'u1' },
      event: { name: 'signed_up' },
      data: {},
      run: { id: 'r-1' },
    });
  });

  it('takes error when no provider is configured or the provider fails', async () => {
    const node = { id: 'sync', type: 'webhook' as const, config: { url: 'https://hooks.example/x' } };
    const { step } = nodeStep(node, {
      answers: { webhook: async () => ({ status: 'skipped', reason: 'no webhook provider (signing secret) is configured' }) },
    });
    expect(await webhookNode.run(step)).toEqual({
      kind: 'next',
      port: 'error',
      output: { error: 'no webhook provider (signing secret) is configured', messageId: undefined, status: 'skipped' },
    });
  });
});
