import { type ChannelMessage, KNOWN_CHANNELS, type KnownChannel } from '@itinera/plugin-sdk';
import type { ContactChannel } from '../../profiles/contact-points.js';
import type { ProfileView } from '../../profiles/profile-view.js';
import type { RenderedContent } from '../../templates/compiled-template.js';
import type { TemplateChannel } from '../../templates/template-content.js';

/** What a channel turns into the message its provider plugins receive. */
export interface OutgoingMessage {
  recipient: string;
  rendered: RenderedContent;
  profile: ProfileView;
  /** Headers every e-mail carries (List-Unsubscribe and its one-click form). */
  unsubscribeHeaders: Record<string, string>;
  /** Rewrites an e-mail's links for click and open tracking; `exempt` links are left as they are. */
  trackHtml(html: string, exempt: (url: string) => boolean): string;
}

export interface ChannelSpec {
  /** The template block that renders this channel. */
  block: TemplateChannel;
  /** The kind of contact point the profile needs; null: none (in-app goes to the profile, webhook to the template's URL). */
  contactPoint: ContactChannel | null;
  /** Whether provider plugins configured in the workspace carry it; in-app messages are delivered by the core itself. */
  viaProvider: boolean;
  /** The address it delivers to, or undefined when the profile has none. */
  recipient(profile: ProfileView): string | undefined;
  /** The message handed to the provider plugin (throws when the rendered content cannot make one). */
  message(outgoing: OutgoingMessage): ChannelMessage;
}

const contactPoint = (profile: ProfileView, channel: ContactChannel) => profile.contactPoints.find((p) => p.channel === channel)?.value;

const chat = (channel: 'slack' | 'teams'): ChannelSpec => ({
  block: 'chat',
  contactPoint: channel,
  viaProvider: true,
  recipient: (profile) => contactPoint(profile, channel),
  // Templates write chat text in Markdown (when `markdown` is on); providers that render it use `markdown`.
  message: ({ recipient, rendered }) => ({
    to: parseChatAddress(recipient),
    text: rendered.chat!.text,
    markdown: rendered.chat!.markdown ? rendered.chat!.text : undefined,
  }),
});

/**
 * Every channel the core routes (the plugin contract's `KNOWN_CHANNELS`, so a channel cannot be
 * added on one side only): the template block that renders it, the contact point it needs, its
 * recipient and the message shape its providers receive. Lists of channels elsewhere (the send
 * DTO's, preference channels, routing order) derive from this one.
 */
export const CHANNELS: Readonly<Record<KnownChannel, ChannelSpec>> = {
  email: {
    block: 'email',
    contactPoint: 'email',
    viaProvider: true,
    recipient: (profile) => profile.email ?? contactPoint(profile, 'email'),
    message: ({ recipient, rendered, unsubscribeHeaders, trackHtml }) => {
      const email = rendered.email!;
      const unsubscribeUrls = Object.values(unsubscribeHeaders).join(' ');
      const html = trackHtml(
        email.html,
        (url) => unsubscribeUrls.includes(url) || url.includes('/unsubscribe/') || url.includes('/preferences/'),
      );
      return { to: recipient, subject: email.subject, html, text: email.text, headers: unsubscribeHeaders };
    },
  },
  sms: {
    block: 'sms',
    contactPoint: 'sms',
    viaProvider: true,
    recipient: (profile) => profile.phone ?? contactPoint(profile, 'sms'),
    message: ({ recipient, rendered }) => ({ to: recipient, body: rendered.sms!.body }),
  },
  push: {
    block: 'push',
    contactPoint: 'push',
    viaProvider: true,
    recipient: (profile) => contactPoint(profile, 'push'),
    message: ({ recipient, rendered, profile }) => {
      const tokens = profile.contactPoints.filter((c) => c.channel === 'push').map((c) => c.value);
      const push = rendered.push!;
      return {
        tokens: tokens.length ? tokens : [recipient],
        title: push.title,
        body: push.body,
        data: push.data,
        imageUrl: push.imageUrl ?? undefined,
      };
    },
  },
  slack: chat('slack'),
  teams: chat('teams'),
  webhook: {
    block: 'webhook',
    contactPoint: null,
    viaProvider: true,
    recipient: () => 'webhook',
    message: ({ rendered }) => {
      const { url, body } = rendered.webhook!;
      if (!url) throw new Error("the template's webhook block has no url");
      return { url, body };
    },
  },
  inapp: {
    block: 'inapp',
    contactPoint: null,
    viaProvider: false,
    recipient: (profile) => profile.userId ?? profile.id,
    message: () => {
      throw new Error('in-app messages are delivered by the core, not by a provider');
    },
  },
};

/** Every routing channel name, as the API accepts them. */
export const CHANNEL_NAMES: readonly KnownChannel[] = KNOWN_CHANNELS;

/** Routing order when a send names no channels: the template's channels in this order. */
export const DEFAULT_ROUTING_ORDER: readonly KnownChannel[] = ['inapp', 'email', 'push', 'sms', 'slack', 'teams', 'webhook'];

export function isChannel(name: string): name is KnownChannel {
  return Object.hasOwn(CHANNELS, name);
}

/** The routing channels a template's blocks can render, in default routing order. */
export function channelsForBlocks(blocks: readonly string[]): KnownChannel[] {
  return DEFAULT_ROUTING_ORDER.filter((channel) => blocks.includes(CHANNELS[channel].block));
}

/** A Teams channel is stored as JSON `{ "teamId", "channelId" }`; other chat addresses are plain ids. */
function parseChatAddress(value: string): string | { teamId: string; channelId: string } {
  if (value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as { teamId?: unknown; channelId?: unknown };
      if (typeof parsed.teamId === 'string' && typeof parsed.channelId === 'string')
        return { teamId: parsed.teamId, channelId: parsed.channelId };
    } catch {
      // a plain id after all
    }
  }
  return value;
}
