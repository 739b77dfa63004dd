import { escapeHtml, maskEmail, renderPreferencePage, renderUnsubscribePage } from './preference-pages.html.js';
import { parsePageForm } from './preference-pages.service.js';

describe('hosted preference pages', () => {
  const model = {
    workspaceName: 'Acme <Corp>',
    recipient: maskEmail('ada@example.test'),
    channels: [
      { channel: 'email', on: true },
      { channel: 'sms', on: false },
    ],
    topics: [
      {
        key: 'news',
        name: 'News & "updates"',
        description: '<script>alert(1)</script>',
        required: false,
        current: true,
        boxes: [
          { channel: 'email', on: true },
          { channel: 'sms', on: false },
        ],
      },
      {
        key: 'billing',
        name: 'Billing',
        description: null,
        required: true,
        current: false,
        boxes: [
          { channel: 'email', on: true },
          { channel: 'sms', on: true },
        ],
      },
    ],
    saved: true,
  };

  it('escapes everything it shows', () => {
    const html = renderPreferencePage(model);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Acme &lt;Corp&gt;');
    expect(html).toContain('News &amp; &quot;updates&quot;');
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('renders a form of check boxes: required topics locked, choices ticked, no script', () => {
    const html = renderPreferencePage(model);
    expect(html).toContain('<form method="post" action="">');
    expect(html).toContain('<input type="checkbox" name="on" value="news:email" checked');
    expect(html).toMatch(/<input type="checkbox" name="on" value="news:sms" aria-label/);
    expect(html).not.toContain('value="billing:email"');
    expect(html).toContain('checked disabled aria-label="Billing by E-mail (always sent)"');
    expect(html).toContain('<input type="checkbox" name="receive" value="email" checked>');
    expect(html).toContain('<input type="checkbox" name="receive" value="sms">');
    expect(html).toContain('Your preferences are saved.');
    expect(html).toContain('<tr class="current">');
    expect(html).not.toMatch(/<script/i);
  });

  it('masks the address', () => {
    expect(maskEmail('ada@example.test')).toBe('a••@example.test');
    expect(maskEmail('a@example.test')).toBe('a••@example.test');
    expect(maskEmail('alexandra.long.name@example.test')).toBe('a••••••@example.test');
    expect(maskEmail('nonsense')).toBe('•••');
  });

  it('the unsubscribe confirmation has a button and changes nothing by itself', () => {
    const confirm = renderUnsubscribePage({
      workspaceName: 'Acme',
      recipient: null,
      topicName: 'News',
      required: false,
      state: 'confirm',
      preferencesHref: '../preferences/t.k',
    });
    expect(confirm).toContain('Unsubscribe from “News” messages?');
    expect(confirm).toContain('<form method="post" action="">');
    expect(confirm).toContain('href="../preferences/t.k"');
    const required = renderUnsubscribePage({
      workspaceName: 'Acme',
      recipient: null,
      topicName: 'Billing',
      required: true,
      state: 'confirm',
      preferencesHref: 'x',
    });
    expect(required).toContain('are always sent');
    expect(required).not.toContain('<form');
    const all = renderUnsubscribePage({
      workspaceName: 'Acme',
      recipient: 'a••@x.test',
      topicName: null,
      required: false,
      state: 'done',
      preferencesHref: 'x',
    });
    expect(all).toContain('You are unsubscribed');
    expect(all).toContain('no longer send you e-mail');
  });

  it('reads the submitted form, ignoring what it does not know', () => {
    expect(
      parsePageForm({
        box: ['news:email', 'news:sms', 'Bad Key:email', 'news:email:extra', 'news'],
        on: ['news:email', 'billing:email'],
        offered: ['email', 'sms', '*', 'SMS'],
        receive: 'sms',
        other: 'x',
      }),
    ).toEqual({
      topics: [
        { topicKey: 'news', channel: 'email', on: true },
        { topicKey: 'news', channel: 'sms', on: false },
      ],
      channels: [
        { channel: 'email', on: false },
        { channel: 'sms', on: true },
      ],
    });
    expect(parsePageForm({})).toEqual({ topics: [], channels: [] });
  });
});
