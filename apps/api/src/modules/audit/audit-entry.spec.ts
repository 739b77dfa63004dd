import { auditedRoute, auditTarget, REDACTED, redacted, resultSummary } from './audit-entry.js';

describe('what an audit entry says about a request', () => {
  it('names the resource and the action from the route', () => {
    expect(auditedRoute('POST', '/api/journeys')).toEqual({ resource: 'journeys', action: 'create' });
    expect(auditedRoute('PATCH', '/api/journeys/:id')).toEqual({ resource: 'journeys', action: 'update' });
    expect(auditedRoute('POST', '/api/journeys/:id/publish')).toEqual({ resource: 'journeys', action: 'publish' });
    expect(auditedRoute('DELETE', '/api/api-keys/:id')).toEqual({ resource: 'api-keys', action: 'delete' });
    expect(auditedRoute('PUT', '/api/profiles/:userId/preferences/:topicKey')).toEqual({
      resource: 'profiles',
      action: 'preferences.replace',
    });
    expect(auditedRoute('DELETE', '/api/profiles/:userId/contact-points/:contactPointId')).toEqual({
      resource: 'profiles',
      action: 'contact-points.delete',
    });
    expect(auditedRoute('POST', '/api/profiles/import')).toEqual({ resource: 'profiles', action: 'import' });
    expect(auditedRoute('PUT', '/api/settings')).toEqual({ resource: 'settings', action: 'replace' });
    expect(auditedRoute('PATCH', '/api/workspace')).toEqual({ resource: 'workspace', action: 'update' });
  });

  it("takes the route's first parameter as the target, else what was created", () => {
    expect(auditTarget({ key: 'welcome', locale: 'fr' }, undefined)).toBe('welcome');
    expect(auditTarget({}, { id: 'a1b2', name: 'x' })).toBe('a1b2');
    expect(auditTarget(undefined, { id: 'c3d4', key: 'onboarding' })).toBe('onboarding');
    expect(auditTarget({}, null)).toBeNull();
    // The answer that creates an API key carries the key itself: never the target.
    expect(auditTarget({}, { id: 'k1', key: 'itn_sk_abcdef' })).toBe('k1');
  });

  it('never keeps a secret, and cuts what is too long or too deep', () => {
    const body = {
      name: 'SMTP',
      config: { host: 'smtp.example', password: 'hunter2', authToken: 'tok', apiKey: 'k', nested: { clientSecret: 's' } },
      key: 'welcome',
      body: 'x'.repeat(5000),
      list: Array.from({ length: 60 }, (_, i) => i),
    };
    const kept = redacted(body) as typeof body & { list: unknown[] };
    expect(kept.config).toEqual({
      host: 'smtp.example',
      password: REDACTED,
      authToken: REDACTED,
      apiKey: REDACTED,
      nested: { clientSecret: REDACTED },
    });
    expect(kept.key).toBe('welcome');
    expect(kept.body).toHaveLength(2001);
    expect(kept.list).toHaveLength(51);
    expect(kept.list[50]).toBe('… 10 more');
    expect(JSON.stringify(redacted({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } }))).toContain('nested deeper');
    expect(redacted({ password: null })).toEqual({ password: null });
    expect(redacted({ 'a\u0000': 'b\u0000\ud800' })).toEqual({ 'a\uFFFD': 'b\uFFFD\uFFFD' });
  });

  it('summarises the answer in a few plain fields', () => {
    expect(resultSummary({ id: 'j1', name: 'Onboarding', version: 2, draft: { nodes: [] } })).toEqual({
      id: 'j1',
      name: 'Onboarding',
      version: 2,
    });
    expect(resultSummary({ statusCode: 400, message: 'name must be a string' })).toEqual({ message: 'name must be a string' });
    expect(resultSummary([1, 2])).toBeNull();
    expect(resultSummary({ id: 'k1', name: 'CI', key: 'itn_sk_abcdef' })).toEqual({ id: 'k1', name: 'CI', key: REDACTED });
    expect(redacted({ note: 'itn_wk_0123' })).toEqual({ note: REDACTED });
    expect(resultSummary(undefined)).toBeNull();
  });
});
