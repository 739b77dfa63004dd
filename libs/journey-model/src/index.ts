/**
 * @itinera/journey-model — the journey definition shared by the API, the engine and the canvas:
 * its types, the node catalogue (ports and config schemas), validation, conditions and graph
 * helpers. Pure: runs in Node and in the browser.
 */
export * from './catalogue.js';
export * from './conditions.js';
export * from './graph.js';
export * from './split.js';
export * from './time-zones.js';
export * from './types.js';
export * from './validate.js';
