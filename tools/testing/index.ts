// The test harness shared by every project's tests and the benchmarks: real API processes on free
// ports, the system Chromium, Redis key clean-up. Imported by name: `@itinera/testing`.
export * from './api-process.js';
export * from './browser.js';
export { deleteKeysMatching } from './redis-keys.js';
