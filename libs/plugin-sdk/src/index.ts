/**
 * @itinera/plugin-sdk — the contract between Itinera and its channel, data-source and LLM
 * plugins, with helpers to write them and a conformance kit to test them.
 */
export * from './channel.js';
export * from './conformance.js';
export * from './context.js';
export * from './datasource.js';
export * from './define.js';
export * from './errors.js';
export * from './guarded-http.js';
export * from './json-schema.js';
export * from './llm.js';
export * from './manifest.js';
export * from './network-policy.js';
