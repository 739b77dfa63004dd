import { collectPatches, type PlacedEvent } from './profile-patches.js';
import { normalizeEvent } from './segment-event.js';

const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const WS = 'ws-1';

function placed(profileId: string, raw: Record<string, unknown>): PlacedEvent {
  const result = normalizeEvent({ userId: 'u', ...raw }, { receivedAt });
  if (!result.ok) throw new Error(result.reason);
  return { event: result.event, profileId };
}

describe('collectPatches', () => {
  it('folds identify traits in event order (later values win) and extracts contact facts', () => {
    const { profiles, contactPoints, changes } = collectPatches(WS, [
      placed('p1', { type: 'identify', traits: { plan: 'trial', email: 'Ada@Example.test', seats: 1 }, timestamp: '2026-03-01T10:00:00Z' }),
      placed('p1', { type: 'track', event: 'x', timestamp: '2026-03-01T11:00:00Z' }),
      placed('p1', {
        type: 'identify',
        traits: { plan: 'pro', phone: '+33 6 12 34 56 78', timezone: 'Europe/Paris' },
        timestamp: '2026-03-01T09:00:00Z',
      }),
    ]);
    expect(profiles).toEqual([
      {
        id: 'p1',
        traits: { plan: 'pro', email: 'Ada@Example.test', seats: 1, phone: '+33 6 12 34 56 78', timezone: 'Europe/Paris' },
        email: 'ada@example.test',
        phone: '+33612345678',
        timezone: 'Europe/Paris',
        locale: null,
        ctz: null,
        cloc: null,
        grp: null,
        seen: Date.parse('2026-03-01T11:00:00Z'),
        changes: true,
      },
    ]);
    expect(contactPoints).toEqual([
      { profile_id: 'p1', channel: 'email', value: 'ada@example.test', metadata: {} },
      { profile_id: 'p1', channel: 'sms', value: '+33612345678', metadata: {} },
    ]);
    expect(changes).toEqual([
      {
        workspaceId: WS,
        profileId: 'p1',
        kind: 'profile_updated',
        payload: { traits: ['plan', 'email', 'seats', 'phone', 'timezone'], accountGroupId: null },
      },
    ]);
  });

  it('a track-only profile changes only its last-seen time and context zone/locale, and publishes no change', () => {
    const { profiles, changes, contactPoints } = collectPatches(WS, [
      placed('p2', { type: 'track', event: 'a', context: { timezone: 'America/New_York', locale: 'en-US' } }),
      placed('p2', { type: 'page', name: 'Home', context: { timezone: 'Not/AZone', device: { token: 'tok-1', type: 'ios' } } }),
    ]);
    expect(profiles[0]).toMatchObject({
      id: 'p2',
      traits: {},
      ctz: 'America/New_York',
      cloc: 'en-US',
      seen: receivedAt.getTime(),
      changes: false,
    });
    expect(contactPoints).toEqual([expect.objectContaining({ profile_id: 'p2', channel: 'push', value: 'tok-1' })]);
    expect(changes).toEqual([]);
  });

  it('group calls make accounts (traits merged per group) and move the profile into the last one', () => {
    const { profiles, accounts, changes } = collectPatches(WS, [
      placed('p3', { type: 'group', groupId: 'acme', traits: { tier: 'gold', seats: 10 } }),
      placed('p4', { type: 'group', groupId: 'acme', traits: { seats: 12 } }),
      placed('p4', { type: 'group', groupId: 'initech', traits: {} }),
    ]);
    expect(accounts).toEqual([
      { group_id: 'acme', traits: { tier: 'gold', seats: 12 } },
      { group_id: 'initech', traits: {} },
    ]);
    expect(profiles.map((p) => [p.id, p.grp, p.changes, p.traits])).toEqual([
      ['p3', 'acme', true, {}],
      ['p4', 'initech', true, {}],
    ]);
    expect(changes.map((c) => [c.profileId, c.payload])).toEqual([
      ['p3', { traits: [], accountGroupId: 'acme' }],
      ['p4', { traits: [], accountGroupId: 'initech' }],
    ]);
  });

  it('lists profiles in id order, the order the profile statement locks them in', () => {
    const ids = ['c', 'a', 'b', 'a'];
    expect(
      collectPatches(
        WS,
        ids.map((id) => placed(id, { type: 'track', event: 'x' })),
      ).profiles.map((p) => p.id),
    ).toEqual(['a', 'b', 'c']);
  });
});
