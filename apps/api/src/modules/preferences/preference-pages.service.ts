import { Inject, Injectable } from '@nestjs/common';
import {
  maskEmail,
  type PreferencePageModel,
  renderPreferencePage,
  renderProblemPage,
  renderUnsubscribePage,
} from './preference-pages.html.js';
import { type LinkClaims, PreferenceLinks } from './preference-links.js';
import { ALL, CHANNEL_NAME, topicStatus, TOPIC_KEY } from './preference-rules.js';
import { type PageChoices, PreferencesService, type Recipient } from './preferences.service.js';
import { TopicsService } from './topics.service.js';

/** What a hosted page answers: an HTML page with its status, or a redirect after a saved form. */
export type PageAnswer = { status: number; html: string } | { redirect: string };

type Form = Record<string, string | string[] | undefined>;

const ONE_CLICK = /List-Unsubscribe\s*=\s*One-Click/i;

/**
 * The pages recipients reach from signed links, without logging in: the preference page
 * (GET shows, POST saves) and the unsubscribe page (GET confirms and changes nothing, since mail
 * scanners prefetch links; POST — the button or an RFC 8058 one-click — unsubscribes).
 * A bad, expired or tampered link gets a page saying what to do, never an error.
 */
@Injectable()
export class PreferencePagesService {
  constructor(
    @Inject(PreferenceLinks) private readonly links: PreferenceLinks,
    @Inject(PreferencesService) private readonly preferences: PreferencesService,
    @Inject(TopicsService) private readonly topics: TopicsService,
  ) {}

  async preferencePage(token: string, saved: boolean): Promise<PageAnswer> {
    return this.withLink(token, async (claims, recipient) => {
      const model = await this.pageModel(claims, recipient, saved);
      return { status: 200, html: renderPreferencePage(model) };
    });
  }

  async savePreferences(token: string, form: Form): Promise<PageAnswer> {
    return this.withLink(token, async (claims) => {
      await this.preferences.applyPageChoices(claims.workspaceId, claims.profileId, parsePageForm(form));
      return { redirect: '?saved=1' };
    });
  }

  async unsubscribePage(token: string): Promise<PageAnswer> {
    return this.withLink(token, async (claims, recipient) => ({
      status: 200,
      html: await this.unsubscribeHtml(token, claims, recipient, 'confirm'),
    }));
  }

  /** POST: the page's button or a one-click request (`List-Unsubscribe=One-Click` in the body, any content type). */
  async unsubscribe(token: string, body: string): Promise<PageAnswer> {
    return this.withLink(token, async (claims, recipient) => {
      const source = ONE_CLICK.test(body) ? 'one_click' : 'unsubscribe_link';
      await this.preferences.unsubscribe(claims.workspaceId, claims.profileId, claims.topicKey, source, claims.messageId);
      return { status: 200, html: await this.unsubscribeHtml(token, claims, recipient, 'done') };
    });
  }

  private async withLink(token: string, answer: (claims: LinkClaims, recipient: Recipient) => Promise<PageAnswer>): Promise<PageAnswer> {
    const check = this.links.verify(token);
    if (!check.ok) {
      return check.problem === 'expired'
        ? {
            status: 400,
            html: renderProblemPage(
              'This link has expired',
              'Use the link in a more recent message to manage your preferences or unsubscribe.',
            ),
          }
        : {
            status: 400,
            html: renderProblemPage(
              'This link is not valid',
              'It may have been cut short or changed. Open it again from the message you received, or copy the whole address into your browser.',
            ),
          };
    }
    const recipient = await this.preferences.recipient(check.claims.workspaceId, check.claims.profileId);
    if (!recipient) {
      return {
        status: 404,
        html: renderProblemPage(
          'This link no longer applies',
          'The address it was sent to is no longer on the list, so there is nothing left to change.',
        ),
      };
    }
    return answer(check.claims, recipient);
  }

  private async pageModel(claims: LinkClaims, recipient: Recipient, saved: boolean): Promise<PreferencePageModel> {
    const [matrix, channels] = await Promise.all([
      this.preferences.forProfile(claims.workspaceId, claims.profileId),
      this.preferences.pageChannels(claims.workspaceId, claims.profileId),
    ]);
    const unsubscribed = new Set(matrix.unsubscribedChannels);
    return {
      workspaceName: recipient.workspaceName,
      recipient: shownRecipient(recipient),
      channels: channels.map((channel) => ({ channel, on: !unsubscribed.has(channel) && !unsubscribed.has(ALL) })),
      topics: matrix.topics.map((topic) => {
        const choices = [
          ...(topic.status ? [{ topicKey: topic.key, channel: ALL, status: topic.status }] : []),
          ...Object.entries(topic.channels).map(([channel, status]) => ({ topicKey: topic.key, channel, status })),
        ];
        return {
          key: topic.key,
          name: topic.name,
          description: topic.description,
          required: topic.defaultPreference === 'required',
          current: topic.key === claims.topicKey,
          boxes: channels.map((channel) => ({ channel, on: topicStatus(topic, choices, channel) === 'opted_in' })),
        };
      }),
      saved,
    };
  }

  private async unsubscribeHtml(token: string, claims: LinkClaims, recipient: Recipient, state: 'confirm' | 'done'): Promise<string> {
    const topic = claims.topicKey ? await this.topics.find(claims.workspaceId, claims.topicKey) : null;
    return renderUnsubscribePage({
      workspaceName: recipient.workspaceName,
      recipient: shownRecipient(recipient),
      topicName: claims.topicKey ? (topic?.name ?? claims.topicKey) : null,
      required: topic?.defaultPreference === 'required',
      state,
      preferencesHref: `../preferences/${token}`,
    });
  }
}

function shownRecipient(recipient: Recipient): string | null {
  return recipient.email ? maskEmail(recipient.email) : null;
}

function values(form: Form, name: string): string[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .filter((v): v is string => typeof v === 'string')
    .slice(0, 2000);
}

/** The page's form: `box` lists every topic box shown, `on` the ticked ones; `offered` every channel toggle, `receive` the ticked ones. */
export function parsePageForm(form: Form): PageChoices {
  const on = new Set(values(form, 'on'));
  const topics = [...new Set(values(form, 'box'))].flatMap((box) => {
    const [topicKey, channel, extra] = box.split(':');
    return extra === undefined && TOPIC_KEY.test(topicKey ?? '') && CHANNEL_NAME.test(channel ?? '')
      ? [{ topicKey, channel, on: on.has(box) }]
      : [];
  });
  const receive = new Set(values(form, 'receive'));
  const channels = [...new Set(values(form, 'offered'))]
    .filter((channel) => CHANNEL_NAME.test(channel))
    .map((channel) => ({ channel, on: receive.has(channel) }));
  return { topics, channels };
}
