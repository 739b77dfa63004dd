/** The event a journey's trigger step listens for, as a simulation or a step run offers it first; '' for a segment trigger or none. */
export function triggerEventName(steps: ReadonlyArray<{ type: string; config?: unknown }>): string {
  const config = steps.find((step) => step.type === 'trigger')?.config;
  return config && typeof config === 'object' && 'event' in config ? String((config as { event: unknown }).event) : '';
}
