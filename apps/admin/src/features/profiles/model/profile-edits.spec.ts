import type { TopicPreferenceDto } from '@itinera/sdk';
import {
  channelChoice,
  searchParams,
  traitRowsProblem,
  traitsPatch,
  typedValue,
  withChannelChoice,
  withTopicChoice,
} from './profile-edits';

const topic: TopicPreferenceDto = {
  key: 'onboarding',
  name: 'Onboarding',
  description: null,
  defaultPreference: 'opted_in',
  status: 'opted_in',
  channels: { sms: 'opted_out' },
  effective: { email: 'opted_in', sms: 'opted_out' },
  updatedAt: null,
};

describe('profile edits', () => {
  it('types values as JSON when they look like it', () => {
    expect(typedValue('42')).toBe(42);
    expect(typedValue('true')).toBe(true);
    expect(typedValue('null')).toBeNull();
    expect(typedValue('{"a":1}')).toEqual({ a: 1 });
    expect(typedValue('[1, 2')).toBe('[1, 2');
    expect(typedValue('pro')).toBe('pro');
  });

  it('builds the profile search query from the mode and the text', () => {
    expect(searchParams({ mode: 'prefix', text: ' ada ', trait: '' })).toEqual({ q: 'ada' });
    expect(searchParams({ mode: 'email', text: 'ada@example.test', trait: '' })).toEqual({ email: 'ada@example.test' });
    expect(searchParams({ mode: 'trait', text: 'pro', trait: 'plan' })).toEqual({ traits: '{"plan":"pro"}' });
    expect(searchParams({ mode: 'trait', text: '5', trait: 'seats' })).toEqual({ traits: '{"seats":5}' });
    expect(searchParams({ mode: 'trait', text: 'pro', trait: '' })).toBeNull();
    expect(searchParams({ mode: 'prefix', text: '', trait: '' })).toEqual({});
  });

  it('patches only what changed, and removes deleted traits with null', () => {
    const stored = { plan: 'trial', seats: 3, company: { name: 'Acme' } };
    expect(
      traitsPatch(stored, [
        { key: 'plan', value: 'pro' },
        { key: 'company', value: '{"name":"Acme"}' },
        { key: 'vip', value: 'true' },
      ]),
    ).toEqual({ plan: 'pro', vip: true, seats: null });
    expect(
      traitsPatch(stored, [
        { key: 'plan', value: 'trial' },
        { key: 'seats', value: '3' },
        { key: 'company', value: '{"name":"Acme"}' },
      ]),
    ).toBeNull();
    expect(
      traitRowsProblem([
        { key: 'a', value: '' },
        { key: ' a', value: '' },
      ]),
    ).toMatch(/twice/);
    expect(traitRowsProblem([{ key: '', value: 'x' }])).toMatch(/name/);
  });

  it('changes one channel or the whole topic and keeps the other choices', () => {
    expect(channelChoice(topic, 'sms')).toBe('opted_out');
    expect(channelChoice(topic, 'email')).toBe('default');
    expect(withChannelChoice(topic, 'email', 'opted_out')).toEqual({
      status: 'opted_in',
      channels: { sms: 'opted_out', email: 'opted_out' },
    });
    expect(withChannelChoice(topic, 'sms', 'default')).toEqual({ status: 'opted_in', channels: {} });
    expect(withTopicChoice(topic, 'default')).toEqual({ channels: { sms: 'opted_out' } });
    expect(withTopicChoice({ ...topic, status: null }, 'opted_out')).toEqual({ status: 'opted_out', channels: { sms: 'opted_out' } });
  });
});
