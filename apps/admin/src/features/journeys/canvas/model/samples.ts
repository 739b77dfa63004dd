// Sample outputs of fetch and ai steps, kept with the draft (`ui.samples`): "run this step" stores
// what the real call returned, simulations use it instead of a made-up output, and the variable
// picker offers its fields (`data.health.body.score`).

const MAX_ITEMS = 3;
const MAX_KEYS = 50;
const MAX_STRING = 500;
const MAX_DEPTH = 6;

/**
 * An output cut down to what a sample needs: its shape and a few values. Arrays keep their first
 * items, long strings are shortened, deep or wide objects are cut, so a large API answer does not
 * bloat every save of the draft.
 */
export function compactSample(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? [] : {};
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => compactSample(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, MAX_KEYS)
      .map(([key, inner]) => [key, compactSample(inner, depth + 1)]),
  );
}

/** The samples of the steps that still exist; anything else in `ui.samples` is dropped. */
export function samplesFor(samples: unknown, stepIds: Iterable<string>): Record<string, unknown> {
  if (typeof samples !== 'object' || samples === null || Array.isArray(samples)) return {};
  const kept: Record<string, unknown> = {};
  for (const id of stepIds) if (Object.hasOwn(samples, id)) kept[id] = (samples as Record<string, unknown>)[id];
  return kept;
}

/** The output a simulation assumes for a fetch or ai step nobody has run yet. */
export function madeUpSample(node: { type: string; config?: unknown }): unknown {
  const config = (node.config ?? {}) as { task?: string; labels?: string[]; schema?: { properties?: Record<string, unknown> } };
  if (node.type === 'fetch') return { status: 200, body: {} };
  if (config.task === 'classify') return { label: config.labels?.[0] ?? 'yes' };
  if (config.task === 'score') return { score: 0.5 };
  if (config.task === 'extract') return Object.fromEntries(Object.keys(config.schema?.properties ?? {}).map((key) => [key, null]));
  return { text: 'A sample answer' };
}
