/// <reference lib="webworker" />
// Validates journeys off the main thread: compiling the config schemas the first time takes
// hundreds of milliseconds, and a large journey's every edit some more.
import { type JourneyDefinition, type NodePluginInfo, validateJourney } from '@itinera/journey-model';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = (event: MessageEvent<{ id: number; definition: JourneyDefinition; plugins: NodePluginInfo[] }>) => {
  const { id, definition, plugins } = event.data;
  self.postMessage({ id, problems: validateJourney(definition, { plugins }).problems });
};
