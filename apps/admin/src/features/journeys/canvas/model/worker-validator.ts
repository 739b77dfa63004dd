import type { JourneyDefinition, JourneyProblem, NodePluginInfo } from '@itinera/journey-model';
import type { Validator } from './store';

/** A validator that runs the journey model in a Web Worker (one per editor), answering in order of requests. */
export function workerValidator(): Validator {
  let worker: Worker | null = null;
  let next = 0;
  const pending = new Map<number, (problems: JourneyProblem[]) => void>();
  return (definition: JourneyDefinition, plugins: NodePluginInfo[]) => {
    if (!worker) {
      worker = new Worker(new URL('./validation.worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (event: MessageEvent<{ id: number; problems: JourneyProblem[] }>) => {
        pending.get(event.data.id)?.(event.data.problems);
        pending.delete(event.data.id);
      };
    }
    const id = ++next;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker!.postMessage({ id, definition, plugins });
    });
  };
}
