import { KNOWN_CHANNELS } from '@itinera/plugin-sdk';
import { sampleProfile } from '../../../testing/node-step.js';
import { CONTACT_CHANNELS } from '../../profiles/contact-points.js';
import type { RenderedContent } from '../../templates/compiled-template.js';
import { TEMPLATE_CHANNELS } from '../../templates/template-content.js';
import { CHANNEL_NAMES, CHANNELS, channelsForBlocks, DEFAULT_ROUTING_ORDER, isChannel, type OutgoingMessage } from './channels.js';

const rendered = (content: Partial<RenderedContent>): RenderedContent => ({
  templateKey: 't',
  version: 1,
  channel: 'email',
  locale: null,
  ...content,
});
const outgoing = (overrides: Partial<OutgoingMessage>): OutgoingMessage => ({
  recipient: 'x',
  rendered: rendered({}),
  profile: sampleProfile(),
  unsubscribeHeaders: {},
  trackHtml: (html) => html,
  ...overrides,
});

describe('channel catalogue', () => {
  it('covers exactly the channels of the plugin contract, each once in the default routing order', () => {
    expect(Object.keys(CHANNELS).sort()).toEqual([...KNOWN_CHANNELS].sort());
    expect([...DEFAULT_ROUTING_ORDER].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('renders every channel with a template block, and uses every kind of contact point a profile holds', () => {
    for (const spec of Object.values(CHANNELS)) expect(TEMPLATE_CHANNELS).toContain(spec.block);
    const used = Object.values(CHANNELS).flatMap((spec) => (spec.contactPoint ? [spec.contactPoint] : []));
    expect([...new Set(used)].sort()).toEqual([...CONTACT_CHANNELS].sort());
  });

  it('maps template blocks to routing channels in default order (chat → Slack and Teams)', () => {
    expect(channelsForBlocks(['chat', 'email'])).toEqual(['email', 'slack', 'teams']);
    expect(channelsForBlocks(['inapp', 'sms', 'push'])).toEqual(['inapp', 'push', 'sms']);
    expect(isChannel('email')).toBe(true);
    expect(isChannel('fax')).toBe(false);
    expect(isChannel('constructor')).toBe(false);
  });

  it('finds each recipient on the profile, or none', () => {
    const profile = sampleProfile({
      email: null,
      phone: '+4915100000000',
      contactPoints: [
        { channel: 'email', value: 'point@example.com', metadata: {} },
        { channel: 'slack', value: 'U1', metadata: {} },
      ],
    });
    expect(CHANNELS.email.recipient(profile)).toBe('point@example.com');
    expect(CHANNELS.sms.recipient(profile)).toBe('+4915100000000');
    expect(CHANNELS.slack.recipient(profile)).toBe('U1');
    expect(CHANNELS.teams.recipient(profile)).toBeUndefined();
    expect(CHANNELS.push.recipient(profile)).toBeUndefined();
    expect(CHANNELS.inapp.recipient(profile)).toBe('u1');
  });

  it('shapes each provider message', () => {
    const headers = { 'List-Unsubscribe': '<https://x/unsubscribe/abc>' };
    const email = CHANNELS.email.message(
      outgoing({
        recipient: 'a@b.c',
        rendered: rendered({ email: { subject: 'Hi', preheader: '', html: '<a href="https://x/unsubscribe/abc">u</a>', text: 'hi' } }),
        unsubscribeHeaders: headers,
        trackHtml: (html, exempt) => (exempt('https://x/unsubscribe/abc') ? `${html}<!-- tracked -->` : html),
      }),
    );
    expect(email).toEqual({
      to: 'a@b.c',
      subject: 'Hi',
      html: '<a href="https://x/unsubscribe/abc">u</a><!-- tracked -->',
      text: 'hi',
      headers,
    });

    const push = CHANNELS.push.message(
      outgoing({
        recipient: 't1',
        profile: sampleProfile({
          contactPoints: [
            { channel: 'push', value: 't1', metadata: {} },
            { channel: 'push', value: 't2', metadata: {} },
          ],
        }),
        rendered: rendered({ push: { title: 'T', body: 'B', data: { k: 'v' }, imageUrl: null } }),
      }),
    );
    expect(push).toEqual({ tokens: ['t1', 't2'], title: 'T', body: 'B', data: { k: 'v' }, imageUrl: undefined });

    const teams = CHANNELS.teams.message(
      outgoing({ recipient: '{"teamId":"T","channelId":"C"}', rendered: rendered({ chat: { text: '**hi**', markdown: true } }) }),
    );
    expect(teams).toEqual({ to: { teamId: 'T', channelId: 'C' }, text: '**hi**', markdown: '**hi**' });
    expect(CHANNELS.slack.message(outgoing({ recipient: '{oops', rendered: rendered({ chat: { text: 'x', markdown: false } }) }))).toEqual({
      to: '{oops',
      text: 'x',
      markdown: undefined,
    });

    expect(() => CHANNELS.webhook.message(outgoing({ rendered: rendered({ webhook: { url: '', body: {} } }) }))).toThrow(/no url/);
    expect(() => CHANNELS.inapp.message(outgoing({}))).toThrow(/core/);
  });
});
