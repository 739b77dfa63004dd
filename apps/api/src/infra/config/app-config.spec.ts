import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/itinera',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ITINERA_ROLE: 'all',
      NODE_ENV: 'development',
    });
    expect(config.runsApi && config.runsWorker).toBe(true);
    expect(config.seedsDemo).toBe(true);
    expect(config.usesDevelopmentSecret).toBe(true);
  });

  it('parses numbers, booleans and roles', () => {
    const config = loadConfig({ PORT: '8080', ITINERA_ROLE: 'worker', ITINERA_DEMO: 'false', ITINERA_WORKER_CONCURRENCY: '4' });
    expect(config.PORT).toBe(8080);
    expect(config.runsApi).toBe(false);
    expect(config.seedsDemo).toBe(false);
    expect(config.ITINERA_WORKER_CONCURRENCY).toBe(4);
  });

  it('fails fast naming every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', ITINERA_ROLE: 'both', DATABASE_URL: 'mysql://x', ITINERA_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'ITINERA_ROLE', 'DATABASE_URL', 'ITINERA_SECRET']) expect(message).toContain(name);
  });

  it('requires ITINERA_SECRET outside development', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ITINERA_SECRET is required/);
    expect(loadConfig({ NODE_ENV: 'production', ITINERA_SECRET: 'x'.repeat(32) }).seedsDemo).toBe(false);
  });

  it('requires the admin e-mail and password together and well-formed bootstrap keys', () => {
    expect(() => loadConfig({ ITINERA_ADMIN_EMAIL: 'a@b.c' })).toThrow(/must be set together/);
    expect(() => loadConfig({ ITINERA_BOOTSTRAP_SECRET_KEY: 'itn_wk_abcdefghijklmnop' })).toThrow(/ITINERA_BOOTSTRAP_SECRET_KEY/);
    expect(loadConfig({ ITINERA_BOOTSTRAP_SECRET_KEY: 'itn_sk_abcdefghijklmnop' }).ITINERA_BOOTSTRAP_SECRET_KEY).toBe(
      'itn_sk_abcdefghijklmnop',
    );
  });
});
