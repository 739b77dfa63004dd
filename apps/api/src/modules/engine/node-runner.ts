import { evaluateCondition, type JourneyDefinition, type JourneyNode, nextNode, splitVariant } from '@itinera/journey-model';
import { createPluginContext, toPluginError } from '@itinera/plugin-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryService, type DeliveryProfile } from '../messaging/delivery.service.js';
import { renderProfile } from '../templates/template-renderer.js';
import { ChannelsService, type ResolvedProvider } from '../plugins/channels.service.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { EventStream } from '../stream/event-stream.service.js';
import { ConfigRenderer } from './config-renderer.js';
import { delayUntil } from './delay-schedule.js';

export type StepAttempt = 'first' | 'retry' | 'resumed';

export interface RunState {
  id: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  profileId: string;
  context: RunContext;
}

export interface RunContext {
  event?: Record<string, unknown>;
  data: Record<string, unknown>;
  run: { id: string; journeyId: string; journeyName?: string; version: number; enteredAt: string };
  /** How many times each node has been entered (loops through delays visit nodes again). */
  visits: Record<string, number>;
}

export type NodeResult =
  | { kind: 'next'; port: string; output?: unknown; storeOutput?: boolean }
  | {
      kind: 'wait';
      until?: Date;
      timer?: 'delay' | 'wait_timeout' | 'send_retry';
      waitFor?: { event: string; filter?: unknown };
      output?: unknown;
    }
  | { kind: 'end'; status: 'completed' | 'failed'; reason: string };

/** Data-source and LLM plugins are named in node configs by their manifest id (`http`, `openai`) or full id. */
function matchesPlugin(pluginId: string, name: string): boolean {
  return pluginId === name || pluginId.endsWith(`/${name}`);
}

/** Executes one node of a run; side effects are keyed by run, node and visit, so a retry repeats none. */
@Injectable()
export class NodeRunner {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @Inject(ChannelsService) private readonly channels: ChannelsService,
    @Inject(PluginRegistry) private readonly registry: PluginRegistry,
    @Inject(EventStream) private readonly stream: EventStream,
    @Inject(ConfigRenderer) private readonly renderer: ConfigRenderer,
  ) {}

  async conditionContext(run: RunState, profile: DeliveryProfile): Promise<Record<string, unknown>> {
    return {
      profile: renderProfile(profile),
      event: run.context.event ?? {},
      data: run.context.data,
      run: run.context.run,
    };
  }

  /**
   * `attempt`: `first` when the step has just been recorded as started (nothing of it ran before),
   * `retry` when an earlier attempt may have run part of it, `resumed` when the node was waiting and
   * its wait is over (timer fired).
   */
  async run(definition: JourneyDefinition, node: JourneyNode, visit: number, run: RunState, attempt: StepAttempt): Promise<NodeResult> {
    const config = (node.config ?? {}) as Record<string, any>;
    const resumed = attempt === 'resumed';
    const connected = (port: string) => nextNode(definition, node.id, port) !== undefined;
    switch (node.type) {
      case 'trigger':
        return { kind: 'next', port: 'next' };
      case 'exit':
        return { kind: 'end', status: 'completed', reason: `reached exit node ${node.id}` };
      case 'delay': {
        if (resumed) return { kind: 'next', port: 'next' };
        const profile = await this.delivery.loadProfile(run.workspaceId, run.profileId);
        const until = delayUntil(config as never, {
          now: new Date(),
          profileTimezone: profile.timezone,
          workspaceTimezone: profile.workspaceTimezone,
          traits: profile.traits,
        });
        return { kind: 'wait', until, timer: 'delay', output: { until: until.toISOString() } };
      }
      case 'wait_for_event': {
        if (resumed) return { kind: 'next', port: 'timeout', output: { matched: false } };
        const until = new Date(Date.now() + Number(config.timeoutSeconds) * 1000);
        return {
          kind: 'wait',
          until,
          timer: 'wait_timeout',
          waitFor: { event: String(config.event), filter: config.filter },
          output: { timeoutAt: until.toISOString() },
        };
      }
      case 'branch': {
        const profile = await this.delivery.loadProfile(run.workspaceId, run.profileId);
        const ctx = await this.conditionContext(run, profile);
        const hit = (config.branches as Array<{ port: string; when: unknown }>).find((b) => evaluateCondition(b.when as never, ctx));
        return { kind: 'next', port: hit?.port ?? 'default', output: { port: hit?.port ?? 'default' } };
      }
      case 'split': {
        const port = splitVariant(config.variants, run.profileId, run.journeyId, node.id);
        return { kind: 'next', port, output: { variant: port } };
      }
      case 'send':
        return this.send(definition, node, visit, run, config, connected('failed'), attempt === 'first');
      case 'update_profile':
        return this.updateProfile(run, config);
      case 'fetch':
        return this.fetch(node, visit, run, config);
      case 'ai':
        return this.ai(node, visit, run, config);
      case 'webhook':
        return this.webhook(node, visit, run, config);
      default:
        return { kind: 'end', status: 'failed', reason: `unknown node type ${(node as { type: string }).type}` };
    }
  }

  private async renderContext(run: RunState): Promise<Record<string, unknown>> {
    return this.conditionContext(run, await this.delivery.loadProfile(run.workspaceId, run.profileId));
  }

  private async send(
    definition: JourneyDefinition,
    node: JourneyNode,
    visit: number,
    run: RunState,
    config: Record<string, any>,
    failedConnected: boolean,
    fresh: boolean,
  ): Promise<NodeResult> {
    const outcome = await this.delivery.deliver({
      workspaceId: run.workspaceId,
      profileId: run.profileId,
      templateKey: config.template,
      channels: config.channels ?? null,
      routing: config.routing ?? 'single',
      topic: config.topic ?? null,
      data: run.context.data,
      event: run.context.event,
      run: run.context.run,
      idempotencyBase: `run:${run.id}:${node.id}:${visit}`,
      fresh,
      journey: { journeyId: run.journeyId, runId: run.id, nodeId: node.id, caps: (definition as { caps?: never[] }).caps },
    });
    if (outcome.status === 'deferred' && outcome.deferredUntil)
      return { kind: 'wait', until: new Date(outcome.deferredUntil), timer: 'send_retry', output: outcome };
    if (outcome.status === 'sent') return { kind: 'next', port: 'next', output: outcome };
    return { kind: 'next', port: failedConnected ? 'failed' : 'next', output: outcome };
  }

  private async updateProfile(run: RunState, config: Record<string, any>): Promise<NodeResult> {
    const ctx = await this.renderContext(run);
    const set = (await this.renderer.value(config.set ?? {}, ctx)) as Record<string, unknown>;
    await this.writeTraits(run, set);
    return { kind: 'next', port: 'next', output: { set } };
  }

  private async writeTraits(run: RunState, traits: Record<string, unknown>): Promise<void> {
    const partitions = await this.dataSource.transaction(async (m) => {
      await m.query('UPDATE profiles SET traits = traits || $2::jsonb, updated_at = now() WHERE id = $1', [
        run.profileId,
        JSON.stringify(traits),
      ]);
      return this.stream.append(m, [
        {
          workspaceId: run.workspaceId,
          profileId: run.profileId,
          kind: 'profile_updated',
          payload: { traits: Object.keys(traits), source: 'journey', journeyId: run.journeyId },
        },
      ]);
    });
    await this.stream.wake(partitions);
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

  private async fetch(node: JourneyNode, visit: number, run: RunState, config: Record<string, any>): Promise<NodeResult> {
    try {
      const { pluginId, provider } = await this.providerOf(run.workspaceId, 'datasource', config.source);
      const plugin = this.registry.dataSource(pluginId);
      const request = (await this.renderer.value(config.request, await this.renderContext(run))) as Record<string, unknown>;
      const timeoutMs = Number(config.timeoutMs ?? 5000);
      const ctx = provider
        ? provider.context({ idempotencyKey: `run:${run.id}:${node.id}:${visit}`, timeoutMs })
        : createPluginContext(plugin.manifest, {
            workspaceId: run.workspaceId,
            values: {},
            idempotencyKey: `run:${run.id}:${node.id}:${visit}`,
            timeoutMs,
          });
      const result = await plugin.fetch(ctx, { ...request, timeoutMs } as never);
      return {
        kind: 'next',
        port: 'next',
        output: { status: result.status, headers: result.headers, body: result.body },
        storeOutput: true,
      };
    } catch (error) {
      const failure = toPluginError(error);
      return {
        kind: 'next',
        port: 'error',
        output: { error: failure.message, code: failure.code, retryable: failure.retryable },
        storeOutput: true,
      };
    }
  }

  private async ai(node: JourneyNode, visit: number, run: RunState, config: Record<string, any>): Promise<NodeResult> {
    try {
      const { pluginId, provider } = await this.providerOf(run.workspaceId, 'llm', config.provider);
      if (!provider) throw new Error(`no ${config.provider} provider is configured in this workspace (POST /api/channels)`);
      const plugin = this.registry.llm(pluginId);
      const prompt = await this.renderer.string(String(config.prompt), await this.renderContext(run));
      const result = await plugin.complete(
        provider.context({ idempotencyKey: `run:${run.id}:${node.id}:${visit}`, timeoutMs: Number(config.timeoutMs ?? 30_000) }),
        {
          task: config.task,
          prompt,
          model: config.model,
          labels: config.labels,
          schema: config.schema,
        } as never,
      );
      const output = {
        ...(typeof result.output === 'object' && result.output !== null ? result.output : { text: result.output }),
        usage: result.usage,
        model: result.model,
      };
      if (config.persistTrait) {
        const value = (result.output as { label?: unknown; score?: unknown; text?: unknown }) ?? null;
        await this.writeTraits(run, {
          [config.persistTrait]: value && typeof value === 'object' ? (value.label ?? value.score ?? value.text ?? value) : value,
        });
      }
      return { kind: 'next', port: 'next', output, storeOutput: true };
    } catch (error) {
      const failure = toPluginError(error);
      return {
        kind: 'next',
        port: 'error',
        output: { error: failure.message, code: failure.code, retryable: failure.retryable },
        storeOutput: true,
      };
    }
  }

  private async webhook(node: JourneyNode, visit: number, run: RunState, config: Record<string, any>): Promise<NodeResult> {
    try {
      const providers = await this.channels.providersFor(run.workspaceId, 'webhook');
      if (providers.length === 0)
        throw new Error('no webhook provider (signing secret) is configured in this workspace (POST /api/channels)');
      const ctx = await this.renderContext(run);
      const message = {
        url: await this.renderer.string(String(config.url), ctx),
        method: config.method ?? 'POST',
        headers: config.headers,
        body: await this.renderer.value(config.body ?? { profile: ctx.profile, event: ctx.event, data: ctx.data, run: ctx.run }, ctx),
      };
      const plugin = this.registry.channel(providers[0].pluginId);
      const result = await plugin.send(
        providers[0].context({ idempotencyKey: `run:${run.id}:${node.id}:${visit}`, timeoutMs: 10_000 }),
        message as never,
      );
      return { kind: 'next', port: 'next', output: { providerMessageId: result.providerMessageId }, storeOutput: true };
    } catch (error) {
      const failure = toPluginError(error);
      return { kind: 'next', port: 'error', output: { error: failure.message, code: failure.code }, storeOutput: true };
    }
  }
}
