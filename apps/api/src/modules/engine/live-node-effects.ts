import {
  createPluginContext,
  type FetchRequest,
  type FetchResult,
  type LlmRequest,
  type LlmResult,
  type WebhookMessage,
} from '@itinera/plugin-sdk';
import { Inject, Injectable } from '@nestjs/common';
import {
  DeliveryService,
  type DeliveryOutcome,
  type DeliveryRequest,
  type DirectDeliveryOutcome,
} from '../messaging/delivery/delivery.service.js';
import { ChannelsService, type ResolvedProvider } from '../plugins/channels.service.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { ProfileWriter } from '../profiles/profile-writer.js';
import type { NodeEffects, PluginCall, RunState } from './nodes/node-handler.js';

/** Data-source and LLM plugins are named in node configs by their manifest id (`http`, `openai`) or full id. */
function matchesPlugin(pluginId: string, name: string): boolean {
  return pluginId === name || pluginId.endsWith(`/${name}`);
}

/** The side effects of nodes in a real run: messages delivered, traits written, plugins called. */
@Injectable()
export class LiveNodeEffects implements NodeEffects {
  constructor(
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @Inject(ProfileWriter) private readonly profiles: ProfileWriter,
    @Inject(ChannelsService) private readonly channels: ChannelsService,
    @Inject(PluginRegistry) private readonly registry: PluginRegistry,
  ) {}

  deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    return this.delivery.deliver(request);
  }

  setTraits(run: RunState, traits: Record<string, unknown>): Promise<void> {
    return this.profiles.setTraits(run.workspaceId, run.profileId, traits, { source: 'journey', journeyId: run.journeyId });
  }

  async fetch(run: RunState, source: string, request: FetchRequest, call: PluginCall): Promise<FetchResult> {
    const { pluginId, provider } = await this.providerOf(run.workspaceId, 'datasource', source);
    const plugin = this.registry.dataSource(pluginId);
    // A data source needs no configured provider (the HTTP source works as it is); one that has a configuration gets it.
    const ctx = provider
      ? provider.context(call)
      : createPluginContext(plugin.manifest, {
          workspaceId: run.workspaceId,
          values: {},
          idempotencyKey: call.idempotencyKey,
          timeoutMs: call.timeoutMs,
        });
    return plugin.fetch(ctx, request);
  }

  async complete(run: RunState, name: string, request: LlmRequest, call: PluginCall): Promise<LlmResult> {
    const { pluginId, provider } = await this.providerOf(run.workspaceId, 'llm', name);
    if (!provider) throw new Error(`no ${name} provider is configured in this workspace (POST /api/channels)`);
    return this.registry.llm(pluginId).complete(provider.context(call), request);
  }

  webhook(run: RunState, nodeId: string, message: WebhookMessage, call: PluginCall): Promise<DirectDeliveryOutcome> {
    return this.delivery.deliverDirect({
      workspaceId: run.workspaceId,
      profileId: run.profileId,
      channel: 'webhook',
      message,
      idempotencyKey: call.idempotencyKey,
      timeoutMs: call.timeoutMs,
      journey: { journeyId: run.journeyId, runId: run.id, nodeId },
    });
  }

  private async providerOf(
    workspaceId: string,
    kind: 'datasource' | 'llm',
    name: string,
  ): Promise<{ pluginId: string; provider?: ResolvedProvider }> {
    const loaded = this.registry.list(kind).find((p) => matchesPlugin(p.id, name));
    if (!loaded) throw new Error(`no ${kind} plugin "${name}" is installed`);
    const configured = (await this.channels.list(workspaceId, { kind })).find((p) => p.pluginId === loaded.id && p.enabled);
    return { pluginId: loaded.id, provider: configured ? await this.channels.resolve(workspaceId, configured.id) : undefined };
  }
}
