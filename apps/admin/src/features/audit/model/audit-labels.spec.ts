import { describeAction, targetLink } from './audit-labels';

const entry = (resource: string, action: string, method = 'POST') => ({ resource, action, method });

describe('audit entries in words', () => {
  it('says what was asked, as a person would', () => {
    expect(describeAction(entry('journeys', 'publish'))).toBe('Published journey');
    expect(describeAction(entry('templates', 'update', 'PATCH'))).toBe('Changed template');
    expect(describeAction(entry('api-keys', 'delete', 'DELETE'))).toBe('Revoked API key');
    expect(describeAction(entry('profiles', 'delete', 'DELETE'))).toBe('Erased profile');
    expect(describeAction(entry('profiles', 'preferences.replace', 'PUT'))).toBe('Set the preferences of profile');
    expect(describeAction(entry('channels', 'create'))).toBe('Created provider');
    expect(describeAction(entry('settings', 'replace', 'PUT'))).toBe('Replaced delivery settings');
    expect(describeAction(entry('journeys', 'nodes.frobnicate'))).toBe('Nodes frobnicate · journey');
  });

  it('links the targets the admin can open, not deleted ones', () => {
    expect(targetLink({ resource: 'journeys', targetId: 'j1', action: 'publish' })).toBe('/journeys/j1');
    expect(targetLink({ resource: 'profiles', targetId: 'ada lovelace', action: 'update' })).toBe('/profiles/ada%20lovelace');
    expect(targetLink({ resource: 'templates', targetId: 'welcome', action: 'delete' })).toBeNull();
    expect(targetLink({ resource: 'api-keys', targetId: 'k1', action: 'update' })).toBeNull();
  });
});
