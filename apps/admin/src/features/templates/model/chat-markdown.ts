/**
 * Chat text as Slack and Microsoft Teams show it, as spans the preview renders without HTML:
 * bold, italic, strike-through, inline code and links. Slack's mrkdwn (`*bold*`, `_italic_`,
 * `~strike~`, `<https://…|label>`) and Teams' markdown (`**bold**`, `*italic*`, `[label](https://…)`)
 * differ, so the flavour is chosen by the preview.
 */
export type ChatFlavour = 'slack' | 'teams';

export type ChatSpan =
  | { kind: 'text'; text: string }
  | { kind: 'bold' | 'italic' | 'strike' | 'code'; text: string }
  | { kind: 'link'; text: string; href: string };

const PATTERNS: Record<ChatFlavour, RegExp> = {
  slack: /`([^`\n]+)`|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~|<(https?:\/\/[^|>\s]+)(?:\|([^>]+))?>/g,
  teams: /`([^`\n]+)`|\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|~~([^~\n]+)~~|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g,
};

export function chatSpans(text: string, flavour: ChatFlavour): ChatSpan[] {
  const spans: ChatSpan[] = [];
  const pattern = new RegExp(PATTERNS[flavour]);
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) spans.push({ kind: 'text', text: text.slice(last, match.index) });
    const [, code, bold, italic, strike, a, b] = match;
    if (code !== undefined) spans.push({ kind: 'code', text: code });
    else if (bold !== undefined) spans.push({ kind: 'bold', text: bold });
    else if (italic !== undefined) spans.push({ kind: 'italic', text: italic });
    else if (strike !== undefined) spans.push({ kind: 'strike', text: strike });
    else if (flavour === 'slack') spans.push({ kind: 'link', href: a, text: b ?? a });
    else spans.push({ kind: 'link', href: b, text: a });
    last = match.index + match[0].length;
  }
  if (last < text.length) spans.push({ kind: 'text', text: text.slice(last) });
  return spans;
}
