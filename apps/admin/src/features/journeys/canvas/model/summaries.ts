import { type Condition, type JourneyNode, NODE_TYPES, outputPorts } from '@itinera/journey-model';
import { formatDuration } from './durations';

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'Email',
  sms: 'SMS',
  push: 'Push',
  chat: 'Chat',
  inapp: 'In-app',
  webhook: 'Webhook',
};

const WEEKDAY_LABELS: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

const COMPARISONS: Record<string, string> = {
  '==': 'is',
  '===': 'is',
  '!=': 'is not',
  '!==': 'is not',
  '>': 'is more than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `event.properties.plan` → `plan`; `profile.traits.name` → `name`; `data.risk.label` → `risk.label`. */
export function fieldLabel(path: string): string {
  return path
    .replace(/^event\.properties\./, '')
    .replace(/^profile\.traits\./, '')
    .replace(/^data\./, '');
}

function operand(value: unknown): string {
  if (isObject(value) && 'var' in value) {
    const path = Array.isArray(value.var) ? value.var[0] : value.var;
    return fieldLabel(String(path));
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A JSON Logic condition in plain words where it is a simple one ("plan is trial and seats is more than 5"). */
export function describeCondition(condition: Condition | undefined | null): string {
  if (condition === undefined || condition === null || condition === true) return 'always';
  if (condition === false) return 'never';
  const [operator] = Object.keys(condition);
  const args = condition[operator];
  const list = Array.isArray(args) ? args : [args];
  if (operator === 'and' || operator === 'or') return list.map((item) => describeCondition(item as Condition)).join(` ${operator} `);
  if (operator === '!') return `not (${describeCondition(list[0] as Condition)})`;
  if (operator === '!!') return `${operand(list[0])} is set`;
  if (COMPARISONS[operator] && list.length === 2) {
    if (list[1] === null) return `${operand(list[0])} ${operator.startsWith('!') ? 'is set' : 'is empty'}`;
    return `${operand(list[0])} ${COMPARISONS[operator]} ${operand(list[1])}`;
  }
  if ((operator === '<' || operator === '<=') && list.length === 3)
    return `${operand(list[1])} is between ${operand(list[0])} and ${operand(list[2])}`;
  if (operator === 'in' && list.length === 2) {
    return Array.isArray(list[1])
      ? `${operand(list[0])} is one of ${list[1].map(operand).join(', ')}`
      : `${operand(list[1])} contains ${operand(list[0])}`;
  }
  return 'a condition';
}

function shortUrl(url: unknown): string {
  if (typeof url !== 'string' || url === '') return 'no URL yet';
  return url.replace(/^https?:\/\//, '');
}

/**
 * The one line a canvas node shows under its title: its config in plain words
 * ("Wait up to 3 days for feature_activated", "Email · welcome · onboarding").
 */
export function summarise(node: JourneyNode, labels: { plugins?: Record<string, string> } = {}): string {
  const config = (isObject(node.config) ? node.config : {}) as Record<string, unknown>;
  switch (node.type) {
    case 'trigger': {
      if ('segment' in config) return `When a profile comes to match: ${describeCondition(config.segment as Condition)}`;
      if ('api' in config) return 'When started through the API';
      if (typeof config.event !== 'string' || config.event === '') return 'Choose the event that starts the journey';
      return config.filter !== undefined
        ? `When ${config.event} happens, if ${describeCondition(config.filter as Condition)}`
        : `When ${config.event} happens`;
    }
    case 'send': {
      const channels = Array.isArray(config.channels)
        ? config.channels.map((c) => CHANNEL_LABELS[String(c)] ?? String(c)).join(' + ')
        : 'Template channels';
      const parts = [channels, typeof config.template === 'string' && config.template ? config.template : 'no template yet'];
      if (typeof config.topic === 'string' && config.topic) parts.push(config.topic);
      return parts.join(' · ');
    }
    case 'delay': {
      if (typeof config.seconds === 'number') return `Wait ${formatDuration(config.seconds)}`;
      if (isObject(config.until)) {
        const zone =
          config.until.timezone === 'profile' || config.until.timezone === undefined ? "the profile's time" : String(config.until.timezone);
        const days =
          Array.isArray(config.until.days) && config.until.days.length > 0
            ? ` on ${config.until.days.map((d) => WEEKDAY_LABELS[String(d)] ?? d).join(', ')}`
            : '';
        return `Wait until ${String(config.until.time ?? '--:--')} (${zone})${days}`;
      }
      if (typeof config.untilTrait === 'string') {
        const offset =
          typeof config.offsetSeconds === 'number' && config.offsetSeconds !== 0
            ? `, ${formatDuration(config.offsetSeconds).replace(/ before$/, '')} ${config.offsetSeconds < 0 ? 'before' : 'after'}`
            : '';
        return `Wait until the date in ${config.untilTrait}${offset}`;
      }
      return 'Choose how long to wait';
    }
    case 'wait_for_event': {
      const event = typeof config.event === 'string' && config.event ? config.event : 'an event';
      const timeout = typeof config.timeoutSeconds === 'number' ? `up to ${formatDuration(config.timeoutSeconds)} ` : '';
      return `Wait ${timeout}for ${event}${config.filter !== undefined ? `, if ${describeCondition(config.filter as Condition)}` : ''}`;
    }
    case 'branch': {
      const branches = Array.isArray(config.branches) ? config.branches.filter(isObject) : [];
      if (branches.length === 0) return 'Add a branch';
      return `${branches.map((b) => `${String(b.port)} if ${describeCondition(b.when as Condition)}`).join('; ')}; else default`;
    }
    case 'split': {
      const variants = Array.isArray(config.variants) ? config.variants.filter(isObject) : [];
      const total = variants.reduce((sum, v) => sum + (typeof v.weight === 'number' && v.weight > 0 ? v.weight : 0), 0);
      if (variants.length === 0 || total === 0) return 'Add variants';
      return variants
        .map((v) => `${String(v.port)} ${Math.round(((typeof v.weight === 'number' ? v.weight : 0) / total) * 100)}%`)
        .join(' · ');
    }
    case 'fetch': {
      const source = typeof config.source === 'string' ? (labels.plugins?.[config.source] ?? config.source) : 'no source yet';
      const request = isObject(config.request) ? config.request : {};
      return `${source} · ${String(request.method ?? 'GET')} ${shortUrl(request.url)}`;
    }
    case 'ai': {
      const provider = typeof config.provider === 'string' ? (labels.plugins?.[config.provider] ?? config.provider) : 'no LLM yet';
      const task = typeof config.task === 'string' ? config.task : 'generate';
      const labelsText = task === 'classify' && Array.isArray(config.labels) ? `: ${config.labels.join(', ')}` : '';
      return `${provider} · ${task}${labelsText}`;
    }
    case 'update_profile': {
      const keys = isObject(config.set) ? Object.keys(config.set) : [];
      return keys.length > 0 ? `Set ${keys.join(', ')}` : 'Choose traits to set';
    }
    case 'webhook':
      return `${String(config.method ?? 'POST')} ${shortUrl(config.url)}`;
    case 'exit':
      return 'End of the journey';
  }
}

/** The label of an output port on the canvas: catalogue labels for fixed ports, the name for branch and split ports (split with its weight). */
export function portLabels(node: JourneyNode): Array<{ port: string; label: string }> {
  const description = NODE_TYPES[node.type];
  const config = (isObject(node.config) ? node.config : {}) as Record<string, unknown>;
  const variants = node.type === 'split' && Array.isArray(config.variants) ? config.variants.filter(isObject) : [];
  const total = variants.reduce((sum, v) => sum + (typeof v.weight === 'number' && v.weight > 0 ? v.weight : 0), 0);
  return outputPorts(node).map((port) => {
    const fixed = description?.ports.find((p) => p.name === port);
    if (fixed) return { port, label: fixed.label };
    const variant = variants.find((v) => v.port === port);
    if (variant && total > 0) return { port, label: `${port} · ${Math.round(((variant.weight as number) / total) * 100)}%` };
    return { port, label: port };
  });
}
