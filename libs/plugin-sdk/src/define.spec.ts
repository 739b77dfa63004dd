import { jest } from '@jest/globals';
import type { SmsMessage } from './channel.js';
import { createTestContext } from './context.js';
import {
  defineChannelPlugin,
  defineDataSourcePlugin,
  defineLlmPlugin,
  isDefinedPlugin,
  isItineraPlugin,
  pluginsFromModule,
} from './define.js';
import { isPluginError, PermanentError } from './errors.js';

const channelManifest = {
  id: 'sms-acme',
  channel: 'sms',
  displayName: 'Acme SMS',
  version: '1.0.0',
  description: 'Test plugin',
  configSchema: { type: 'object', properties: {} },
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('defineChannelPlugin', () => {
  it('validates and freezes the manifest and adds the kind', () => {
    const plugin = defineChannelPlugin<SmsMessage>({ manifest: channelManifest, send: async () => ({ providerMessageId: 'm1' }) });
    expect(plugin.manifest.kind).toBe('channel');
    expect(Object.isFrozen(plugin.manifest)).toBe(true);
    expect(Object.isFrozen(plugin.manifest.configSchema)).toBe(true);
    expect(isItineraPlugin(plugin)).toBe(true);
    expect(isDefinedPlugin(plugin)).toBe(true);
  });

  it('throws on an invalid manifest or a missing method', () => {
    expect(() =>
      defineChannelPlugin({ manifest: { ...channelManifest, id: 'Bad Id' }, send: async () => ({ providerMessageId: 'x' }) }),
    ).toThrow(/Invalid manifest for plugin "Bad Id"/);
    expect(() => defineChannelPlugin({ manifest: channelManifest } as never)).toThrow(/has no send\(\)/);
    expect(() =>
      defineChannelPlugin({
        manifest: { ...channelManifest, capabilities: { deliveryWebhooks: true } },
        send: async () => ({ providerMessageId: 'x' }),
      }),
    ).toThrow(/declares capability "deliveryWebhooks" but has no parseDeliveryEvent\(\)/);
  });

  it('does not call the plugin when the signal is already aborted', async () => {
    const send = jest.fn(async () => ({ providerMessageId: 'm1' }));
    const plugin = defineChannelPlugin<SmsMessage>({ manifest: channelManifest, send });
    const error = await rejection(plugin.send(createTestContext({ signal: AbortSignal.abort() }), { to: '+1', body: 'x' }));
    expect(error).toMatchObject({ retryable: true, code: 'aborted' });
    expect(send).not.toHaveBeenCalled();
  });

  it('turns anything thrown into a PluginError, and an abort during the call into a retryable one', async () => {
    const controller = new AbortController();
    const plugin = defineChannelPlugin<SmsMessage>({
      manifest: channelManifest,
      send: async (_ctx, message) => {
        if (message.body === 'bug') throw new TypeError('oops');
        controller.abort();
        throw new Error('socket hang up');
      },
    });
    const bug = await rejection(plugin.send(createTestContext(), { to: '+1', body: 'bug' }));
    expect(isPluginError(bug)).toBe(true);
    expect(bug).toMatchObject({ retryable: false, code: 'internal', message: 'oops' });
    const aborted = await rejection(plugin.send(createTestContext({ signal: controller.signal }), { to: '+1', body: 'x' }));
    expect(aborted).toMatchObject({ retryable: true, code: 'aborted' });
  });

  it('refuses a send result without a providerMessageId', async () => {
    const plugin = defineChannelPlugin<SmsMessage>({ manifest: channelManifest, send: async () => ({ providerMessageId: '' }) });
    expect(await rejection(plugin.send(createTestContext(), { to: '+1', body: 'x' }))).toMatchObject({ code: 'internal' });
  });

  it('wraps the optional methods too', async () => {
    const plugin = defineChannelPlugin<SmsMessage>({
      manifest: { ...channelManifest, capabilities: { deliveryWebhooks: true, signedWebhooks: true } },
      send: async () => ({ providerMessageId: 'm1' }),
      parseDeliveryEvent: () => [{ providerMessageId: 'm1', status: 'delivered', occurredAt: new Date(0).toISOString() }],
      verifySignature: () => true,
    });
    const request = { method: 'POST', url: 'https://x/hook', headers: {}, rawBody: '', body: {} };
    await expect(plugin.parseDeliveryEvent!(createTestContext(), request)).resolves.toHaveLength(1);
    await expect(plugin.verifySignature!(createTestContext(), request)).resolves.toBe(true);
  });
});

describe('defineDataSourcePlugin and defineLlmPlugin', () => {
  const base = { version: '1.0.0', description: 'x', configSchema: { type: 'object' } };

  it('keeps PluginErrors as they are', async () => {
    const plugin = defineDataSourcePlugin({
      manifest: { ...base, id: 'ds', displayName: 'DS' },
      fetch: async () => {
        throw new PermanentError('nope', { code: 'not_found' });
      },
    });
    expect(await rejection(plugin.fetch(createTestContext(), { url: 'https://x' }))).toMatchObject({ code: 'not_found' });
  });

  it('validates requests and output of LLM plugins', async () => {
    const complete = jest.fn(async () => ({ output: { label: 'maybe' }, usage: { inputTokens: 1, outputTokens: 1 }, model: 'm' }));
    const plugin = defineLlmPlugin({
      manifest: { ...base, id: 'llm', displayName: 'LLM', capabilities: { tasks: ['classify', 'generate'] } },
      complete,
    });
    const ctx = createTestContext();
    expect(await rejection(plugin.complete(ctx, { task: 'classify', prompt: 'x', labels: ['yes', 'no'] }))).toMatchObject({
      retryable: true,
      code: 'invalid_output',
    });
    expect(await rejection(plugin.complete(ctx, { task: 'score', prompt: 'x' }))).toMatchObject({
      retryable: false,
      code: 'invalid_request',
    });
    expect(await rejection(plugin.complete(ctx, { task: 'classify', prompt: 'x' }))).toMatchObject({ code: 'invalid_request' });
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it('rejects a manifest whose kind contradicts the helper', () => {
    expect(() =>
      defineLlmPlugin({ manifest: { ...base, id: 'x', displayName: 'X', kind: 'datasource' } as never, complete: jest.fn() as never }),
    ).toThrow(/expected "llm"/);
  });
});

describe('isItineraPlugin and pluginsFromModule', () => {
  const plain = {
    manifest: { id: 'plain', kind: 'datasource' },
    fetch: async () => ({ status: 200, headers: {}, body: null, durationMs: 0 }),
  };

  it('recognises plugin-shaped objects', () => {
    expect(isItineraPlugin(plain)).toBe(true);
    expect(isItineraPlugin({ manifest: { id: 'x', kind: 'channel' }, fetch: () => 1 })).toBe(false);
    expect(isItineraPlugin({ manifest: { id: 'x', kind: 'queue' }, send: () => 1 })).toBe(false);
    expect(isItineraPlugin({ ...plain, checkConfig: 'yes' })).toBe(false);
    expect(isItineraPlugin(null)).toBe(false);
  });

  it('reads the default export (one or a list), else the named exports', () => {
    expect(pluginsFromModule({ default: plain })).toEqual([plain]);
    expect(pluginsFromModule({ default: [plain, { nope: true }] })).toEqual([plain]);
    expect(pluginsFromModule({ a: plain, b: plain, helper: () => 1 })).toEqual([plain]);
    expect(pluginsFromModule({ default: 42 })).toEqual([]);
  });
});
