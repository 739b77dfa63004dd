import { fromHttpStatus, isPluginError, parseRetryAfter, PermanentError, PluginError, RetryableError, toPluginError } from './errors.js';

describe('fromHttpStatus', () => {
  it.each([
    [429, true, 'rate_limited'],
    [408, true, 'timeout'],
    [500, true, 'provider_error'],
    [502, true, 'provider_error'],
    [503, true, 'provider_error'],
    [529, true, 'provider_error'],
    [400, false, 'invalid_request'],
    [401, false, 'auth'],
    [403, false, 'auth'],
    [404, false, 'not_found'],
    [409, false, 'conflict'],
    [410, false, 'invalid_request'],
    [422, false, 'invalid_request'],
    [0, true, 'network'],
  ])('maps HTTP %i to retryable=%s code=%s', (status, retryable, code) => {
    const error = fromHttpStatus(status, 'provider said no');
    expect(error).toBeInstanceOf(retryable ? RetryableError : PermanentError);
    expect(error).toMatchObject({ retryable, code, message: 'provider said no' });
    if (status) expect(error.providerStatus).toBe(status);
  });

  it('carries Retry-After as milliseconds', () => {
    expect(fromHttpStatus(429, undefined, { retryAfter: '12' }).retryAfterMs).toBe(12_000);
    expect(fromHttpStatus(503, undefined, { retryAfter: 2 }).retryAfterMs).toBe(2000);
    expect(fromHttpStatus(429).message).toBe('Provider answered HTTP 429');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('PluginError', () => {
  it('serialises without its cause', () => {
    const error = new RetryableError('busy', { code: 'rate_limited', retryAfterMs: 1000, providerStatus: 429, cause: new Error('x') });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'RetryableError',
      message: 'busy',
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 1000,
      providerStatus: 429,
    });
    expect(error).toBeInstanceOf(PluginError);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('has default codes', () => {
    expect(new RetryableError('a').code).toBe('retryable_failure');
    expect(new PermanentError('a').code).toBe('permanent_failure');
  });

  it('recognises PluginErrors from another copy of the SDK by their brand', () => {
    const foreign = Object.assign(new Error('x'), { retryable: true, code: 'network' });
    expect(isPluginError(foreign)).toBe(false);
    Object.defineProperty(foreign, Symbol.for('itinera.plugin-error'), { value: true });
    expect(isPluginError(foreign)).toBe(true);
    expect(isPluginError(null)).toBe(false);
  });
});

describe('toPluginError', () => {
  it('passes PluginErrors through', () => {
    const error = new PermanentError('no');
    expect(toPluginError(error)).toBe(error);
  });

  it('treats aborts, timeouts and network failures as retryable', () => {
    expect(toPluginError(new DOMException('gone', 'AbortError'))).toMatchObject({ retryable: true, code: 'aborted' });
    expect(toPluginError(new DOMException('slow', 'TimeoutError'))).toMatchObject({ retryable: true, code: 'timeout' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toPluginError(refused)).toMatchObject({ retryable: true, code: 'network' });
    const wrapped = new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    expect(toPluginError(wrapped)).toMatchObject({ retryable: true, code: 'network' });
  });

  it('treats anything else as a permanent internal error', () => {
    expect(toPluginError(new TypeError('x is undefined'))).toMatchObject({ retryable: false, code: 'internal', message: 'x is undefined' });
    expect(toPluginError('weird', 'send failed')).toMatchObject({ retryable: false, message: 'send failed' });
  });
});
