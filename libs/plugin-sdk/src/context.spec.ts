import { createPluginContext, createTestContext, deadlineSignal, remainingMs, throwIfAborted } from './context.js';
import { isPluginError } from './errors.js';

const manifest = {
  id: 'acme',
  configSchema: {
    type: 'object',
    required: ['apiKey'],
    properties: { apiKey: { type: 'string', 'x-secret': true }, region: { type: 'string', default: 'eu' } },
  },
};

describe('createPluginContext', () => {
  it('validates the stored values and hands config and secrets separately', () => {
    const ctx = createPluginContext(manifest, {
      workspaceId: 'ws_1',
      values: { apiKey: 'k' },
      idempotencyKey: 'run:step',
      timeoutMs: 1000,
    });
    expect(ctx.config).toEqual({ region: 'eu' });
    expect(ctx.secrets).toEqual({ apiKey: 'k' });
    expect(ctx.idempotencyKey).toBe('run:step');
    expect(ctx.deadline - Date.now()).toBeLessThanOrEqual(1000);
    expect(ctx.signal.aborted).toBe(false);
  });

  it('throws a permanent invalid_config error naming the problems', () => {
    let thrown: unknown;
    try {
      createPluginContext(manifest, { workspaceId: 'ws_1', values: { region: 1 }, idempotencyKey: 'k' });
    } catch (error) {
      thrown = error;
    }
    expect(isPluginError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ retryable: false, code: 'invalid_config' });
    expect((thrown as Error).message).toContain("must have required property 'apiKey'");
    expect((thrown as Error).message).toContain('/region: must be string');
  });
});

describe('createTestContext', () => {
  it('records log lines and takes overrides', () => {
    const ctx = createTestContext({ workspaceId: 'ws_9', idempotencyKey: 'idem' });
    ctx.logger.info('hello', { a: 1 });
    ctx.logger.warn('careful');
    expect(ctx.logs).toEqual([
      { level: 'info', message: 'hello', fields: { a: 1 } },
      { level: 'warn', message: 'careful' },
    ]);
    expect(ctx).toMatchObject({ workspaceId: 'ws_9', idempotencyKey: 'idem', config: {}, secrets: {} });
  });

  it('validates values against a manifest like the core', () => {
    expect(createTestContext({ manifest, values: { apiKey: 'k' } })).toMatchObject({ config: { region: 'eu' }, secrets: { apiKey: 'k' } });
    expect(() => createTestContext({ manifest, values: {} })).toThrow(/apiKey/);
    expect(() => createTestContext({ values: {} })).toThrow(/needs `manifest`/);
  });
});

describe('deadlines and aborts', () => {
  it('throwIfAborted says aborted or timeout, retryable', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => throwIfAborted({ signal: controller.signal, deadline: Date.now() + 1000 })).toThrow(
      expect.objectContaining({ retryable: true, code: 'aborted' }),
    );
    expect(() => throwIfAborted({ signal: AbortSignal.abort(new DOMException('t', 'TimeoutError')), deadline: Date.now() + 1000 })).toThrow(
      expect.objectContaining({ code: 'timeout' }),
    );
    expect(() => throwIfAborted({ signal: new AbortController().signal, deadline: Date.now() - 1 })).toThrow(
      expect.objectContaining({ retryable: true, code: 'timeout' }),
    );
    expect(() => throwIfAborted({ signal: new AbortController().signal, deadline: Date.now() + 1000 })).not.toThrow();
  });

  it('deadlineSignal fires at the deadline or the timeout, whichever is first', async () => {
    const ctx = { signal: new AbortController().signal, deadline: Date.now() + 10_000 };
    const signal = deadlineSignal(ctx, 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(signal.aborted).toBe(true);
    expect(remainingMs({ deadline: Date.now() - 5 })).toBe(0);
  });
});
