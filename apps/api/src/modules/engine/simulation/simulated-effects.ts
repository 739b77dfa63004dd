import type { FetchRequest, FetchResult, LlmRequest, LlmResult, WebhookMessage } from '@itinera/plugin-sdk';
import type {
  DeliveryOutcome,
  DeliveryPlan,
  DeliveryRequest,
  DeliveryService,
  DirectDeliveryOutcome,
} from '../../messaging/delivery/delivery.service.js';
import type { ProfileView } from '../../profiles/profile-view.js';
import type { LiveNodeEffects } from '../live-node-effects.js';
import type { NodeEffects, PluginCall, RunState } from '../nodes/node-handler.js';

export interface SimulationOptions {
  /** Per fetch or ai node: the output to use instead of calling the plugin. */
  samples: Record<string, unknown>;
  /** fetch and ai nodes whose plugin is really called (through the SSRF guard). */
  live: ReadonlySet<string>;
}

/** What a node did in a simulation besides its output: the send it would make, the webhook it would call, the traits it would write. */
export interface SimulatedSideEffect {
  plan?: DeliveryPlan;
  webhook?: Pick<WebhookMessage, 'url' | 'method' | 'body'>;
  traits?: Record<string, unknown>;
  sample?: boolean;
}

const zeroUsage = { inputTokens: 0, outputTokens: 0 };

/** The answer an ai node gets in a simulation when the user gave no sample: a plausible one for the task. */
function sampleAnswer(request: LlmRequest): LlmResult['output'] {
  switch (request.task) {
    case 'classify':
      return { label: request.labels?.[0] ?? 'label' };
    case 'score':
      return { score: 0.5 };
    case 'extract':
      return {};
    default:
      return '(a generated answer)';
  }
}

/**
 * Node side effects for a simulation: nothing is sent, stored or called unless asked. Sends are
 * planned by the real delivery pipeline (routing, preferences, caps, quiet hours, rendering) and
 * returned; trait writes change the simulated profile only; fetch and ai use samples unless the
 * node is `live`; webhooks are rendered, not sent.
 */
export class SimulatedEffects implements NodeEffects {
  /** The node being executed; set by the simulator before each step. */
  node = '';
  /** What the current node did besides its output (reset per step). */
  effect: SimulatedSideEffect = {};

  constructor(
    private readonly delivery: DeliveryService,
    private readonly live: LiveNodeEffects,
    private readonly profile: ProfileView,
    private readonly options: SimulationOptions,
    private readonly now: () => Date,
    /** The version a send renders: the published one, or the draft of a template not published yet. */
    private readonly templateVersion: (templateKey: string) => Promise<'published' | 'draft'>,
  ) {}

  async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const templateVersion = request.templateVersion ?? (await this.templateVersion(request.templateKey));
    const plan = await this.delivery.plan({ ...request, templateVersion }, this.profile, this.now());
    this.effect.plan = plan;
    return {
      status: plan.status,
      deferredUntil: plan.deferredUntil,
      channels: plan.channels.map((c) => ({
        channel: c.channel,
        status: c.status === 'would_send' ? 'sent' : c.status,
        reason: c.reason,
        deferredUntil: c.deferredUntil,
      })),
    };
  }

  async setTraits(_run: RunState, traits: Record<string, unknown>): Promise<void> {
    Object.assign(this.profile.traits, traits);
    this.effect.traits = { ...this.effect.traits, ...traits };
  }

  async fetch(run: RunState, source: string, request: FetchRequest, call: PluginCall): Promise<FetchResult> {
    if (this.options.live.has(this.node)) return this.live.fetch(run, source, request, call);
    this.effect.sample = true;
    const sample = (this.options.samples[this.node] ?? {}) as Partial<FetchResult>;
    return { status: sample.status ?? 200, headers: sample.headers ?? {}, body: sample.body ?? null, durationMs: 0 };
  }

  async complete(run: RunState, provider: string, request: LlmRequest, call: PluginCall): Promise<LlmResult> {
    if (this.options.live.has(this.node)) return this.live.complete(run, provider, request, call);
    this.effect.sample = true;
    const sample = this.options.samples[this.node];
    return { output: (sample as LlmResult['output'] | undefined) ?? sampleAnswer(request), usage: zeroUsage, model: 'sample' };
  }

  async webhook(_run: RunState, _nodeId: string, message: WebhookMessage): Promise<DirectDeliveryOutcome> {
    this.effect.webhook = { url: message.url, method: message.method, body: message.body };
    return { status: 'sent' };
  }
}
