import { toPluginError } from '@itinera/plugin-sdk';
import type { NodeResult } from './node-handler.js';

/** A fetch, ai or webhook call that failed: the run goes on through `error`, with what went wrong as the step's output. */
export function errorPort(error: unknown): NodeResult {
  const failure = toPluginError(error);
  return { kind: 'next', port: 'error', output: { error: failure.message, code: failure.code, retryable: failure.retryable } };
}
