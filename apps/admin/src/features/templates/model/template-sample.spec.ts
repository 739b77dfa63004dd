import { inlineProfileText, parseSample, type SampleInput } from './template-sample';

const base: SampleInput = { profileMode: 'user', userId: ' ada ', profileText: '', eventText: '', dataText: '{}' };

describe('the sample a template preview renders with', () => {
  it('takes a profile of the workspace by user id, and the event and data as JSON objects', () => {
    expect(parseSample({ ...base, eventText: '{"event": "signed_up", "properties": {"plan": "pro"}}' })).toEqual({
      userId: 'ada',
      event: { event: 'signed_up', properties: { plan: 'pro' } },
      data: {},
      problems: [],
    });
  });

  it('takes a made-up profile as JSON instead, with no user id', () => {
    const parsed = parseSample({ ...base, profileMode: 'inline', profileText: '{"locale": "fr", "traits": {"first_name": "Grace"}}' });
    expect(parsed).toEqual({ profile: { locale: 'fr', traits: { first_name: 'Grace' } }, event: undefined, data: {}, problems: [] });
  });

  it('says where the JSON is broken and what must be an object', () => {
    const parsed = parseSample({ ...base, profileMode: 'inline', profileText: '{"traits": ', dataText: '[1]' });
    expect(parsed.profile).toEqual({});
    expect(parsed.problems).toEqual([expect.stringMatching(/^Profile: line 1, column \d+: /), 'Data must be a JSON object']);
  });

  it('starts a made-up profile from the chosen one, or from a sample person', () => {
    expect(JSON.parse(inlineProfileText({ email: 'kim@example.test', locale: 'de', traits: { plan: 'pro' } }))).toEqual({
      email: 'kim@example.test',
      phone: null,
      timezone: null,
      locale: 'de',
      traits: { plan: 'pro' },
    });
    expect(JSON.parse(inlineProfileText()).traits).toEqual({ first_name: 'Ada', plan: 'trial' });
  });
});
