/**
 * @itinera/sdk — the Itinera API client: types, fetch functions and TanStack Query hooks generated
 * from the core's OpenAPI document (`src/generated/`, by `npm run openapi`), and the fetch
 * function they all call.
 */
export * from './fetcher.js';
export * from './generated/itinera.js';
