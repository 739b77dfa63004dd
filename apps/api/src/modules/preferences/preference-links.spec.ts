import { createHmac, hkdfSync } from 'node:crypto';
import { PreferenceLinks } from './preference-links.js';

const SECRET = 's'.repeat(40);
const WORKSPACE = '7b0e9a52-1f5e-4d51-9d7b-0c6f2f0b6a11';
const OTHER_WORKSPACE = '2c1d8f3e-5a4b-4c6d-8e7f-9a0b1c2d3e4f';
const PROFILE = 'e3c4a1b2-9d8e-4f7a-b6c5-d4e3f2a1b0c9';

describe('PreferenceLinks', () => {
  const links = new PreferenceLinks(SECRET, 'https://itinera.example.com/');

  it('round-trips workspace, profile, topic and message', () => {
    const token = links.sign({ workspaceId: WORKSPACE, profileId: PROFILE, topicKey: 'product-updates', messageId: 'msg-1' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(links.verify(token)).toEqual({
      ok: true,
      claims: { workspaceId: WORKSPACE, profileId: PROFILE, topicKey: 'product-updates', messageId: 'msg-1' },
    });
    const noTopic = links.sign({ workspaceId: WORKSPACE, profileId: PROFILE, topicKey: null });
    expect(links.verify(noTopic)).toEqual({ ok: true, claims: { workspaceId: WORKSPACE, profileId: PROFILE, topicKey: null } });
  });

  it('builds the URLs under the public URL and the RFC 8058 headers', () => {
    const result = links.links({ workspaceId: WORKSPACE, profileId: PROFILE, topicKey: 'news' });
    const token = result.unsubscribeUrl.split('/').pop()!;
    expect(result.unsubscribeUrl).toBe(`https://itinera.example.com/unsubscribe/${token}`);
    expect(result.oneClickUrl).toBe(result.unsubscribeUrl);
    expect(result.preferencesUrl).toBe(`https://itinera.example.com/preferences/${token}`);
    expect(result.headers).toEqual({
      'List-Unsubscribe': `<${result.oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(links.verify(token).ok).toBe(true);
  });

  it('refuses a tampered payload or signature', () => {
    const token = links.sign({ workspaceId: WORKSPACE, profileId: PROFILE, topicKey: 'news' });
    const [payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, t: 'billing' })).toString('base64url');
    expect(links.verify(`${forged}.${signature}`)).toEqual({ ok: false, problem: 'signature' });
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    expect(links.verify(`${payload}.${flipped}`)).toEqual({ ok: false, problem: 'signature' });
    expect(links.verify(`${payload}.${signature.slice(0, 20)}`)).toEqual({ ok: false, problem: 'signature' });
    for (const garbage of ['', 'abc', 'a.b.c', `${payload}.`, `${payload}.${signature}!`, 'x'.repeat(5000)]) {
      expect(links.verify(garbage).ok).toBe(false);
    }
  });

  it('refuses a token signed with another secret, or with the secret box key', () => {
    const token = new PreferenceLinks('t'.repeat(40), 'https://x.test').sign({
      workspaceId: WORKSPACE,
      profileId: PROFILE,
      topicKey: null,
    });
    expect(links.verify(token)).toEqual({ ok: false, problem: 'signature' });
    // The link key is derived separately from the secret box key.
    const boxKey = Buffer.from(hkdfSync('sha256', SECRET, 'itinera', 'itinera secret box v1', 32));
    const payload = token.split('.')[0];
    expect(links.verify(`${payload}.${createHmac('sha256', boxKey).update(payload).digest('base64url')}`).ok).toBe(false);
  });

  it('moving a token to another workspace breaks it; a caller can require its own workspace', () => {
    const token = links.sign({ workspaceId: WORKSPACE, profileId: PROFILE, topicKey: 'news' });
    const [payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const moved = Buffer.from(JSON.stringify({ ...claims, w: OTHER_WORKSPACE })).toString('base64url');
    expect(links.verify(`${moved}.${signature}`)).toEqual({ ok: false, problem: 'signature' });
    expect(links.verify(token, { workspaceId: OTHER_WORKSPACE })).toEqual({ ok: false, problem: 'workspace' });
    expect(links.verify(token, { workspaceId: WORKSPACE }).ok).toBe(true);
  });

  it('honours an expiry, and has none by default', () => {
    const expiresAt = new Date('2026-02-01T00:00:00Z');
    const token = links.sign({ workspaceId: WORKSPACE, profileId: PROFILE, topicKey: null, expiresAt });
    expect(links.verify(token, { now: new Date('2026-01-31T23:59:59Z') })).toEqual({
      ok: true,
      claims: { workspaceId: WORKSPACE, profileId: PROFILE, topicKey: null, expiresAt },
    });
    expect(links.verify(token, { now: expiresAt })).toEqual({ ok: false, problem: 'expired' });
    const forever = links.sign({ workspaceId: WORKSPACE, profileId: PROFILE, topicKey: null });
    expect(links.verify(forever, { now: new Date('2099-01-01T00:00:00Z') }).ok).toBe(true);
  });

  it('refuses a well-signed payload of the wrong shape', () => {
    const key = Buffer.from(hkdfSync('sha256', SECRET, 'itinera', 'itinera preference links v1', 32));
    const signed = (value: unknown) => {
      const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    };
    expect(links.verify(signed({ v: 1, w: WORKSPACE, p: PROFILE, t: null })).ok).toBe(true);
    expect(links.verify(signed({ v: 2, w: WORKSPACE, p: PROFILE, t: null }))).toEqual({ ok: false, problem: 'malformed' });
    expect(links.verify(signed({ v: 1, w: 'nope', p: PROFILE, t: null }))).toEqual({ ok: false, problem: 'malformed' });
    expect(links.verify(signed({ v: 1, w: WORKSPACE, p: PROFILE, t: 'Bad Key' }))).toEqual({ ok: false, problem: 'malformed' });
    expect(links.verify(signed({ v: 1, w: WORKSPACE, p: PROFILE, t: null, x: 'soon' }))).toEqual({ ok: false, problem: 'malformed' });
    expect(links.verify(signed([1, 2]))).toEqual({ ok: false, problem: 'malformed' });
  });
});
