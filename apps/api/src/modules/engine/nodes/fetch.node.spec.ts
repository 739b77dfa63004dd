import { RetryableError } from '@itinera/plugin-sdk';
import { nodeStep } from '../../../testing/node-step.js';
import { fetchNode } from './fetch.node.js';

const node = {
  id: 'health',
  type: 'fetch' as const,
  config: {
    source: 'http',
    request: { method: 'GET', url: 'https://crm.example/accounts/{{ profile.traits.account_id }}' },
    timeoutMs: 2000,
  },
};

describe('fetch node', () => {
  it('renders the request with Liquid, calls the data source and keeps its answer', async () => {
    const { step, calls } = nodeStep(node, {
      answers: { fetch: async () => ({ status: 200, headers: { a: 'b' }, body: { score: 12 }, durationMs: 3 }) },
    });
    expect(await fetchNode.run(step)).toEqual({
      kind: 'next',
      port: 'next',
      output: { status: 200, headers: { a: 'b' }, body: { score: 12 } },
    });
    expect(fetchNode.keepsOutput).toBe(true);
    expect(calls[0].args.slice(1)).toEqual([
      'http',
      { method: 'GET', url: 'https://crm.example/accounts/acc-9', timeoutMs: 2000 },
      { idempotencyKey: 'run:r-1:health:1', timeoutMs: 2000 },
    ]);
  });

  it('takes error with what went wrong when the call fails', async () => {
    const { step } = nodeStep(node, {
      answers: { fetch: async () => Promise.reject(new RetryableError('upstream 503', { code: 'http_503' })) },
    });
    expect(await fetchNode.run(step)).toEqual({
      kind: 'next',
      port: 'error',
      output: { error: 'upstream 503', code: 'http_503', retryable: true },
    });
  });
});
