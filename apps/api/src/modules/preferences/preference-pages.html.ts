/**
 * The hosted pages recipients reach from a signed link: server-rendered HTML that works without
 * JavaScript. Every value is escaped; forms post back to the page's own URL.
 */

export interface PreferencePageModel {
  workspaceName: string;
  /** Masked address or user id the page is for. */
  recipient: string | null;
  channels: Array<{ channel: string; on: boolean }>;
  topics: Array<{
    key: string;
    name: string;
    description: string | null;
    required: boolean;
    /** The topic of the message the link came with. */
    current: boolean;
    boxes: Array<{ channel: string; on: boolean }>;
  }>;
  saved: boolean;
}

export interface UnsubscribePageModel {
  workspaceName: string;
  recipient: string | null;
  /** Name of the topic; null: all e-mail. */
  topicName: string | null;
  required: boolean;
  state: 'confirm' | 'done';
  /** Relative link to the preference page. */
  preferencesHref: string;
}

const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail',
  sms: 'SMS',
  push: 'Push',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  inapp: 'In-app',
  webhook: 'Webhook',
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `ada@example.com` → `a••@example.com`: enough for recipients to recognise their address, not more. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  const local = email.slice(0, at);
  return `${local[0]}${'•'.repeat(Math.min(Math.max(local.length - 1, 2), 6))}${email.slice(at)}`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:32px 16px;background:#f4f5f7;color:#1c2024;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:680px;margin:0 auto;background:#fff;border:1px solid #e3e5e8;border-radius:12px;padding:32px}
h1{margin:0 0 4px;font-size:1.5rem;line-height:1.3}
p{margin:0 0 16px}
.muted{color:#5b6470}
.notice{padding:12px 16px;border-radius:8px;background:#e8f5ec;color:#1d5c31;margin:0 0 20px}
table{width:100%;border-collapse:collapse;margin:8px 0 24px}
th,td{padding:12px 8px;border-bottom:1px solid #eceef0;text-align:left;vertical-align:top}
thead th{font-size:.8rem;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:#5b6470}
td.box,thead th.box{text-align:center;width:1%;white-space:nowrap}
tr.current th[scope=row]{box-shadow:inset 3px 0 0 #3d63dd}
.name{display:block;font-weight:600}
.desc{display:block;color:#5b6470;font-size:.9rem}
.tag{display:inline-block;margin-top:4px;padding:0 8px;border-radius:999px;background:#eef1fd;color:#2f4eb2;font-size:.75rem;font-weight:600}
input[type=checkbox]{width:20px;height:20px;accent-color:#3d63dd}
fieldset{border:1px solid #e3e5e8;border-radius:8px;padding:12px 16px 4px;margin:0 0 24px}
legend{font-weight:600;padding:0 4px}
fieldset label{display:flex;gap:10px;align-items:center;margin:0 0 8px}
button{font:inherit;font-weight:600;border:0;border-radius:8px;padding:10px 20px;background:#3d63dd;color:#fff;cursor:pointer}
button:hover{background:#2f4eb2}
button.danger{background:#c62a2f}
button.danger:hover{background:#a1151a}
a{color:#3d63dd}
footer{margin-top:24px;font-size:.85rem;color:#5b6470}
@media (max-width:520px){main{padding:20px}th,td{padding:10px 4px}}
`;

function layout(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body><main>${body}</main></body>`,
    '</html>',
  ].join('\n');
}

/** The preference page: a check box per topic and channel, and one per channel for everything. */
export function renderPreferencePage(model: PreferencePageModel): string {
  const who = model.recipient ? ` to <strong>${escapeHtml(model.recipient)}</strong>` : '';
  const head = model.channels.map((c) => `<th scope="col" class="box">${escapeHtml(channelLabel(c.channel))}</th>`).join('');
  const rows = model.topics
    .map((topic) => {
      const cells = topic.boxes
        .map((box) => {
          const label = `${topic.name} by ${channelLabel(box.channel)}`;
          if (topic.required)
            return `<td class="box"><input type="checkbox" checked disabled aria-label="${escapeHtml(label)} (always sent)"></td>`;
          const value = escapeHtml(`${topic.key}:${box.channel}`);
          return (
            `<td class="box"><input type="hidden" name="box" value="${value}">` +
            `<input type="checkbox" name="on" value="${value}"${box.on ? ' checked' : ''} aria-label="${escapeHtml(label)}"></td>`
          );
        })
        .join('');
      const description = topic.description ? `<span class="desc">${escapeHtml(topic.description)}</span>` : '';
      const tag = topic.required ? '<span class="tag">Always sent</span>' : '';
      return `<tr${topic.current ? ' class="current"' : ''}><th scope="row"><span class="name">${escapeHtml(topic.name)}</span>${description}${tag}</th>${cells}</tr>`;
    })
    .join('\n');
  const table =
    model.topics.length > 0
      ? `<table><thead><tr><th scope="col">Topic</th>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`
      : '<p class="muted">There are no topics to choose from yet.</p>';
  const channelToggles = model.channels
    .map(
      (c) =>
        `<label><input type="hidden" name="offered" value="${escapeHtml(c.channel)}">` +
        `<input type="checkbox" name="receive" value="${escapeHtml(c.channel)}"${c.on ? ' checked' : ''}> ` +
        `Receive ${escapeHtml(channelLabel(c.channel))} messages from ${escapeHtml(model.workspaceName)}</label>`,
    )
    .join('\n');
  const body = [
    '<h1>Notification preferences</h1>',
    `<p class="muted">Choose which messages ${escapeHtml(model.workspaceName)} sends${who}.</p>`,
    model.saved ? '<p class="notice" role="status">Your preferences are saved.</p>' : '',
    '<form method="post" action="">',
    table,
    '<fieldset><legend>All messages</legend>',
    channelToggles,
    '<p class="muted">Unticked: nothing on that channel except messages marked “Always sent”, such as security and billing notices.</p>',
    '</fieldset>',
    '<button type="submit">Save preferences</button>',
    '</form>',
    '<footer>You can come back to this page from the link in any message.</footer>',
  ].join('\n');
  return layout(`Notification preferences · ${model.workspaceName}`, body);
}

/** The page behind an unsubscribe link: a confirmation (GET never changes anything), then the result. */
export function renderUnsubscribePage(model: UnsubscribePageModel): string {
  const what = model.topicName ? `“${escapeHtml(model.topicName)}” messages` : 'e-mail';
  const from = escapeHtml(model.workspaceName);
  const who = model.recipient ? ` for <strong>${escapeHtml(model.recipient)}</strong>` : '';
  const manage = `<p><a href="${escapeHtml(model.preferencesHref)}">Manage all your preferences</a></p>`;
  let body: string;
  if (model.state === 'confirm' && model.required) {
    body = [
      `<h1>${what[0].toUpperCase()}${what.slice(1)} are always sent</h1>`,
      `<p>${from} sends these to everyone${who}: they are about your account, such as security or billing notices, and cannot be turned off.</p>`,
      manage,
    ].join('\n');
  } else if (model.state === 'confirm') {
    body = [
      `<h1>Unsubscribe from ${what}?</h1>`,
      `<p>${from} will stop sending you ${what}${who}.${model.topicName ? '' : ' Messages marked “Always sent”, such as security and billing notices, still arrive.'}</p>`,
      '<form method="post" action=""><input type="hidden" name="confirm" value="unsubscribe">',
      '<button type="submit" class="danger">Unsubscribe</button></form>',
      manage,
    ].join('\n');
  } else {
    body = [
      '<h1>You are unsubscribed</h1>',
      model.required
        ? `<p>Your choice is saved, but ${what} are about your account and are still sent.</p>`
        : `<p>${from} will no longer send you ${what}${who}.</p>`,
      `<p class="muted">Changed your mind? <a href="${escapeHtml(model.preferencesHref)}">Manage your preferences</a>.</p>`,
    ].join('\n');
  }
  return layout(`Unsubscribe · ${model.workspaceName}`, body);
}

/** A page saying what went wrong with a link and what to do about it. */
export function renderProblemPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
