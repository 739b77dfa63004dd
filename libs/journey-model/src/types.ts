/** A JSON Schema (draft-07 / 2019-09 keywords as Ajv 8 understands them) as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * A JSON Logic rule: an object with exactly one operator (`{ "==": [ { "var": "event.plan" }, "trial" ] }`).
 * Conditions may also be the literals `true` / `false`.
 */
export type JsonLogic = { [operator: string]: unknown };
export type Condition = JsonLogic | boolean;

/**
 * What conditions and Liquid strings see while a run is in progress. Typed as `object` so that
 * any interface fits; conditions read whatever is there.
 */
export interface RunContext {
  /** The profile: `traits`, `userId`, `email`, `timezone`, … */
  profile?: object | null;
  /** The event that started the run (trigger) or was awaited (wait_for_event, exit). */
  event?: object | null;
  /** Outputs of fetch and ai nodes by node id: `data.<nodeId>`. */
  data?: object | null;
  /** The run itself: `id`, `journeyId`, `version`, `startedAt`, … */
  run?: object | null;
}

export const NODE_TYPE_NAMES = [
  'trigger',
  'send',
  'delay',
  'wait_for_event',
  'branch',
  'split',
  'fetch',
  'ai',
  'update_profile',
  'webhook',
  'exit',
] as const;
export type NodeType = (typeof NODE_TYPE_NAMES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const AI_TASKS = ['generate', 'classify', 'score', 'extract'] as const;
export type AiTask = (typeof AI_TASKS)[number];

// ── Node configurations ─────────────────────────────────────────────────────────────────────

/** Entry when the profile does `event` (and `filter`, over `{ profile, event }`, holds). */
export interface EventTriggerConfig {
  event: string;
  filter?: Condition;
}
/** Entry when the profile comes to match `segment` (a condition on `profile`), checked when it changes. */
export interface SegmentTriggerConfig {
  segment: Condition;
}
/** Entry only through the API (`POST /api/journeys/{id}/invoke`, or `/send` naming the journey). */
export interface ApiTriggerConfig {
  api: true;
}
export type TriggerConfig = EventTriggerConfig | SegmentTriggerConfig | ApiTriggerConfig;

export interface SendConfig {
  /** Template key. */
  template: string;
  /** Channels in routing order; absent: the template's channels. */
  channels?: string[];
  /** `single` (default): the first channel that delivers; `all`: every eligible channel. */
  routing?: 'single' | 'all';
  /** Preference topic the message belongs to. */
  topic?: string;
  /** Sends during quiet hours. */
  urgent?: boolean;
}

export interface DelaySecondsConfig {
  seconds: number;
}
export interface DelayUntilConfig {
  until: {
    /** Local time of day, `HH:MM` (24 h). */
    time: string;
    /** `profile` (the profile's timezone, the workspace default when unknown) or an IANA zone. */
    timezone: 'profile' | (string & {});
    /** Allowed weekdays; absent: any day. */
    days?: Weekday[];
  };
}
export interface DelayUntilTraitConfig {
  /** Profile trait holding a date (ISO 8601 string or epoch milliseconds). */
  untilTrait: string;
  /** Added to the trait's date; negative: before it. */
  offsetSeconds?: number;
}
export type DelayConfig = DelaySecondsConfig | DelayUntilConfig | DelayUntilTraitConfig;

export interface WaitForEventConfig {
  event: string;
  /** Over `{ profile, event, data, run }`, `event` being the candidate event. */
  filter?: Condition;
  timeoutSeconds: number;
}

export interface BranchConfig {
  /** Evaluated in order; the first whose `when` holds wins, else `default`. */
  branches: Array<{ port: string; when: Condition }>;
}

export interface SplitConfig {
  /** Relative weights (need not sum to 100). */
  variants: Array<{ port: string; weight: number }>;
}

/** What a fetch node hands to its data-source plugin (after Liquid rendering). */
export interface FetchRequestConfig {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Plugin-specific parameters (the plugin's `nodeParameters`). */
  [parameter: string]: unknown;
}
export interface FetchConfig {
  /** Data-source plugin id. */
  source: string;
  request: FetchRequestConfig;
  timeoutMs?: number;
}

export interface AiConfig {
  /** LLM plugin id. */
  provider: string;
  model?: string;
  task: AiTask;
  prompt: string;
  /** classify: the labels to choose from. */
  labels?: string[];
  /** extract, generate: JSON Schema of the answer. */
  schema?: JsonSchema;
  /** Profile trait the output is written to. */
  persistTrait?: string;
  /** Plugin-specific parameters (the plugin's `nodeParameters`: `system`, `temperature`, …). */
  [parameter: string]: unknown;
}

export interface UpdateProfileConfig {
  /** Trait → value; strings are Liquid templates over the run context. */
  set: Record<string, unknown>;
}

export interface WebhookConfig {
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** Sent as JSON; strings inside are Liquid templates. Absent: the run context. */
  body?: unknown;
}

export type ExitConfig = Record<string, never>;

export interface NodeConfigs {
  trigger: TriggerConfig;
  send: SendConfig;
  delay: DelayConfig;
  wait_for_event: WaitForEventConfig;
  branch: BranchConfig;
  split: SplitConfig;
  fetch: FetchConfig;
  ai: AiConfig;
  update_profile: UpdateProfileConfig;
  webhook: WebhookConfig;
  exit: ExitConfig;
}

// ── Nodes, edges, the journey ───────────────────────────────────────────────────────────────

export interface NodeOf<T extends NodeType> {
  /** Unique in the journey; letters, digits, `_` and `-`, starting with a letter or `_` (see NODE_ID_PATTERN). */
  id: string;
  type: T;
  /** Shown on the canvas. */
  name?: string;
  config: NodeConfigs[T];
}

export type TriggerNode = NodeOf<'trigger'>;
export type SendNode = NodeOf<'send'>;
export type DelayNode = NodeOf<'delay'>;
export type WaitForEventNode = NodeOf<'wait_for_event'>;
export type BranchNode = NodeOf<'branch'>;
export type SplitNode = NodeOf<'split'>;
export type FetchNode = NodeOf<'fetch'>;
export type AiNode = NodeOf<'ai'>;
export type UpdateProfileNode = NodeOf<'update_profile'>;
export type WebhookNode = NodeOf<'webhook'>;
export interface ExitNode {
  id: string;
  type: 'exit';
  name?: string;
  config?: ExitConfig;
}

export type JourneyNode =
  | TriggerNode
  | SendNode
  | DelayNode
  | WaitForEventNode
  | BranchNode
  | SplitNode
  | FetchNode
  | AiNode
  | UpdateProfileNode
  | WebhookNode
  | ExitNode;

/** The node of one type, as it appears in a definition (`exit` with its optional config). */
export type NodeOfType<T extends NodeType> = Extract<JourneyNode, { type: T }>;

export interface JourneyEdge {
  from: string;
  /** Output port of `from`; default `next`. */
  port?: string;
  to: string;
}

export type Reentry = 'once' | 'always' | { afterSeconds: number };

/** A goal: when the profile does `event` (matching `filter`), its run stops wherever it is. */
export interface ExitGoal {
  event: string;
  filter?: Condition;
}

/** A per-journey frequency cap: at most `limit` messages per profile per `windowSeconds`. */
export interface JourneyCap {
  limit: number;
  windowSeconds: number;
  /** What a capped send does: `skip` it (default) or `defer` it until the window allows. */
  action?: 'skip' | 'defer';
}

export interface JourneyDefinition {
  name: string;
  description?: string;
  entry?: { reentry?: Reentry };
  exit?: ExitGoal[];
  caps?: JourneyCap[];
  nodes: JourneyNode[];
  edges: JourneyEdge[];
  /** Canvas positions by node id; ignored by the engine (older documents; the canvas writes `ui.positions`). */
  layout?: Record<string, { x: number; y: number }>;
  /** What the canvas keeps with the journey; ignored by the engine. */
  ui?: JourneyUi;
}

/** A sticky note on the canvas. */
export interface StickyNote {
  id: string;
  x: number;
  y: number;
  width?: number;
  height?: number;
  text: string;
}

/** The canvas's section of a definition: node positions by node id and sticky notes; other keys are the canvas's own. */
export interface JourneyUi {
  positions?: Record<string, { x: number; y: number }>;
  notes?: StickyNote[];
  /** A fetch or ai step's output, by node id, as "run this step" last returned it: simulations use it and the variable picker offers its fields. */
  samples?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A plugin as the catalogue needs it: a subset of its manifest. Channel plugins are ignored. */
export interface NodePluginInfo {
  id: string;
  kind: 'datasource' | 'llm' | 'channel';
  displayName?: string;
  /** JSON Schema of what a node passes to the plugin (a fetch request, model options). */
  nodeParameters?: JsonSchema;
}
