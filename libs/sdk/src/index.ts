/**
 * @itinera/sdk — the Itinera API client: `Itinera`, the client for backends (`itinera.ts`); and
 * the types, fetch functions and TanStack Query hooks generated from the core's OpenAPI document
 * (`src/generated/`, by `npm run openapi`), with the fetch function they all call.
 */
export * from './fetcher.js';
export * from './generated/itinera.js';
export { type IdentifyCall, Itinera, type ItineraOptions, type TrackCall } from './itinera.js';
