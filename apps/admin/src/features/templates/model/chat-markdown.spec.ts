import { chatSpans } from './chat-markdown';

describe('chat preview markdown', () => {
  it('reads Slack mrkdwn', () => {
    expect(chatSpans('Hi *Ada*, see <https://acme.example/x|your report> or `code` _now_ ~old~', 'slack')).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'bold', text: 'Ada' },
      { kind: 'text', text: ', see ' },
      { kind: 'link', href: 'https://acme.example/x', text: 'your report' },
      { kind: 'text', text: ' or ' },
      { kind: 'code', text: 'code' },
      { kind: 'text', text: ' ' },
      { kind: 'italic', text: 'now' },
      { kind: 'text', text: ' ' },
      { kind: 'strike', text: 'old' },
    ]);
  });

  it('reads Teams markdown', () => {
    expect(chatSpans('**Ada**, *see* [the report](https://acme.example/x)', 'teams')).toEqual([
      { kind: 'bold', text: 'Ada' },
      { kind: 'text', text: ', ' },
      { kind: 'italic', text: 'see' },
      { kind: 'text', text: ' ' },
      { kind: 'link', href: 'https://acme.example/x', text: 'the report' },
    ]);
  });

  it('leaves plain text and non-http links as text', () => {
    expect(chatSpans('plain <javascript:alert(1)|x>', 'slack')).toEqual([{ kind: 'text', text: 'plain <javascript:alert(1)|x>' }]);
  });
});
